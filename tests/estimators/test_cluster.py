"""KMeans / MiniBatchKMeans: agreement with scikit-learn from the same initial
centres, dtype, errors, pickling (the Lloyd kernels: tests/kernels/test_kmeans.py)."""
import pickle
import warnings

import numpy as np
import pytest

from fastml.base import clone
from fastml.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from fastml.datasets import load_iris, make_blobs

pytestmark = pytest.mark.filterwarnings("ignore:Estimator .* does not inherit:UserWarning")


def _blobs(n=600, d=5, k=4, seed=0, dtype=np.float64):
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, random_state=seed)
    return np.ascontiguousarray(X, dtype=dtype)


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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,d,k", [(3000, 2, 8), (2500, 10, 20), (2000, 30, 7),
                                   (1500, 100, 20), (1200, 400, 16), (3000, 64, 256)])
def test_same_result_as_sklearn_from_same_init_shapes(dtype, n, d, k):
    """Both assignment paths (direct search below 24 features, dot-product
    tiles from 24 on): same labels, inertia, centres and n_iter as scikit-learn
    from the same initial centres."""
    skc = pytest.importorskip("sklearn.cluster")
    X = _blobs(n, d, min(k, 30), seed=d, dtype=dtype)
    init = X[np.random.RandomState(k).choice(n, k, replace=False)].copy()
    ours = KMeans(k, init=init, n_init=1, max_iter=50, tol=0.0).fit(X)
    theirs = skc.KMeans(k, init=init, n_init=1, max_iter=50, tol=0.0).fit(X)
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=rtol)
    diff = ours.labels_ != theirs.labels_
    if dtype == np.float64:
        assert not diff.any()
    else:
        # scikit-learn ranks by |x|^2 - 2 x.c + |c|^2 in float32; fastml's labels
        # are those of direct distances: they may differ only on near ties
        assert diff.mean() < 0.005
        C = ours.cluster_centers_.astype(np.float64)
        Xd = X[diff].astype(np.float64)
        da = ((Xd - C[ours.labels_[diff]]) ** 2).sum(1)
        db = ((Xd - C[theirs.labels_[diff]]) ** 2).sum(1)
        np.testing.assert_array_less(da, db * (1 + 1e-5) + 1e-6)
    if not diff.any():
        np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_,
                                   rtol=rtol, atol=rtol * np.abs(X).max())
        assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n,d,k", [(2000, 2, 8), (1500, 20, 30), (800, 100, 64)])
def test_kmeans_plusplus_equals_sklearn_same_random_state(dtype, weighted, n, d, k):
    skc = pytest.importorskip("sklearn.cluster")
    X = _blobs(n, d, 10, seed=7, dtype=dtype)
    sw = np.random.RandomState(3).uniform(0.5, 2, n).astype(dtype) if weighted else None
    c, idx = kmeans_plusplus(X, k, sample_weight=sw, random_state=11)
    sc, sidx = skc.kmeans_plusplus(X, k, sample_weight=sw, random_state=11)
    np.testing.assert_array_equal(idx, sidx)
    np.testing.assert_array_equal(c, sc)


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
