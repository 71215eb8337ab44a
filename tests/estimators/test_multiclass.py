"""fastml.multiclass against scikit-learn's OneVsRest / OneVsOne / OutputCode
classifiers (same binary problems, decision and probability semantics), with
fastml's and scikit-learn's binary estimators inside."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from fastml.linear_model import LogisticRegression, Perceptron, SGDClassifier
from fastml.multiclass import OneVsOneClassifier, OneVsRestClassifier, OutputCodeClassifier
from fastml.naive_bayes import GaussianNB
from fastml.svm import LinearSVC

skm = pytest.importorskip("sklearn.multiclass")
skd = pytest.importorskip("sklearn.datasets")
sklm = pytest.importorskip("sklearn.linear_model")

X, y = skd.load_iris(return_X_y=True)
X = (X - X.mean(0)) / X.std(0)


def _sk_lr():
    return sklm.LogisticRegression(tol=1e-10, max_iter=10000)


def _fm_lr():
    return LogisticRegression(tol=1e-10, max_iter=10000)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_ovr_matches_sklearn(n_jobs):
    a = skm.OneVsRestClassifier(_sk_lr()).fit(X, y)
    b = OneVsRestClassifier(_fm_lr(), n_jobs=n_jobs).fit(X, y)
    np.testing.assert_array_equal(b.classes_, a.classes_)
    assert len(b.estimators_) == 3 and b.n_classes_ == 3 and not b.multilabel_
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), atol=1e-5)
    np.testing.assert_allclose(b.predict_proba(X).sum(1), 1.0)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    # predict = argmax of the per-class scores (the "for each class" procedure)
    np.testing.assert_array_equal(b.predict(X), b.classes_[b.decision_function(X).argmax(1)])


def test_ovr_binary_and_string_labels():
    labels = np.array(["no", "yes"])[(y == 1).astype(int)]
    a = skm.OneVsRestClassifier(_sk_lr()).fit(X, labels)
    b = OneVsRestClassifier(_fm_lr()).fit(X, labels)
    assert len(b.estimators_) == 1
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), atol=1e-5)
    assert b.decision_function(X).shape == (len(X),)


def test_ovr_multilabel():
    Xm, Ym = skd.make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    a = skm.OneVsRestClassifier(_sk_lr()).fit(Xm, Ym)
    b = OneVsRestClassifier(_fm_lr(), n_jobs=2).fit(Xm, Ym)
    assert b.multilabel_
    np.testing.assert_array_equal(b.predict(Xm), a.predict(Xm))
    P = b.predict_proba(Xm)
    np.testing.assert_allclose(P, a.predict_proba(Xm), atol=1e-5)
    assert not np.allclose(P.sum(1), 1.0)  # independent labels: not normalised
    bs = OneVsRestClassifier(_fm_lr()).fit(Xm, sp.csr_matrix(Ym))
    assert sp.issparse(bs.predict(Xm))


def test_ovr_constant_label_warns_and_predicts():
    Xm, Ym = skd.make_multilabel_classification(n_samples=50, n_classes=3, random_state=1)
    Ym[:, 0] = 1
    with pytest.warns(UserWarning, match="present in all training examples"):
        b = OneVsRestClassifier(_fm_lr()).fit(Xm, Ym)
    assert (b.predict(Xm)[:, 0] == 1).all()


def test_ovr_partial_fit_matches_sklearn():
    a = skm.OneVsRestClassifier(sklm.SGDClassifier(random_state=0, shuffle=False))
    b = OneVsRestClassifier(SGDClassifier(random_state=0, shuffle=False))
    for i in range(3):
        a.partial_fit(X[i::3], y[i::3], classes=np.unique(y))
        b.partial_fit(X[i::3], y[i::3], classes=np.unique(y))
    for ea, eb in zip(a.estimators_, b.estimators_):
        np.testing.assert_allclose(eb.coef_, ea.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    with pytest.raises(ValueError, match="Mini-batch contains"):
        b.partial_fit(X[:3], [0, 1, 7])


@pytest.mark.parametrize("est", [lambda: LinearSVC(random_state=0), lambda: GaussianNB()])
def test_ovo_matches_sklearn(est):
    sk_inner = {"LinearSVC": lambda: __import__("sklearn.svm").svm.LinearSVC(random_state=0),
                "GaussianNB": lambda: __import__("sklearn.naive_bayes").naive_bayes.GaussianNB()}
    e = est()
    a = skm.OneVsOneClassifier(sk_inner[type(e).__name__]()).fit(X, y)
    b = OneVsOneClassifier(e, n_jobs=2).fit(X, y)
    assert len(b.estimators_) == 3
    # LinearSVC stops at tol=1e-4 from its own visiting order
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), atol=5e-3)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))


def test_ovo_vote_rule_by_hand():
    b = OneVsOneClassifier(_fm_lr()).fit(X, y)
    votes = np.zeros((len(X), 3))
    for (i, j), e in zip([(0, 1), (0, 2), (1, 2)], b.estimators_):
        p = e.predict(X)
        votes[p == 0, i] += 1
        votes[p == 1, j] += 1
    np.testing.assert_array_equal(np.floor(b.decision_function(X) + 0.5), votes)
    yb = (y == 2).astype(int)
    b2 = OneVsOneClassifier(_fm_lr()).fit(X, yb)
    assert b2.decision_function(X).shape == (len(X),)
    np.testing.assert_array_equal(b2.predict(X), b2.estimators_[0].predict(X))


def test_ovo_partial_fit():
    b = OneVsOneClassifier(GaussianNB())
    for i in range(3):
        b.partial_fit(X[i::3], y[i::3], classes=np.unique(y))
    full = OneVsOneClassifier(GaussianNB()).fit(X, y)
    for u, v in zip(b.estimators_, full.estimators_):
        np.testing.assert_allclose(u.theta_, v.theta_, rtol=1e-10)
    with pytest.raises(ValueError, match="one class"):
        OneVsOneClassifier(GaussianNB()).fit(X, np.zeros(len(y)))


@pytest.mark.parametrize("code_size", [0.5, 1.5, 3.0])
def test_output_code_matches_sklearn(code_size):
    a = skm.OutputCodeClassifier(_sk_lr(), code_size=code_size, random_state=1).fit(X, y)
    b = OutputCodeClassifier(_fm_lr(), code_size=code_size, random_state=1).fit(X, y)
    np.testing.assert_array_equal(b.code_book_, a.code_book_)
    assert len(b.estimators_) == int(3 * code_size)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))


def test_output_code_with_probability_estimator():
    b = OutputCodeClassifier(GaussianNB(), random_state=0).fit(X, y)
    assert set(np.unique(b.code_book_)) <= {0.0, 1.0}
    assert b.score(X, y) > 0.8


def test_meta_errors():
    with pytest.raises(ValueError, match="y is None"):
        OneVsRestClassifier(_fm_lr()).fit(X, None)
    with pytest.raises(ValueError, match="estimator"):
        OneVsRestClassifier(object()).fit(X, y)
    with pytest.raises(ValueError, match="code_size"):
        OutputCodeClassifier(_fm_lr(), code_size=0).fit(X, y)
    with pytest.raises(AttributeError):
        OneVsRestClassifier(LinearSVC()).predict_proba  # noqa: B018
    m = OneVsRestClassifier(Perceptron()).fit(X, y)
    assert not hasattr(m, "predict_proba") and m.score(X, y) > 0.7
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        OneVsRestClassifier(_fm_lr()).fit(X, y)
