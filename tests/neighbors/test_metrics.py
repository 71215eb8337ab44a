"""Every metric scikit-learn's neighbours accept, metric_params,
algorithm="ball_tree", precomputed distances, radius=inf and the radius
estimators / graph transformers: checked against exact brute force
(scipy.spatial distances, NumPy) and against scikit-learn when installed."""
import pickle
import warnings

import numpy as np
import pytest

from fastml.neighbors import (
    VALID_METRICS,
    KDTree,
    KNeighborsClassifier,
    KNeighborsRegressor,
    KNeighborsTransformer,
    NearestNeighbors,
    RadiusNeighborsClassifier,
    RadiusNeighborsRegressor,
    RadiusNeighborsTransformer,
    kneighbors_graph,
)

BOOL = {"dice", "jaccard", "rogerstanimoto", "russellrao", "sokalsneath", "yule"}


def _params(metric, d, rng):
    if metric == "minkowski":
        return [{"p": 1.5}, {"p": 3}, {"p": 3, "w": rng.rand(d)}]
    if metric == "seuclidean":
        return [{"V": rng.rand(d) + 0.5}]
    if metric == "mahalanobis":
        A = rng.rand(d, d)
        return [{"VI": A + A.T + 3 * np.eye(d)}]
    return [{}]


def _data(metric, rng, n=60, nq=7, d=4):
    X, Q = rng.rand(n, d), rng.rand(nq, d)
    if metric == "haversine":
        X, Q = X[:, :2].copy(), Q[:, :2].copy()
    if metric in BOOL:
        X, Q = (X > 0.5).astype(float), (Q > 0.5).astype(float)
    return X, Q


def _oracle(metric, X, Q, params):
    """float64 distances by scipy / NumPy formulas."""
    from scipy.spatial.distance import cdist

    if metric == "haversine":
        a = np.sin((Q[:, None, 0] - X[None, :, 0]) / 2) ** 2 + np.cos(Q[:, None, 0]) * \
            np.cos(X[None, :, 0]) * np.sin((Q[:, None, 1] - X[None, :, 1]) / 2) ** 2
        return 2 * np.arcsin(np.sqrt(a))
    name = {"l1": "cityblock", "manhattan": "cityblock", "l2": "euclidean",
            "infinity": "chebyshev", "p": "minkowski"}.get(metric, metric)
    if name in BOOL:
        return cdist(Q != 0, X != 0, name, **params)
    return cdist(Q, X, name, **params)


def _rank(D, k):
    order = np.lexsort((np.broadcast_to(np.arange(D.shape[1]), D.shape), D), axis=1)[:, :k]
    return np.take_along_axis(D, order, 1), order


BRUTE = sorted(set(VALID_METRICS["brute"]) - {"precomputed", "nan_euclidean"})


@pytest.mark.parametrize("metric", BRUTE)
@pytest.mark.parametrize("algorithm", ["brute", "ball_tree", "auto"])
def test_kneighbors_every_metric_matches_oracle(metric, algorithm):
    if algorithm == "ball_tree" and metric not in VALID_METRICS["ball_tree"]:
        with pytest.raises(ValueError, match="not valid"):
            NearestNeighbors(algorithm=algorithm, metric=metric).fit(np.eye(3))
        return
    rng = np.random.RandomState(0)
    X, Q = _data(metric, rng)
    for params in _params(metric, X.shape[1], rng):
        params = dict(params)
        p = params.pop("p", 2)
        nn = NearestNeighbors(n_neighbors=5, algorithm=algorithm, metric=metric, p=p,
                              metric_params=params or None).fit(X)
        dist, ind = nn.kneighbors(Q)
        ref_d, ref_i = _rank(_oracle(metric, X, Q, dict(params, **(
            {"p": p} if metric == "minkowski" else {}))), 5)
        np.testing.assert_allclose(dist, ref_d, rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(ind, ref_i)  # 0/1 data too: ties to the lower index


@pytest.mark.parametrize("metric", BRUTE)
def test_every_metric_matches_sklearn(metric):
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.RandomState(3)
    X, Q = _data(metric, rng)
    for params in _params(metric, X.shape[1], rng):
        params = dict(params)
        p = params.pop("p", 2)
        kw = dict(n_neighbors=4, radius=0.8, algorithm="brute", metric=metric, p=p,
                  metric_params=params or None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sk.NearestNeighbors(**kw).fit(X)
            d0, i0 = ref.kneighbors(Q)
            r0 = ref.radius_neighbors(Q, sort_results=True)
        got = NearestNeighbors(**kw).fit(X)
        d1, i1 = got.kneighbors(Q)
        np.testing.assert_allclose(d1, d0, rtol=1e-7, atol=1e-10)
        if metric not in BOOL | {"hamming"}:
            np.testing.assert_array_equal(i1, i0)
        r1 = got.radius_neighbors(Q, sort_results=True)
        for a, b in zip(r1[0], r0[0]):
            np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("algorithm", ["kd_tree", "ball_tree", "brute", "auto"])
@pytest.mark.parametrize("metric,p", [("minkowski", 3), ("chebyshev", 2), ("l1", 2),
                                      ("p", 1.5), ("euclidean", 2)])
def test_tree_metrics_same_across_algorithms(algorithm, metric, p):
    rng = np.random.RandomState(1)
    X, Q = rng.rand(400, 3), rng.rand(30, 3)
    nn = NearestNeighbors(n_neighbors=6, algorithm=algorithm, metric=metric, p=p).fit(X)
    dist, ind = nn.kneighbors(Q)
    ref_d, ref_i = _rank(_oracle(metric, X, Q, {"p": p} if metric in ("minkowski", "p")
                                 else {}), 6)
    np.testing.assert_allclose(dist, ref_d, rtol=1e-10)
    np.testing.assert_array_equal(ind, ref_i)
    if algorithm == "ball_tree":
        assert nn._fit_method == "ball_tree"


def test_minkowski_semimetric_warns_or_raises():
    X = np.random.RandomState(0).rand(20, 3)
    with pytest.warns(UserWarning, match="0 < p < 1"):
        nn = NearestNeighbors(n_neighbors=3, p=0.5).fit(X)
    assert nn._fit_method == "brute"
    d, i = nn.kneighbors(X[:4])
    np.testing.assert_allclose(d, _rank(_oracle("minkowski", X, X[:4], {"p": 0.5}), 3)[0])
    for algorithm in ("kd_tree", "ball_tree"):
        with pytest.raises(ValueError, match=f'algorithm="{algorithm}" does not support'):
            NearestNeighbors(p=0.5, algorithm=algorithm).fit(X)


def test_metric_params_p_overrides_with_warning():
    X = np.random.RandomState(0).rand(15, 3)
    with pytest.warns(SyntaxWarning, match="Parameter p is found in metric_params"):
        nn = KNeighborsRegressor(n_neighbors=2, metric_params={"p": 1}).fit(X, X[:, 0])
    assert nn.effective_metric_ == "manhattan"


def test_nan_euclidean():
    X = np.array([[0, 1], [1, np.nan], [2, 3], [3, 5.0]])
    nn = NearestNeighbors(n_neighbors=2, metric="nan_euclidean").fit(X)
    d, i = nn.kneighbors(X)
    # row 1 only shares coordinate 0: distance sqrt(2 / 1 * dx^2)
    np.testing.assert_allclose(d[1], [0.0, np.sqrt(2.0)])
    assert not np.isnan(d).any()
    with pytest.raises(ValueError, match="infinity"):
        nn.kneighbors([[np.inf, 0.0]])


def test_distance_metric_object():
    dm = pytest.importorskip("sklearn.metrics").DistanceMetric.get_metric("euclidean")
    rng = np.random.RandomState(0)
    X, Q = rng.rand(50, 3), rng.rand(5, 3)
    ref = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(Q)
    for algorithm in ("brute", "kd_tree", "ball_tree"):
        got = NearestNeighbors(n_neighbors=4, metric=dm, algorithm=algorithm).fit(X).kneighbors(Q)
        np.testing.assert_allclose(got[0], ref[0])
        np.testing.assert_array_equal(got[1], ref[1])


def test_precomputed_dense_and_sparse():
    rng = np.random.RandomState(2)
    X, Q = rng.rand(30, 3), rng.rand(6, 3)
    feat = NearestNeighbors(n_neighbors=3, radius=0.4).fit(X)
    DXX, DQX = _oracle("euclidean", X, X, {}), _oracle("euclidean", X, Q, {})
    pre = NearestNeighbors(n_neighbors=3, radius=0.4, metric="precomputed").fit(DXX)
    for a, b in zip(feat.kneighbors(Q), pre.kneighbors(DQX)):
        np.testing.assert_allclose(a, b)
    for a, b in zip(feat.kneighbors(None), pre.kneighbors(None)):
        np.testing.assert_allclose(a, b)
    G_train = NearestNeighbors(n_neighbors=5).fit(X).kneighbors_graph(X, mode="distance")
    G_test = NearestNeighbors(n_neighbors=5).fit(X).kneighbors_graph(Q, mode="distance")
    sp = NearestNeighbors(n_neighbors=3, metric="precomputed").fit(G_train)
    for a, b in zip(feat.kneighbors(Q), sp.kneighbors(G_test)):
        np.testing.assert_allclose(a, b)
    r_feat = feat.radius_neighbors(Q, sort_results=True)
    r_pre = pre.radius_neighbors(DQX, sort_results=True)
    for a, b in zip(r_feat[1], r_pre[1]):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="Negative values"):
        pre.kneighbors(-DQX)
    with pytest.raises(ValueError, match="neighbors per samples are required"):
        sp.kneighbors(G_test, n_neighbors=6)


def test_radius_inf_returns_everything_sorted():
    X = np.random.RandomState(0).rand(12, 3)
    for algorithm in ("kd_tree", "ball_tree", "brute"):
        nn = NearestNeighbors(algorithm=algorithm).fit(X)
        dist, ind = nn.radius_neighbors(X[:3], radius=np.inf, sort_results=True)
        for d, i, q in zip(dist, ind, X[:3]):
            ref = np.sqrt(((X - q) ** 2).sum(1))
            np.testing.assert_array_equal(i, np.lexsort((np.arange(12), ref)))
            np.testing.assert_allclose(d, np.sort(ref))


def test_fit_on_fitted_estimator_or_tree():
    rng = np.random.RandomState(0)
    X, y = rng.rand(20, 3), rng.randint(3, size=20)
    ref = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(X)
    for data in (NearestNeighbors().fit(X), KDTree(X)):
        got = KNeighborsClassifier(n_neighbors=2).fit(data, y).kneighbors(X)
        np.testing.assert_array_equal(got[1], ref[1])
    tree = pickle.loads(pickle.dumps(KDTree(X)))
    np.testing.assert_array_equal(tree.data, X)


def test_generic_fits_pickle():
    rng = np.random.RandomState(0)
    X = rng.rand(20, 3)
    for est in (NearestNeighbors(n_neighbors=2, metric="canberra").fit(X),
                NearestNeighbors(n_neighbors=2, metric="precomputed").fit(
                    _oracle("euclidean", X, X, {}))):
        back = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(back.kneighbors()[1], est.kneighbors()[1])


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("algorithm", ["auto", "ball_tree", "brute"])
def test_radius_estimators_match_sklearn(weights, algorithm):
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.RandomState(0)
    X, Q = rng.rand(80, 3), rng.rand(25, 3)
    y = rng.randint(3, size=80)
    kw = dict(radius=0.35, weights=weights, algorithm=algorithm)
    c0 = sk.RadiusNeighborsClassifier(outlier_label="most_frequent", **kw).fit(X, y)
    c1 = RadiusNeighborsClassifier(outlier_label="most_frequent", **kw).fit(X, y)
    np.testing.assert_array_equal(c1.predict(Q), c0.predict(Q))
    np.testing.assert_allclose(c1.predict_proba(Q), c0.predict_proba(Q))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r0 = sk.RadiusNeighborsRegressor(**kw).fit(X, y * 1.5).predict(Q + 2)
        r1 = RadiusNeighborsRegressor(**kw).fit(X, y * 1.5).predict(Q + 2)
    np.testing.assert_allclose(r1, r0)  # all NaN: no neighbours
    np.testing.assert_allclose(RadiusNeighborsRegressor(**kw).fit(X, y * 1.5).predict(Q),
                               sk.RadiusNeighborsRegressor(**kw).fit(X, y * 1.5).predict(Q))
    with pytest.raises(ValueError, match="No neighbors found"):
        RadiusNeighborsClassifier(radius=0.01).fit(X, y).predict(Q + 5)


def test_transformers_match_sklearn():
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.RandomState(0)
    X, Q = rng.rand(40, 3), rng.rand(10, 3)
    for ours, theirs in ((KNeighborsTransformer(n_neighbors=4), sk.KNeighborsTransformer(
            n_neighbors=4)), (RadiusNeighborsTransformer(radius=0.5),
                              sk.RadiusNeighborsTransformer(radius=0.5))):
        np.testing.assert_allclose(ours.fit(X).transform(Q).toarray(),
                                   theirs.fit(X).transform(Q).toarray())
        np.testing.assert_allclose(ours.fit_transform(X).toarray(),
                                   theirs.fit_transform(X).toarray())
        assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    # chained with a precomputed regressor = the direct regressor
    from fastml.pipeline import make_pipeline

    y = rng.rand(40)
    chain = make_pipeline(KNeighborsTransformer(n_neighbors=6),
                          KNeighborsRegressor(n_neighbors=6, metric="precomputed"))
    np.testing.assert_allclose(chain.fit(X, y).predict(Q),
                               KNeighborsRegressor(n_neighbors=6).fit(X, y).predict(Q))


def test_kneighbors_graph_with_metric_params():
    X = np.random.RandomState(0).rand(10, 3)
    w = np.array([1.0, 2.0, 0.5])
    G = kneighbors_graph(X, 3, mode="distance", metric="minkowski", p=3,
                         metric_params={"w": w})
    D = _oracle("minkowski", X, X, {"p": 3, "w": w})
    np.fill_diagonal(D, np.inf)
    np.testing.assert_allclose(np.sort(G.toarray(), axis=1)[:, -3:], np.sort(
        _rank(D, 3)[0], axis=1))


def test_valid_metrics_are_sklearns():
    sk = pytest.importorskip("sklearn.neighbors")
    from fastml.neighbors import VALID_METRICS_SPARSE

    for alg in ("ball_tree", "kd_tree", "brute"):
        assert sorted(VALID_METRICS[alg]) == sorted(sk.VALID_METRICS[alg])
        assert sorted(VALID_METRICS_SPARSE[alg]) == sorted(sk.VALID_METRICS_SPARSE[alg])


def test_graph_transformers_refuse_pandas_output_like_sklearn():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.RandomState(0).rand(10, 2), columns=["a", "b"])
    for est in (KNeighborsTransformer(n_neighbors=2), RadiusNeighborsTransformer()):
        with pytest.raises(ValueError, match="sparse"):
            est.set_output(transform="pandas").fit_transform(X)
        with pytest.raises(ValueError, match="input_features is not equal"):
            est.set_output(transform="default").fit(X).get_feature_names_out(["x", "y"])
