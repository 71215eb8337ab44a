"""DBSCAN against scikit-learn (the oracle): identical labels (up to a
permutation, here even the numbering), core samples and components on blobs,
moons and a noisy 3-D set, for every metric route (k-d tree, generic metric,
sparse data, dense and sparse precomputed distances) and with sample weights."""
import numpy as np
import pytest

from fastml.cluster import DBSCAN, dbscan

sk = pytest.importorskip("sklearn.cluster")
datasets = pytest.importorskip("sklearn.datasets")


def _sets():
    Xb, _ = datasets.make_blobs(600, n_features=2, centers=4, cluster_std=0.6, random_state=0)
    rng = np.random.default_rng(0)
    Xb = np.vstack([Xb, rng.uniform(Xb.min(0), Xb.max(0), size=(60, 2))])
    Xm, _ = datasets.make_moons(500, noise=0.08, random_state=1)
    X3, _ = datasets.make_blobs(700, n_features=3, centers=5, cluster_std=1.0, random_state=2)
    X3 = np.vstack([X3, rng.uniform(-12, 12, size=(150, 3))])
    return {"blobs": (Xb, 0.5, 5), "moons": (Xm, 0.12, 6), "noisy3d": (X3, 0.9, 8)}


SETS = _sets()


def _same(est, ref):
    np.testing.assert_array_equal(est.labels_, ref.labels_)
    np.testing.assert_array_equal(est.core_sample_indices_, ref.core_sample_indices_)
    a, b = est.components_, ref.components_
    if hasattr(a, "toarray"):
        assert a.nnz == b.nnz
        a, b = a.toarray(), b.toarray()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("metric,p", [("euclidean", None), ("manhattan", None),
                                      ("chebyshev", None), ("minkowski", 3)])
@pytest.mark.parametrize("algorithm", ["auto", "kd_tree", "brute"])
def test_matches_sklearn(name, metric, p, algorithm):
    X, eps, ms = SETS[name]
    kw = dict(eps=eps, min_samples=ms, metric=metric, p=p, algorithm=algorithm)
    est = DBSCAN(**kw).fit(X)
    _same(est, sk.DBSCAN(**kw).fit(X))
    assert len(set(est.labels_)) > 2


@pytest.mark.parametrize("name", list(SETS))
def test_sample_weight_matches_sklearn(name):
    X, eps, ms = SETS[name]
    rng = np.random.default_rng(3)
    w = rng.uniform(-0.5, 2.5, X.shape[0])
    _same(DBSCAN(eps=eps, min_samples=ms).fit(X, sample_weight=w),
          sk.DBSCAN(eps=eps, min_samples=ms).fit(X, sample_weight=w))
    w = rng.integers(0, 3, X.shape[0])
    # integer weights = repeating samples, for the core flags
    a = DBSCAN(eps=eps, min_samples=ms).fit(X, sample_weight=w)
    b = DBSCAN(eps=eps, min_samples=ms).fit(np.repeat(X, w, axis=0))
    core_rep = np.zeros(X.shape[0], bool)
    core_rep[np.repeat(np.arange(X.shape[0]), w)[b.core_sample_indices_]] = True
    kept = np.flatnonzero(w > 0)  # zero-weight rows are absent from the repeated data
    np.testing.assert_array_equal(core_rep[kept], np.isin(kept, a.core_sample_indices_))


def test_precomputed_dense_and_sparse_and_generic_metric():
    from sklearn.metrics import pairwise_distances
    from sklearn.neighbors import radius_neighbors_graph
    X, eps, ms = SETS["moons"]
    D = pairwise_distances(X)
    _same(DBSCAN(eps=eps, min_samples=ms, metric="precomputed").fit(D),
          sk.DBSCAN(eps=eps, min_samples=ms, metric="precomputed").fit(D))
    G = radius_neighbors_graph(X, eps, mode="distance")  # no diagonal stored
    _same(DBSCAN(eps=eps, min_samples=ms, metric="precomputed").fit(G),
          sk.DBSCAN(eps=eps, min_samples=ms, metric="precomputed").fit(G))
    assert G.nnz == radius_neighbors_graph(X, eps, mode="distance").nnz  # not modified
    _same(DBSCAN(eps=0.05, min_samples=ms, metric="cosine").fit(X + 3),
          sk.DBSCAN(eps=0.05, min_samples=ms, metric="cosine").fit(X + 3))


def test_sparse_input_and_float32():
    import scipy.sparse as sp
    X, eps, ms = SETS["blobs"]
    Xs = sp.csr_matrix(np.where(np.abs(X) < 1, 0, X))
    _same(DBSCAN(eps=eps, min_samples=ms).fit(Xs), sk.DBSCAN(eps=eps, min_samples=ms).fit(Xs))
    X32 = X.astype(np.float32)
    a, b = DBSCAN(eps=eps, min_samples=ms).fit(X32), sk.DBSCAN(eps=eps, min_samples=ms).fit(X32)
    _same(a, b)
    assert a.components_.dtype == np.float32


def test_function_and_edge_cases():
    X, eps, ms = SETS["blobs"]
    core, labels = dbscan(X, eps=eps, min_samples=ms)
    ref_core, ref_labels = sk.dbscan(X, eps=eps, min_samples=ms)
    np.testing.assert_array_equal(core, ref_core)
    np.testing.assert_array_equal(labels, ref_labels)
    # no core samples: all noise, empty components
    est = DBSCAN(eps=1e-6, min_samples=3).fit(X)
    assert (est.labels_ == -1).all() and est.components_.shape == (0, 2)
    # one point
    est = DBSCAN(min_samples=1).fit([[1.0, 2.0]])
    np.testing.assert_array_equal(est.labels_, [0])
    assert DBSCAN(eps=eps).fit_predict(X).shape == (X.shape[0],)


@pytest.mark.parametrize("kw,msg", [({"eps": 0.0}, "eps"), ({"eps": -1}, "eps"),
                                    ({"min_samples": 0}, "min_samples"),
                                    ({"algorithm": "fast"}, "algorithm"),
                                    ({"metric": "nope"}, "metric"), ({"p": -1}, "p")])
def test_bad_parameters(kw, msg):
    with pytest.raises(ValueError, match=msg):
        DBSCAN(**kw).fit(np.zeros((5, 2)))


def test_bad_input():
    with pytest.raises(ValueError):
        DBSCAN().fit([[np.nan, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="sample_weight"):
        DBSCAN().fit(np.zeros((5, 2)), sample_weight=np.ones(4))
    with pytest.raises(ValueError):
        DBSCAN(metric="precomputed").fit(np.zeros((3, 4)))


def test_thread_count_independent():
    X, eps, ms = SETS["noisy3d"]
    a = DBSCAN(eps=eps, min_samples=ms, n_jobs=1).fit(X)
    b = DBSCAN(eps=eps, min_samples=ms, n_jobs=2).fit(X)
    _same(a, b)


def test_feature_names_recorded_and_forgotten():
    pd = pytest.importorskip("pandas")
    from fastml.cluster import HDBSCAN
    X, eps, ms = SETS["blobs"]
    df = pd.DataFrame(X, columns=["a", "b"])
    for est in (DBSCAN(eps=eps, min_samples=ms), HDBSCAN(min_cluster_size=15, copy=False)):
        est.fit(df)
        np.testing.assert_array_equal(est.feature_names_in_, np.array(["a", "b"], object))
        assert est.n_features_in_ == 2
        est.fit(X)
        assert not hasattr(est, "feature_names_in_")
