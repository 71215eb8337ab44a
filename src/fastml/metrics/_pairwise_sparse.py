"""Pairwise distances and kernels with scipy.sparse input (CSR/CSC, matrix or
array), on the compiled sparse kernels (fastml._kernels.sparse).

A dense operand next to a sparse one is converted to CSR (never the other
way: no input is densified). Euclidean-type distances use the expansion
||x||^2 - 2 x.y + ||y||^2 over the sparse dot products (float32 input is
computed in float64 and returned as float32, as scikit-learn does), clipped
at 0, with an exact 0 diagonal when Y is X; manhattan and chebyshev merge the
sorted index lists of the two rows (exact); cosine normalises the rows first.
"""
import numpy as np

from .._kernels import sparse as _ks
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import check_array

SPARSE_METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine")


def check_pair(X, Y):
    """(X, Y, same, out_dtype): both CSR of one value dtype; Y is X when
    Y is None (or the same object)."""
    import scipy.sparse as sp

    def csr(A, name):
        if is_sparse(A):
            return check_sparse(A, accept=("csr",), input_name=name)
        return sp.csr_matrix(check_array(A, input_name=name))

    same = Y is None or Y is X
    X = csr(X, "X")
    Y = X if same else csr(Y, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"Incompatible dimension for X and Y matrices: X.shape[1] == "
                         f"{X.shape[1]} while Y.shape[1] == {Y.shape[1]}.")
    out = np.float32 if X.dtype == np.float32 and Y.dtype == np.float32 else np.float64
    return X, Y, same, out


def _f64(A):
    return A if A.dtype == np.float64 else A.astype(np.float64)


def _unit(A):
    n = np.sqrt(_ks.row_norms(A, "sq").astype(np.float64))
    n[n == 0] = 1.0
    out = A.copy()
    out.data = out.data / np.repeat(n, np.diff(A.indptr))
    return out


def dot(X, Y):
    """Dense X @ Y.T (float64) for CSR X, Y."""
    return _ks.gram(_f64(X), _f64(Y).tocsc())


def sparse_distances(X, Y, metric, squared=False):
    """Distance matrix (n_X, n_Y) for sparse (or mixed) input; metric one of
    SPARSE_METRICS. squared=True with euclidean gives sqeuclidean."""
    X, Y, same, out = check_pair(X, Y)
    if metric in ("manhattan", "chebyshev"):
        D = _ks.pairwise(_f64(X), _f64(Y), metric)
    elif metric == "cosine":
        Xu = _unit(_f64(X))
        D = 1.0 - _ks.gram(Xu, (Xu if same else _unit(_f64(Y))).tocsc())
        np.clip(D, 0.0, 2.0, out=D)
        if same:
            np.fill_diagonal(D, 0.0)
    else:
        xn = _ks.row_norms(_f64(X), "sq")
        yn = xn if same else _ks.row_norms(_f64(Y), "sq")
        D = dot(X, Y)
        D *= -2
        D += xn[:, None]
        D += yn[None, :]
        np.maximum(D, 0, out=D)
        if same:
            np.fill_diagonal(D, 0.0)
        if metric == "euclidean" and not squared:
            np.sqrt(D, out=D)
    return D.astype(out, copy=False)


def sparse_cosine_similarity(X, Y, dense_output=True):
    X, Y, same, out = check_pair(X, Y)
    Xu = _unit(_f64(X))
    Yu = Xu if same else _unit(_f64(Y))
    if not dense_output:
        return (Xu @ Yu.T).astype(out)
    return _ks.gram(Xu, Yu.tocsc()).astype(out, copy=False)


def sparse_linear_kernel(X, Y, dense_output=True):
    X, Y, same, out = check_pair(X, Y)
    if not dense_output:
        return (X @ Y.T).astype(out)
    return dot(X, Y).astype(out, copy=False)
