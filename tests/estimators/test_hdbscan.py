"""HDBSCAN against scikit-learn (the oracle): the same partition (labels up
to a permutation, noise as noise) and the same probabilities on blobs, moons
and a noisy 3-D set, for both selection methods, the k-d tree and brute-force
routes, precomputed distances, non-finite rows and the parameters that shape
the selection."""
import warnings

import numpy as np
import pytest

from fastml.cluster import HDBSCAN

sk = pytest.importorskip("sklearn.cluster")
datasets = pytest.importorskip("sklearn.datasets")


def _sets():
    rng = np.random.default_rng(0)
    Xb, _ = datasets.make_blobs(500, n_features=2, centers=4, cluster_std=0.7, random_state=0)
    Xb = np.vstack([Xb, rng.uniform(Xb.min(0), Xb.max(0), size=(50, 2))])
    Xm, _ = datasets.make_moons(400, noise=0.07, random_state=1)
    X3, _ = datasets.make_blobs(600, n_features=3, centers=5, cluster_std=1.0, random_state=2)
    X3 = np.vstack([X3, rng.uniform(-12, 12, size=(120, 3))])
    return {"blobs": Xb, "moons": Xm, "noisy3d": X3}


SETS = _sets()


def same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    np.testing.assert_array_equal(a < 0, b < 0)
    np.testing.assert_array_equal(a[a < 0], b[b < 0])
    pairs = set(zip(a[a >= 0].tolist(), b[b >= 0].tolist()))
    assert len(pairs) == len(set(a[a >= 0].tolist())) == len(set(b[b >= 0].tolist()))


def _fit_both(X, **kw):
    kw.setdefault("copy", False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return HDBSCAN(**kw).fit(X), sk.HDBSCAN(**kw).fit(X)


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("method", ["eom", "leaf"])
@pytest.mark.parametrize("algorithm", ["auto", "brute"])
def test_matches_sklearn(name, method, algorithm):
    a, b = _fit_both(SETS[name], min_cluster_size=15, cluster_selection_method=method,
                     algorithm=algorithm)
    same_partition(a.labels_, b.labels_)
    np.testing.assert_allclose(a.probabilities_, b.probabilities_, rtol=1e-9, atol=1e-12)
    assert len(set(a.labels_.tolist()) - {-1}) >= 2


@pytest.mark.parametrize("kw", [dict(min_samples=3), dict(alpha=1.5),
                                dict(metric="manhattan"), dict(metric="chebyshev"),
                                dict(metric="minkowski", metric_params={"p": 3}),
                                dict(cluster_selection_epsilon=0.8),
                                dict(cluster_selection_epsilon=0.5, cluster_selection_method="leaf"),
                                dict(max_cluster_size=120),
                                dict(allow_single_cluster=True, min_cluster_size=200),
                                dict(metric="cosine")])
def test_parameters_match_sklearn(kw):
    kw = dict(kw)
    kw.setdefault("min_cluster_size", 15)
    a, b = _fit_both(SETS["noisy3d"], **kw)
    same_partition(a.labels_, b.labels_)
    np.testing.assert_allclose(a.probabilities_, b.probabilities_, rtol=1e-9, atol=1e-12)


def test_precomputed_matches_sklearn():
    from sklearn.metrics import pairwise_distances
    D = pairwise_distances(SETS["moons"])
    a, b = _fit_both(D, metric="precomputed", min_cluster_size=10)
    same_partition(a.labels_, b.labels_)
    a2, _ = _fit_both(SETS["moons"], min_cluster_size=10)
    same_partition(a.labels_, a2.labels_)


def test_non_finite_rows():
    X = SETS["blobs"].copy()
    X[3, 0] = np.inf
    X[7, 1] = np.nan
    X[9] = [np.inf, np.nan]
    a, b = _fit_both(X, min_cluster_size=15)
    np.testing.assert_array_equal(a.labels_[[3, 7, 9]], [-2, -3, -3])
    same_partition(a.labels_, b.labels_)
    assert a.probabilities_[3] == 0.0 and np.isnan(a.probabilities_[[7, 9]]).all()
    np.testing.assert_array_equal(a.probabilities_[[3, 7, 9]], b.probabilities_[[3, 7, 9]])
    same_partition(a.dbscan_clustering(0.5, 10), b.dbscan_clustering(0.5, 10))


@pytest.mark.parametrize("cut", [0.2, 0.4, 1.0])
def test_dbscan_clustering_matches_sklearn(cut):
    a, b = _fit_both(SETS["moons"], min_cluster_size=10)
    same_partition(a.dbscan_clustering(cut, 5), b.dbscan_clustering(cut, 5))


def test_store_centers():
    a, b = _fit_both(SETS["blobs"], min_cluster_size=15, store_centers="both")
    order = [np.flatnonzero(b.labels_ == a.labels_[np.flatnonzero(a.labels_ == k)[0]])[0]
             for k in range(a.centroids_.shape[0])]
    perm = [b.labels_[i] for i in order]
    np.testing.assert_allclose(a.centroids_, b.centroids_[perm], rtol=1e-10)
    np.testing.assert_allclose(a.medoids_, b.medoids_[perm], rtol=1e-10)


def test_thread_count_independent():
    X = np.vstack([SETS["noisy3d"]] * 8) + np.random.default_rng(5).normal(0, 1e-3, (5760, 3))
    a = HDBSCAN(min_cluster_size=20, n_jobs=1, copy=False).fit(X)
    b = HDBSCAN(min_cluster_size=20, n_jobs=2, copy=False).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.probabilities_, b.probabilities_)


@pytest.mark.parametrize("kw,msg", [({"min_cluster_size": 1}, "min_cluster_size"),
                                    ({"alpha": 0}, "alpha"), ({"algorithm": "x"}, "algorithm"),
                                    ({"cluster_selection_method": "x"},
                                     "cluster_selection_method"),
                                    ({"min_samples": 0}, "min_samples")])
def test_bad_parameters(kw, msg):
    with pytest.raises(ValueError, match=msg):
        HDBSCAN(copy=False, **kw).fit(np.random.default_rng(0).normal(size=(20, 2)))


def test_bad_input():
    with pytest.raises(ValueError, match="min_samples"):
        HDBSCAN(min_samples=30, copy=False).fit(np.zeros((10, 2)))
    with pytest.raises(ValueError, match="n_samples=1"):
        HDBSCAN(copy=False).fit(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="KDTree"):
        HDBSCAN(algorithm="kd_tree", metric="cosine", copy=False).fit(np.ones((10, 2)))
    with pytest.raises(ValueError, match="symmetric"):
        HDBSCAN(metric="precomputed", copy=False).fit(np.triu(np.ones((10, 10))))
