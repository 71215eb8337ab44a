"""Splitters match scikit-learn's splits; CV and grid search work with fastml and
scikit-learn estimators alike."""
import pickle

import numpy as np
import pytest

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
