"""Sparse neighbour graphs (kneighbors_graph, radius_neighbors_graph: the
estimator methods and the module functions) and radius search with a callable
metric, against scikit-learn on small data without distance ties."""
import os
import subprocess
import sys

import numpy as np
import pytest

from fastml.neighbors import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestNeighbors,
    kneighbors_graph,
    radius_neighbors_graph,
)

sp = pytest.importorskip("scipy.sparse")

RNG = np.random.default_rng(7)
X = RNG.standard_normal((80, 3))
Q = RNG.standard_normal((9, 3))
Y = (X[:, 0] > 0).astype(int)


def assert_same_graph(ours, ref, exact_order=True):
    """Same CSR structure (row pointers, column order) and data."""
    assert isinstance(ours, sp.csr_matrix)
    assert ours.shape == ref.shape
    if not exact_order:  # rows as sets: compare canonical (column-sorted) forms
        ours, ref = ours.sorted_indices(), ref.sorted_indices()
    np.testing.assert_array_equal(ours.indptr, ref.indptr)
    np.testing.assert_array_equal(ours.indices, ref.indices)
    np.testing.assert_allclose(ours.data, ref.data, rtol=1e-12, atol=1e-12)


def _pair(cls, algorithm, **kw):
    sk = pytest.importorskip("sklearn.neighbors")
    if cls is NearestNeighbors:
        return cls(algorithm=algorithm, **kw).fit(X), sk.NearestNeighbors(**kw).fit(X)
    y = Y if cls is KNeighborsClassifier else X[:, 0]
    return (cls(algorithm=algorithm, **kw).fit(X, y),
            getattr(sk, cls.__name__)(**kw).fit(X, y))


@pytest.mark.parametrize("cls", [NearestNeighbors, KNeighborsClassifier, KNeighborsRegressor])
@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("mode", ["connectivity", "distance"])
def test_kneighbors_graph_method_matches_sklearn(cls, algorithm, mode):
    ours, ref = _pair(cls, algorithm, n_neighbors=4)
    for query in (None, Q):
        assert_same_graph(ours.kneighbors_graph(query, mode=mode),
                          ref.kneighbors_graph(query, mode=mode))
    g = ours.kneighbors_graph(Q, n_neighbors=7, mode=mode)
    assert_same_graph(g, ref.kneighbors_graph(Q, n_neighbors=7, mode=mode))
    assert g.shape == (len(Q), len(X)) and g.nnz == 7 * len(Q)
    assert g.dtype == np.float64 and g.indices.dtype == np.int64


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("metric", ["minkowski", "manhattan"])
def test_radius_neighbors_graph_method_matches_sklearn(algorithm, metric):
    ours, ref = _pair(NearestNeighbors, algorithm, radius=1.1, metric=metric)
    for query in (None, Q):
        # sorted distance rows: identical CSR, column order included
        assert_same_graph(ours.radius_neighbors_graph(query, mode="distance", sort_results=True),
                          ref.radius_neighbors_graph(query, mode="distance", sort_results=True))
        for mode in ("connectivity", "distance"):
            assert_same_graph(ours.radius_neighbors_graph(query, mode=mode),
                              ref.radius_neighbors_graph(query, mode=mode), exact_order=False)
    g = ours.radius_neighbors_graph(Q, radius=np.linspace(0.5, 2.0, len(Q)))
    assert_same_graph(g, ref.radius_neighbors_graph(Q, radius=np.linspace(0.5, 2.0, len(Q))),
                      exact_order=False)
    empty = ours.radius_neighbors_graph(Q + 100.0, radius=0.5)
    assert empty.shape == (len(Q), len(X)) and empty.nnz == 0


@pytest.mark.parametrize("mode", ["connectivity", "distance"])
@pytest.mark.parametrize("include_self", [False, True, "auto"])
def test_module_functions_match_sklearn(mode, include_self):
    sk = pytest.importorskip("sklearn.neighbors")
    for metric, p in (("minkowski", 2), ("minkowski", 3), ("chebyshev", 2)):
        kw = dict(mode=mode, metric=metric, p=p, include_self=include_self)
        assert_same_graph(kneighbors_graph(X, 5, **kw), sk.kneighbors_graph(X, 5, **kw))
        assert_same_graph(radius_neighbors_graph(X, 1.2, **kw),
                          sk.radius_neighbors_graph(X, 1.2, **kw), exact_order=False)
    # a fitted estimator is used as is (no refit)
    nn = NearestNeighbors(n_neighbors=3).fit(X)
    assert_same_graph(kneighbors_graph(nn, 3, mode=mode, include_self=include_self),
                      sk.kneighbors_graph(X, 3, mode=mode, include_self=include_self))
    clf = KNeighborsClassifier(n_neighbors=3, algorithm="brute").fit(X, Y)
    assert_same_graph(kneighbors_graph(clf, 6, mode=mode, include_self=include_self),
                      sk.kneighbors_graph(X, 6, mode=mode, include_self=include_self))
    assert_same_graph(radius_neighbors_graph(nn, 0.9, mode=mode, include_self=include_self),
                      sk.radius_neighbors_graph(X, 0.9, mode=mode, include_self=include_self),
                      exact_order=False)


def test_graph_semantics_by_hand():
    # 1-D points 0, 1, 3: hand-computed graphs
    P = np.array([[0.0], [1.0], [3.0]])
    g = kneighbors_graph(P, 1, mode="distance").toarray()
    np.testing.assert_array_equal(g, [[0, 1, 0], [1, 0, 0], [0, 2, 0]])
    g = kneighbors_graph(P, 2, include_self=True).toarray()
    np.testing.assert_array_equal(g, [[1, 1, 0], [1, 1, 0], [0, 1, 1]])
    g = radius_neighbors_graph(P, 1.0, mode="distance").toarray()
    np.testing.assert_array_equal(g, [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    # include_self with mode="distance" stores the zero self-distance explicitly
    g = radius_neighbors_graph(P, 1.0, mode="distance", include_self=True)
    assert g.nnz == 5 and g[2, 2] == 0


def test_float32_distances_stay_float32():
    X32 = X.astype(np.float32)
    for algorithm in ("kd_tree", "brute"):
        nn = NearestNeighbors(n_neighbors=3, radius=1.0, algorithm=algorithm).fit(X32)
        assert nn.kneighbors_graph(mode="distance").dtype == np.float32
        assert nn.radius_neighbors_graph(mode="distance").dtype == np.float32
        assert nn.kneighbors_graph().dtype == np.float64  # connectivity: ones, as sklearn
        ref = NearestNeighbors(n_neighbors=3, algorithm=algorithm).fit(X)
        assert_same_graph(nn.kneighbors_graph(), ref.kneighbors_graph())


def test_graph_errors():
    nn = NearestNeighbors(n_neighbors=3).fit(X)
    with pytest.raises(ValueError, match='got "dist" instead'):
        nn.kneighbors_graph(mode="dist")
    with pytest.raises(ValueError, match="Unsupported mode"):
        nn.radius_neighbors_graph(mode=None)
    with pytest.raises(ValueError, match="Unsupported mode"):
        kneighbors_graph(X, 3, mode="weights")
    with pytest.raises(ValueError, match="Unsupported mode"):
        radius_neighbors_graph(X, 1.0, mode="")
    with pytest.raises(ValueError, match="radius must be >= 0"):
        nn.radius_neighbors_graph(Q, radius=-1.0)
    with pytest.raises(ValueError, match="radius must be >= 0"):
        nn.radius_neighbors(Q, radius=np.nan)
    with pytest.raises(ValueError, match=r"radius must be a scalar or have shape \(9,\)"):
        nn.radius_neighbors(Q, radius=[1.0, 2.0])
    with pytest.raises(ValueError, match="radius must be a number"):
        nn.radius_neighbors(Q, radius="far")
    with pytest.raises(ValueError, match=r"'radius' parameter of NearestNeighbors must be a "
                                         r"float in the range \[0.0, inf\]. Got -0.5"):
        NearestNeighbors(radius=-0.5).fit(X)
    with pytest.raises(ValueError, match="'radius' parameter of radius_neighbors_graph .* "
                                         "Got nan instead"):
        radius_neighbors_graph(X, float("nan"))
    with pytest.raises(ValueError, match=r"'n_neighbors' parameter of NearestNeighbors must be "
                                         r"an int in the range \[1, inf\). Got 0"):
        kneighbors_graph(X, 0)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        nn.kneighbors_graph(n_neighbors=len(X))  # X=None needs one more than asked for
    with pytest.raises(ValueError, match="include_self"):
        kneighbors_graph(X, 3, include_self="yes")
    with pytest.raises(ValueError, match="Weights must have same size"):
        kneighbors_graph(X, 3, metric_params={"w": np.ones(X.shape[1] + 1)})
    with pytest.raises(ValueError, match="while the estimator has 'minkowski'"):
        kneighbors_graph(nn, 3, metric="manhattan")
    with pytest.raises(ValueError, match="for p, while the estimator has 2"):
        radius_neighbors_graph(nn, 1.0, p=1)
    with pytest.raises(ValueError, match="features"):
        nn.kneighbors_graph(np.ones((2, 4)))
    from fastml.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        NearestNeighbors().kneighbors_graph(X)
    with pytest.raises(NotFittedError):
        kneighbors_graph(NearestNeighbors(), 2)


def test_import_does_not_load_scipy():
    # (a search may load SciPy's BLAS, which imports scipy.sparse: check import only)
    code = ("import sys, fastml, fastml.neighbors as n; n.kneighbors_graph; "
            "assert 'scipy.sparse' not in sys.modules, 'scipy.sparse imported'")
    import fastml

    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(fastml.__file__)))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# ---- radius search with a callable metric (brute force through Numba) ------

def _l1(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += abs(a[i] - b[i])
    return s


@pytest.mark.parametrize("sort_results", [False, True])
def test_radius_callable_matches_sklearn(sort_results):
    pytest.importorskip("numba")
    sk = pytest.importorskip("sklearn.neighbors")
    ours = NearestNeighbors(metric=_l1, radius=1.5).fit(X)
    ref = sk.NearestNeighbors(metric=_l1, radius=1.5, algorithm="brute").fit(X)
    for query in (None, Q):
        d1, i1 = ours.radius_neighbors(query, sort_results=sort_results)
        d2, i2 = ref.radius_neighbors(query, sort_results=sort_results)
        assert len(i1) == len(i2)
        for a, b, da, db in zip(i1, i2, d1, d2):
            np.testing.assert_array_equal(a, b)  # brute-force order: by index, or sorted
            np.testing.assert_allclose(da, db, rtol=1e-12)
        assert_same_graph(ours.radius_neighbors_graph(query, mode="distance"),
                          ref.radius_neighbors_graph(query, mode="distance"))
    # per-query radii, some so large that rows are scanned whole (blocks of 64 + 16)
    r = np.where(np.arange(len(Q)) % 2, 1e6, 0.8)
    d1, i1 = ours.radius_neighbors(Q, radius=r, sort_results=sort_results)
    assert len(i1[1]) == len(X)
    for q in range(len(Q)):  # scikit-learn's brute force takes one radius per call
        d2, i2 = ref.radius_neighbors(Q[q:q + 1], radius=r[q], sort_results=sort_results)
        np.testing.assert_array_equal(i1[q], i2[0])
        np.testing.assert_allclose(d1[q], d2[0], rtol=1e-12)
    # same as the built-in manhattan metric (rows compared as sets)
    builtin = NearestNeighbors(metric="manhattan", radius=1.5).fit(X)
    assert_same_graph(ours.radius_neighbors_graph(Q), builtin.radius_neighbors_graph(Q),
                      exact_order=False)
    g = radius_neighbors_graph(X, 1.5, metric=_l1, mode="distance")
    assert_same_graph(g, sk.radius_neighbors_graph(X, 1.5, metric=_l1, mode="distance"),
                      exact_order=False)  # scikit-learn's "auto" is a ball tree here
