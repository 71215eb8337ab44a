"""Exact distributed neighbours against single-machine fastml: the same
neighbours and distances, bit for bit (np.array_equal), on even, uneven and
empty partitions, k larger than a partition, both engines, float32/float64."""
import pickle

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import fastml.neighbors as fn  # noqa: E402
import fastml.dask as fd  # noqa: E402
from fastml.dask import _neighbors as _dn  # noqa: E402

from .conftest import large_enabled  # noqa: E402


def _data(n, d, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((16, d)) * 4
    X = centers[rng.integers(0, 16, n)] + rng.standard_normal((n, d))
    X[::5] = np.round(X[::5], 1)  # exact duplicates and distance ties
    return X.astype(dtype)


CHUNKINGS = {
    "even": lambda n: n // 8,
    "uneven": lambda n: (n // 2, 0, n // 4 - 3, 3, n - n // 2 - n // 4),  # an empty one
}


@pytest.mark.parametrize("chunking, algorithm, dtype", [
    ("even", "auto", np.float64), ("uneven", "auto", np.float32),
    ("uneven", "brute", np.float64), ("even", "brute", np.float32)])
def test_kneighbors_identical(client, chunking, algorithm, dtype):
    X = _data(6000, 8, dtype)
    Q = _data(900, 8, dtype, seed=1)
    Xd = da.from_array(X, chunks=(CHUNKINGS[chunking](len(X)), 8))
    ref = fn.NearestNeighbors(n_neighbors=9, algorithm=algorithm).fit(X)
    est = fd.NearestNeighbors(n_neighbors=9, algorithm=algorithm,
                              query_block_size=300).fit(Xd)
    assert est._fit_method == ref._fit_method
    d0, i0 = ref.kneighbors(Q)
    d1, i1 = est.kneighbors(Q)
    assert d1.dtype == d0.dtype and i1.dtype == np.int64
    assert np.array_equal(d0, d1) and np.array_equal(i0, i1)
    # lazy in, lazy out; same answer
    dl, il = est.kneighbors(da.from_array(Q, chunks=(450, 8)))
    assert isinstance(dl, da.Array) and isinstance(il, da.Array)
    assert np.array_equal(dl.compute(), d0) and np.array_equal(il.compute(), i0)
    # X=None: each training row without itself
    d0, i0 = ref.kneighbors(None, 4)
    d1, i1 = est.kneighbors(None, 4)
    assert np.array_equal(d0, np.asarray(d1)) and np.array_equal(i0, np.asarray(i1))


def test_k_larger_than_partition_and_metrics(client):
    X = _data(600, 3)
    Q = _data(50, 3, seed=2)
    Xd = da.from_array(X, chunks=((5, 20, 0, 575), (3,)))
    for metric, p in [("manhattan", 2), ("chebyshev", 2), ("minkowski", 3), ("euclidean", 2)]:
        ref = fn.NearestNeighbors(n_neighbors=40, metric=metric, p=p).fit(X)
        est = fd.NearestNeighbors(n_neighbors=40, metric=metric, p=p).fit(Xd)
        d0, i0 = ref.kneighbors(Q)
        d1, i1 = est.kneighbors(Q)
        assert np.array_equal(d0, d1) and np.array_equal(i0, i1), metric
    with pytest.raises(ValueError, match="n_neighbors = 601"):
        est.kneighbors(Q, 601)


def test_radius_neighbors(client):
    X = _data(4000, 4)
    Q = _data(300, 4, seed=3)
    Xd = da.from_array(X, chunks=((1500, 0, 1000, 1500), (4,)))
    ref = fn.NearestNeighbors(radius=1.2).fit(X)
    est = fd.NearestNeighbors(radius=1.2).fit(Xd)
    d0, i0 = ref.radius_neighbors(Q, sort_results=True)
    d1, i1 = est.radius_neighbors(Q, sort_results=True)
    assert all(np.array_equal(a, b) for a, b in zip(i0, i1))
    assert all(np.array_equal(a, b) for a, b in zip(d0, d1))
    # unsorted: the same sets, each row in increasing index order
    d0, i0 = ref.radius_neighbors(Q, radius=0.7)
    d1, i1 = est.radius_neighbors(Q, radius=0.7)
    for a, b, da_, db in zip(i0, i1, d0, d1):
        o = np.argsort(a)
        assert np.array_equal(a[o], b) and np.array_equal(da_[o], db)
    g0 = ref.radius_neighbors_graph(None, 0.5, mode="distance")
    g1 = est.radius_neighbors_graph(None, 0.5, mode="distance")
    assert (g0 != g1).nnz == 0 and g0.shape == g1.shape
    k0 = ref.kneighbors_graph(Q, 3, mode="distance")
    k1 = est.kneighbors_graph(Q, 3, mode="distance")
    assert (k0 != k1).nnz == 0


def test_classifier_regressor_dataframe(client):
    X = _data(4000, 5)
    Q = _data(500, 5, seed=4)
    y = (X[:, 0] > 0).astype(int) + 2 * (X[:, 1] > 1)
    cols = [f"f{i}" for i in range(5)]
    ddf = dd.from_pandas(pd.DataFrame(X, columns=cols), npartitions=4)
    ys = dd.from_pandas(pd.Series(y), npartitions=4)
    qdf = dd.from_pandas(pd.DataFrame(Q, columns=cols), npartitions=3)
    for weights in ["uniform", "distance"]:
        ref = fn.KNeighborsClassifier(7, weights=weights).fit(pd.DataFrame(X, columns=cols), y)
        est = fd.KNeighborsClassifier(7, weights=weights).fit(ddf, ys)
        assert list(est.feature_names_in_) == cols
        assert np.array_equal(ref.classes_, est.classes_)
        p0 = ref.predict_proba(pd.DataFrame(Q, columns=cols))
        p1 = est.predict_proba(qdf)
        assert isinstance(p1, da.Array)
        assert np.array_equal(p0, p1.compute())
        assert np.array_equal(ref.predict(pd.DataFrame(Q, columns=cols)), est.predict(Q))
        r0 = fn.KNeighborsRegressor(6, weights=weights).fit(X, X[:, 2])
        r1 = fd.KNeighborsRegressor(6, weights=weights).fit(ddf, ddf["f2"])
        assert np.array_equal(r0.predict(Q), r1.predict(qdf).compute())
    assert est.score(Q, y[:500]) == pytest.approx(ref.score(Q, y[:500]))


def test_errors(client):
    X = _data(500, 3)
    Xd = da.from_array(X, chunks=(100, 3))
    with pytest.raises(ValueError, match="hnsw"):
        fd.NearestNeighbors(algorithm="hnsw").fit(Xd)
    with pytest.raises(ValueError, match="seuclidean"):
        fd.NearestNeighbors(metric="seuclidean").fit(Xd)
    with pytest.raises(ValueError, match="n_neighbors"):
        fd.NearestNeighbors(n_neighbors=0).fit(Xd)
    with pytest.raises(ValueError, match="query_block_size"):
        fd.NearestNeighbors(query_block_size=0).fit(Xd)
    est = fd.NearestNeighbors().fit(Xd)
    with pytest.raises(ValueError, match="4 features"):
        est.kneighbors(np.zeros((2, 4)))
    bad = X.copy()
    bad[250, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fd.NearestNeighbors().fit(da.from_array(bad, chunks=(100, 3))).kneighbors(X[:2])


def test_pickling_is_cheap(client, monkeypatch):
    """A partition (what ships between processes) and the whole estimator
    pickle with the k-d tree's flat arrays: unpickling never rebuilds it."""
    X = _data(5000, 4)
    Q = _data(100, 4, seed=5)
    est = fd.NearestNeighbors(n_neighbors=5).fit(da.from_array(X, chunks=(1250, 4)))
    d0, i0 = est.kneighbors(Q)
    part = _dn._fit_partition(X[:1250], None, dict(algorithm="kd_tree"), 0, None, True)
    from fastml._kernels import kdtree as _kt

    def boom(*a, **k):
        raise AssertionError("tree rebuilt on unpickle")

    monkeypatch.setattr(_kt, "build_tree", boom)
    part2 = pickle.loads(pickle.dumps(part))
    assert part2.index._tree is not None
    assert np.array_equal(_dn._local_knn(part2, Q, 5, np.float64)[1],
                          _dn._local_knn(part, Q, 5, np.float64)[1])
    est2 = pickle.loads(pickle.dumps(est))
    d1, i1 = est2.kneighbors(Q)
    assert np.array_equal(d0, d1) and np.array_equal(i0, i1)


@pytest.mark.skipif(not large_enabled(), reason="set FASTML_DASK_LARGE=1 (10^6 x 8 data)")
def test_large_million_rows(client):
    X = _data(1_000_000, 8, seed=7)
    Q = _data(20_000, 8, seed=8)
    ref = fn.NearestNeighbors(n_neighbors=10).fit(X)
    d0, i0 = ref.kneighbors(Q)
    for chunks in [125_000, (300_000, 0, 200_000, 5, 124_995, 375_000)]:
        est = fd.NearestNeighbors(n_neighbors=10).fit(da.from_array(X, chunks=(chunks, 8)))
        d1, i1 = est.kneighbors(da.from_array(Q, chunks=(5000, 8)))
        d1, i1 = d1.compute(), i1.compute()
        assert np.array_equal(d0, d1) and np.array_equal(i0, i1)
    r0 = ref.radius_neighbors(Q[:2000], 0.5, sort_results=True)
    r1 = est.radius_neighbors(Q[:2000], 0.5, sort_results=True)
    assert all(np.array_equal(a, b) for a, b in zip(r0[1], r1[1]))
