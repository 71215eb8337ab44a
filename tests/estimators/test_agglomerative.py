"""AgglomerativeClustering, FeatureAgglomeration, ward_tree/linkage_tree and
fastml.cluster.hierarchy against scikit-learn and SciPy (same children_,
distances_, labels_; same linkage matrices and flat clusters) and their errors."""
import warnings

import numpy as np
import pytest

from fastml.cluster import AgglomerativeClustering, FeatureAgglomeration, hierarchy, \
    linkage_tree, ward_tree

skc = pytest.importorskip("sklearn.cluster")
sch = pytest.importorskip("scipy.cluster.hierarchy")


def _blobs(rng, n=240, d=4):
    X = rng.standard_normal((n, d))
    X[: n // 3] += 5
    X[n // 3: 2 * n // 3, 0] -= 6
    return X


def _moons(rng, n=200):
    t = rng.uniform(0, np.pi, n)
    X = np.c_[np.cos(t), np.sin(t)]
    X[n // 2:] = np.c_[1 - np.cos(t[n // 2:]), 0.5 - np.sin(t[n // 2:])]
    return X + 0.05 * rng.standard_normal(X.shape)


def _noisy_3d(rng, n=210):
    X = np.concatenate([rng.normal(c, 0.3, (n // 3 - 10, 3)) for c in (0.0, 2.0, 4.0)])
    return np.concatenate([X, rng.uniform(-2, 6, (30, 3))])


DATASETS = {"blobs": _blobs, "moons": _moons, "noisy_3d": _noisy_3d}
CASES = [("ward", "euclidean"), ("complete", "euclidean"), ("complete", "l1"),
         ("complete", "cosine"), ("average", "euclidean"), ("average", "manhattan"),
         ("average", "cosine"), ("single", "euclidean"), ("single", "l1"),
         ("single", "cosine"), ("average", "chebyshev"), ("single", "chebyshev")]


def _fit_both(X, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = skc.AgglomerativeClustering(**kw).fit(X)
        b = AgglomerativeClustering(**kw).fit(X)
    return a, b


def _assert_same(a, b, distances=True):
    np.testing.assert_array_equal(b.children_, a.children_)
    np.testing.assert_array_equal(b.labels_, a.labels_)
    assert b.n_clusters_ == a.n_clusters_
    assert b.n_leaves_ == a.n_leaves_
    assert b.n_connected_components_ == a.n_connected_components_
    if distances:
        np.testing.assert_allclose(b.distances_, a.distances_, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("data", sorted(DATASETS))
@pytest.mark.parametrize("linkage,metric", CASES)
def test_same_tree_as_sklearn(rng, data, linkage, metric):
    X = DATASETS[data](rng)
    for kw in ({"n_clusters": 3}, {"n_clusters": 7}, {"n_clusters": 1}):
        a, b = _fit_both(X, linkage=linkage, metric=metric, compute_distances=True, **kw)
        _assert_same(a, b)
    dist = np.sort(a.distances_)
    thr = float(dist[len(dist) // 2] + dist[len(dist) // 2 + 1]) / 2  # not on a merge distance
    a, b = _fit_both(X, linkage=linkage, metric=metric, n_clusters=None, distance_threshold=thr)
    _assert_same(a, b)


@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
@pytest.mark.parametrize("full", [True, False])
def test_connectivity_same_as_sklearn(rng, linkage, full):
    neighbors = pytest.importorskip("sklearn.neighbors")
    X = _blobs(rng, 150, 3)
    conn = neighbors.kneighbors_graph(X, 6, include_self=False)
    a, b = _fit_both(X, n_clusters=5, linkage=linkage, connectivity=conn,
                     compute_full_tree=full, compute_distances=True)
    _assert_same(a, b)


def test_disconnected_graph_warns_and_completes(rng):
    neighbors = pytest.importorskip("sklearn.neighbors")
    X = _blobs(rng, 120, 2)
    conn = neighbors.kneighbors_graph(X, 2, include_self=False)
    for linkage in ("ward", "average", "single"):
        est = AgglomerativeClustering(n_clusters=3, linkage=linkage, connectivity=conn)
        with pytest.warns(UserWarning, match="number of connected components"):
            est.fit(X)
        a, b = _fit_both(X, n_clusters=3, linkage=linkage, connectivity=conn)
        assert b.n_connected_components_ > 1
        _assert_same(a, b, distances=False)


def test_callable_connectivity_and_metric(rng):
    neighbors = pytest.importorskip("sklearn.neighbors")
    X = _blobs(rng, 90, 3)

    def conn(Z):
        return neighbors.kneighbors_graph(Z, 5, include_self=False)

    def cheb(Z):
        return np.abs(Z[:, None, :] - Z[None, :, :]).max(axis=2)

    a, b = _fit_both(X, n_clusters=4, linkage="average", metric=cheb, compute_distances=True)
    _assert_same(a, b)
    a, b = _fit_both(X, n_clusters=4, linkage="complete", connectivity=conn)
    _assert_same(a, b, distances=False)


@pytest.mark.parametrize("linkage", ["complete", "average", "single"])
def test_precomputed_same_as_sklearn(rng, linkage):
    X = _blobs(rng, 100, 3)
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    a, b = _fit_both(D, n_clusters=4, linkage=linkage, metric="precomputed",
                     compute_distances=True)
    _assert_same(a, b)
    c = AgglomerativeClustering(n_clusters=4, linkage=linkage, compute_distances=True).fit(X)
    # the same partition (numbering may differ: scikit-learn labels the two paths differently)
    pairs = set(zip(c.labels_.tolist(), b.labels_.tolist()))
    assert len(pairs) == len(set(c.labels_.tolist())) == len(set(b.labels_.tolist()))


def test_float32_and_ward_tree_linkage_tree(rng):
    X = _blobs(rng, 80, 3).astype(np.float32)
    a, b = _fit_both(X, n_clusters=3, compute_distances=True)
    _assert_same(a, b)
    ch, ncc, nl, par, dist = ward_tree(X, return_distance=True)
    sk = skc.ward_tree(X, return_distance=True)
    np.testing.assert_array_equal(ch, sk[0])
    np.testing.assert_allclose(dist, sk[4], rtol=1e-9)
    assert (ncc, nl, par) == (1, 80, None)
    with pytest.warns(UserWarning, match="Partial build"):
        linkage_tree(X, n_clusters=3, linkage="average")


def test_errors_name_the_problem(rng):
    X = _blobs(rng, 30, 2)
    with pytest.raises(ValueError, match="Ward can only work with euclidean"):
        AgglomerativeClustering(linkage="ward", metric="l1").fit(X)
    with pytest.raises(ValueError, match="Exactly one of n_clusters and distance_threshold"):
        AgglomerativeClustering(n_clusters=2, distance_threshold=1.0).fit(X)
    with pytest.raises(ValueError, match="compute_full_tree must be True"):
        AgglomerativeClustering(n_clusters=None, distance_threshold=1.0,
                                compute_full_tree=False).fit(X)
    with pytest.raises(ValueError, match="linkage"):
        AgglomerativeClustering(linkage="centroid").fit(X)
    with pytest.raises(ValueError, match="metric"):
        AgglomerativeClustering(metric="nope", linkage="average").fit(X)
    with pytest.raises(ValueError, match="square"):
        AgglomerativeClustering(metric="precomputed", linkage="average").fit(X)
    Z = X.copy()
    Z[3] = 0
    with pytest.raises(ValueError, match="zero vectors"):
        AgglomerativeClustering(metric="cosine", linkage="average").fit(Z)
    Z[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        AgglomerativeClustering().fit(Z)
    with pytest.raises(ValueError, match="minimum of 2"):
        AgglomerativeClustering().fit(X[:1])
    with pytest.raises(ValueError, match="Cannot extract more clusters"):
        AgglomerativeClustering(n_clusters=31).fit(X)
    with pytest.raises(ValueError, match="Wrong shape for connectivity"):
        AgglomerativeClustering(connectivity=np.eye(5)).fit(X)


def test_large_values_stay_finite(rng):
    X = _blobs(rng, 50, 3) * 1e150
    for linkage in ("ward", "complete", "average", "single"):
        est = AgglomerativeClustering(n_clusters=3, linkage=linkage, compute_distances=True)
        est.fit(X)
        assert np.all(np.isfinite(est.distances_))
        assert np.array_equal(est.labels_, est.labels_.astype(np.intp))


@pytest.mark.parametrize("pooling", [np.mean, np.median])
def test_feature_agglomeration_same_as_sklearn(rng, pooling):
    X = rng.standard_normal((40, 12))
    X[:, 6:] += X[:, :6]
    a = skc.FeatureAgglomeration(n_clusters=4, pooling_func=pooling).fit(X)
    b = FeatureAgglomeration(n_clusters=4, pooling_func=pooling).fit(X)
    np.testing.assert_array_equal(b.labels_, a.labels_)
    np.testing.assert_allclose(b.transform(X), a.transform(X), rtol=1e-12)
    np.testing.assert_allclose(b.inverse_transform(b.transform(X)),
                               a.inverse_transform(a.transform(X)), rtol=1e-12)
    assert list(b.get_feature_names_out()) == list(a.get_feature_names_out())
    with pytest.raises(AttributeError):
        b.fit_predict


# ---- fastml.cluster.hierarchy ------------------------------------------------------------

@pytest.mark.parametrize("method", ["single", "complete", "average", "weighted", "ward"])
@pytest.mark.parametrize("metric", ["euclidean", "cityblock", "cosine", "chebyshev"])
def test_hierarchy_linkage_same_as_scipy(rng, method, metric):
    if method == "ward" and metric != "euclidean":
        pytest.skip("Ward is defined on Euclidean distances")
    X = _noisy_3d(rng)
    want = sch.linkage(X, method=method, metric=metric)
    got = hierarchy.linkage(X, method=method, metric=metric)
    np.testing.assert_array_equal(got[:, [0, 1, 3]], want[:, [0, 1, 3]])
    np.testing.assert_allclose(got[:, 2], want[:, 2], rtol=1e-9, atol=1e-12)
    from scipy.spatial.distance import pdist
    D = pdist(X, metric)
    got = hierarchy.linkage(D, method=method)
    np.testing.assert_array_equal(got[:, [0, 1, 3]], want[:, [0, 1, 3]])
    np.testing.assert_allclose(got[:, 2], want[:, 2], rtol=1e-9, atol=1e-12)


def test_hierarchy_dendrogram_fcluster_cut_tree(rng):
    X = _blobs(rng, 60, 3)
    Z = hierarchy.linkage(X, "ward")
    dn = sch.dendrogram(Z, no_plot=True)
    assert sorted(dn["leaves"]) == list(range(60))
    np.testing.assert_array_equal(sch.fcluster(Z, 3, "maxclust"),
                                  hierarchy.fcluster(Z, 3, "maxclust"))
    for t in range(1, 61):
        np.testing.assert_array_equal(hierarchy.fcluster(Z, t, "maxclust"),
                                      sch.fcluster(Z, t, "maxclust"))
    for t in np.quantile(Z[:, 2], [0.0, 0.3, 0.9, 1.0]):
        np.testing.assert_array_equal(hierarchy.fcluster(Z, t, "distance"),
                                      sch.fcluster(Z, t, "distance"))
    for t in (0.5, 1.0, 1.5):
        np.testing.assert_array_equal(hierarchy.fcluster(Z, t), sch.fcluster(Z, t))
    np.testing.assert_allclose(hierarchy.inconsistent(Z), sch.inconsistent(Z), rtol=1e-12)
    np.testing.assert_allclose(hierarchy.maxdists(Z), sch.maxdists(Z))
    np.testing.assert_array_equal(hierarchy.cut_tree(Z, n_clusters=[1, 4, 9]),
                                  sch.cut_tree(Z, n_clusters=[1, 4, 9]))
    assert hierarchy.num_obs_linkage(Z) == 60


def test_hierarchy_errors(rng):
    with pytest.raises(ValueError, match="method"):
        hierarchy.linkage(rng.standard_normal((5, 2)), method="centroid")
    with pytest.raises(ValueError, match="n \\(n - 1\\) / 2"):
        hierarchy.linkage(np.ones(4))
    with pytest.raises(ValueError, match="finite"):
        hierarchy.linkage(np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 1.0]]))
    with pytest.raises(ValueError, match="metric"):
        hierarchy.linkage(rng.standard_normal((5, 2)), metric="nope")
    with pytest.raises(ValueError, match="linkage matrix"):
        hierarchy.fcluster(np.ones((3, 3)), 2)
    with pytest.raises(ValueError, match="criterion"):
        hierarchy.fcluster(hierarchy.linkage(rng.standard_normal((5, 2))), 2, "nope")


def test_extreme_magnitudes_give_finite_distances(rng):
    X = _blobs(rng, 40, 3)
    for scale in (1e300, 1e-300):
        ref = AgglomerativeClustering(n_clusters=3, compute_distances=True).fit(X)
        for linkage in ("ward", "complete", "average", "single"):
            est = AgglomerativeClustering(n_clusters=3, linkage=linkage,
                                          compute_distances=True).fit(X * scale)
            assert np.all(np.isfinite(est.distances_))
            if linkage == "ward":
                np.testing.assert_array_equal(est.children_, ref.children_)
                np.testing.assert_allclose(est.distances_, ref.distances_ * scale, rtol=1e-9)
        Z = hierarchy.linkage(X * scale, "ward")
        np.testing.assert_allclose(Z[:, 2], hierarchy.linkage(X, "ward")[:, 2] * scale,
                                   rtol=1e-9)
        D = hierarchy.linkage((np.abs(X[:36, 0] - X[:36, 1]) + 1.0) * scale, "ward")
        assert np.all(np.isfinite(D[:, 2]))
