"""PCA on scipy.sparse CSR/CSC input, centred implicitly (X is never densified).

Writing mu for the column means and 1 for the all-ones column, the centred
data is Xc = X - 1 mu^T. Its products are formed from sparse products plus a
rank-one correction:

    Xc v   = X v - (mu . v) 1             (n,)
    Xc^T u = X^T u - (sum_i u_i) mu       (p,)
    Xc^T Xc = X^T X - n mu mu^T           (p, p)

- "arpack" runs ARPACK (SciPy's svds) on a LinearOperator built from the
  first two lines. Its products are SciPy's sparse mat-vecs on X and its
  transposed view: ARPACK asks for one vector at a time, and on a busy 2-core
  machine fastml's threaded CSR kernel took 10-20 ms a product where SciPy
  took 1.8 ms (20000 x 2000 at 1%; the team start-up outweighs ~nnz
  multiply-adds).
- "covariance_eigh" forms the (p, p) covariance from the third line: X^T X
  by fastml's sparse Gram kernel in float64 (work sum_i nnz(row i)^2), then
  the rank-one correction. It loses digits when |mu_j| >> std_j, as the
  same formula does in scikit-learn.
- transform: X @ W - mu^T W, the centring applied after the projection
  (SciPy's CSR/CSC times dense product: measured as fast as fastml's threaded
  CSR kernel for W of ~20 columns on 2 busy cores).
"""
import numpy as np

from .._kernels import sparse as _ks
from ..utils._sparse import check_sparse, column_mean_var


def validate(X, ensure_min_samples=1):
    """X as canonical CSR or CSC of float32/float64 (other formats become CSR)."""
    return check_sparse(X, accept=("csr", "csc"), ensure_min_samples=ensure_min_samples)


def _csr_pair(X):
    """(X in CSR, X^T in CSR) for CSR/CSC X: one format conversion, no densify."""
    if X.format == "csr":
        return X, X.tocsc().T
    return X.tocsr(), X.T


def mean_and_total_variance(X):
    """Column means (float64, (p,)) and the total variance sum_j var_j with
    ddof=1 of sparse X (two-pass per column, implicit zeros included)."""
    n = X.shape[0]
    mean, var, _ = column_mean_var(X)
    return mean, float(var.sum()) * n / (n - 1)


def project(X, W):
    """X @ W as a dense (n, k) ndarray, for sparse X (n, p) and dense W (p, k)
    of X's dtype."""
    return np.asarray(X @ W)


def centered_operator(X, mean):
    """scipy LinearOperator for Xc = X - 1 mean^T, in X's dtype."""
    from scipy.sparse.linalg import LinearOperator

    XT = X.T  # a view (CSR <-> CSC), no copy
    dt = X.dtype
    mu = np.asarray(mean, dtype=dt)

    def matvec(v):
        v = np.asarray(v, dtype=dt).ravel()
        return np.asarray(X @ v).ravel() - mu @ v

    def rmatvec(u):
        u = np.asarray(u, dtype=dt).ravel()
        return np.asarray(XT @ u).ravel() - mu * u.sum()

    def matmat(B):
        return np.asarray(X @ B) - (mu @ B)[None, :]

    def rmatmat(B):
        return np.asarray(XT @ B) - mu[:, None] * B.sum(axis=0)[None, :]

    return LinearOperator(shape=X.shape, dtype=dt, matvec=matvec, rmatvec=rmatvec,
                          matmat=matmat, rmatmat=rmatmat)


def centered_gram(X):
    """(Xc^T Xc, mean): the (p, p) centred Gram matrix of sparse X in float64
    and the column means (float64)."""
    n, p = X.shape
    mean = column_mean_var(X)[0]
    Xr, XTr = (M.astype(np.float64, copy=False) for M in _csr_pair(X))
    G = _ks.gram(XTr, Xr.T)  # X^T in CSR times (X^T in CSC)^T = X^T X
    G -= n * np.outer(mean, mean)
    G = 0.5 * (G + G.T)  # exact symmetry for the eigensolver
    return G, mean
