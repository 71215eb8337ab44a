"""fastml.neighbors.HNSW: exact answers when ef_search covers the index,
recall at the default ef_search, determinism on one thread, incremental add,
set_params without rebuild, pickling (and tampered pickles), errors."""
import pickle

import numpy as np
import pytest

from fastml.exceptions import InvalidParameterError, NotFittedError
from fastml.neighbors import HNSW, NearestNeighbors


def clusters(rng, n, d, k=16, dtype=np.float64):
    centres = rng.normal(0, 4, size=(k, d))
    return (centres[rng.integers(0, k, n)] + rng.standard_normal((n, d))).astype(dtype)


def brute(X, Q, k, metric):
    X, Q = X.astype(np.float64), Q.astype(np.float64)
    if metric == "cosine":
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
        Q = Q / np.linalg.norm(Q, axis=1, keepdims=True)
    if metric in ("cosine", "ip"):
        D = 1.0 - Q @ X.T
    else:
        D = ((Q[:, None] - X[None]) ** 2).sum(-1)
        if metric == "euclidean":
            D = np.sqrt(D)
    order = np.lexsort((np.broadcast_to(np.arange(X.shape[0]), D.shape), D), axis=1)[:, :k]
    return np.take_along_axis(D, order, 1), order


def recall(ind, ref):
    return np.mean([len(set(a) & set(b)) / len(b) for a, b in zip(ind, ref)])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine", "ip"])
def test_exact_when_ef_search_covers_the_index(rng, dtype, metric):
    X = clusters(rng, 500, 12, dtype=dtype)
    Q = clusters(rng, 40, 12, dtype=dtype)
    est = HNSW(n_neighbors=8, metric=metric, M=8, ef_search=500, random_state=0).fit(X)
    dist, ind = est.kneighbors(Q)
    od, oi = brute(X, Q, 8, metric)
    assert dist.dtype == dtype and ind.dtype == np.int64
    tol = 1e-9 if dtype == np.float64 else 2e-4
    if dtype == np.float64:
        np.testing.assert_array_equal(ind, oi)
    np.testing.assert_allclose(dist, od, rtol=tol, atol=tol * max(1.0, np.abs(od).max()))


def test_matches_nearest_neighbors_euclidean(rng):
    X = clusters(rng, 600, 20)
    est = HNSW(n_neighbors=5, ef_search=600, random_state=0).fit(X)
    nn = NearestNeighbors(n_neighbors=5, algorithm="brute").fit(X)
    for Q in (X[:50] + 0.01, None):
        d1, i1 = est.kneighbors(Q)
        d2, i2 = nn.kneighbors(Q)
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_allclose(d1, d2, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_recall_at_default_ef(rng, dtype):
    # the benchmark's kind of data (benchmarks/bench_hnsw.py), smaller
    centres = rng.normal(0, 5, size=(256, 32))
    P = (centres[rng.integers(0, 256, 10300)] + rng.standard_normal((10300, 32))).astype(dtype)
    X, Q = P[:10000], P[10000:]
    est = HNSW(n_neighbors=10, random_state=0).fit(X)
    _, oi = brute(X, Q, 10, "euclidean")
    assert recall(est.kneighbors(Q, return_distance=False), oi) >= 0.95


def test_one_thread_is_deterministic(rng):
    X = clusters(rng, 2000, 16)
    Q = clusters(rng, 100, 16)
    a = HNSW(ef_search=20, M=6, random_state=3, n_jobs=1).fit(X)
    b = HNSW(ef_search=20, M=6, random_state=3, n_jobs=1).fit(X)
    for key in ("vectors", "links0", "levels", "upper"):
        np.testing.assert_array_equal(a.__getstate__()["_graph"][key],
                                      b.__getstate__()["_graph"][key])
    np.testing.assert_array_equal(a.kneighbors(Q)[1], b.kneighbors(Q)[1])
    c = HNSW(ef_search=20, M=6, random_state=4, n_jobs=1).fit(X)
    assert not np.array_equal(a._graph["levels"], c._graph["levels"])


def test_set_params_ef_search_needs_no_rebuild(rng):
    X = clusters(rng, 5000, 24, k=32)
    Q = clusters(rng, 200, 24, k=32)
    est = HNSW(n_neighbors=10, M=6, ef_construction=32, ef_search=10, random_state=0,
               n_jobs=1).fit(X)
    graph = est._graph
    _, oi = brute(X, Q, 10, "euclidean")
    low = recall(est.kneighbors(Q, return_distance=False), oi)
    est.set_params(ef_search=400)
    high = recall(est.kneighbors(Q, return_distance=False), oi)
    assert est._graph is graph and high > low + 0.3 and high > 0.9


def test_add_is_incremental(rng):
    X = clusters(rng, 1200, 10)
    est = HNSW(n_neighbors=5, ef_search=1200, random_state=0).fit(X[:700])
    est.add(X[700:1000]).add(X[1000:])
    assert est.n_samples_fit_ == 1200
    Q = clusters(rng, 30, 10)
    np.testing.assert_array_equal(est.kneighbors(Q)[1], brute(X, Q, 5, "euclidean")[1])
    # adding float32 rows to a float64 index converts them
    est.add(X[:3].astype(np.float32))
    assert est.n_samples_fit_ == 1203


def test_kneighbors_of_the_index_excludes_self(rng):
    X = clusters(rng, 300, 6)
    est = HNSW(n_neighbors=4, ef_search=300, random_state=0).fit(X)
    d, i = est.kneighbors()
    assert i.shape == (300, 4) and not (i == np.arange(300)[:, None]).any()
    np.testing.assert_array_equal(i, brute(X, X, 5, "euclidean")[1][:, 1:])


def test_kneighbors_graph(rng):
    X = clusters(rng, 200, 5)
    est = HNSW(n_neighbors=3, ef_search=200, random_state=0).fit(X)
    G = est.kneighbors_graph(X[:10], mode="distance")
    d, i = est.kneighbors(X[:10])
    assert G.shape == (10, 200) and G.nnz == 30
    np.testing.assert_allclose(G.toarray()[np.arange(10)[:, None], i], d)
    C = est.kneighbors_graph(None, 2)
    assert C.shape == (200, 200) and C.sum() == 400 and C.diagonal().sum() == 0
    with pytest.raises(ValueError, match="mode"):
        est.kneighbors_graph(X, mode="bogus")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pickle_round_trip(rng, dtype):
    X = clusters(rng, 800, 16, dtype=dtype)
    Q = clusters(rng, 50, 16, dtype=dtype)
    est = HNSW(metric="cosine", random_state=0).fit(X)
    back = pickle.loads(pickle.dumps(est))
    for a, b in zip(est.kneighbors(Q), back.kneighbors(Q)):
        np.testing.assert_array_equal(a, b)
    back.add(Q)  # the restored index grows
    assert back.n_samples_fit_ == 850
    assert back.kneighbors(Q[:5], 1)[1][:, 0].tolist() == list(range(800, 805))


@pytest.mark.parametrize("edit,match", [
    (lambda g: g.__setitem__("levels", g["levels"] + 1), "entry|upper"),
    (lambda g: g.__setitem__("entry", 10**6), "entry"),
    (lambda g: g.__setitem__("M", 1), "M"),
    (lambda g: g.__setitem__("vectors", g["vectors"][:-1]), "vectors"),
    (lambda g: g.__setitem__("vectors", g["vectors"].astype(np.float32)), "vectors"),
    (lambda g: g.__setitem__("links0", g["links0"][:, :-1]), "links0"),
    (lambda g: g.__setitem__("links0", g["links0"].astype(np.int64)), "links0"),
    (lambda g: g.pop("links0"), "links0"),
    (lambda g: g.__setitem__("format", 3), "format"),
    (lambda g: g.__setitem__("upper", g["upper"].astype(np.int64)), "upper"),
    (lambda g: g.__setitem__("metric", "l1"), "metric"),
])
def test_tampered_pickle_raises(rng, edit, match):
    est = HNSW(M=4, random_state=0).fit(clusters(rng, 300, 4))
    st = est.__getstate__()
    g = dict(st["_graph"])
    edit(g)
    st["_graph"] = g
    with pytest.raises(ValueError, match=match):
        HNSW.__new__(HNSW).__setstate__(st)


def test_tampered_links_raise(rng):
    est = HNSW(M=4, random_state=0).fit(clusters(rng, 300, 4))
    st = est.__getstate__()
    for col, value, match in ((0, 99, "count"), (1, 300, "outside"), (1, -1, "outside")):
        g = dict(st["_graph"])
        L = g["links0"].copy()
        L[0, col] = value
        if match == "outside":
            L[0, 0] = 1
        g["links0"] = L
        with pytest.raises(ValueError, match=f"level-0 links \\(links0\\) .*{match}"):
            HNSW.__new__(HNSW).__setstate__(dict(st, _graph=g))
    g = dict(st["_graph"])
    V = g["vectors"].copy()
    V[7, 2] = np.inf
    with pytest.raises(ValueError, match="vectors holds NaN or infinite"):
        HNSW.__new__(HNSW).__setstate__(dict(st, _graph=dict(g, vectors=V)))
    g = dict(st["_graph"])
    up = g["upper"].copy().reshape(-1, 5)
    low = np.flatnonzero(est._graph["levels"] == 0)[0]
    up[0, 0], up[0, 1] = 1, low  # a level-1 list pointing at a level-0 node
    g["upper"] = up.ravel()
    with pytest.raises(ValueError, match="below the list's level"):
        HNSW.__new__(HNSW).__setstate__(dict(st, _graph=g))


def _as_format_1(graph_state):
    """The graph state as the padded-record layout pickled it: one record per
    node of the vector, count and 2M links, zero padding to 64 bytes."""
    g = dict(graph_state)
    V, L = g.pop("vectors"), g.pop("links0")
    del g["format"]
    n, vb = V.shape[0], V.shape[1] * V.itemsize
    rec0 = -(-(vb + L.shape[1] * 4) // 64) * 64
    R = np.zeros((n, rec0), dtype=np.uint8)
    R[:, :vb] = V.view(np.uint8)
    R[:, vb:vb + L.shape[1] * 4] = L.view(np.uint8)
    g["level0"], g["rec0"] = R.ravel(), rec0
    g["levels"] = g["levels"].astype(np.int32)
    return g


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_pickle_of_the_padded_record_layout_is_converted(rng, dtype):
    X = clusters(rng, 500, 13, dtype=dtype)
    Q = clusters(rng, 40, 13, dtype=dtype)
    est = HNSW(M=5, random_state=0, n_jobs=1).fit(X)
    st = est.__getstate__()
    old = dict(st, _graph=_as_format_1(st["_graph"]))
    back = HNSW.__new__(HNSW)
    back.__setstate__(pickle.loads(pickle.dumps(old)))
    for key in ("vectors", "links0", "levels", "upper"):
        np.testing.assert_array_equal(back.__getstate__()["_graph"][key], st["_graph"][key])
    for a, b in zip(est.kneighbors(Q), back.kneighbors(Q)):
        np.testing.assert_array_equal(a, b)
    back.add(Q)  # and it grows in the new layout
    assert back.kneighbors(Q[:3], 1)[1][:, 0].tolist() == [500, 501, 502]
    # a damaged format-1 state names the format and the field
    g = _as_format_1(st["_graph"])
    for edit, match in ((lambda g: g.__setitem__("rec0", g["rec0"] + 64), "rec0 of format 1"),
                        (lambda g: g.__setitem__("level0", g["level0"][:-1]), "level0"),
                        (lambda g: g.pop("rec0"), "format 1 .*lacks an entry")):
        bad = dict(g)
        edit(bad)
        with pytest.raises(ValueError, match=match):
            HNSW.__new__(HNSW).__setstate__(dict(st, _graph=bad))
    bad = dict(g, level0=g["level0"].copy())
    vb = 13 * np.dtype(dtype).itemsize
    bad["level0"][vb:vb + 4] = np.frombuffer(np.int32(99).tobytes(), np.uint8)
    with pytest.raises(ValueError, match=r"level-0 links \(level0\) have a count"):
        HNSW.__new__(HNSW).__setstate__(dict(st, _graph=bad))


def test_index_memory_is_vectors_plus_lists(rng):
    """Level 0 holds d * itemsize + 4 * (1 + 2M) bytes per node (no padding);
    the rest is the upper levels, levels and their offsets."""
    X = clusters(rng, 1000, 24, dtype=np.float32)
    est = HNSW(M=6, random_state=0).fit(X)
    g = est._graph
    lists = int(g["levels"].sum())
    want = 1000 * (24 * 4 + 4 * 13) + max(1, lists * 7) * 4 + 1000 * (1 + 8)
    assert est.index_nbytes() == want
    assert g["vecs"].ctypes.data % 64 == 0


def test_errors(rng):
    X = clusters(rng, 100, 4)
    with pytest.raises(InvalidParameterError, match=r"'M' parameter .* \[2, 2048\]\. Got 1 "):
        HNSW(M=1).fit(X)
    with pytest.raises(InvalidParameterError, match=r"'M' parameter .* Got 4096 "):
        HNSW(M=4096).fit(X)
    with pytest.raises(InvalidParameterError, match=r"'ef_construction' parameter .* Got 0 "):
        HNSW(ef_construction=0).fit(X)
    with pytest.raises(InvalidParameterError, match="metric"):
        HNSW(metric="manhattan").fit(X)
    with pytest.raises(ValueError, match="ef_search=3 must be >= n_neighbors=5"):
        HNSW(ef_search=3).fit(X)
    est = HNSW(random_state=0)
    with pytest.raises(NotFittedError):
        est.kneighbors(X)
    with pytest.raises(NotFittedError):
        est.add(X)
    est.fit(X)
    with pytest.raises(ValueError, match="ef_search=50 must be >= n_neighbors=60"):
        est.kneighbors(X, 60)
    with pytest.raises(ValueError, match="features"):
        est.kneighbors(X[:, :3])
    with pytest.raises(ValueError, match="features"):
        est.add(np.ones((2, 5)))
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        HNSW(ef_search=200).fit(X[:10]).kneighbors(X, 11)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        HNSW().fit(bad)
    with pytest.raises(ValueError, match="NaN"):
        est.kneighbors(bad)
    with pytest.raises(ValueError, match="NaN"):
        est.add(bad)
    with pytest.raises(ValueError, match="0 sample"):
        HNSW().fit(np.empty((0, 4)))
    est.set_params(ef_search=0)
    with pytest.raises(InvalidParameterError, match="ef_search"):
        est.kneighbors(X)


def test_zero_rows_with_cosine(rng):
    X = clusters(rng, 100, 4)
    X[5] = 0
    est = HNSW(metric="cosine", ef_search=100, random_state=0).fit(X)
    d, i = est.kneighbors(np.zeros((1, 4)), 3)
    np.testing.assert_allclose(d, 1.0)


# ---- algorithm="hnsw" in the KNN estimators ----------------------------------------------
def test_knn_estimators_accept_algorithm_hnsw(rng):
    from fastml.neighbors import KNeighborsClassifier, KNeighborsRegressor

    X = clusters(rng, 600, 8)
    y = (X[:, 0] > 0).astype(int)
    Q = clusters(rng, 50, 8)
    params = {"ef_search": 600, "random_state": 0}
    for cls in (KNeighborsClassifier, KNeighborsRegressor):
        a = cls(n_neighbors=7, algorithm="hnsw", algorithm_params=params).fit(X, y)
        b = cls(n_neighbors=7, algorithm="brute").fit(X, y)
        np.testing.assert_array_equal(a.predict(Q), b.predict(Q))
        np.testing.assert_array_equal(pickle.loads(pickle.dumps(a)).predict(Q), a.predict(Q))
    nn = NearestNeighbors(n_neighbors=4, algorithm="hnsw", algorithm_params=params).fit(X)
    bf = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(X)
    for q in (Q, None):
        np.testing.assert_array_equal(nn.kneighbors(q)[1], bf.kneighbors(q)[1])
    # k above the index's ef_search: raised for the query, not an error
    d, i = NearestNeighbors(n_neighbors=3, algorithm="hnsw",
                            algorithm_params={"ef_search": 5}).fit(X).kneighbors(Q, 40)
    assert i.shape == (50, 40) and (np.diff(d, axis=1) >= 0).all()


def test_auto_never_picks_hnsw_and_bad_settings_raise(rng):
    X = clusters(rng, 3000, 64)
    assert NearestNeighbors().fit(X)._fit_method != "hnsw"
    with pytest.raises(ValueError, match="algorithm_params has unknown keys"):
        NearestNeighbors(algorithm="hnsw", algorithm_params={"ef": 3}).fit(X)
    with pytest.raises(ValueError, match="supports the euclidean"):
        NearestNeighbors(algorithm="hnsw", metric="manhattan").fit(X)
    with pytest.raises(InvalidParameterError, match="M"):
        NearestNeighbors(algorithm="hnsw", algorithm_params={"M": 1}).fit(X)


def test_far_float32_query_keeps_a_representable_euclidean_distance():
    """A float32 query ~2e19 away: its squared distance overflows float32 but
    the euclidean distance does not; the exact fallback returns it finite."""
    from fastml.neighbors import HNSW

    X = np.random.default_rng(0).standard_normal((40, 1)).astype(np.float32)
    Q = np.array([[2.3e19], [-0.5]], dtype=np.float32)
    dist, ind = HNSW(n_neighbors=2, random_state=0).fit(X).kneighbors(Q)
    want = np.abs(Q.astype(np.float64) - X.astype(np.float64)[ind][..., 0])
    assert np.isfinite(dist).all()
    np.testing.assert_allclose(dist, want, rtol=1e-6)
    sq = HNSW(n_neighbors=2, metric="sqeuclidean", random_state=0).fit(X).kneighbors(Q)[0]
    assert np.isinf(sq[0]).all() and np.isfinite(sq[1]).all()  # 5e38 is past float32


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean"])
def test_rescaled_index_reports_small_distances_exactly(metric):
    """float32 rows holding 3e38 are stored divided by a power of two; a
    neighbour 1e-3 away must not read as 0 (the distances are recomputed at the
    data's own scale)."""
    X = np.zeros((40, 3), dtype=np.float32)
    X[5, 0] = X[9, 1] = 3.4e38
    Q = np.full((2, 3), 1e-3, dtype=np.float32)
    dist, ind = HNSW(n_neighbors=3, metric=metric, random_state=0).fit(X).kneighbors(Q)
    want = np.sqrt(3) * 1e-3 if metric == "euclidean" else 3e-6
    np.testing.assert_allclose(dist[:, 0], want, rtol=1e-6)
    assert (X[ind[:, 0]] == 0).all() and (np.diff(dist, axis=1) >= 0).all()
