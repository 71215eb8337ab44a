"""Principal component analysis: covariance eigendecomposition, full SVD,
randomized SVD or ARPACK, chosen as scikit-learn chooses.

Sign convention (deterministic, scikit-learn's ``svd_flip(u_based_decision=
False)``): in each component the entry of largest absolute value is positive.
The probabilistic-PCA methods (score, score_samples, get_covariance,
get_precision) follow Tipping & Bishop's model with noise_variance_.
"""
import math
import numbers

import numpy as np

from ..base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from ..utils._gram import centered_gram, small_blas
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils._sparse import is_sparse
from ..utils.validation import check_random_state
from . import _pca_sparse

__all__ = ["PCA"]


def _flip_rows(Vt, U=None):
    """Make the largest-|.| entry of each row of Vt positive (columns of U follow)."""
    if Vt.shape[0] == 0:
        return Vt, U
    signs = np.sign(Vt[np.arange(Vt.shape[0]), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    Vt *= signs[:, None].astype(Vt.dtype)
    if U is not None:
        U *= signs.astype(U.dtype)
    return Vt, U


def _minka_loglik(spectrum, rank, n_samples):
    """Log-likelihood of a rank-`rank` PPCA model for eigenvalues `spectrum`
    (Minka, "Automatic choice of dimensionality for PCA", NIPS 2000, eq. 31)."""
    p = spectrum.shape[0]
    tiny = 1e-15
    if spectrum[rank - 1] < tiny:
        return -np.inf
    i = np.arange(1, rank + 1)
    log_pu = -rank * math.log(2.0) + sum(math.lgamma((p - j + 1) / 2.0)
                                         - math.log(math.pi) * (p - j + 1) / 2.0 for j in i)
    log_pl = -np.log(spectrum[:rank]).sum() * n_samples / 2.0
    v = max(tiny, spectrum[rank:].sum() / (p - rank))
    log_pv = -math.log(v) * n_samples * (p - rank) / 2.0
    m = p * rank - rank * (rank + 1.0) / 2.0
    log_pp = math.log(2.0 * math.pi) * (m + rank) / 2.0
    lam = spectrum.copy()
    lam[rank:] = v
    log_pa = 0.0
    for a in range(rank):
        b = np.arange(a + 1, p)
        log_pa += np.sum(np.log((spectrum[a] - spectrum[b]) * (1.0 / lam[b] - 1.0 / lam[a]))
                         + math.log(n_samples))
    return log_pu + log_pl + log_pv + log_pp - log_pa / 2.0 - rank * math.log(n_samples) / 2.0


def _mle_components(spectrum, n_samples):
    ll = [_minka_loglik(spectrum, r, n_samples) for r in range(1, spectrum.shape[0])]
    return int(np.argmax(ll)) + 1 if ll else 1


def _sum_squares(A):
    """sum of squares of A in float64, in row blocks (no full-size temporary)."""
    step = max(1, (1 << 16) // max(1, A.shape[1]))
    return float(sum(np.einsum("ij,ij->", b, b) for b in
                     (np.asarray(A[i:i + step], dtype=np.float64)
                      for i in range(0, A.shape[0], step))))


def _randomized_svd(M, k, n_oversamples, n_iter, normalizer, rng):
    """Top-k SVD of M by a randomized range finder with power iterations
    (Halko, Martinsson & Tropp 2011, algorithm 4.4 with LU or QR renormalisation)."""
    import scipy.linalg

    n, p = M.shape
    if n < p:  # work on the tall side: the orthonormalisations are then cheaper
        Vt, s, U = _randomized_svd(M.T, k, n_oversamples, n_iter, normalizer, rng)
        return U.T, s, Vt.T
    ell = min(k + n_oversamples, p)
    Q = M @ rng.normal(size=(p, ell)).astype(M.dtype, copy=False)
    for _ in range(n_iter):
        if normalizer == "LU":
            Q = scipy.linalg.lu(Q, permute_l=True, check_finite=False)[0]
            Q = scipy.linalg.lu(M.T @ Q, permute_l=True, check_finite=False)[0]
        elif normalizer == "QR":
            Q = scipy.linalg.qr(Q, mode="economic", check_finite=False)[0]
            Q = scipy.linalg.qr(M.T @ Q, mode="economic", check_finite=False)[0]
        else:
            Q = M.T @ Q
        Q = M @ Q
    Q = scipy.linalg.qr(Q, mode="economic", check_finite=False)[0]
    Uh, s, Vt = scipy.linalg.svd(Q.T @ M, full_matrices=False, check_finite=False)
    return (Q @ Uh)[:, :k], s[:k], Vt[:k]


def _gram_pays(M, k, n_oversamples, n_iter):
    """Whether _randomized_svd_gram beats _randomized_svd on dense float64 M: the
    Gram matrix of the short side m costs m^2 M/2 multiply-adds at the SYRK rate;
    the 2 n_iter + 2 passes of the plain range finder cost m M ell each at the
    rate of a product with ell columns, about half the SYRK rate here (measured
    on 1000 x 5000, ell = 30)."""
    m = min(M.shape)
    ell = min(k + n_oversamples, m)
    return M.dtype == np.float64 and m <= 4096 and m <= 8 * (n_iter + 1) * ell


def _randomized_svd_gram(M, k, n_oversamples, n_iter, normalizer, rng):
    """_randomized_svd with the power iterations on the Gram matrix of M's short
    side: (U, s, Vt, sum of squares of M). With A = M^T (tall when M is wide),
    the plain range finder spans A (A^T A)^q Omega; here G = A^T A = M M^T is
    formed once (utils._gram.row_gram), the q products run on G (m x m), and M is read twice
    more (A Z and the projection). The same random draws, the same subspace in
    exact arithmetic; the trace of G is the total sum of squares for free."""
    import scipy.linalg

    n, p = M.shape
    if n > p:
        Vt, s, U, tr = _randomized_svd_gram(M.T, k, n_oversamples, n_iter, normalizer, rng)
        return U.T, s, Vt.T, tr
    ell = min(k + n_oversamples, n)
    from ..utils._gram import row_gram

    G = row_gram(M)  # (n, n): SYRK / GEMM blocks on fastml's threads
    tr = float(np.trace(G))
    Z = rng.normal(size=(n, ell)).astype(M.dtype, copy=False)
    for _ in range(n_iter):
        if normalizer == "LU":
            Z = scipy.linalg.lu(Z, permute_l=True, check_finite=False)[0]
        elif normalizer == "QR":
            Z = scipy.linalg.qr(Z, mode="economic", check_finite=False)[0]
        Z = G @ Z
    Q = scipy.linalg.qr(M.T @ Z, mode="economic", check_finite=False)[0]  # (p, ell)
    Uh, s, Vt = scipy.linalg.svd((M @ Q).T, full_matrices=False, check_finite=False)
    return Vt[:k].T, s[:k], (Q @ Uh[:, :k]).T, tr


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Linear dimensionality reduction onto the top principal axes.

    n_components: None (min(n_samples, n_features); minus 1 for arpack), an
    int, a float in (0, 1) (keep enough components to explain that fraction of
    the variance) or "mle" (Minka's maximum-likelihood dimension).
    svd_solver (scikit-learn's names and "auto" policy):

    - "covariance_eigh": eigendecomposition of the covariance matrix, built by
      one BLAS pass over X without a centred copy (fastml.utils._gram). "auto"
      picks it for tall data (n_features <= 1000, n_samples >= 10 n_features).
    - "full": thin SVD of the centred data (float64). "auto" picks it for
      small data (max dimension <= 500), n_components="mle" or fractions.
    - "randomized": randomized range finder with `iterated_power` power
      iterations ("auto": 7 when n_components < 0.1 min(n, p), else 4),
      `n_oversamples` extra vectors and `power_iteration_normalizer`
      ("auto": QR when iterated_power <= 2, else LU). "auto" picks it for
      1 <= n_components < 0.8 min(n, p) otherwise.
    - "arpack": ARPACK (SciPy's svds) with tolerance `tol`.

    fastml differs on purpose in precision only: "full" and "covariance_eigh"
    work in float64 for float32 input (outputs are float32).
    whiten=True divides the scores by sqrt(explained_variance_).
    scipy.sparse input (CSR/CSC, matrix or array) is centred implicitly, never
    densified (see _pca_sparse): "arpack" (also what "auto" picks) runs on a
    centred linear operator, "covariance_eigh" forms X^T X - n mean mean^T;
    "full" and "randomized" raise a TypeError, as in scikit-learn.
    Attributes: components_ (k, p), explained_variance_, explained_variance_ratio_,
    singular_values_, mean_, n_components_, n_samples_, noise_variance_.
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 0, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="neither"), StrOptions({"mle"}),
                         None],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions({"auto", "full", "covariance_eigh", "arpack", "randomized"})],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "iterated_power": [StrOptions({"auto"}), Interval(numbers.Integral, 0, None,
                                                          closed="left")],
        "n_oversamples": [Interval(numbers.Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, copy=True, whiten=False, svd_solver="auto",
                 tol=0.0, iterated_power="auto", n_oversamples=10,
                 power_iteration_normalizer="auto", random_state=None):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    def fit(self, X, y=None):
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        U, S, X = self._fit(X)
        k = self.n_components_
        if U is None:  # covariance_eigh: no left singular vectors
            return self.transform(X)
        Z = U[:, :k] * (np.sqrt(U.shape[0] - 1) if self.whiten else S[:k])
        return Z.astype(self._dtype, copy=False)

    def _choose_solver(self, n, p, nc):
        solver = self.svd_solver
        if solver != "auto":
            return solver
        if p <= 1000 and n >= 10 * p:
            return "covariance_eigh"
        if max(n, p) <= 500 or nc == "mle":
            return "full"
        if nc is not None and not isinstance(nc, str) and 1 <= nc < 0.8 * min(n, p):
            return "randomized"
        return "full"

    def _check_X(self, X, reset):
        """Dense X as _validate_data gives it; sparse X as canonical CSR/CSC."""
        if not is_sparse(X):
            return self._validate_data(X, reset=reset, ensure_min_samples=2 if reset else 1)
        self._check_feature_names(X, reset=reset)
        X = _pca_sparse.validate(X, ensure_min_samples=2 if reset else 1)
        self._check_n_features(X, reset=reset)
        return X

    def _fit(self, X):
        self._validate_params()
        if is_sparse(X) and self.svd_solver not in ("auto", "arpack", "covariance_eigh"):
            raise TypeError('PCA only support sparse inputs with the "arpack" and '
                            f'"covariance_eigh" solvers, while "{self.svd_solver}" was '
                            "passed. See TruncatedSVD for a possible alternative.")
        X = self._check_X(X, reset=True)
        n, p = X.shape
        self._dtype = X.dtype
        nc = self.n_components
        if is_sparse(X) and self.svd_solver == "auto":
            solver = "arpack"  # the one truncated solver that centres implicitly
        else:
            solver = self._choose_solver(n, p, nc)
        if nc is None:
            nc = min(n, p) - (solver == "arpack")
        self._fit_svd_solver = solver
        if solver in ("arpack", "randomized"):
            return self._fit_truncated(X, nc, solver)
        return self._fit_full(X, nc, solver)

    def _fit_full(self, X, nc, solver):
        import scipy.linalg

        n, p = X.shape
        kmax = min(n, p)
        if nc == "mle":
            if n < p:
                raise ValueError("n_components='mle' is only supported if n_samples >= "
                                 "n_features")
        elif not 0 <= nc <= kmax:
            raise ValueError(f"n_components={nc} must be between 0 and min(n_samples, "
                             f"n_features)={kmax} with svd_solver={solver!r}")
        U = None
        if solver == "full":
            mean = np.mean(X, axis=0, dtype=np.float64)
            U, S, Vt = scipy.linalg.svd(np.asarray(X, dtype=np.float64) - mean,
                                        full_matrices=False, check_finite=False)
            var = S ** 2 / (n - 1)
        else:  # covariance_eigh
            if is_sparse(X):
                G, mean = _pca_sparse.centered_gram(X)
            else:
                G, _, mean, _, _ = centered_gram(X)
            G /= n - 1
            if isinstance(nc, numbers.Integral) and 0 < nc < p <= n:
                # only the top nc pairs: the ratios and the noise variance need the
                # eigenvalue total, which is the trace (the other p - nc eigenvalues
                # are never formed; their mean is (trace - top sum) / (p - nc))
                total = float(np.trace(G))
                with small_blas(p):
                    top, V = scipy.linalg.eigh(G, check_finite=False, overwrite_a=True,
                                               driver="evr", subset_by_index=[p - nc, p - 1])
                top, Vt = np.clip(top[::-1], 0.0, None), np.ascontiguousarray(V[:, ::-1].T)
                return self._finish_top(X, mean, Vt, top, total, n, nc)
            with small_blas(p):
                var, V = scipy.linalg.eigh(G, check_finite=False, overwrite_a=True,
                                          driver="evd")
            # all p eigenvalues are kept for the ratios and the noise variance (as
            # scikit-learn does); at most min(n, p) components can be kept
            var, Vt = np.clip(var[::-1], 0.0, None), np.ascontiguousarray(V[:, ::-1].T)
            S = np.sqrt(var * (n - 1))
        Vt, U = _flip_rows(Vt, U)
        total = var.sum()
        ratio = var / total if total > 0 else np.zeros_like(var)
        if nc == "mle":
            k = _mle_components(var, n)
        elif 0 < nc < 1 and not isinstance(nc, numbers.Integral):
            k = int(np.searchsorted(np.cumsum(ratio), nc, side="right") + 1)
            k = min(k, kmax, len(var))
        else:
            k = int(nc)
        self.noise_variance_ = float(var[k:].mean()) if k < kmax else 0.0
        self._store(X, mean, Vt[:k], var[:k], ratio[:k], S[:k], n)
        return U, S, X

    def _finish_top(self, X, mean, Vt, top, total, n, k):
        """Store the top k covariance eigenpairs (covariance_eigh with an integer
        n_components < n_features <= n_samples); total is the trace."""
        p = X.shape[1]
        Vt, _ = _flip_rows(Vt, None)
        self.noise_variance_ = float(max(total - top.sum(), 0.0) / (p - k))
        ratio = top / total if total > 0 else np.zeros_like(top)
        S = np.sqrt(top * (n - 1))
        self._store(X, mean, Vt, top, ratio, S, n)
        return None, S, X

    def _fit_truncated(self, X, k, solver):
        n, p = X.shape
        kmax = min(n, p)
        # scikit-learn's messages; with sparse input and svd_solver="auto" a hint
        hint = ("" if not (is_sparse(X) and self.svd_solver == "auto") else
                " ('auto' picks 'arpack' for sparse input; svd_solver='covariance_eigh' "
                "takes a variance fraction or 'mle')")
        if isinstance(k, str):
            raise ValueError(f"n_components={k!r} cannot be a string with "
                             f"svd_solver='{solver}'{hint}")
        if not (isinstance(k, numbers.Integral) and 1 <= k <= kmax):
            raise ValueError(f"n_components={k!r} must be between 1 and min(n_samples, "
                             f"n_features)={kmax} with svd_solver='{solver}'{hint}")
        if solver == "arpack" and k == kmax:
            raise ValueError(f"n_components={k!r} must be strictly less than min(n_samples, "
                             f"n_features)={kmax} with svd_solver='{solver}'")
        rng = check_random_state(self.random_state)
        if is_sparse(X):  # arpack only: centred implicitly
            mean, total = _pca_sparse.mean_and_total_variance(X)
            Xc = _pca_sparse.centered_operator(X, mean)
        else:
            mean = np.mean(X, axis=0, dtype=np.float64)
            Xc = np.array(X, copy=True) if self.copy else X
            Xc -= mean.astype(Xc.dtype)
            total = None
        if solver == "arpack":
            from scipy.sparse.linalg import svds

            v0 = rng.uniform(-1, 1, size=kmax)
            if is_sparse(X):
                # every BLAS call here is small (ARPACK's basis, the final QR and
                # (n, k) SVD); the sparse products are SciPy's, single-threaded.
                # One BLAS thread: measured 1.3 s against 4.2 s with two on a
                # busy 2-core machine (20000 x 2000 at 1%, k=20)
                with small_blas(k):
                    U, S, Vt = svds(Xc, k=k, tol=self.tol, v0=v0)
            else:
                U, S, Vt = svds(Xc, k=k, tol=self.tol, v0=v0)
            U, S, Vt = U[:, ::-1], S[::-1], Vt[::-1]
        else:
            n_iter = self.iterated_power
            if n_iter == "auto":
                n_iter = 7 if k < 0.1 * kmax else 4
            norm = self.power_iteration_normalizer
            if norm == "auto":
                norm = "QR" if n_iter <= 2 else "LU"
            if _gram_pays(Xc, k, self.n_oversamples, n_iter):
                U, S, Vt, sumsq = _randomized_svd_gram(Xc, k, self.n_oversamples, n_iter,
                                                       norm, rng)
                total = sumsq / (n - 1)
            else:
                U, S, Vt = _randomized_svd(Xc, k, self.n_oversamples, n_iter, norm, rng)
        Vt, U = _flip_rows(np.array(Vt), np.array(U))
        S = np.asarray(S, dtype=np.float64)
        var = S ** 2 / (n - 1)
        if total is None:
            total = _sum_squares(Xc) / (n - 1)
        self.noise_variance_ = float((total - var.sum()) / (kmax - k)) if k < kmax else 0.0
        self._store(X, mean, Vt, var, var / total if total > 0 else np.zeros_like(var), S, n)
        return U, S, X

    def _store(self, X, mean, Vt, var, ratio, S, n):
        dt = X.dtype
        self.n_components_ = int(Vt.shape[0])
        self.n_samples_ = n
        self.mean_ = np.asarray(mean).astype(dt)
        self.components_ = np.ascontiguousarray(Vt, dtype=dt)
        self.explained_variance_ = np.asarray(var).astype(dt)
        self.explained_variance_ratio_ = np.asarray(ratio).astype(dt)
        self.singular_values_ = np.asarray(S).astype(dt)

    def transform(self, X):
        self._check_is_fitted("components_")
        X = self._check_X(X, reset=False)
        if is_sparse(X):  # centred after the projection: X stays sparse
            W = self.components_.T
            Z = _pca_sparse.project(X, W) - self.mean_ @ W
        else:
            Z = (X - self.mean_) @ self.components_.T
        if self.whiten:
            Z /= np.sqrt(np.maximum(self.explained_variance_, np.finfo(Z.dtype).tiny))
        return Z

    def inverse_transform(self, X):
        self._check_is_fitted("components_")
        X = np.asarray(X)
        if self.whiten:
            X = X * np.sqrt(self.explained_variance_)
        return X @ self.components_ + self.mean_

    def _scaled_components(self):
        comp = self.components_.astype(np.float64)
        ev = self.explained_variance_.astype(np.float64)
        if self.whiten:  # (scikit-learn's formula, including its scaling of whitened components)
            comp = comp * np.sqrt(ev)[:, None]
        return comp, np.maximum(ev - self.noise_variance_, 0.0)

    def get_covariance(self):
        """Model covariance components_^T diag(ev - sigma^2) components_ + sigma^2 I."""
        self._check_is_fitted("components_")
        comp, diff = self._scaled_components()
        cov = (comp.T * diff) @ comp
        cov.flat[:: cov.shape[0] + 1] += self.noise_variance_
        return cov

    def get_precision(self):
        """Inverse of get_covariance() by the matrix inversion lemma (k x k solve)."""
        import scipy.linalg

        self._check_is_fitted("components_")
        p = self.components_.shape[1]
        s2 = float(self.noise_variance_)
        if self.n_components_ == 0:
            return np.eye(p) / s2
        if s2 == 0.0:
            cov = self.get_covariance()
            try:
                return scipy.linalg.inv(cov)
            except np.linalg.LinAlgError:  # exactly singular model covariance
                return np.linalg.pinv(cov, hermitian=True)
        comp, diff = self._scaled_components()
        keep = diff > 0
        comp, diff = comp[keep], diff[keep]
        # (s2 I + C^T D C)^-1 = I/s2 - C^T (D^-1 + C C^T / s2)^-1 C / s2^2
        inner = comp @ comp.T / s2
        inner.flat[:: inner.shape[0] + 1] += 1.0 / diff
        prec = -(comp.T @ scipy.linalg.solve(inner, comp, assume_a="pos")) / (s2 * s2)
        prec.flat[:: p + 1] += 1.0 / s2
        return prec

    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model."""
        self._check_is_fitted("components_")
        X = self._validate_data(X, reset=False)
        R = np.asarray(X, dtype=np.float64) - self.mean_
        prec = self.get_precision()
        p = X.shape[1]
        sign, logdet = np.linalg.slogdet(prec)
        if sign <= 0:
            logdet = -np.inf
        ll = -0.5 * np.einsum("ij,ij->i", R, R @ prec)
        return ll - 0.5 * (p * np.log(2.0 * np.pi) - logdet)

    def score(self, X, y=None):
        """Average log-likelihood of the samples."""
        return float(np.mean(self.score_samples(X)))

    def _fastml_tags(self):
        # sparse input: "arpack" and "covariance_eigh"; "auto" picks arpack, which
        # takes an integer n_components only (scikit-learn tags every "auto" sparse)
        nc = self.n_components
        auto_ok = nc is None or isinstance(nc, numbers.Integral)
        return {"preserves_dtype": ["float64", "float32"],
                "sparse": self.svd_solver in ("arpack", "covariance_eigh")
                or (self.svd_solver == "auto" and auto_ok)}
