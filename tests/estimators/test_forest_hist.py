"""Random forests on the histogram splitter (splitter="hist")."""
import numpy as np
import pytest

from fastml.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, RandomForestClassifier,
                             RandomForestRegressor)
from fastml.tree import DecisionTreeClassifier


def _data(n=3000, d=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n, d))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 - X[:, 2] > 0.3).astype(int)
    return X, y


def test_hist_forest_grows_hist_trees_and_matches_exact_accuracy():
    X, y = _data()
    Xtr, ytr, Xte, yte = X[:2000], y[:2000], X[2000:], y[2000:]
    exact = RandomForestClassifier(n_estimators=40, random_state=0, n_jobs=2).fit(Xtr, ytr)
    hist = RandomForestClassifier(n_estimators=40, random_state=0, n_jobs=2,
                                  splitter="hist").fit(Xtr, ytr)
    assert all(t.splitter == "hist" for t in hist.estimators_)
    assert all(t.splitter == "best" for t in exact.estimators_)
    assert hist.estimator.splitter == "hist"
    assert abs(hist.score(Xte, yte) - exact.score(Xte, yte)) < 0.03
    assert hist.score(Xte, yte) > 0.85


def test_hist_forest_tree_equals_a_hist_tree_on_the_same_rows():
    # without bootstrap and with all features, every tree sees the same problem
    X, y = _data(800)
    rf = RandomForestClassifier(n_estimators=3, bootstrap=False, max_features=None,
                                splitter="hist", random_state=0, n_jobs=1).fit(X, y)
    single = DecisionTreeClassifier(splitter="hist", random_state=0).fit(X, y)
    for t in rf.estimators_:
        np.testing.assert_array_equal(t.predict_proba(X), single.predict_proba(X))


def test_hist_forest_is_deterministic_for_a_random_state():
    X, y = _data(1500)
    a = RandomForestRegressor(n_estimators=15, splitter="hist", random_state=3,
                              n_jobs=2).fit(X, y.astype(float))
    b = RandomForestRegressor(n_estimators=15, splitter="hist", random_state=3,
                              n_jobs=1).fit(X, y.astype(float))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_hist_forest_rejects_what_the_hist_splitter_cannot_do():
    X, y = _data(300)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RandomForestClassifier(n_estimators=3, splitter="hist").fit(Xn, y)
    with pytest.raises(ValueError, match="splitter"):
        RandomForestClassifier(n_estimators=3, splitter="random").fit(X, y)
    with pytest.raises(ValueError, match="one output"):
        RandomForestClassifier(n_estimators=3, splitter="hist").fit(X, np.c_[y, y])


def test_extra_trees_have_no_splitter_parameter():
    assert "splitter" not in ExtraTreesClassifier().get_params()
    assert "splitter" not in ExtraTreesRegressor().get_params()
    assert RandomForestClassifier().get_params()["splitter"] == "best"
