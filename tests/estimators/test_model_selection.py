"""Splitters match scikit-learn's splits; CV and grid search work with fastml and
scikit-learn estimators alike."""
import pickle

import numpy as np
import pytest

from fastml.base import BaseEstimator
from fastml.model_selection import (GridSearchCV, KFold, ParameterGrid, StratifiedKFold,
                                    cross_val_score, cross_validate, train_test_split)

SM = pytest.importorskip("sklearn.model_selection")


@pytest.mark.parametrize("shuffle", [False, True])
@pytest.mark.parametrize("n", [10, 53])
def test_kfold_matches_sklearn(shuffle, n):
    X = np.zeros((n, 2))
    rs = 7 if shuffle else None
    ours = list(KFold(4, shuffle=shuffle, random_state=rs).split(X))
    theirs = list(SM.KFold(4, shuffle=shuffle, random_state=rs).split(X))
    for (a, b), (c, d) in zip(ours, theirs):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


@pytest.mark.parametrize("shuffle", [False, True])
def test_stratified_kfold_matches_sklearn(shuffle):
    rng = np.random.default_rng(0)
    y = np.array(["b", "a", "c"])[rng.integers(0, 3, 61)]
    X = np.zeros((61, 1))
    rs = 3 if shuffle else None
    ours = list(StratifiedKFold(5, shuffle=shuffle, random_state=rs).split(X, y))
    theirs = list(SM.StratifiedKFold(5, shuffle=shuffle, random_state=rs).split(X, y))
    assert len(ours) == 5
    for (a, b), (c, d) in zip(ours, theirs):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_train_test_split():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = rng.integers(0, 2, 40)
    ours = train_test_split(X, y, test_size=0.3, random_state=5)
    theirs = SM.train_test_split(X, y, test_size=0.3, random_state=5)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    Xtr, Xte = train_test_split(X, shuffle=False, train_size=30)
    np.testing.assert_array_equal(Xtr, X[:30])
    np.testing.assert_array_equal(Xte, X[30:])
    # stratify: class proportions preserved, no sample lost or duplicated
    y3 = np.repeat([0, 1, 2], [50, 30, 20])
    idx = np.arange(100)
    itr, ite, ytr, yte = train_test_split(idx, y3, test_size=0.2, stratify=y3, random_state=0)
    np.testing.assert_array_equal(np.bincount(yte), [10, 6, 4])
    assert sorted(np.r_[itr, ite].tolist()) == list(range(100))
    assert isinstance(train_test_split([1, 2, 3, 4], test_size=1)[0], list)


def test_bad_split_arguments():
    with pytest.raises(ValueError, match="n_splits"):
        KFold(1)
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(np.zeros((5, 1)), test_size=1.5)
    with pytest.raises(ValueError, match="inconsistent"):
        train_test_split(np.zeros((5, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="greater than the number of samples"):
        list(KFold(6).split(np.zeros((5, 1))))
    with pytest.raises(ValueError, match="least populated"):
        train_test_split(np.zeros(5), stratify=[0, 0, 0, 0, 1])


def test_cross_val_with_sklearn_estimator():
    from sklearn.linear_model import LogisticRegression, Ridge

    rng = np.random.default_rng(2)
    X = rng.normal(size=(90, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=90) > 0).astype(int)
    np.testing.assert_allclose(cross_val_score(LogisticRegression(), X, y, cv=3),
                               SM.cross_val_score(LogisticRegression(), X, y, cv=3))
    yr = X @ [1.0, 2.0, 0.0, -1.0] + rng.normal(size=90)
    np.testing.assert_allclose(
        cross_val_score(Ridge(), X, yr, cv=4, scoring="neg_mean_squared_error"),
        SM.cross_val_score(Ridge(), X, yr, cv=4, scoring="neg_mean_squared_error"))
    res = cross_validate(LogisticRegression(), X, y, cv=3, scoring=["accuracy", "f1"],
                         return_train_score=True, return_estimator=True, n_jobs=2)
    assert set(res) >= {"fit_time", "score_time", "test_accuracy", "test_f1", "train_accuracy",
                        "estimator"}
    assert len(res["estimator"]) == 3


def test_grid_search_matches_sklearn():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 5))
    y = (X[:, :2].sum(1) + rng.normal(size=120) > 0).astype(int)
    grid = {"C": [0.01, 0.1, 1.0, 10.0], "fit_intercept": [True, False]}
    ours = GridSearchCV(LogisticRegression(), grid, cv=4, n_jobs=2).fit(X, y)
    theirs = SM.GridSearchCV(LogisticRegression(), grid, cv=4).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"])
    np.testing.assert_array_equal(ours.cv_results_["rank_test_score"],
                                  theirs.cv_results_["rank_test_score"])
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    assert ours.score(X, y) == pytest.approx(theirs.score(X, y))
    pickle.loads(pickle.dumps(ours))
    assert len(ParameterGrid([grid, {"C": [1]}])) == 9
    with pytest.raises(ValueError, match="non-empty"):
        ParameterGrid({"C": []})


class _RecordingRegressor(BaseEstimator):
    """Predicts the weighted mean of y; records what fit received. `fail=True`
    makes fit raise."""

    _estimator_type = "regressor"

    def __init__(self, fail=False):
        self.fail = fail

    def fit(self, X, y, sample_weight=None, tag=None):
        if self.fail:
            raise ArithmeticError("deliberate failure")
        self.seen_ = (len(X), None if sample_weight is None else np.asarray(sample_weight),
                      tag)
        self.mean_ = np.average(y, weights=sample_weight)
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)

    def score(self, X, y):
        return -float(np.mean((np.asarray(y) - self.predict(X)) ** 2))


def _weighted_regression(n=60):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 3))
    y = X @ [1.0, 2.0, 3.0] + rng.normal(size=n)
    return X, y, rng.uniform(0.1, 3.0, n)


def test_sample_weight_is_sliced_per_training_fold_like_sklearn():
    from sklearn.linear_model import Ridge as SkRidge

    from fastml.linear_model import Ridge

    X, y, w = _weighted_regression()
    # the case: unsliced weights made every fit fail and picked the worst alpha
    grid = {"alpha": [1000.0, 0.01]}
    ours = GridSearchCV(Ridge(), grid, cv=3).fit(X, y, sample_weight=np.ones(len(y)))
    theirs = SM.GridSearchCV(SkRidge(), grid, cv=3).fit(X, y, sample_weight=np.ones(len(y)))
    assert ours.best_params_ == theirs.best_params_ == {"alpha": 0.01}
    # scikit-learn 1.9 without metadata routing: a search weights its fits (train
    # folds) and the scorers that accept sample_weight (test folds, train folds for
    # train scores); cross_validate / cross_val_score weight the fits only
    for scoring in (None, "neg_mean_absolute_error", ["r2", "neg_mean_squared_error"]):
        refit = "r2" if isinstance(scoring, list) else True
        kw = dict(cv=4, scoring=scoring, refit=refit, return_train_score=True)
        ours = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0, 300.0]}, **kw).fit(
            X, y, sample_weight=w)
        theirs = SM.GridSearchCV(SkRidge(), {"alpha": [0.1, 10.0, 300.0]}, **kw).fit(
            X, y, sample_weight=w)
        for key, value in theirs.cv_results_.items():
            if key.startswith(("split", "mean_test", "mean_train")):
                np.testing.assert_allclose(ours.cv_results_[key], value, rtol=1e-9, atol=1e-12,
                                           err_msg=f"{scoring} {key}")
        np.testing.assert_allclose(ours.best_estimator_.coef_, theirs.best_estimator_.coef_,
                                   rtol=1e-10)
    with pytest.warns(UserWarning, match="does not support sample_weight"):
        GridSearchCV(_RecordingRegressor(), {"fail": [False]}, cv=3).fit(X, y, sample_weight=w)
    for fn, sk_fn in ((cross_val_score, SM.cross_val_score),
                      (lambda *a, **k: cross_validate(*a, **k)["test_score"],
                       lambda *a, **k: SM.cross_validate(*a, **k)["test_score"])):
        np.testing.assert_allclose(fn(Ridge(alpha=5.0), X, y, cv=3, params={"sample_weight": w}),
                                   sk_fn(SkRidge(alpha=5.0), X, y, cv=3,
                                         params={"sample_weight": w}), rtol=1e-10)
    # exactly the training rows' weights reach fit; other params pass through untouched
    res = cross_validate(_RecordingRegressor(), X, y, cv=KFold(3, shuffle=True, random_state=0),
                         params={"sample_weight": list(w), "tag": "t"}, return_estimator=True)
    for est, (train, _) in zip(res["estimator"],
                               KFold(3, shuffle=True, random_state=0).split(X)):
        n_seen, w_seen, tag = est.seen_
        assert n_seen == len(train) and tag == "t"
        np.testing.assert_array_equal(w_seen, w[train])


def test_failed_fits_warn_fit_failed_warning_and_raise_when_all_fail():
    from sklearn.exceptions import FitFailedWarning as SkFitFailedWarning

    from fastml.exceptions import FitFailedWarning

    X, y, _ = _weighted_regression(30)
    grid = {"fail": [True, False]}
    for cls in (FitFailedWarning, SkFitFailedWarning):
        with pytest.warns(UserWarning, match="test scores are non-finite"), \
                pytest.warns(cls, match="3 fits failed out of a total of 6"):
            gs = GridSearchCV(_RecordingRegressor(), grid, cv=3).fit(X, y)
    assert gs.best_params_ == {"fail": False}
    assert np.isnan(gs.cv_results_["mean_test_score"][0])
    with pytest.warns(FitFailedWarning, match="set to -1000"):
        gs = GridSearchCV(_RecordingRegressor(), grid, cv=3, error_score=-1000).fit(X, y)
    assert gs.cv_results_["mean_test_score"][0] == -1000
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        GridSearchCV(_RecordingRegressor(), {"fail": [True]}, cv=3).fit(X, y)
    with pytest.raises(ValueError, match="(?s)All the 4 fits failed.*4 fits failed with.*"
                                         "deliberate failure"):
        cross_val_score(_RecordingRegressor(fail=True), X, y, cv=4)
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        cross_validate(_RecordingRegressor(fail=True), X, y, cv=3)
    for call in (lambda: GridSearchCV(_RecordingRegressor(), grid, cv=3,
                                      error_score="raise").fit(X, y),
                 lambda: cross_val_score(_RecordingRegressor(fail=True), X, y, cv=3,
                                         error_score="raise")):
        with pytest.raises(ArithmeticError, match="deliberate failure"):
            call()
    with pytest.raises(ValueError, match="error_score must be the string 'raise'"):
        cross_validate(_RecordingRegressor(), X, y, cv=3, error_score="rasie")


def test_grid_search_clones_estimators_in_param_grid():
    from fastml.linear_model import Ridge
    from fastml.pipeline import Pipeline
    from fastml.preprocessing import StandardScaler

    X, y, _ = _weighted_regression()
    candidates = [Ridge(alpha=0.1), Ridge(alpha=500.0)]
    pipe = Pipeline([("scale", StandardScaler()), ("reg", Ridge())])
    gs = GridSearchCV(pipe, {"reg": candidates}, cv=3).fit(X, y)
    for est in candidates:
        assert not hasattr(est, "coef_")
    assert not hasattr(pipe.named_steps["scale"], "mean_")
    assert gs.best_params_["reg"] is candidates[0]
    fitted = gs.best_estimator_.named_steps["reg"]
    assert fitted is not candidates[0] and fitted.alpha == 0.1 and hasattr(fitted, "coef_")
