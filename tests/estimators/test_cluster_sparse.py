"""KMeans / MiniBatchKMeans / kmeans_plusplus on scipy.sparse input (CSR and
CSC, matrix and array flavours), against scikit-learn from the same initial
centres and against fastml on the densified matrix; plus scikit-learn's
n_init / init-shape / mini-batch step bookkeeping."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from fastml.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus  # noqa: E402
from fastml.datasets import make_blobs  # noqa: E402

FLAVOURS = [sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.csc_array]


def _data(n=300, d=12, k=4, seed=0, dtype=np.float64):
    X, _ = make_blobs(n_samples=n, n_features=d, centers=k, random_state=seed)
    X[np.abs(X) < 3] = 0.0  # a sparse pattern, still clustered
    return X.astype(dtype)


@pytest.mark.parametrize("fmt", FLAVOURS)
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kmeans_sparse_equals_dense(fmt, algorithm, dtype):
    X = _data(dtype=dtype)
    init = X[[0, 50, 100, 150]].copy()
    ks = KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(fmt(X))
    kd = KMeans(4, init=init, n_init=1, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(ks.labels_, kd.labels_)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(ks.cluster_centers_, kd.cluster_centers_, rtol=tol, atol=tol)
    np.testing.assert_allclose(ks.inertia_, kd.inertia_, rtol=tol)
    assert ks.cluster_centers_.dtype == dtype and ks.n_iter_ == kd.n_iter_
    np.testing.assert_array_equal(ks.predict(fmt(X)), kd.predict(X))
    np.testing.assert_allclose(ks.transform(fmt(X)), kd.transform(X), rtol=tol, atol=tol)
    np.testing.assert_allclose(ks.score(fmt(X)), kd.score(X), rtol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_sparse_matches_sklearn(dtype, weighted):
    skc = pytest.importorskip("sklearn.cluster")
    rng = np.random.RandomState(0)
    X = sp.random(400, 50, density=0.1, format="csr", random_state=rng).astype(dtype)
    sw = rng.uniform(0.5, 2, X.shape[0]) if weighted else None
    init = X[:6].toarray()
    ours = KMeans(6, init=init, n_init=1, max_iter=100, tol=1e-6).fit(X, sample_weight=sw)
    ref = skc.KMeans(6, init=init, n_init=1, max_iter=100, tol=1e-6).fit(X, sample_weight=sw)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    tol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=tol)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_kmeans_sparse_random_inits_match_sklearn(init):
    skc = pytest.importorskip("sklearn.cluster")
    X = _data(seed=3)
    Xs = sp.csr_matrix(X)
    ours = KMeans(4, init=init, n_init=3, random_state=7).fit(Xs)
    ref = skc.KMeans(4, init=init, n_init=3, random_state=7).fit(Xs)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-9)
    dense = KMeans(4, init=init, n_init=3, random_state=7).fit(X)
    np.testing.assert_array_equal(ours.labels_, dense.labels_)


@pytest.mark.parametrize("fmt", FLAVOURS)
def test_kmeans_plusplus_sparse(fmt):
    skc = pytest.importorskip("sklearn.cluster")
    X = _data(seed=4)
    sw = np.random.RandomState(1).uniform(0.5, 2, X.shape[0])
    c, idx = kmeans_plusplus(fmt(X), 5, sample_weight=sw, random_state=3)
    cd, idxd = kmeans_plusplus(X, 5, sample_weight=sw, random_state=3)
    rc, ridx = skc.kmeans_plusplus(fmt(X), 5, sample_weight=sw, random_state=3)
    np.testing.assert_array_equal(idx, idxd)
    np.testing.assert_array_equal(idx, ridx)
    np.testing.assert_allclose(c, X[idx])
    with pytest.raises(ValueError, match="x_squared_norms"):
        kmeans_plusplus(X, 3, x_squared_norms=np.ones(5))


def test_kmeans_sparse_is_not_densified(monkeypatch):
    X = sp.csr_matrix(_data())

    def boom(*a, **k):
        raise AssertionError("densified")

    monkeypatch.setattr(type(X), "toarray", boom)
    monkeypatch.setattr(type(X), "todense", boom)
    km = KMeans(4, init=_data()[:4], n_init=1).fit(X)
    km.predict(X)
    km.transform(X)


@pytest.mark.parametrize("fmt", [sp.csr_matrix, sp.csr_array])
def test_minibatch_sparse_equals_dense(fmt):
    X = _data(n=500)
    init = X[[0, 100, 200, 300]].copy()
    kw = dict(n_clusters=4, init=init, n_init=1, batch_size=50, random_state=0, max_iter=5)
    ms = MiniBatchKMeans(**kw).fit(fmt(X))
    md = MiniBatchKMeans(**kw).fit(X)
    np.testing.assert_allclose(ms.cluster_centers_, md.cluster_centers_, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(ms.labels_, md.labels_)
    assert ms.n_steps_ == md.n_steps_
    ps = MiniBatchKMeans(**kw).partial_fit(fmt(X)).partial_fit(fmt(X))
    pd = MiniBatchKMeans(**kw).partial_fit(X).partial_fit(X)
    np.testing.assert_allclose(ps.cluster_centers_, pd.cluster_centers_, rtol=1e-9, atol=1e-9)
    assert ps.n_steps_ == 2


def test_minibatch_matches_sklearn_from_same_init():
    skc = pytest.importorskip("sklearn.cluster")
    X = _data(n=600, seed=5)
    init = X[[0, 150, 300, 450]].copy()
    kw = dict(n_clusters=4, init=init, n_init=1, batch_size=64, random_state=2, max_iter=3)
    ours = MiniBatchKMeans(**kw).fit(X)
    ref = skc.MiniBatchKMeans(**kw).fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-6, atol=1e-6)
    assert ours.n_steps_ == ref.n_steps_ and ours.n_iter_ == ref.n_iter_


def test_n_init_attribute_and_shape_errors():
    X = _data()
    assert KMeans(4, n_init="auto", init="random").fit(X)._n_init == 10
    assert KMeans(4, n_init="auto").fit(X)._n_init == 1
    assert MiniBatchKMeans(4, n_init="auto", init="random").fit(X)._n_init == 3
    with pytest.raises(ValueError, match="does not match the number of clusters"):
        KMeans(4, init=X[:2], n_init=1).fit(X)
    with pytest.raises(ValueError, match="number of features of the data"):
        KMeans(4, init=lambda X_, k, random_state: X_[:4, :2], n_init=1).fit(X)


def test_minibatch_steps_and_init_size_warning():
    X = _data(n=300)
    km = MiniBatchKMeans(4, batch_size=30, max_iter=10, max_no_improvement=None, tol=0,
                         random_state=0).fit(X)
    assert km.n_steps_ == (10 * 300) // 30 and isinstance(km.n_steps_, int)
    with pytest.warns(RuntimeWarning, match="init_size.* should be larger than n_clusters"):
        MiniBatchKMeans(n_clusters=20, init_size=10).fit(X)


def test_kmeans_verbose_reports_convergence(capsys):
    X = _data()
    KMeans(4, init="random", n_init=1, tol=0, verbose=1, random_state=0).fit(X)
    out = capsys.readouterr().out
    assert "Initialization complete" in out and "strict convergence" in out


@pytest.mark.parametrize("fmt", [np.asarray, sp.csr_matrix])
def test_no_relocation_when_every_point_is_a_centre(fmt):
    from fastml.exceptions import ConvergenceWarning

    X = np.array([[0, 0], [1, 1], [1, 1], [1, 0], [0, 1]], dtype=float)
    km = KMeans(n_clusters=5, init=X)
    with pytest.warns(ConvergenceWarning, match=r"distinct clusters \(4\)"):
        km.fit(fmt(X))
    assert km.n_iter_ == 1
    np.testing.assert_array_equal(km.cluster_centers_, X)


def test_elkan_single_cluster_warns():
    with pytest.warns(RuntimeWarning, match="elkan' doesn't make sense for a single cluster"):
        KMeans(n_clusters=1, algorithm="elkan").fit(_data())
