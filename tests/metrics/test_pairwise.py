"""fastml.metrics.pairwise_distances: API, validation and agreement with SciPy."""
import numpy as np
import pytest

from fastml.metrics import pairwise_distances

scipy_distance = pytest.importorskip("scipy.spatial.distance")

CDIST_NAMES = {
    "euclidean": "euclidean", "sqeuclidean": "sqeuclidean", "manhattan": "cityblock",
    "cityblock": "cityblock", "chebyshev": "chebyshev", "cosine": "cosine",
    "hamming": "hamming",
}


@pytest.mark.parametrize("metric", sorted(CDIST_NAMES))
@pytest.mark.parametrize("d", [1, 3, 17, 128])
def test_float64_matches_cdist(rng, metric, d):
    X = rng.standard_normal((60, d))
    Y = rng.standard_normal((45, d))
    if metric == "hamming":
        X, Y = np.round(X), np.round(Y)
    got = pairwise_distances(X, Y, metric=metric)
    want = scipy_distance.cdist(X, Y, metric=CDIST_NAMES[metric])
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("metric", sorted(CDIST_NAMES))
@pytest.mark.parametrize("d", [2, 33, 256])
def test_float32_stays_float32_and_is_accurate(rng, metric, d):
    X = rng.standard_normal((70, d)).astype(np.float32)
    Y = rng.standard_normal((31, d)).astype(np.float32)
    if metric == "hamming":
        X, Y = np.round(X), np.round(Y)
    got = pairwise_distances(X, Y, metric=metric)
    want = scipy_distance.cdist(X.astype(float), Y.astype(float), metric=CDIST_NAMES[metric])
    assert got.dtype == np.float32
    tol = 1e-6 * np.sqrt(d) * 4
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


@pytest.mark.parametrize("p", [1, 1.5, 2, 3, np.inf])
def test_minkowski_any_p(rng, p):
    X = rng.standard_normal((20, 9))
    Y = rng.standard_normal((11, 9))
    got = pairwise_distances(X, Y, metric="minkowski", p=p)
    want = scipy_distance.cdist(X, Y, metric="minkowski", p=p)
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_y_none_is_symmetric_with_zero_diagonal(rng):
    X = rng.standard_normal((40, 30)) + 50
    D = pairwise_distances(X)
    assert np.all(np.diag(D) == 0)
    np.testing.assert_allclose(D, scipy_distance.cdist(X, X), rtol=1e-9, atol=1e-9)


def test_mixed_dtypes_compute_in_float64(rng):
    X = rng.standard_normal((5, 4)).astype(np.float32)
    Y = rng.standard_normal((6, 4))
    assert pairwise_distances(X, Y).dtype == np.float64


def test_non_contiguous_and_read_only_inputs(rng):
    base = rng.standard_normal((50, 40))
    X = base[::2, ::3]                    # strided view
    Y = np.asfortranarray(base[1::2, ::3])
    Y.setflags(write=False)               # read-only must not raise
    X2 = base[::2, ::3].copy()
    X2.setflags(write=False)
    got = pairwise_distances(X, Y, metric="manhattan")
    np.testing.assert_allclose(got, scipy_distance.cdist(X, Y, "cityblock"), rtol=1e-12)
    np.testing.assert_allclose(pairwise_distances(X2, Y), scipy_distance.cdist(X2, Y),
                               rtol=1e-9)


def test_lists_and_ints_are_accepted():
    D = pairwise_distances([[0, 0], [3, 4]], [[0, 0]])
    np.testing.assert_array_equal(D, [[0.0], [5.0]])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(X=np.array([[np.nan, 1.0]])), "NaN"),
        (dict(X=np.array([[np.inf, 1.0]])), "infinity"),
        (dict(X=np.empty((0, 3))), "0 sample"),
        (dict(X=np.empty((3, 0))), "0 feature"),
        (dict(X=np.ones(3)), "Expected 2D array"),
        (dict(X=np.ones((3, 2)), Y=np.ones((2, 3))), "Incompatible dimension"),
        (dict(X=np.ones((3, 2)), metric="nope"), "Unknown metric 'nope'"),
        (dict(X=np.ones((3, 2)), metric="minkowski", p=0.5), "p must be a number >= 1"),
        (dict(X=np.ones((3, 2)), n_jobs=0), "n_jobs"),
        (dict(X=np.ones((3, 2)), Y=np.array([[1.0, np.nan]])), "Input Y contains NaN"),
    ],
)
def test_bad_input_raises_clear_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pairwise_distances(**kwargs)


def test_matches_scikit_learn(rng):
    sk = pytest.importorskip("sklearn.metrics")
    X = rng.standard_normal((80, 20)).astype(np.float32)
    Y = rng.standard_normal((30, 20)).astype(np.float32)
    for metric in ("euclidean", "manhattan", "cosine"):
        np.testing.assert_allclose(pairwise_distances(X, Y, metric=metric),
                                   sk.pairwise_distances(X, Y, metric=metric),
                                   rtol=1e-5, atol=1e-5)


def test_n_jobs_gives_identical_results(rng):
    X = rng.standard_normal((400, 64)).astype(np.float32)
    np.testing.assert_array_equal(pairwise_distances(X, metric="manhattan", n_jobs=1),
                                  pairwise_distances(X, metric="manhattan", n_jobs=2))
