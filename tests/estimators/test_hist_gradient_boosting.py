"""HistGradientBoosting{Classifier,Regressor} against scikit-learn's (same
binning and parameters), NaN, categorical features, early stopping,
warm_start, every loss, staged predictions and bad input."""
import numpy as np
import pytest

from fastml.ensemble import HistGradientBoostingClassifier as FC
from fastml.ensemble import HistGradientBoostingRegressor as FR

sk = pytest.importorskip("sklearn.ensemble")
datasets = pytest.importorskip("sklearn.datasets")


def _reg(n=2000, d=8, seed=0, nan=0.0):
    X, y = datasets.make_regression(n, d, n_informative=6, noise=5.0, random_state=seed)
    if nan:
        X[np.random.default_rng(seed).random(X.shape) < nan] = np.nan
    return X, y


def _clf(n=2000, d=8, k=2, seed=0):
    return datasets.make_classification(n, d, n_informative=5, n_classes=k,
                                        random_state=seed)


KW = dict(max_iter=15, early_stopping=False)


@pytest.mark.parametrize("params", [dict(), dict(max_leaf_nodes=7, max_depth=3),
                                    dict(l2_regularization=1.0, min_samples_leaf=50),
                                    dict(max_bins=31), dict(learning_rate=0.3)])
def test_regressor_matches_sklearn(params):
    X, y = _reg()
    f = FR(**KW, **params).fit(X, y)
    s = sk.HistGradientBoostingRegressor(**KW, **params).fit(X, y)
    Xt, _ = _reg(500, seed=1)
    assert np.corrcoef(f.predict(Xt), s.predict(Xt))[0, 1] > 0.999
    np.testing.assert_allclose(f.predict(Xt), s.predict(Xt), rtol=1e-6, atol=1e-6 * np.ptp(y))
    assert f.n_iter_ == s.n_iter_ == 15


@pytest.mark.parametrize("loss", ["absolute_error", "poisson", "gamma", "quantile"])
def test_regression_losses_match_sklearn(loss):
    X, y = _reg()
    if loss in ("poisson", "gamma"):
        y = np.exp((y - y.mean()) / y.std())
    kw = dict(KW, loss=loss, quantile=0.8 if loss == "quantile" else None)
    f = FR(**kw).fit(X, y)
    s = sk.HistGradientBoostingRegressor(**kw).fit(X, y)
    assert np.corrcoef(f.predict(X), s.predict(X))[0, 1] > 0.999
    if loss == "quantile":
        assert abs(np.mean(y <= f.predict(X)) - 0.8) < 0.05


@pytest.mark.parametrize("k", [2, 3])
def test_classifier_matches_sklearn(k):
    X, y = _clf(k=k)
    Xt, yt = _clf(1000, k=k, seed=0)
    f = FC(**KW).fit(X, y)
    s = sk.HistGradientBoostingClassifier(**KW).fit(X, y)
    np.testing.assert_allclose(f.predict_proba(X), s.predict_proba(X), atol=1e-6)
    assert abs(f.score(Xt, yt) - s.score(Xt, yt)) <= 0.002
    assert f.n_trees_per_iteration_ == (1 if k == 2 else k)
    df = f.decision_function(X)
    assert df.shape == ((len(X),) if k == 2 else (len(X), k))
    np.testing.assert_array_equal(f.classes_, np.arange(k))


def test_string_labels_class_weight_and_sample_weight():
    X, y = _clf(k=3)
    labels = np.array(["a", "b", "c"])[y]
    w = np.random.default_rng(0).random(len(y)) + 0.5
    kw = dict(KW, class_weight="balanced")
    f = FC(**kw).fit(X, labels, sample_weight=w)
    s = sk.HistGradientBoostingClassifier(**kw).fit(X, labels, sample_weight=w)
    assert set(f.predict(X)) <= set(labels)
    np.testing.assert_allclose(f.predict_proba(X), s.predict_proba(X), atol=1e-5)


def test_nan_handling_matches_sklearn():
    X, y = _reg(nan=0.15)
    f = FR(**KW).fit(X, y)
    s = sk.HistGradientBoostingRegressor(**KW).fit(X, y)
    Xt, _ = _reg(400, seed=3, nan=0.3)
    np.testing.assert_allclose(f.predict(Xt), s.predict(Xt), rtol=1e-6, atol=1e-6 * np.ptp(y))
    # NaN in a feature that had none at fit time
    X2, y2 = _reg()
    f2 = FR(**KW).fit(X2, y2)
    s2 = sk.HistGradientBoostingRegressor(**KW).fit(X2, y2)
    Xt2 = Xt.copy()
    np.testing.assert_allclose(f2.predict(Xt2), s2.predict(Xt2), rtol=1e-6,
                               atol=1e-6 * np.ptp(y2))


def test_missing_values_carry_signal():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 2))
    y = (X[:, 0] > 0).astype(float)
    nan = rng.random(2000) < 0.3
    X[nan, 1] = np.nan
    y[nan] = 5.0
    f = FR(max_iter=60, learning_rate=0.3, early_stopping=False).fit(X, y)
    assert np.abs(f.predict(X[nan]) - 5.0).max() < 0.1


def test_categorical_matches_sklearn():
    rng = np.random.default_rng(0)
    n = 4000
    cat = rng.integers(0, 12, n)
    effect = rng.standard_normal(12) * 3
    X = np.column_stack([cat, rng.standard_normal(n), rng.standard_normal(n)]).astype(float)
    X[rng.random(n) < 0.05, 0] = np.nan
    y = np.where(np.isnan(X[:, 0]), 2.0, effect[np.nan_to_num(X[:, 0]).astype(int)]) + X[:, 1]
    for cf in ([0], [True, False, False]):
        f = FR(**KW, categorical_features=cf).fit(X, y)
        s = sk.HistGradientBoostingRegressor(**KW, categorical_features=cf).fit(X, y)
        np.testing.assert_allclose(f.predict(X), s.predict(X), rtol=1e-6, atol=1e-6)
        assert f.is_categorical_.tolist() == [True, False, False]
    # an unknown category goes where missing values go
    Xu = X[:5].copy()
    Xu[:, 0] = 40
    Xn = X[:5].copy()
    Xn[:, 0] = np.nan
    np.testing.assert_allclose(f.predict(Xu), f.predict(Xn))


def test_categorical_from_dtype_pandas():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    n = 3000
    colour = rng.choice(["red", "green", "blue", "teal"], n)
    x = rng.standard_normal(n)
    y = (colour == "red") * 3.0 + (colour == "teal") * -2.0 + x
    df = pd.DataFrame({"colour": pd.Categorical(colour), "x": x})
    f = FR(**KW).fit(df, y)
    s = sk.HistGradientBoostingRegressor(**KW).fit(df, y)
    np.testing.assert_allclose(f.predict(df), s.predict(df), rtol=1e-6, atol=1e-6)


def test_monotonic_constraints():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 2))
    y = 2 * X[:, 0] + np.sin(4 * X[:, 0]) + 0.5 * X[:, 1]
    f = FR(**KW, monotonic_cst=[1, 0]).fit(X, y)
    s = sk.HistGradientBoostingRegressor(**KW, monotonic_cst=[1, 0]).fit(X, y)
    grid = np.column_stack([np.linspace(-3, 3, 200), np.zeros(200)])
    assert (np.diff(f.predict(grid)) >= -1e-12).all()
    np.testing.assert_allclose(f.predict(X), s.predict(X), rtol=1e-6, atol=1e-6)


def test_early_stopping():
    X, y = _reg(12000)
    f = FR(max_iter=500, learning_rate=0.5, random_state=0).fit(X, y)  # auto: on
    assert f.n_iter_ < 500
    assert len(f.validation_score_) == len(f.train_score_) == f.n_iter_ + 1
    best = np.argmax(f.validation_score_)
    assert f.n_iter_ - best <= 10 + 1
    f2 = FR(max_iter=20, early_stopping=True, validation_fraction=None,
            n_iter_no_change=3).fit(*_reg(500))
    assert len(f2.train_score_) == f2.n_iter_ + 1 and f2.validation_score_.size == 0
    f3 = FR(max_iter=5).fit(*_reg(500))  # auto: off below 10,000 samples
    assert f3.n_iter_ == 5 and f3.train_score_.size == 0
    Xc, yc = _clf(12000)
    c = FC(max_iter=300, scoring="accuracy", random_state=0, n_iter_no_change=5).fit(Xc, yc)
    assert c.n_iter_ < 300 and 0.5 < c.validation_score_[-1] <= 1.0


def test_warm_start_equals_one_fit():
    X, y = _clf(k=3)
    a = FC(**dict(KW, max_iter=20)).fit(X, y)
    b = FC(**dict(KW, max_iter=10), warm_start=True).fit(X, y)
    b.set_params(max_iter=20).fit(X, y)
    assert b.n_iter_ == 20
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-12)
    with pytest.raises(ValueError, match="max_iter"):
        b.set_params(max_iter=5).fit(X, y)


def test_staged_predictions():
    X, y = _clf(k=3)
    f = FC(**KW).fit(X, y)
    stages = list(f.staged_predict_proba(X))
    assert len(stages) == f.n_iter_
    np.testing.assert_allclose(stages[-1], f.predict_proba(X))
    np.testing.assert_array_equal(list(f.staged_predict(X))[-1], f.predict(X))
    np.testing.assert_allclose(list(f.staged_decision_function(X))[-1], f.decision_function(X))
    Xr, yr = _reg()
    r = FR(**KW).fit(Xr, yr)
    np.testing.assert_allclose(list(r.staged_predict(Xr))[-1], r.predict(Xr))


def test_max_features_subsamples():
    X, y = _reg()
    f = FR(**KW, max_features=0.3, random_state=0).fit(X, y)
    g = FR(**KW, max_features=0.3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(f.predict(X), g.predict(X))
    assert f.score(X, y) > 0.8


@pytest.mark.parametrize("param,value,match", [
    ("max_iter", 0, "max_iter"), ("learning_rate", -1.0, "learning_rate"),
    ("max_bins", 256, "max_bins"), ("max_leaf_nodes", 1, "max_leaf_nodes"),
    ("loss", "hinge", "loss"), ("early_stopping", "sometimes", "early_stopping"),
    ("max_features", 0.0, "max_features"), ("l2_regularization", -1, "l2_regularization"),
    ("interaction_cst", "all", "interaction_cst"),
    ("interaction_cst", [[0, 3]], "Interaction constraints"),
    ("monotonic_cst", [1, 0], "monotonic_cst"), ("categorical_features", [9], "categorical"),
])
def test_bad_parameters(param, value, match):
    X, y = _reg(200, d=3)
    with pytest.raises(ValueError, match=match):
        FR(**{param: value}).fit(X, y)


def test_bad_input():
    X, y = _reg(200, d=3)
    with pytest.raises(ValueError, match="gamma"):
        FR(loss="gamma").fit(X, y)
    with pytest.raises(ValueError, match="[Ii]nput y|NaN"):
        FR().fit(X, np.where(np.arange(200) == 3, np.nan, y))
    with pytest.raises(ValueError, match="features"):
        FR(max_iter=2).fit(X, y).predict(X[:, :2])
    with pytest.raises(ValueError, match="cardinality|encoded"):
        Xc = X.copy()
        Xc[:, 0] = np.arange(200) % 300 + 250
        FR(categorical_features=[0]).fit(Xc, y)
    with pytest.raises(ValueError, match="class"):
        FC().fit(X, np.zeros(200))
    with pytest.raises(ValueError, match="sample"):
        FR().fit(X, y, sample_weight=np.ones(5))
