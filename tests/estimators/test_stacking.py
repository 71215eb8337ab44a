"""fastml.ensemble.StackingClassifier / StackingRegressor: the meta-features
equal a hand-written out-of-fold computation, and the result equals
scikit-learn's with the same members and folds."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml.base import clone
from fastml.ensemble import StackingClassifier, StackingRegressor
from fastml.linear_model import LinearRegression, LogisticRegression, Ridge
from fastml.model_selection import KFold, StratifiedKFold
from fastml.naive_bayes import GaussianNB
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _iris():
    datasets = pytest.importorskip("sklearn.datasets")
    return datasets.load_iris(return_X_y=True)


def _oof(est, X, y, cv, method):
    out = None
    for tr, te in cv.split(X, y):
        p = getattr(clone(est).fit(X[tr], y[tr]), method)(X[te])
        if out is None:
            out = np.zeros((len(y),) + p.shape[1:])
        out[te] = p
    return out


def test_classifier_meta_features_are_out_of_fold():
    X, y = _iris()
    members = [("nb", GaussianNB()), ("dt", DecisionTreeClassifier(max_depth=2,
                                                                   random_state=0))]
    cv = StratifiedKFold(4)
    clf = StackingClassifier(members, cv=cv, n_jobs=2).fit(X, y)
    meta = np.hstack([_oof(e, X, y, cv, "predict_proba") for _, e in members])
    ref = LogisticRegression().fit(meta, y)
    np.testing.assert_allclose(clf.final_estimator_.coef_, ref.coef_, rtol=1e-10)
    # transform: members refit on all data
    full = np.hstack([clone(e).fit(X, y).predict_proba(X) for _, e in members])
    np.testing.assert_allclose(clf.transform(X), full, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), ref.predict(full))
    assert clf.stack_method_ == ["predict_proba", "predict_proba"]
    names = clf.get_feature_names_out()
    assert list(names[:3]) == ["stackingclassifier_nb0", "stackingclassifier_nb1",
                               "stackingclassifier_nb2"]


def test_binary_drops_first_column_and_passthrough():
    X, y = _iris()
    yb = (y == 2).astype(int)
    clf = StackingClassifier([("nb", GaussianNB())], passthrough=True, cv=3).fit(X, yb)
    Xt = clf.transform(X)
    assert Xt.shape == (len(X), 1 + X.shape[1])
    np.testing.assert_array_equal(Xt[:, 1:], X)
    clf2 = StackingClassifier([("lr", LogisticRegression())], stack_method="decision_function",
                              cv=3).fit(X, yb)
    assert clf2.transform(X).shape == (len(X), 1)
    assert list(clf2.get_feature_names_out()) == ["stackingclassifier_lr"]


def test_classifier_equals_sklearn():
    ske = pytest.importorskip("sklearn.ensemble")
    from sklearn.linear_model import LogisticRegression as SkLR
    from sklearn.naive_bayes import GaussianNB as SkNB
    from sklearn.tree import DecisionTreeClassifier as SkDT

    X, y = _iris()
    a = StackingClassifier([("nb", GaussianNB()), ("dt", DecisionTreeClassifier(
        max_depth=3, random_state=0))], cv=5).fit(X, y)
    b = ske.StackingClassifier([("nb", SkNB()), ("dt", SkDT(max_depth=3, random_state=0))],
                               final_estimator=SkLR(), cv=5).fit(X, y)
    np.testing.assert_allclose(a.transform(X), b.transform(X), rtol=1e-9, atol=1e-12)
    # the two logistic regressions stop at different tolerances: same fastml final
    # estimator inside scikit-learn's stacking gives the same model
    assert np.mean(a.predict(X) == b.predict(X)) >= 0.99
    c = ske.StackingClassifier([("nb", SkNB()), ("dt", SkDT(max_depth=3, random_state=0))],
                               final_estimator=LogisticRegression(), cv=5).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), c.predict(X))
    np.testing.assert_allclose(a.predict_proba(X), c.predict_proba(X), rtol=1e-9)


def test_regressor_equals_oof_reference_and_sklearn():
    ske = pytest.importorskip("sklearn.ensemble")
    from sklearn.linear_model import LinearRegression as SkLin
    from sklearn.linear_model import Ridge as SkRidge

    rng = np.random.RandomState(0)
    X = rng.randn(120, 5)
    y = X @ [1.0, 2, 0, -1, 0.5] + np.sin(X[:, 0]) + 0.1 * rng.randn(120)
    cv = KFold(4, shuffle=True, random_state=0)
    members = [("lin", LinearRegression()), ("ridge", Ridge(alpha=5.0))]
    reg = StackingRegressor(members, cv=cv).fit(X, y)
    meta = np.column_stack([_oof(e, X, y, cv, "predict") for _, e in members])
    ref = Ridge().fit(meta, y)
    np.testing.assert_allclose(reg.final_estimator_.coef_, ref.coef_, rtol=1e-10)
    assert isinstance(reg.final_estimator_, Ridge)
    b = ske.StackingRegressor([("lin", SkLin()), ("ridge", SkRidge(alpha=5.0))],
                              final_estimator=SkRidge(), cv=KFold(4, shuffle=True,
                                                                  random_state=0)).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), b.predict(X), rtol=1e-8)
    # a tree member (sparse input, passthrough)
    reg2 = StackingRegressor([("dt", DecisionTreeRegressor(max_depth=3, random_state=0))],
                             passthrough=True, cv=3).fit(sp.csr_matrix(X), y)
    assert sp.issparse(reg2.transform(sp.csr_matrix(X)))


def test_prefit_drop_and_errors():
    X, y = _iris()
    nb = GaussianNB().fit(X, y)
    clf = StackingClassifier([("nb", nb), ("x", "drop")], cv="prefit").fit(X, y)
    assert clf.estimators_[0] is nb and clf.named_estimators_["x"] == "drop"
    np.testing.assert_allclose(clf.transform(X), nb.predict_proba(X))
    with pytest.raises(ValueError, match="should be a classifier"):
        StackingClassifier([("nb", GaussianNB())], final_estimator=Ridge()).fit(X, y)
    with pytest.raises(ValueError, match="does not implement the method"):
        StackingClassifier([("dt", Ridge())], stack_method="predict_proba").fit(X, y)
    with pytest.raises(ValueError, match="All estimators are dropped"):
        StackingRegressor([("a", "drop")]).fit(X, y.astype(float))
