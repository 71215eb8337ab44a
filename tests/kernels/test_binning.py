"""Binning kernel (fastml._kernels.binning: Numba binning_jit when compiled)
vs the NumPy twin (reference/binning.py, np.searchsorted side="right"):
dtypes, ties on edges, +/-inf, empty edge lists, threads."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import binning as facade
from fastml._kernels.reference import binning as ref


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 4097, 40000])
def test_facade_matches_twin(rng, dtype, n):
    p = 5
    inner = [np.sort(rng.standard_normal(m)) for m in (0, 1, 3, 8, 4)]
    inner[3][2] = inner[3][3]  # a repeated edge
    ptr = np.concatenate([[0], np.cumsum([len(e) for e in inner])]).astype(np.int64)
    edges = np.concatenate(inner)
    X = rng.standard_normal((n, p)).astype(dtype)
    X[0, 1:] = edges[ptr[1:-1]]  # exactly on an edge
    if n > 2:
        X[1, 2], X[2, 2] = np.inf, -np.inf
    offsets = np.array([0, 1, 3, 7, 16], dtype=np.int64)
    for out_dtype, offs in ((dtype, np.zeros(p, dtype=np.int64)), (np.int64, offsets)):
        want = np.empty((n, p), dtype=out_dtype)
        ref.bin_ids(X, edges, ptr, offs, want)
        for threads in (1, 2):
            got = np.empty((n, p), dtype=out_dtype)
            with _threads.scope(threads):
                facade.bin_ids(X, edges, ptr, offs, got)
            np.testing.assert_array_equal(got, want)


def test_non_contiguous_input(rng):
    X = rng.standard_normal((100, 6))[:, ::2]
    edges = np.array([-1.0, 0.0, 1.0, 0.5])
    ptr = np.array([0, 3, 3, 4], dtype=np.int64)
    a = np.empty((100, 3), dtype=np.int64)
    b = np.empty((100, 3), dtype=np.int64)
    ref.bin_ids(X, edges, ptr, np.zeros(3, dtype=np.int64), a)
    facade.bin_ids(X, edges, ptr, np.zeros(3, dtype=np.int64), b)
    np.testing.assert_array_equal(a, b)
