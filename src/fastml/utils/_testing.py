"""Helpers for fastml's kernel tests (not public API)."""
import numpy as np

from .._kernels import _threads


def same_under_thread_counts(run, counts=(1, 2, 3), rtol=0.0):
    """run() under each thread count gives bitwise-equal arrays (a tuple of them);
    rtol > 0 allows that relative difference (BLAS products split by columns:
    the borrowed BLAS may round a block's last bits by the call's width)."""
    outs = []
    for n in counts:
        with _threads.scope(n):
            outs.append(run())
    for other in outs[1:]:
        for a, b in zip(outs[0], other):
            if rtol:
                np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * float(np.abs(b).max()))
            else:
                np.testing.assert_array_equal(a, b)


def read_only(*arrays):
    """Read-only copies of the arrays (a list)."""
    out = []
    for a in arrays:
        a = a.copy()
        a.flags.writeable = False
        out.append(a)
    return out


# ---- neighbour search: data, oracle and the exactness check ----------------------
KNN_METRICS = [("euclidean", 2), ("sqeuclidean", 2), ("manhattan", 1), ("chebyshev", 2),
               ("minkowski", 3)]


def clustered(rng, n, d, dtype):
    """n points around 8 Gaussian centres (N(0, 25 I)), unit variance."""
    centres = rng.normal(0, 5, size=(8, d))
    return (centres[rng.integers(0, 8, n)] + rng.standard_normal((n, d))).astype(dtype)


def knn_oracle(X, Q, k, metric, p):
    """Exact (dist, ind) in float64 by the NumPy twin (lower index first on ties)."""
    from .._kernels.reference import knn as ref
    return ref.knn(X.astype(np.float64), Q.astype(np.float64), k, metric, p)


def check_knn_against_oracle(dist, ind, X, Q, k, metric, p):
    """float64: indices equal the oracle's; float32: near-ties may swap, but the
    true distances of the returned indices equal the oracle's, without repeats."""
    from .._kernels.reference import knn as ref
    od, oi = knn_oracle(X, Q, k, metric, p)
    assert dist.dtype == X.dtype and ind.dtype == np.int64 and ind.shape == (len(Q), k)
    if X.dtype == np.float64:
        np.testing.assert_array_equal(ind, oi)
        np.testing.assert_allclose(dist, od, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(dist, od, rtol=2e-5, atol=2e-5)
        red = ref.reduced_distances(Q.astype(np.float64), X.astype(np.float64), metric, p)
        true = ref.finish(np.take_along_axis(red, ind, axis=1), metric, p)
        np.testing.assert_allclose(true, od, rtol=2e-5, atol=2e-5)
        assert (np.sort(ind, axis=1)[:, 1:] != np.sort(ind, axis=1)[:, :-1]).all()


# ---- conv2d geometries that reach every path ---------------------------------------
# (N, C, H, W, K, R, S, stride, padding, dilation, groups)
CONV2D_CONFIGS = [
    (2, 3, 7, 9, 4, 3, 3, (1, 1), (1, 1), (1, 1), 1),
    (3, 4, 11, 10, 6, 3, 2, (2, 1), (1, 0), (1, 2), 2),
    (1, 6, 8, 8, 6, 3, 3, (1, 1), (1, 1), (1, 1), 6),       # depthwise
    (2, 2, 5, 5, 3, 1, 1, (3, 2), (0, 0), (1, 1), 1),       # 1x1, big stride
    (5, 5, 4, 3, 7, 2, 3, (1, 1), (2, 1), (1, 1), 1),       # narrow images: batched GEMM
    (1, 128, 60, 75, 3, 3, 3, (1, 1), (1, 1), (1, 1), 1),   # 8 MB panel: 3 row bands
    (2, 3, 13, 17, 8, 5, 5, (2, 3), (2, 2), (1, 1), 1),
    (1, 1, 1, 1, 2, 1, 1, (1, 1), (0, 0), (1, 1), 1),
    (11, 3, 9, 40, 13, 3, 3, (1, 1), (1, 1), (1, 1), 1),    # > 8 images: uneven dw chunks
    (1, 5, 47, 33, 9, 3, 3, (1, 1), (1, 1), (2, 1), 1),     # one image: forward row bands
    (2, 40, 12, 70, 20, 3, 3, (1, 1), (1, 1), (1, 1), 1),   # CRS > KC: several K blocks
    (2, 3, 6, 7, 4, 1, 1, (1, 1), (1, 1), (1, 1), 1),       # pad > kernel reach: packed dx
    (3, 4, 9, 8, 6, 2, 3, (1, 1), (0, 2), (2, 1), 2),       # stride 1, groups, mixed pads
]
