"""metric="precomputed": X holds distances, not features.

Dense X is a full (n_queries, n_samples_fit) distance matrix. Sparse X is a
neighbours graph (as kneighbors_graph / radius_neighbors_graph build them
with mode="distance"): the stored entries of a row are its candidate
neighbours (explicit zeros included) and missing entries are not
neighbours. A k-neighbours query then needs at least k stored entries in
every row. Rows are ranked by (distance, column index), the tie rule of the
other engines.
"""
import numpy as np

from ..utils._sparse import is_sparse
from ..utils.validation import check_array
from ._metrics import finish_radius, knn_from_distances


def check_precomputed(X):
    """Validated distance matrix: float64 C-contiguous dense, or CSR with
    each row sorted by (distance, column). Negative distances are rejected."""
    if is_sparse(X):
        import scipy.sparse as sp

        fmt = X.format
        if fmt in ("dok", "bsr", "dia"):
            raise TypeError(f"A sparse matrix in {fmt!r} format is not supported due to its "
                            "handling of explicit zeros; use CSR, CSC, COO or LIL.")
        X = sp.csr_matrix(X, dtype=np.float64, copy=True)
        X.sum_duplicates()
        if X.data.size and not np.isfinite(X.data).all():
            raise ValueError("Input contains NaN or infinity in the precomputed distance "
                             "matrix.")
        if (X.data < 0).any():
            raise ValueError("Negative values in data passed to precomputed distance matrix.")
        return sort_rows(X)
    X = check_array(X, dtype=(np.float64,), input_name="X")
    if (X < 0).any():
        raise ValueError("Negative values in data passed to precomputed distance matrix.")
    return X


def sort_rows(G):
    """CSR G with the entries of each row ordered by (value, column), in place."""
    row = np.repeat(np.arange(G.shape[0]), np.diff(G.indptr))
    order = np.lexsort((G.indices, G.data, row))
    G.data = G.data[order]
    G.indices = G.indices[order]
    return G


def knn_precomputed(D, k):
    """(dist, ind) of the k smallest distances per row of D."""
    if not is_sparse(D):
        return knn_from_distances(D, k)
    counts = np.diff(D.indptr)
    if counts.size and counts.min() < k:
        raise ValueError(f"{k} neighbors per samples are required, but some samples have "
                         f"only {counts.min()}.")
    take = (D.indptr[:-1, None] + np.arange(k)[None, :])
    return D.data[take], D.indices[take].astype(np.int64)


def radius_precomputed(D, r, sort):
    """Flat (ind, dist, offsets) of the entries <= r of every row."""
    nq = D.shape[0]
    rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (nq,))
    if is_sparse(D):
        row = np.repeat(np.arange(nq), np.diff(D.indptr))
        keep = D.data <= rr[row]
        return finish_radius(row[keep], D.indices[keep].astype(np.int64), D.data[keep], nq,
                             sort)
    qi, j = np.nonzero(D <= rr[:, None])
    return finish_radius(qi, j.astype(np.int64), D[qi, j], nq, sort)
