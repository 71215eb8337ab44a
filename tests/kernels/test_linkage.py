"""linkage family: compiled kernels against their NumPy twin at every SIMD level
(pairwise distances, Ward's centroid chain, the Lance-Williams chain, Prim's
algorithm, labelling), against SciPy's linkage matrices, on tied data, and
independent of the thread count."""
import numpy as np
import pytest

from fastml._kernels import COMPILED, _threads, linkage as lk
from fastml._kernels.reference import linkage as ref

SIZES = [(2, 1), (3, 2), (7, 3), (9, 8), (17, 5), (33, 17), (65, 4), (100, 9)]


def _points(rng, n, d):
    return rng.standard_normal((n, d)) * 2 + rng.standard_normal(d)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
@pytest.mark.parametrize("n,d", SIZES)
def test_pdist_matches_twin_and_scipy(cpu_level, rng, metric, n, d):
    sd = pytest.importorskip("scipy.spatial.distance")
    X = _points(rng, n, d)
    got = lk.pdist(X, metric)
    np.testing.assert_allclose(got, ref.pdist(X, metric), rtol=1e-12, atol=1e-13)
    want = sd.pdist(X, {"manhattan": "cityblock"}.get(metric, metric))
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12)


def _same_merges(got, want, n):
    np.testing.assert_array_equal(got[:, :2], want[:, :2])
    np.testing.assert_allclose(got[:, 2], want[:, 2], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("n,d", SIZES)
def test_ward_matches_twin(cpu_level, rng, n, d):
    X = _points(rng, n, d)
    _same_merges(lk.ward(X), ref.ward(X), n)


@pytest.mark.parametrize("method", ["complete", "average", "weighted", "ward"])
@pytest.mark.parametrize("n,d", SIZES)
def test_chain_matches_twin(cpu_level, rng, method, n, d):
    X = _points(rng, n, d)
    D = ref.pdist(X, "euclidean")
    D0 = D.copy()
    _same_merges(lk.chain(D, n, method), ref.chain(D, n, method), n)
    np.testing.assert_array_equal(D, D0)  # the facade works on a copy


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("n,d", SIZES)
def test_mst_matches_twin(cpu_level, rng, metric, n, d):
    X = _points(rng, n, d)
    _same_merges(lk.mst(X, metric), ref.mst(X, metric), n)
    D = ref.pdist(X, metric)
    _same_merges(lk.mst_condensed(D, n), ref.mst_condensed(D, n), n)


@pytest.mark.parametrize("ordered", [True, False])
def test_label_matches_twin(rng, ordered):
    X = _points(rng, 200, 3)
    M = ref.mst(X, "euclidean")
    np.testing.assert_array_equal(lk.label(M, ordered), ref.label(M, ordered))


@pytest.mark.parametrize("method", ["single", "complete", "average", "weighted", "ward"])
@pytest.mark.parametrize("n,d", [(2, 3), (10, 2), (257, 6), (600, 20)])
def test_linkage_matrix_matches_scipy(rng, method, n, d):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    X = _points(rng, n, d)
    want = hierarchy.linkage(X, method=method)
    if method == "ward":
        M = lk.ward(X)
    elif method == "single":
        M = lk.mst(X, "euclidean")
    else:
        M = lk.chain(lk.pdist(X, "euclidean"), n, method)
    got = lk.label(M, True)
    np.testing.assert_array_equal(got[:, [0, 1, 3]], want[:, [0, 1, 3]])
    np.testing.assert_allclose(got[:, 2], want[:, 2], rtol=1e-10)


@pytest.mark.parametrize("method", ["single", "complete", "average"])
def test_ties_follow_scipy(cpu_level, method):
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    g = np.arange(6.0)
    X = np.array([(a, b) for a in g for b in g])  # a grid: many equal distances
    n = len(X)
    D = lk.pdist(X, "euclidean")
    M = lk.mst_condensed(D, n) if method == "single" else lk.chain(D, n, method)
    got = lk.label(M, True)
    want = hierarchy.linkage(D, method=method)
    np.testing.assert_array_equal(got, want)
    if method == "single":
        np.testing.assert_array_equal(lk.label(lk.mst(X, "euclidean"), True), want)


def test_ward_ties_match_twin(cpu_level):
    g = np.arange(7.0)
    X = np.array([(a, b, 0.0) for a in g for b in g])
    _same_merges(lk.ward(X), ref.ward(X), len(X))


@pytest.mark.parametrize("kind", ["ward", "mst", "chain", "pdist"])
def test_thread_count_independent(rng, kind):
    X = _points(rng, 2500, 12)
    outs = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            if kind == "ward":
                outs.append(lk.ward(X))
            elif kind == "mst":
                outs.append(lk.mst(X, "manhattan"))
            elif kind == "pdist":
                outs.append(lk.pdist(X, "euclidean"))
            else:
                outs.append(lk.chain(lk.pdist(X, "euclidean"), len(X), "average"))
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])


def test_read_only_and_non_contiguous_inputs(rng):
    big = _points(rng, 120, 10)
    X = big[::2, 1:8]
    X.setflags(write=False)
    Xc = np.ascontiguousarray(X)
    _same_merges(lk.ward(X), ref.ward(Xc), len(Xc))
    _same_merges(lk.mst(X, "euclidean"), ref.mst(Xc, "euclidean"), len(Xc))
    D = lk.pdist(X, "manhattan")
    D.setflags(write=False)
    _same_merges(lk.chain(D, len(Xc), "complete"), ref.chain(D, len(Xc), "complete"), len(Xc))


def test_tiny_inputs():
    for fn in (lk.ward, lambda X: lk.mst(X, "euclidean")):
        assert fn(np.zeros((1, 3))).shape == (0, 3)
    M = lk.ward(np.array([[0.0], [3.0]]))
    np.testing.assert_allclose(M, [[0, 1, 3.0]])
    Z = lk.label(M, True)
    np.testing.assert_allclose(Z, [[0, 1, 3.0, 2]])


@pytest.mark.skipif(not COMPILED, reason="compiled kernels only")
def test_duplicate_points_ward_distances_are_zero(rng):
    X = np.repeat(_points(rng, 20, 4), 3, axis=0)
    Z = lk.label(lk.ward(X), True)
    assert np.count_nonzero(Z[:, 2] == 0) == 40
    assert np.all(np.isfinite(Z[:, 2]))
