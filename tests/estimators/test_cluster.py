"""KMeans / MiniBatchKMeans: compiled Lloyd step vs its NumPy twin, agreement
with scikit-learn from the same initial centres, dtype, errors, pickling."""
import pickle
import warnings

import numpy as np
import pytest

from fastml import set_num_threads, get_num_threads
from fastml._kernels import COMPILED
from fastml._kernels import kmeans as kk
from fastml._kernels.reference import kmeans as rk
from fastml.base import clone
from fastml.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from fastml.datasets import load_iris, make_blobs

pytestmark = pytest.mark.filterwarnings("ignore:Estimator .* does not inherit:UserWarning")


def _blobs(n=600, d=5, k=4, seed=0, dtype=np.float64):
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, random_state=seed)
    return np.ascontiguousarray(X, dtype=dtype)


# ---- kernel vs twin ---------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,d,k", [(1, 1, 1), (9, 3, 2), (257, 7, 8), (300, 17, 9),
                                   (1030, 16, 16), (515, 2, 33), (2100, 48, 5),
                                   (700, 130, 20)])
@pytest.mark.parametrize("weighted", [False, True])
def test_lloyd_step_matches_twin(cpu_level, dtype, n, d, k, weighted, rng):
    X = rng.standard_normal((n, d)).astype(dtype)
    C = rng.standard_normal((k, d)).astype(dtype)
    sw = rng.uniform(0.5, 2.0, n).astype(dtype) if weighted else None
    lab, mind, inertia, sums, wsum = kk.lloyd_step(X, C, sw)
    rlab, rmind, rinertia, rsums, rwsum = rk.lloyd_step(X, C, sw)
    assert lab.dtype == np.int32 and mind.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-10
    # labels agree except on near-ties (both choices within rounding)
    diff = lab != rlab
    if diff.any():
        Xd, Cd = X[diff].astype(np.float64), C.astype(np.float64)
        da = ((Xd - Cd[lab[diff]]) ** 2).sum(1)
        db = ((Xd - Cd[rlab[diff]]) ** 2).sum(1)
        np.testing.assert_allclose(da, db, rtol=tol)
    assert diff.mean() < 0.01
    np.testing.assert_allclose(mind, rmind, rtol=tol, atol=tol)
    np.testing.assert_allclose(inertia, rinertia, rtol=tol)
    if not diff.any():
        np.testing.assert_allclose(sums, rsums, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(wsum, rwsum, rtol=1e-12)
    _, _, inertia2, none_sums, _ = kk.lloyd_step(X, C, sw, update=False)
    assert none_sums is None and inertia2 == inertia
    # the feature-major fast path gives bitwise the same result
    t = kk.lloyd_step(X, C, sw, XT=np.ascontiguousarray(X.T))
    np.testing.assert_array_equal(t[0], lab)
    np.testing.assert_array_equal(t[1], mind)
    assert t[2] == inertia
    np.testing.assert_array_equal(t[3], sums)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", ["plain", "weighted", "empty", "tol", "wide"])
def test_lloyd_loop_matches_twin(cpu_level, dtype, case, rng):
    d = 50 if case == "wide" else 3
    X = _blobs(900, d, 4, seed=11, dtype=dtype)
    init = X[[0, 1, 2, 3, 4]].copy()
    if case == "empty":
        init[4] = 1e4                     # attracts nothing: re-seeded
    sw = rng.uniform(0.2, 3.0, len(X)).astype(dtype) if case == "weighted" else None
    tol = 1e-3 if case == "tol" else 0.0
    a = kk.lloyd(X, init, sw, max_iter=100, tol=tol)
    b = rk.lloyd(X, init, sw, max_iter=100, tol=tol)
    np.testing.assert_array_equal(a[0], b[0])
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(a[1], b[1], rtol=rtol)
    np.testing.assert_allclose(a[2], b[2], rtol=rtol, atol=rtol)
    assert a[3] == b[3]
    assert a[2].dtype == dtype
    capped = kk.lloyd(X, init, sw, max_iter=1, tol=0.0)
    assert capped[3] == 1


@pytest.mark.skipif(not COMPILED, reason="thread count only matters for compiled kernels")
def test_lloyd_step_independent_of_threads(rng):
    X = rng.standard_normal((20000, 16)).astype(np.float32)
    C = X[:16].copy()
    prev = get_num_threads()
    try:
        set_num_threads(1)
        a = kk.lloyd_step(X, C)
        set_num_threads(2)
        b = kk.lloyd_step(X, C)
    finally:
        set_num_threads(prev)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[2] == b[2]
    np.testing.assert_array_equal(a[3], b[3])
    np.testing.assert_array_equal(a[4], b[4])


# ---- agreement with scikit-learn ---------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("data", ["iris", "blobs"])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_inertia_equals_sklearn_same_init(dtype, data, tol):
    skc = pytest.importorskip("sklearn.cluster")
    if data == "iris":
        X, k = load_iris().data.astype(dtype), 3
    else:
        X, k = _blobs(2000, 6, 5, seed=3, dtype=dtype), 5
    init = X[np.random.RandomState(1).choice(len(X), k, replace=False)].copy()
    ours = KMeans(k, init=init, n_init=1, max_iter=100, tol=tol).fit(X)
    theirs = skc.KMeans(k, init=init, n_init=1, max_iter=100, tol=tol).fit(X)
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=rtol)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_,
                               rtol=rtol, atol=rtol)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.cluster_centers_.dtype == dtype


def test_empty_cluster_relocated_like_sklearn():
    skc = pytest.importorskip("sklearn.cluster")
    X = _blobs(300, 2, 3, seed=5)
    init = np.array([X[0], X[1], [1e3, 1e3]])   # third centre attracts nothing
    ours = KMeans(3, init=init, n_init=1).fit(X)
    theirs = skc.KMeans(3, init=init, n_init=1).fit(X)
    assert len(np.unique(ours.labels_)) == 3
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-8)


def test_kmeanspp_and_n_init_quality():
    X = _blobs(1500, 4, 6, seed=2)
    best = KMeans(6, n_init=5, random_state=0).fit(X)
    one = KMeans(6, n_init=1, random_state=0).fit(X)
    assert best.inertia_ <= one.inertia_ + 1e-9
    # the 6 blobs are found: inertia close to n * d (unit-variance blobs)
    assert best.inertia_ < 1.3 * 1500 * 4
    centers, idx = kmeans_plusplus(X, 6, random_state=0)
    np.testing.assert_array_equal(centers, X[idx])
    assert len(set(idx.tolist())) == 6


def test_predict_transform_score_and_float32():
    X = _blobs(400, 3, 3, seed=1, dtype=np.float32)
    km = KMeans(3, random_state=0).fit(X)
    assert km.cluster_centers_.dtype == np.float32
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    T = km.transform(X)
    assert T.shape == (400, 3) and T.dtype == np.float32
    np.testing.assert_array_equal(np.argmin(T, axis=1), km.labels_)
    np.testing.assert_allclose(-km.score(X), km.inertia_, rtol=1e-5)
    np.testing.assert_array_equal(KMeans(3, random_state=0).fit_predict(X), km.labels_)


def test_tol_is_relative_to_variance():
    X = np.random.default_rng(0).uniform(size=(2000, 2))   # slow to converge
    init = X[:8].copy()
    exact = KMeans(8, init=init, tol=0.0).fit(X).n_iter_
    loose = KMeans(8, init=init, tol=1e-2).fit(X).n_iter_
    assert loose < exact
    scaled = KMeans(8, init=init * 1000.0, tol=1e-2).fit(X * 1000.0).n_iter_
    assert scaled == loose


def test_minibatch_close_to_full():
    X = _blobs(3000, 4, 5, seed=4)
    full = KMeans(5, random_state=0).fit(X)
    mb = MiniBatchKMeans(5, batch_size=256, random_state=0).fit(X)
    assert mb.inertia_ < 1.1 * full.inertia_
    mb2 = MiniBatchKMeans(5, random_state=0)
    for i in range(0, 3000, 500):
        mb2.partial_fit(X[i:i + 500])
    assert mb2.cluster_centers_.shape == (5, 4)
    assert mb2.score(X) > -1.5 * full.inertia_


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_bad_values(bad):
    X = _blobs(50, 2, 2)
    X[3, 1] = np.nan if bad == "nan" else np.inf
    with pytest.raises(ValueError, match="NaN|infinity"):
        KMeans(2).fit(X)


def test_errors():
    X = _blobs(10, 2, 2)
    with pytest.raises(ValueError, match="n_samples=10 should be >= n_clusters=11"):
        KMeans(11).fit(X)
    with pytest.raises(ValueError, match="shape of the initial centers"):
        KMeans(3, init=np.zeros((2, 2))).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        KMeans(0).fit(X)
    with pytest.raises(ValueError, match="init"):
        KMeans(2, init="nope").fit(X)
    with pytest.raises(ValueError, match="2D"):
        KMeans(2).fit(X[:, 0])
    km = KMeans(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        km.predict(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="sample_weight"):
        KMeans(2).fit(X, sample_weight=np.ones(3))


def test_pickle_and_clone():
    X = _blobs(200, 3, 3)
    km = KMeans(3, random_state=0).fit(X)
    km2 = pickle.loads(pickle.dumps(km))
    np.testing.assert_array_equal(km2.predict(X), km.predict(X))
    c = clone(km)
    assert not hasattr(c, "cluster_centers_") and c.get_params() == km.get_params()


def test_explicit_init_with_n_init_warns():
    X = _blobs(100, 2, 2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        KMeans(2, init=X[:2].copy(), n_init=3).fit(X)
    assert any("Explicit initial center" in str(x.message) for x in w)


# scikit-learn's estimator checks for these estimators run in tests/test_common.py.
