"""Centred Gram matrices X_c^T W X_c and cross products X_c^T W Y_c through BLAS.

The normal-equation solvers (LinearRegression, Ridge) and PCA's covariance
solver need, for X (n, p), targets Y (n, k) and weights w (n,):

    mean  = sum_i w_i x_i / sum_i w_i
    G     = sum_i w_i (x_i - mean)(x_i - mean)^T        (p, p)
    C     = sum_i w_i (x_i - mean)(y_i - ymean)^T       (p, k)

without a centred copy of X. Two paths, both BLAS (the SYRK/GEMM that NumPy
and SciPy ship, threaded by the BLAS itself):

- direct (no weights): G = X^T X - n mean mean^T, C = X^T Y - n mean ymean^T.
  One SYRK over X plus one GEMM pass for X^T [Y | 1]; the correction is a
  (p, p) update. It loses digits when |mean_j| >> std_j (cancellation); the
  result checks every diagonal entry and, when more than ~half of the
  working precision was cancelled, the blocked path below recomputes.
- blocked (weights, or after cancellation): rows in blocks of ~4096; each
  block is shifted by a provisional mean (the mean of the first block), scaled
  by sqrt(w) and written to a small float64 buffer [sqrt(w)(x - s) | sqrt(w)(y - t)
  | sqrt(w)], whose SYRK accumulates every sum at once (the last row holds the
  weighted column sums, the corner sum w). Memory is bounded by the buffer; X is
  read once; the final correction by (mean - s) is small, hence stable.

float32 input keeps the first path in float32 BLAS (as scikit-learn and
scikit-learn-intelex do) with a float64 correction; the blocked path always
accumulates in float64.
"""
import contextlib

import numpy as np

__all__ = ["centered_gram", "blas_threads"]

_BLOCK_BYTES = 1 << 21  # ~2 MiB float64 buffer per block


@contextlib.contextmanager
def blas_threads(n_jobs):
    """Limit the BLAS's threads to resolve_n_jobs(n_jobs) (None: leave BLAS as is)."""
    if n_jobs is None:
        yield
        return
    from .validation import resolve_n_jobs

    n = resolve_n_jobs(n_jobs)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with threadpool_limits(limits=n, user_api="blas"):
        yield


def centered_gram(X, Y=None, sample_weight=None, *, center=True, want_gram=True):
    """(G, C, mean, ymean, wsum) as float64 for X (n, p) and Y (n, k) or None.

    center=False: the plain weighted products (mean, ymean are zeros).
    want_gram=False skips G (returns None for it).
    """
    n, p = X.shape
    if Y is not None and Y.ndim == 1:
        Y = Y[:, None]
    if sample_weight is None and X.dtype in (np.float32, np.float64):
        out = _direct(X, Y, center, want_gram)
        if out is not None:
            return out
    return _blocked(X, Y, sample_weight, center)


def _direct(X, Y, center, want_gram):
    n, p = X.shape
    k = 0 if Y is None else Y.shape[1]
    R = np.empty((n, k + 1), dtype=X.dtype)  # [Y | 1]: one GEMM pass gives X^T Y and sums
    if k:
        R[:, :k] = Y
    R[:, k] = 1.0
    XtR = (X.T @ R).astype(np.float64)
    sums = XtR[:, k]
    mean = sums / n if center else np.zeros(p)
    ymean = (R[:, :k].sum(axis=0, dtype=np.float64) / n) if (center and k) else np.zeros(k)
    C = XtR[:, :k] - n * np.outer(mean, ymean) if k else None
    if not want_gram:
        return None, C, mean, ymean, float(n)
    G = (X.T @ X).astype(np.float64)  # NumPy sends A^T A to SYRK
    if center:
        raw = np.diag(G).copy()
        G -= n * np.outer(mean, mean)
        # cancellation check: the centred diagonal must keep >= ~half the digits
        eps = np.finfo(X.dtype).eps
        lost = np.diag(G) < np.sqrt(eps) * raw * 1e2
        if np.any(lost & (raw > 0)):
            return None
    return G, C, mean, ymean, float(n)


def _blocked(X, Y, sw, center):
    n, p = X.shape
    k = 0 if Y is None else Y.shape[1]
    m = p + k + 1
    bs = max(64, min(n, _BLOCK_BYTES // (8 * m)))
    from scipy.linalg.blas import dsyrk

    buf = np.empty((bs, m))
    first = slice(0, min(n, bs))
    if center:
        w0 = None if sw is None else sw[first]
        if w0 is not None and not w0.sum() > 0:
            w0 = None
        xs = np.average(np.asarray(X[first], dtype=np.float64), axis=0, weights=w0)
        ys = np.average(np.asarray(Y[first], dtype=np.float64), axis=0, weights=w0) if k \
            else np.zeros(0)
    else:
        xs, ys = np.zeros(p), np.zeros(k)
    S = np.zeros((m, m), order="F")
    for i in range(0, n, bs):
        j = min(n, i + bs)
        v = buf[: j - i]
        np.subtract(X[i:j], xs, out=v[:, :p])
        if k:
            np.subtract(Y[i:j], ys, out=v[:, p:p + k])
        if sw is None:
            v[:, m - 1] = 1.0
        else:
            r = np.sqrt(sw[i:j])
            v[:, :m - 1] *= r[:, None]
            v[:, m - 1] = r
        S = dsyrk(1.0, v.T, beta=1.0, c=S, overwrite_c=1)  # upper triangle
    S = np.triu(S) + np.triu(S, 1).T
    wsum = S[m - 1, m - 1]
    d = S[:m - 1, m - 1] / wsum  # weighted mean of the shifted data
    # sum w (z - s - d)(z - s - d)^T = S - wsum d d^T
    if center:
        A = S[:m - 1, :m - 1] - wsum * np.outer(d, d)
    else:
        A, d = S[:m - 1, :m - 1], np.zeros(m - 1)
    G = A[:p, :p]
    C = A[:p, p:] if k else None
    return np.ascontiguousarray(G), C, xs + d[:p], ys + d[p:], float(wsum)
