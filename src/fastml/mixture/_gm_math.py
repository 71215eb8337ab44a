"""The numerical pieces of GaussianMixture: parameter checks, the M-step
estimates, precision Cholesky factors and the E-step driver.

Precision factors follow scikit-learn: P_j is upper triangular with
P_j P_j^T = inv(Sigma_j) (full), one P for tied, and the square roots of the
precisions for diag/spherical. The E-step leaves the squared norms, the
log-sum-exp and the responsibilities to the fused kernel
(fastml._kernels.gmm), one pass over X in one parallel region: for full
covariances the kernel also does the triangular whitening x P_j, for tied
the one product X @ P goes to BLAS, diag/spherical scale X in the kernel. The
full covariances of the M-step are one-pass weighted, mean-shifted Gram
matrices (fastml._kernels.gram), exact centring with no n x d temporaries.
"""
import math

import numpy as np
from scipy import linalg

from .._kernels import gmm as _gmm
from .._kernels.gram import shifted_gram

_LOG_2PI = math.log(2 * math.pi)
_SHAPES = {"full": lambda k, d: (k, d, d), "tied": lambda k, d: (d, d),
           "diag": lambda k, d: (k, d), "spherical": lambda k, d: (k,)}


def _check_shape(a, shape, name):
    if a.shape != shape:
        raise ValueError(f"The parameter '{name}' should have the shape of {shape}, but got "
                         f"{a.shape}")


def _as_float(a, name):
    a = np.asarray(a)
    if a.dtype not in (np.float32, np.float64):
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"The parameter '{name}' must be numeric, got dtype {a.dtype}")
    if not np.isfinite(a).all():
        raise ValueError(f"The parameter '{name}' contains NaN or infinity.")
    return a


def check_weights(weights, k):
    w = _as_float(weights, "weights_init")
    _check_shape(w, (k,), "weights")
    if (w < 0).any() or (w > 1).any():
        # scikit-learn's wording, values in its order (the minimum is printed first)
        raise ValueError("The parameter 'weights' should be in the range [0, 1], but got max "
                         f"value {w.min():.5f}, min value {w.max():.5f}")
    atol = 1e-6 if w.dtype == np.float32 else 1e-8
    if not np.allclose(abs(1.0 - float(w.sum())), 0.0, atol=atol):
        raise ValueError("The parameter 'weights' should be normalized, but got sum(weights) "
                         f"= {w.sum():.5f}")
    return w


def check_means(means, k, d):
    m = _as_float(means, "means_init")
    _check_shape(m, (k, d), "means")
    return m


def _check_spd(p, cov_type):
    if not (np.allclose(p, p.T) and (np.linalg.eigvalsh(p) > 0.0).all()):
        raise ValueError(f"'{cov_type} precision' should be symmetric, positive-definite")


def check_precisions(precisions, cov_type, k, d):
    p = _as_float(precisions, "precisions_init")
    _check_shape(p, _SHAPES[cov_type](k, d), f"{cov_type} precision")
    if cov_type == "full":
        for j in range(k):
            _check_spd(p[j], cov_type)
    elif cov_type == "tied":
        _check_spd(p, cov_type)
    elif (p <= 0.0).any():
        raise ValueError(f"'{cov_type} precision' should be positive")
    return p


class DataStats:
    """Per-fit constants of X reused by every M-step: the column mean and, on
    demand, the centred Gram (tied) or the centred squares (diag, spherical),
    so the moment formulas cancel on the data's spread, not its offset."""

    def __init__(self, X):
        self.X = X
        self.mean = X.mean(axis=0, dtype=np.float64)
        self._gram = self._sq = None

    def centred_gram(self):
        if self._gram is None:
            Xc = self.X - self.mean.astype(self.X.dtype)
            self._gram = Xc.T @ Xc
        return self._gram

    def centred_squares(self):
        if self._sq is None:
            Xc = self.X - self.mean.astype(self.X.dtype)
            self._sq = Xc * Xc
        return self._sq


def estimate_parameters(stats, resp, reg_covar, cov_type):
    """(nk, means, covariances) from responsibilities (n, k), in X's dtype."""
    X = stats.X
    dt = X.dtype
    mass = resp.sum(axis=0)
    nk = mass + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / nk[:, None]
    k, d = means.shape
    shift = stats.mean.astype(dt)
    if cov_type == "full":
        cov = np.empty((k, d, d), dtype=dt)
        rT = np.ascontiguousarray(resp.T, dtype=np.float64)
        for j in range(k):
            S = shifted_gram(X, None, rT[j], means[j].astype(np.float64))
            cov[j] = S[:d, :d] / float(nk[j])
            cov[j].flat[::d + 1] += reg_covar
    elif cov_type == "tied":
        mc = means - shift
        cov = stats.centred_gram() - (nk[:, None] * mc).T @ mc
        cov /= nk.sum()
        cov.flat[::d + 1] += reg_covar
    else:
        mc = means - shift
        # the moments are taken about the data mean `shift`; the last term puts
        # back what the eps in nk removes (a whole shift**2 for a component with
        # no responsibility, which then gets the variance reg_covar, as
        # scikit-learn's raw-moment formula gives)
        cov = (resp.T @ stats.centred_squares()) / nk[:, None] - mc * mc + reg_covar + \
            (shift * shift)[None, :] * (1.0 - mass / nk)[:, None]
        if cov_type == "spherical":
            cov = cov.mean(axis=1)
    return nk, means, cov.astype(dt, copy=False)


def _precision_error(dtype):
    msg = ("Fitting the mixture model failed because some components have ill-defined "
           "empirical covariance (for instance caused by singleton or collapsed samples). "
           "Try to decrease the number of components, increase reg_covar, or scale the "
           "input data.")
    if dtype == np.float32:
        msg += (" The numerical accuracy can also be improved by passing float64 data "
                "instead of float32.")
    return ValueError(msg)


def _chol_inv_t(cov):
    """inv(cholesky(cov)).T, upper triangular; ValueError if cov is not SPD."""
    if not np.isfinite(cov).all():
        raise _precision_error(cov.dtype)
    try:
        L = linalg.cholesky(cov, lower=True, check_finite=False)
    except linalg.LinAlgError:
        raise _precision_error(cov.dtype) from None
    d = cov.shape[0]
    return linalg.solve_triangular(L, np.eye(d, dtype=cov.dtype), lower=True,
                                   check_finite=False).T


def precision_cholesky(cov, cov_type):
    if cov_type == "full":
        out = np.empty_like(cov)
        for j in range(cov.shape[0]):
            out[j] = _chol_inv_t(cov[j])
        return out
    if cov_type == "tied":
        return _chol_inv_t(cov)
    if not np.isfinite(cov).all() or (cov <= 0.0).any():
        raise _precision_error(cov.dtype)
    return 1.0 / np.sqrt(cov)


def _flip_chol(p):
    """Upper factor U with U U^T = p (Cholesky of p with rows and columns reversed)."""
    return linalg.cholesky(p[::-1, ::-1], lower=True)[::-1, ::-1]


def precision_cholesky_from_precisions(prec, cov_type):
    if cov_type == "full":
        return np.stack([_flip_chol(p) for p in prec])
    if cov_type == "tied":
        return _flip_chol(prec)
    return np.sqrt(prec)


def precisions_from_cholesky(pc, cov_type):
    if cov_type == "full":
        return np.matmul(pc, pc.transpose(0, 2, 1))
    if cov_type == "tied":
        return pc @ pc.T
    return pc ** 2


def log_det_cholesky(pc, cov_type, d):
    if cov_type == "full":
        return np.log(np.diagonal(pc, axis1=1, axis2=2)).sum(axis=1)
    if cov_type == "tied":
        return np.log(np.diag(pc)).sum()
    if cov_type == "diag":
        return np.log(pc).sum(axis=1)
    return d * np.log(pc)


def estep(X, weights, means, pc, cov_type):
    """(resp (n, k), lse (n,)) in X's dtype: the posterior of every component
    and log p(x) for every row."""
    dt = X.dtype
    n, d = X.shape
    k = means.shape[0]
    with np.errstate(divide="ignore"):
        logw = np.log(weights.astype(np.float64))
    c = np.ascontiguousarray(logw + log_det_cholesky(pc.astype(np.float64), cov_type, d)
                             - 0.5 * d * _LOG_2PI, dtype=dt)
    resp = np.empty((n, k), dtype=dt)
    lse = np.empty(n, dtype=dt)
    means = means.astype(dt, copy=False)
    pc = pc.astype(dt, copy=False)
    if cov_type in ("diag", "spherical"):
        S = pc if cov_type == "diag" else np.repeat(pc[:, None], d, axis=1)
        S = np.ascontiguousarray(S)
        B = np.ascontiguousarray(means * S)
        _gmm.estep(resp, lse, X, 0, S, B, c)
        return resp, lse
    if cov_type == "full":
        ldp = -(-d // _gmm.LDP) * _gmm.LDP
        P = np.zeros((k, d, ldp), dtype=dt)
        P[:, :, :d] = np.triu(pc)
        B = np.zeros((k, ldp), dtype=dt)
        B[:, :d] = np.einsum("jd,jde->je", means, P[:, :, :d])
        _gmm.estep_tri(resp, lse, X, P, B, c)
        return resp, lse
    # tied: one whitening product for all components (BLAS), then the kernel
    P = np.ascontiguousarray(pc)
    Y = X @ P
    B = np.ascontiguousarray(means @ P)
    _gmm.estep(resp, lse, Y, 0, None, B, c)
    return resp, lse
