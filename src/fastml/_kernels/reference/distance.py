"""Reference pairwise distances: the direct formulas, in row blocks so that
memory stays bounded (block x m x d temporaries)."""
import numpy as np


def _block_rows(m, d, budget=1 << 24):
    return max(1, budget // max(1, m * d))


def pairwise_distances(X, Y, metric, p=2.0, same=False, direct=False):
    """(n, m) distances; `direct` (a compiled-path choice) changes nothing here."""
    n, m = X.shape[0], Y.shape[0]
    out = np.empty((n, m), dtype=X.dtype)
    if metric == "cosine":
        nx = np.sqrt((X * X).sum(axis=1))
        ny = np.sqrt((Y * Y).sum(axis=1))
        den = nx[:, None] * ny[None, :]
        sim = X @ Y.T
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.where(den > 0, 1 - sim / np.where(den > 0, den, 1), 1)
        out[...] = np.clip(val, 0, 2)
    else:
        step = _block_rows(m, X.shape[1])
        for i0 in range(0, n, step):
            diff = X[i0:i0 + step, None, :] - Y[None, :, :]
            if metric in ("euclidean", "sqeuclidean"):
                r = (diff * diff).sum(axis=2)
                if metric == "euclidean":
                    r = np.sqrt(r)
            elif metric == "manhattan":
                r = np.abs(diff).sum(axis=2)
            elif metric == "chebyshev":
                r = np.abs(diff).max(axis=2)
            elif metric == "minkowski":
                r = (np.abs(diff) ** p).sum(axis=2) ** (1.0 / p)
            elif metric == "hamming":
                r = (diff != 0).mean(axis=2)
            else:
                raise ValueError(f"unknown metric {metric!r}")
            out[i0:i0 + step] = r
    if same:
        np.fill_diagonal(out, 0)
    return out
