"""fastml.ensemble.VotingClassifier / VotingRegressor against NumPy
re-computations from the fitted members and against scikit-learn."""
import numpy as np
import pytest

from fastml.ensemble import VotingClassifier, VotingRegressor
from fastml.exceptions import InvalidParameterError
from fastml.linear_model import LinearRegression, LogisticRegression, Ridge
from fastml.naive_bayes import GaussianNB
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _iris():
    datasets = pytest.importorskip("sklearn.datasets")
    return datasets.load_iris(return_X_y=True)


def _members():
    return [("lr", LogisticRegression(max_iter=500)),
            ("dt", DecisionTreeClassifier(max_depth=2, random_state=0)), ("nb", GaussianNB())]


@pytest.mark.parametrize("weights", [None, [1, 2, 1], [0.5, 0.2, 3.0]])
def test_soft_voting_is_weighted_mean(weights):
    X, y = _iris()
    clf = VotingClassifier(_members(), voting="soft", weights=weights, n_jobs=2).fit(X, y)
    probas = np.array([e.predict_proba(X) for e in clf.estimators_])
    ref = np.average(probas, axis=0, weights=weights)
    np.testing.assert_allclose(clf.predict_proba(X), ref, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(ref, axis=1)])
    np.testing.assert_allclose(clf.transform(X), np.hstack(probas))
    clf.set_params(flatten_transform=False)
    assert clf.transform(X).shape == (3, len(X), 3)


@pytest.mark.parametrize("weights", [None, [1, 2, 1]])
def test_hard_voting_is_weighted_majority(weights):
    X, y = _iris()
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = VotingClassifier(_members(), weights=weights).fit(X, labels)
    preds = np.array([e.predict(X) for e in clf.estimators_]).T  # encoded labels
    w = np.ones(3) if weights is None else np.asarray(weights, float)
    ref = [np.argmax(np.bincount(row, weights=w, minlength=3)) for row in preds]
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[ref])
    np.testing.assert_array_equal(clf.transform(X), preds)
    with pytest.raises(AttributeError, match="has no attribute 'predict_proba'") as info:
        clf.predict_proba(X)
    assert "predict_proba is not available when voting='hard'" in str(info.value.__cause__)
    assert list(clf.get_feature_names_out()) == ["votingclassifier_lr", "votingclassifier_dt",
                                                 "votingclassifier_nb"]


def test_voting_classifier_equals_sklearn():
    ske = pytest.importorskip("sklearn.ensemble")
    from sklearn.naive_bayes import GaussianNB as SkNB
    from sklearn.tree import DecisionTreeClassifier as SkDT

    X, y = _iris()
    for voting in ("hard", "soft"):
        a = VotingClassifier([("dt", DecisionTreeClassifier(max_depth=3, random_state=0)),
                              ("nb", GaussianNB())], voting=voting, weights=[2, 1]).fit(X, y)
        b = ske.VotingClassifier([("dt", SkDT(max_depth=3, random_state=0)), ("nb", SkNB())],
                                 voting=voting, weights=[2, 1]).fit(X, y)
        np.testing.assert_array_equal(a.predict(X), b.predict(X))
        np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=1e-9, atol=1e-12)


def test_voting_regressor_equals_weighted_mean_and_sklearn():
    ske = pytest.importorskip("sklearn.ensemble")
    from sklearn.linear_model import LinearRegression as SkLin
    from sklearn.linear_model import Ridge as SkRidge

    rng = np.random.RandomState(0)
    X = rng.randn(100, 4)
    y = X @ [1.0, -2, 0.5, 0] + 0.1 * rng.randn(100)
    reg = VotingRegressor([("lin", LinearRegression()), ("ridge", Ridge(alpha=10)),
                           ("dt", DecisionTreeRegressor(max_depth=3, random_state=0))],
                          weights=[1, 2, 0.5]).fit(X, y)
    preds = np.array([e.predict(X) for e in reg.estimators_]).T
    np.testing.assert_allclose(reg.predict(X), np.average(preds, axis=1, weights=[1, 2, 0.5]))
    np.testing.assert_allclose(reg.transform(X), preds)
    a = VotingRegressor([("lin", LinearRegression()), ("ridge", Ridge(alpha=10))]).fit(X, y)
    b = ske.VotingRegressor([("lin", SkLin()), ("ridge", SkRidge(alpha=10))]).fit(X, y)
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-9)


def test_params_drop_and_named_estimators():
    X, y = _iris()
    clf = VotingClassifier(_members(), voting="soft")
    params = clf.get_params()
    assert params["lr"] is clf.estimators[0][1] and "dt__max_depth" in params
    clf.set_params(dt="drop", lr__C=0.5)
    assert clf.estimators[1][1] == "drop" and clf.estimators[0][1].C == 0.5
    clf.fit(X, y)
    assert len(clf.estimators_) == 2 and clf.named_estimators_["dt"] == "drop"
    assert clf.named_estimators_.lr is clf.estimators_[0]
    assert clf.transform(X).shape == (len(X), 6)
    with pytest.raises(ValueError, match="All estimators are dropped"):
        VotingClassifier([("a", "drop")]).fit(X, y)
    with pytest.raises(ValueError, match="weights must be equal"):
        VotingClassifier(_members(), weights=[1, 2]).fit(X, y)
    with pytest.raises(ValueError, match="should be a classifier"):
        VotingClassifier([("r", Ridge())]).fit(X, y)
    with pytest.raises(ValueError, match="Names provided are not unique"):
        VotingClassifier([("a", GaussianNB()), ("a", GaussianNB())]).fit(X, y)
    with pytest.raises(InvalidParameterError, match="voting"):
        VotingClassifier(_members(), voting="median").fit(X, y)
    with pytest.raises(ValueError, match="continuous"):
        VotingClassifier(_members()).fit(X, X[:, 0])


def test_sample_weight_reaches_members():
    X, y = _iris()
    w = np.random.RandomState(0).uniform(0.1, 2, len(y))
    clf = VotingClassifier([("nb", GaussianNB())], voting="soft").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(clf.predict_proba(X),
                               GaussianNB().fit(X, y, sample_weight=w).predict_proba(X))
