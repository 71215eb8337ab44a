"""Naive Bayes: scikit-learn conformance and agreement (probabilities) on the
bundled data, partial_fit, bad input."""
import pickle

import numpy as np
import pytest

from fastml.base import clone
from fastml.datasets import load_breast_cancer, load_digits, load_iris
from fastml.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB

pytest.importorskip("sklearn")
from sklearn import naive_bayes as SN  # noqa: E402

# scikit-learn's estimator checks for these estimators run in tests/test_common.py.


@pytest.mark.parametrize("loader", [load_iris, load_digits, load_breast_cancer],
                         ids=lambda f: f.__name__)
def test_gaussian_probabilities_match_sklearn(loader):
    X, y = loader(return_X_y=True)
    w = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    for sw in (None, w):
        ours = GaussianNB().fit(X, y, sample_weight=sw)
        theirs = SN.GaussianNB().fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-9)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
        np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X),
                                   rtol=1e-7, atol=1e-6)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_gaussian_partial_fit_matches_sklearn_partial_fit():
    X, y = load_digits(return_X_y=True)
    ours, theirs = GaussianNB(), SN.GaussianNB()
    for i in range(3):
        ours.partial_fit(X[i::3], y[i::3], classes=np.arange(10))
        theirs.partial_fit(X[i::3], y[i::3], classes=np.arange(10))
    np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("cls,kw", [("MultinomialNB", {}), ("MultinomialNB", {"alpha": 0.1}),
                                    ("MultinomialNB", {"fit_prior": False}),
                                    ("BernoulliNB", {"binarize": 4.0}),
                                    ("BernoulliNB", {"alpha": 0.5, "binarize": 8.0})])
def test_discrete_nb_match_sklearn(cls, kw):
    X, y = load_digits(return_X_y=True)
    ours = {"MultinomialNB": MultinomialNB, "BernoulliNB": BernoulliNB}[cls](**kw).fit(X, y)
    theirs = getattr(SN, cls)(**kw).fit(X, y)
    np.testing.assert_allclose(ours.feature_log_prob_, theirs.feature_log_prob_, rtol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)
    pf = type(ours)(**kw)
    for i in range(2):
        pf.partial_fit(X[i::2], y[i::2], classes=np.arange(10))
    np.testing.assert_allclose(pf.feature_log_prob_, ours.feature_log_prob_, rtol=1e-12)


def test_pickle_clone_and_bad_input():
    X, y = load_iris(return_X_y=True)
    for est in (GaussianNB(), MultinomialNB(), BernoulliNB()):
        est.fit(X, y)
        np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).predict(X), est.predict(X))
        assert not hasattr(clone(est), "classes_")
        Xn = X.copy()
        Xn[0, 0] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            clone(est).fit(Xn, y)
        with pytest.raises(ValueError, match="features"):
            est.predict(X[:, :2])
    with pytest.raises(ValueError, match="Negative"):
        MultinomialNB().fit(-X, y)
    with pytest.raises(ValueError, match="var_smoothing"):
        GaussianNB(var_smoothing=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="priors"):
        GaussianNB(priors=[0.5, 0.6, -0.1]).fit(X, y)
    with pytest.raises(ValueError, match="classes"):
        GaussianNB().partial_fit(X, y)
