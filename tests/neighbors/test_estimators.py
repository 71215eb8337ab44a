"""KNN estimators: scikit-learn's estimator checks, agreement with
scikit-learn, vote ties, distance weights with exact matches, errors."""
import numpy as np
import pytest

from fastml.datasets import load_iris
from fastml.neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors

# scikit-learn's estimator checks for these estimators run in tests/test_common.py.


@pytest.mark.parametrize("algorithm", ["auto", "kd_tree", "brute"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_matches_sklearn_on_iris(algorithm, weights):
    sk = pytest.importorskip("sklearn.neighbors")
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    X = X + rng.normal(0, 1e-4, X.shape)  # iris has duplicates; sklearn breaks ties differently
    order = rng.permutation(len(y))
    tr, te = order[:100], order[100:]
    ours = KNeighborsClassifier(7, weights=weights, algorithm=algorithm).fit(X[tr], y[tr])
    ref = sk.KNeighborsClassifier(7, weights=weights, algorithm="brute").fit(X[tr], y[tr])
    np.testing.assert_allclose(ours.predict_proba(X[te]), ref.predict_proba(X[te]), atol=1e-12)
    d1, i1 = ours.kneighbors(X[te])
    d2, _ = ref.kneighbors(X[te])
    np.testing.assert_allclose(d1, d2, atol=1e-12)
    r1 = KNeighborsRegressor(5, weights=weights, algorithm=algorithm).fit(X[tr], X[tr, 0])
    r2 = sk.KNeighborsRegressor(5, weights=weights).fit(X[tr], X[tr, 0])
    np.testing.assert_allclose(r1.predict(X[te]), r2.predict(X[te]), atol=1e-12)


def test_kneighbors_none_excludes_self_like_sklearn():
    sk = pytest.importorskip("sklearn.neighbors")
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 3))
    ours = NearestNeighbors(n_neighbors=4).fit(X).kneighbors()
    ref = sk.NearestNeighbors(n_neighbors=4).fit(X).kneighbors()
    np.testing.assert_array_equal(ours[1], ref[1])
    np.testing.assert_allclose(ours[0], ref[0], atol=1e-12)
    # more duplicates than neighbours: the row still drops exactly one entry
    Xd = np.zeros((6, 2))
    d, i = NearestNeighbors(n_neighbors=2).fit(Xd).kneighbors()
    assert i.shape == (6, 2) and (i != np.arange(6)[:, None]).all()


def test_vote_tie_goes_to_smallest_label():
    X = np.array([[0.0], [1.0], [-1.0], [2.0]])
    y = np.array([5, 3, 3, 5])
    clf = KNeighborsClassifier(n_neighbors=4).fit(X, y)
    assert clf.predict([[0.5]])[0] == 3
    clf = KNeighborsClassifier(n_neighbors=2).fit(X, np.array(["b", "a", "a", "b"]))
    assert clf.predict([[0.5]])[0] == "a"  # distance tie 0 vs 1 -> both votes, smallest label


def test_distance_weights_exact_match_wins():
    X = np.array([[0.0], [1.0], [1.0], [1.0]])
    y = np.array([0, 1, 1, 1])
    clf = KNeighborsClassifier(n_neighbors=4, weights="distance").fit(X, y)
    assert clf.predict([[0.0]])[0] == 0
    np.testing.assert_array_equal(clf.predict_proba([[0.0]]), [[1.0, 0.0]])
    reg = KNeighborsRegressor(n_neighbors=4, weights="distance").fit(X, np.array([7.0, 1, 2, 3]))
    assert reg.predict([[0.0]])[0] == 7.0
    reg = KNeighborsRegressor(n_neighbors=2, weights=lambda d: np.ones_like(d)).fit(X, y * 1.0)
    assert reg.predict([[0.9]])[0] == 1.0


def test_callable_metric_matches_reference():
    pytest.importorskip("numba")
    from fastml._kernels.reference import knn as ref

    rng = np.random.default_rng(2)
    X = rng.integers(0, 4, size=(120, 3)).astype(np.float64)
    Q = rng.integers(0, 4, size=(15, 3)).astype(np.float64)

    def l1(a, b):
        s = 0.0
        for i in range(a.shape[0]):
            s += abs(a[i] - b[i])
        return s

    nn = NearestNeighbors(n_neighbors=9, metric=l1).fit(X)
    d, i = nn.kneighbors(Q)
    od, oi = ref.knn_callable(X, Q, 9, l1)
    np.testing.assert_array_equal(i, oi)
    np.testing.assert_allclose(d, od)
    # same answer as the built-in manhattan (tie rule included)
    np.testing.assert_array_equal(i, NearestNeighbors(n_neighbors=9, metric="manhattan")
                                  .fit(X).kneighbors(Q)[1])


def test_float32_stays_float32():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((300, 4)).astype(np.float32)
    for algo in ("kd_tree", "brute"):
        d, i = NearestNeighbors(algorithm=algo).fit(X).kneighbors(X[:5].astype(np.float64))
        assert d.dtype == np.float32


def test_auto_rule():
    from fastml.neighbors._base import choose_algorithm

    assert choose_algorithm(100000, 3, 10, "euclidean") == "kd_tree"
    assert choose_algorithm(100000, 8, 10, "euclidean") == "kd_tree"
    assert choose_algorithm(100000, 12, 10, "euclidean") == "brute"
    assert choose_algorithm(100000, 32, 10, "euclidean") == "brute"
    assert choose_algorithm(20000, 32, 10, "euclidean") == "brute"
    assert choose_algorithm(100000, 128, 10, "euclidean") == "brute"
    assert choose_algorithm(100000, 8, 20000, "euclidean") == "brute"
    assert choose_algorithm(100, 3, 10, "euclidean") == "brute"
    assert choose_algorithm(100000, 3, 10, "callable") == "brute"
    assert KNeighborsClassifier().fit(np.random.rand(1000, 4), np.arange(1000) % 2
                                      )._fit_method == "kd_tree"


def test_errors():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match="NaN"):
        KNeighborsClassifier().fit(np.full((3, 2), np.nan), [0, 1, 0])
    with pytest.raises(ValueError, match="0 sample"):
        KNeighborsRegressor().fit(np.empty((0, 2)), [])
    clf = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        KNeighborsClassifier(n_neighbors=11).fit(X, y).predict(X)
    with pytest.raises(ValueError, match="'metric' parameter of KNeighborsClassifier"):
        KNeighborsClassifier(metric="nope").fit(X, y)
    with pytest.raises(ValueError, match="does not support 0 < p < 1"):
        KNeighborsClassifier(p=0.5, algorithm="kd_tree").fit(X, y)
    with pytest.raises(ValueError, match="algorithm"):
        KNeighborsClassifier(algorithm="cover_tree").fit(X, y)
    with pytest.raises(ValueError, match="weights"):
        KNeighborsClassifier(weights="bad").fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors"):
        KNeighborsClassifier(n_neighbors=0).fit(X, y)
    with pytest.raises(ValueError, match="infinity"):
        clf.predict(np.array([[np.inf, 0.0]]))


# ---- multi-output targets ---------------------------------------------------

def _multioutput_data():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((90, 4))
    Q = rng.standard_normal((12, 4))
    Y = np.stack([(X[:, 0] > 0).astype(int),            # binary
                  np.digitize(X[:, 1], [-0.5, 0.5]) * 7,  # 3 classes, labels 0/7/14
                  (X[:, 2] > 1).astype(int) - 1], axis=1)  # labels -1/0
    return X, Q, Y


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_multioutput_classifier_matches_sklearn(algorithm, weights):
    sk = pytest.importorskip("sklearn.neighbors")
    X, Q, Y = _multioutput_data()
    ours = KNeighborsClassifier(6, weights=weights, algorithm=algorithm).fit(X, Y)
    ref = sk.KNeighborsClassifier(6, weights=weights).fit(X, Y)
    assert ours.outputs_2d_ and len(ours.classes_) == 3
    for a, b in zip(ours.classes_, ref.classes_):
        np.testing.assert_array_equal(a, b)
    for query in (Q, None):
        pred = ours.predict(query)
        np.testing.assert_array_equal(pred, ref.predict(query))
        assert pred.dtype == Y.dtype and pred.shape == (len(X if query is None else Q), 3)
        proba, ref_proba = ours.predict_proba(query), ref.predict_proba(query)
        assert isinstance(proba, list) and len(proba) == 3
        for p, r, c in zip(proba, ref_proba, ours.classes_):
            assert p.shape == (pred.shape[0], len(c))
            np.testing.assert_allclose(p, r, atol=1e-12)
    # 1-D y is unchanged: an array, not a list
    one = KNeighborsClassifier(6, weights=weights, algorithm=algorithm).fit(X, Y[:, 1])
    assert not one.outputs_2d_ and isinstance(one.predict_proba(Q), np.ndarray)
    np.testing.assert_array_equal(one.predict(Q), ours.predict(Q)[:, 1])


def test_multioutput_classifier_labels_and_score():
    X, Q, Y = _multioutput_data()
    labels = np.stack([np.array(["no", "yes"])[Y[:, 0]], Y[:, 1].astype(str)], axis=1)
    clf = KNeighborsClassifier(5).fit(X, labels)
    pred = clf.predict(Q)
    assert pred.dtype.kind == "U" and set(pred[:, 0]) <= {"no", "yes"}
    codes = KNeighborsClassifier(5).fit(X, Y[:, :2]).predict(Q)
    np.testing.assert_array_equal(pred[:, 1], codes[:, 1].astype(str))
    # int and str outputs: labels kept exactly, in an object array
    mixed = KNeighborsClassifier(5).fit(X, np.array(list(zip(Y[:, 1], labels[:, 0])),
                                                     dtype=object))
    out = mixed.predict(Q)
    assert out.dtype == object
    np.testing.assert_array_equal(out[:, 0].astype(int), codes[:, 1])
    # score on 2-D y: a query counts only when every output is right
    Yq = codes.copy()
    Yq[:3, 0] = 1 - Yq[:3, 0]
    Yq[2:5, 1] = -1
    assert KNeighborsClassifier(5).fit(X, Y[:, :2]).score(Q, Yq) == pytest.approx(7 / 12)


def test_column_vector_y():
    import warnings

    from fastml.exceptions import DataConversionWarning

    X, Q, Y = _multioutput_data()
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        clf = KNeighborsClassifier(5).fit(X, Y[:, 1:2])
    assert clf.classes_.ndim == 1 and not clf.outputs_2d_
    np.testing.assert_array_equal(clf.predict(Q), KNeighborsClassifier(5).fit(X, Y[:, 1])
                                  .predict(Q))
    # the regressor, like scikit-learn's, keeps a column y 2-D without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg = KNeighborsRegressor(5).fit(X, X[:, :1])
    assert reg.predict(Q).shape == (len(Q), 1)
    np.testing.assert_allclose(reg.predict(Q)[:, 0],
                               KNeighborsRegressor(5).fit(X, X[:, 0]).predict(Q))


@pytest.mark.parametrize("algorithm", ["kd_tree", "brute"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_multioutput_regressor_matches_sklearn(algorithm, weights):
    sk = pytest.importorskip("sklearn.neighbors")
    X, Q, _ = _multioutput_data()
    Y = np.stack([X[:, 0] * 2, X[:, 1] - X[:, 3], np.arange(len(X)) % 5], axis=1)
    ours = KNeighborsRegressor(4, weights=weights, algorithm=algorithm).fit(X, Y)
    ref = sk.KNeighborsRegressor(4, weights=weights).fit(X, Y)
    for query in (Q, None):
        pred = ours.predict(query)
        assert pred.shape == (len(X if query is None else Q), 3)
        np.testing.assert_allclose(pred, ref.predict(query), atol=1e-12)
    assert ours.score(Q, ref.predict(Q)) == pytest.approx(1.0)
    # exact match wins per output too
    np.testing.assert_allclose(ours.predict(X[:5]), Y[:5] if weights == "distance"
                               else ref.predict(X[:5]), atol=1e-12)


def test_zero_weight_rows_raise():
    X = np.arange(10.0).reshape(5, 2)
    for est in (KNeighborsClassifier(2, weights=lambda d: np.zeros_like(d)),
                KNeighborsRegressor(2, weights=lambda d: np.zeros_like(d))):
        est.fit(X, np.arange(5) % 2)
        with pytest.raises(ValueError, match="All neighbors of some sample is getting zero weights"):
            est.predict(X)


@pytest.mark.parametrize("Est", ["KNeighborsClassifier", "KNeighborsRegressor"])
def test_distance_weights_when_every_distance_overflows(Est):
    """sqeuclidean in float32 overflows to inf for a query ~3e19 away: the
    neighbours then weigh equally (finite predictions, not 0/0 = NaN)."""
    import fastml.neighbors as fn

    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], dtype=np.float32)
    y = np.array([0, 1, 1])
    m = getattr(fn, Est)(n_neighbors=3, weights="distance", metric="sqeuclidean",
                         algorithm="brute").fit(X, y)
    Q = np.array([[3e19, -3e19], [0.0, 0.0]])
    dist = m.kneighbors(Q)[0]
    assert np.isinf(dist[0]).all()
    out = m.predict_proba(Q) if hasattr(m, "predict_proba") else m.predict(Q)
    assert np.isfinite(out).all()
    if hasattr(m, "predict_proba"):
        np.testing.assert_allclose(out[0], [1 / 3, 2 / 3])
        np.testing.assert_allclose(out[1], [1.0, 0.0])
    else:
        np.testing.assert_allclose(out, [2 / 3, 0.0])


def test_callable_metric_returning_nan_is_a_clear_error():
    """A user metric that returns NaN cannot rank neighbours: ValueError naming
    the metric, not NaN distances or an index past the training rows."""
    X = np.arange(40.0).reshape(20, 2)

    def nan_metric(a, b):
        return np.nan

    m = NearestNeighbors(n_neighbors=2, metric=nan_metric, algorithm="brute").fit(X)
    with pytest.raises(ValueError, match="returned NaN"):
        m.kneighbors(X[:3])


def test_distance_weights_with_subnormal_distances():
    """Distances ~1e-310 overflow 1/d: the vote keeps the 1/d proportions
    (d_min / d), finite and equal to the same data scaled up."""
    X = np.array([[0.0], [1.0], [3.0], [4.0]])
    y = np.array([0, 0, 1, 1])
    Q = np.array([[1.5], [2.9]])
    small = KNeighborsClassifier(n_neighbors=3, weights="distance").fit(X * 1e-310, y)
    big = KNeighborsClassifier(n_neighbors=3, weights="distance").fit(X, y)
    got = small.predict_proba(Q * 1e-310)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, big.predict_proba(Q), rtol=1e-6)
