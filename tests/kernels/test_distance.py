"""Compiled pairwise-distance kernels against their NumPy twin.

Matrix: dtype x feature counts that hit every vector tail x odd row counts x
metric x SIMD level; plus both euclidean paths (BLAS expansion and direct).
"""
import numpy as np
import pytest

from fastml._kernels import COMPILED, _threads
from fastml._kernels import distance as kd
from fastml._kernels.reference import distance as ref

FEATURES = (1, 7, 8, 9, 15, 16, 17, 1023)
METRICS = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", "cosine",
           "hamming")


def _tol(dtype, d, metric):
    # float32 rounding grows with the reduction length; the BLAS path also
    # differs from the direct sum in summation order.
    if dtype == np.float32:
        return dict(rtol=2e-6 * np.sqrt(d) + 1e-6, atol=2e-6 * np.sqrt(d))
    return dict(rtol=1e-12 * np.sqrt(d) + 1e-13, atol=1e-12 * np.sqrt(d))


def _data(rng, n, m, d, dtype, metric):
    if metric == "hamming":  # few distinct values so that equal entries occur
        X = rng.integers(0, 3, size=(n, d)).astype(dtype)
        Y = rng.integers(0, 3, size=(m, d)).astype(dtype)
    else:
        X = rng.standard_normal((n, d)).astype(dtype)
        Y = rng.standard_normal((m, d)).astype(dtype)
    return X, Y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d", FEATURES)
@pytest.mark.parametrize("metric", METRICS)
def test_matches_reference(cpu_level, rng, dtype, d, metric):
    n, m = (5, 3) if d == 1023 else (37, 41)
    X, Y = _data(rng, n, m, d, dtype, metric)
    p = 3.0 if metric == "minkowski" else 2.0
    got = kd.pairwise_distances(X, Y, metric, p)
    want = ref.pairwise_distances(X.astype(np.float64), Y.astype(np.float64), metric, p)
    assert got.dtype == dtype and got.shape == (n, m)
    np.testing.assert_allclose(got, want, **_tol(dtype, d, metric))


@pytest.mark.skipif(not COMPILED, reason="direct path is a compiled-kernel option")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean"])
@pytest.mark.parametrize("n,m,d", [(1, 1, 1), (9, 33, 64), (65, 7, 130), (130, 70, 31)])
def test_euclidean_paths_agree(cpu_level, rng, dtype, metric, n, m, d):
    X, Y = _data(rng, n, m, d, dtype, metric)
    blas = kd.pairwise_distances(X, Y, metric)
    direct = kd.pairwise_distances(X, Y, metric, direct=True)
    want = ref.pairwise_distances(X.astype(np.float64), Y.astype(np.float64), metric)
    np.testing.assert_allclose(direct, want, **_tol(dtype, d, metric))
    np.testing.assert_allclose(blas, want, **_tol(dtype, d, metric))


@pytest.mark.parametrize("direct", [False, True])
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "manhattan", "chebyshev",
                                    "hamming"])
def test_float32_long_reductions_keep_float32_accuracy(cpu_level, metric, direct):
    # 10^6 equal small differences: a plain float32 running sum drifts by
    # ~0.2% (each addend is ~1e-6 of the sum); the kernels add float32 chunk
    # sums (direct tiles: 256 features; the BLAS expansion: GEMMs of 4096
    # features, and the norms) in double. Oracle: the float64 twin. The direct
    # tiles keep float32 rounding; the expansion ||x||^2 - 2 x.y + ||y||^2
    # multiplies the GEMM's rounding by ||x||^2 / dist^2 (~10 here), hence its
    # looser bound (before the chunking: 1.5e-4 off).
    if direct and not COMPILED:
        pytest.skip("direct path is a compiled-kernel option")
    if direct and metric not in ("euclidean", "sqeuclidean"):
        direct = False  # the other metrics always take the direct tiles
    d = 1_000_000
    X = np.ones((2, d), dtype=np.float32)
    Y = np.full((3, d), 1.0 + 1e-5, dtype=np.float32)
    Y[1, ::3] = 1.0  # unequal rows: some features equal (hamming, chebyshev)
    X[1, ::7] = 2.0
    got = kd.pairwise_distances(X, Y, metric, direct=direct)
    want = ref.pairwise_distances(X.astype(np.float64), Y.astype(np.float64), metric)
    assert got.dtype == np.float32
    expansion = COMPILED and not direct and metric in ("euclidean", "sqeuclidean")
    np.testing.assert_allclose(got, want, rtol=2e-5 if expansion else 2e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_near_duplicates_keep_relative_accuracy(rng, dtype):
    # Points far from the origin and very close to each other: the norm
    # expansion alone would cancel to garbage; recomputation must catch it.
    # d = 128 takes the BLAS path for both dtypes.
    d = 128
    base = rng.standard_normal(d) * 1000
    X = (base + 1e-3 * rng.standard_normal((20, d))).astype(dtype)
    Y = (base + 1e-3 * rng.standard_normal((30, d))).astype(dtype)
    got = kd.pairwise_distances(X, Y, "euclidean")
    want = ref.pairwise_distances(X.astype(np.float64), Y.astype(np.float64), "euclidean")
    rtol = 1e-3 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(got, want, rtol=rtol)


@pytest.mark.parametrize("metric", METRICS)
def test_same_has_exact_zero_diagonal(rng, metric):
    X = rng.standard_normal((50, 40)) * 100 + 5
    D = kd.pairwise_distances(X, X, metric, 3.0, same=True)
    assert np.all(np.diag(D) == 0)
    np.testing.assert_allclose(D, D.T, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "minkowski", "cosine", "hamming"])
def test_thread_count_does_not_change_results(rng, dtype, metric):
    # large enough that every parallel region runs a team (fm_team_size)
    X, Y = _data(rng, 300, 257, 40, dtype, metric)
    got = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            got.append(kd.pairwise_distances(X, Y, metric, 3.0))
    for other in got[1:]:
        if dtype == np.float64 and metric in ("euclidean", "cosine"):
            # float64 dot products come from the borrowed BLAS, split in row blocks
            # per thread: its edge kernels may round the last bit differently
            np.testing.assert_allclose(other, got[0], rtol=1e-14, atol=1e-15)
        else:
            np.testing.assert_array_equal(other, got[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 17, 65])
def test_row_tails_and_read_only(cpu_level, rng, dtype, n):
    # row counts around the tile's row block (4) and panel widths (8-32 rows)
    X, Y = _data(rng, n, n + 2, 9, dtype, "manhattan")
    X.flags.writeable = False
    Y.flags.writeable = False
    for metric in ("euclidean", "manhattan", "chebyshev"):
        got = kd.pairwise_distances(X, Y, metric)
        want = ref.pairwise_distances(X.astype(np.float64), Y.astype(np.float64), metric)
        np.testing.assert_allclose(got, want, **_tol(dtype, 9, metric))
