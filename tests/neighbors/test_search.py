"""fastml.neighbors.KDTree (the public class over the kdtree kernels): answers
against the exact float64 oracle (fastml._kernels.reference.knn), radius
results as per-query arrays, pickling without a rebuild, and its input
errors. The kernels themselves are tested in tests/kernels/test_kdtree.py and
test_knn.py."""
import pickle

import numpy as np
import pytest

from fastml._kernels import kdtree as kt
from fastml._kernels.reference import kdtree as ref_tree
from fastml._kernels.reference import knn as ref
from fastml.neighbors import KDTree

METRICS = [("euclidean", 2), ("sqeuclidean", 2), ("manhattan", 1), ("chebyshev", 2),
           ("minkowski", 3)]


def clustered(rng, n, d, dtype):
    centres = rng.normal(0, 5, size=(8, d))
    return (centres[rng.integers(0, 8, n)] + rng.standard_normal((n, d))).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", METRICS)
def test_kdtree_matches_oracle(dtype, metric, p, rng):
    X = clustered(rng, 300, 5, dtype)
    Q = clustered(rng, 40, 5, dtype)
    dist, ind = KDTree(X, leaf_size=7, metric=metric, p=p).query(Q, k=10)
    od, oi = ref.knn(X.astype(np.float64), Q.astype(np.float64), 10, metric, p)
    assert dist.dtype == dtype
    np.testing.assert_allclose(dist, od, rtol=2e-5, atol=2e-5)
    if dtype == np.float64:
        np.testing.assert_array_equal(ind, oi)
    assert KDTree(X).query(Q, k=3, return_distance=False).shape == (40, 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric,p", METRICS)
def test_query_radius(dtype, metric, p, rng):
    X = rng.integers(0, 5, size=(400, 3)).astype(dtype)
    Q = rng.integers(0, 5, size=(25, 3)).astype(dtype)
    t = KDTree(X, leaf_size=8, metric=metric, p=p)
    for r in (0.0, 1.0, 2.5, rng.uniform(0, 3, 25)):
        rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (25,))
        oi, od = ref_tree.radius(X.astype(np.float64), Q.astype(np.float64), rr, metric, p, True)
        counts = t.query_radius(Q, r, count_only=True)
        np.testing.assert_array_equal(counts, [len(a) for a in oi])
        ind = t.query_radius(Q, r)
        for a, b in zip(ind, oi):
            np.testing.assert_array_equal(np.sort(a), np.sort(b))
        ind, dist = t.query_radius(Q, r, return_distance=True, sort_results=True)
        for a, b, c, e in zip(ind, oi, dist, od):
            np.testing.assert_array_equal(a, np.asarray(b))
            np.testing.assert_allclose(c, e, rtol=1e-6)
            assert c.dtype == dtype


def test_pickle_round_trip_does_not_rebuild(rng, monkeypatch):
    X = clustered(rng, 2000, 5, np.float32)
    t = KDTree(X, leaf_size=12, metric="manhattan")
    blob = pickle.dumps(t)
    monkeypatch.setattr(kt, "build_tree", lambda *a, **k: pytest.fail("rebuilt"))
    t2 = pickle.loads(blob)
    Q = clustered(rng, 100, 5, np.float32)
    for a, b in zip(t.query(Q, k=9), t2.query(Q, k=9)):
        np.testing.assert_array_equal(a, b)
    assert t2.query(Q, k=1)[0].dtype == np.float32


def test_kdtree_errors(rng):
    X = rng.standard_normal((20, 3))
    with pytest.raises(ValueError, match="NaN"):
        KDTree(np.array([[np.nan, 1.0]]))
    with pytest.raises(ValueError, match="infinity"):
        KDTree(np.array([[np.inf, 1.0]]))
    with pytest.raises(ValueError, match="0 sample"):
        KDTree(np.empty((0, 3)))
    with pytest.raises(ValueError, match="leaf_size"):
        KDTree(X, leaf_size=0)
    with pytest.raises(ValueError, match="'metric' parameter of KDTree"):
        KDTree(X, metric="cosine")
    with pytest.raises(ValueError, match="p must be"):
        KDTree(X, metric="minkowski", p=0.5)
    t = KDTree(X)
    with pytest.raises(ValueError, match="k must be less"):
        t.query(X, k=21)
    with pytest.raises(ValueError, match="'k' parameter of KDTree.query must be an int"):
        t.query(X, k=0)
    with pytest.raises(ValueError, match="features"):
        t.query(np.ones((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        t.query(np.full((1, 3), np.nan))
    with pytest.raises(ValueError, match="r must be"):
        t.query_radius(X, -1.0)
    with pytest.raises(ValueError, match="count_only"):
        t.query_radius(X, 1.0, count_only=True, return_distance=True)
    assert t.query(X, k=20)[1].shape == (20, 20)


def test_kdtree_valid_metrics_are_accepted_and_match_sklearn():
    from fastml.neighbors import KDTree

    X = np.random.default_rng(0).standard_normal((40, 3))
    Q = X[:5] + 0.01
    for m in KDTree.valid_metrics:
        d, i = KDTree(X, metric=m).query(Q, k=3)
        assert d.shape == (5, 3) and (i[:, 0] == np.arange(5)).all()
    sk = pytest.importorskip("sklearn.neighbors")
    assert set(sk.KDTree.valid_metrics) - {"p"} <= set(KDTree.valid_metrics)
