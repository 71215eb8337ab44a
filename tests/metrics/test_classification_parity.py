"""zero_division, ROC options and scorer strings agree with scikit-learn (values,
warnings and error messages)."""
import re
import warnings

import numpy as np
import pytest

from fastml import metrics as M
from fastml.exceptions import UndefinedMetricWarning

S = pytest.importorskip("sklearn.metrics")


def _run(fn, *args, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = fn(*args, **kw)
    return out, [str(w.message) for w in rec if issubclass(w.category, UserWarning)]


@pytest.mark.parametrize("zero_division", ["warn", 0.0, 1.0, np.nan])
@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("name", ["precision_recall_fscore_support", "precision_score",
                                  "recall_score", "f1_score"])
def test_zero_division_values_and_warnings(name, average, zero_division):
    cases = [([0, 0, 1, 2, 2], [0, 0, 0, 0, 0]),      # labels never predicted
             ([0, 0, 0, 0], [0, 1, 2, 2]),            # labels never true
             ([3, 3, 3], [3, 3, 3])]
    for yt, yp in cases:
        got, gw = _run(getattr(M, name), yt, yp, average=average, zero_division=zero_division)
        exp, ew = _run(getattr(S, name), yt, yp, average=average, zero_division=zero_division)
        got = got[:3] if isinstance(got, tuple) else (got,)
        exp = exp[:3] if isinstance(exp, tuple) else (exp,)
        for g, e in zip(got, exp):
            np.testing.assert_allclose(np.asarray(g, float), np.asarray(e, float),
                                       equal_nan=True)
        assert gw == ew


def test_zero_division_warning_is_sklearns_class_and_validated():
    from sklearn.exceptions import UndefinedMetricWarning as SkWarning
    with pytest.warns(SkWarning, match="Precision is ill-defined"):
        M.precision_score([0, 1], [0, 0])
    with pytest.raises(ValueError, match="zero_division"):
        M.precision_score([0, 1], [0, 0], zero_division=2)
    r = M.classification_report([0, 1, 2], [0, 0, 0], output_dict=True, zero_division=1.0)
    e = S.classification_report([0, 1, 2], [0, 0, 0], output_dict=True, zero_division=1.0)
    assert r["1"] == pytest.approx(e["1"]) and r["macro avg"] == pytest.approx(e["macro avg"])


def test_fbeta_extreme_betas():
    yt, yp = [0, 1, 1, 0, 1], [1, 1, 0, 0, 1]
    for beta in (0.0, np.inf, 0.5, 2.0):
        assert M.fbeta_score(yt, yp, beta=beta) == pytest.approx(S.fbeta_score(yt, yp, beta=beta))


@pytest.fixture
def scores():
    rng = np.random.default_rng(7)
    y = rng.integers(0, 4, 400)
    proba = rng.dirichlet(np.ones(4), 400)
    proba[np.arange(400), y] += 0.3
    proba /= proba.sum(axis=1, keepdims=True)
    return y, proba, np.round(rng.normal(size=400) + (y % 2), 1), rng.random(400)


def test_roc_curve_drop_intermediate_default_matches(scores):
    y, _, s, w = scores
    for kw in ({}, {"drop_intermediate": False}, {"sample_weight": w}):
        for g, e in zip(M.roc_curve(y % 2, s, **kw), S.roc_curve(y % 2, s, **kw)):
            np.testing.assert_allclose(g, e)
    with pytest.warns(UndefinedMetricWarning, match="No positive samples"):
        fpr, tpr, _ = M.roc_curve([0, 0, 0], [0.1, 0.5, 0.2])
    assert np.isnan(tpr).all()


@pytest.mark.parametrize("max_fpr", [None, 0.05, 0.3, 0.8, 1.0])
def test_roc_auc_partial(scores, max_fpr):
    y, _, s, w = scores
    assert M.roc_auc_score(y % 2, s, max_fpr=max_fpr) == pytest.approx(
        S.roc_auc_score(y % 2, s, max_fpr=max_fpr), rel=1e-12)
    assert M.roc_auc_score(y % 2, s, max_fpr=max_fpr, sample_weight=w) == pytest.approx(
        S.roc_auc_score(y % 2, s, max_fpr=max_fpr, sample_weight=w), rel=1e-12)


@pytest.mark.parametrize("multi_class,average", [
    ("ovr", "macro"), ("ovr", "weighted"), ("ovr", "micro"), ("ovr", None),
    ("ovo", "macro"), ("ovo", "weighted")])
def test_roc_auc_multiclass(scores, multi_class, average):
    y, p, _, _ = scores
    labels = np.array(["a", "b", "c", "d"])
    for yy, lab in ((y, None), (labels[y], labels)):
        np.testing.assert_allclose(
            M.roc_auc_score(yy, p, multi_class=multi_class, average=average, labels=lab),
            S.roc_auc_score(yy, p, multi_class=multi_class, average=average, labels=lab),
            rtol=1e-12)


@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_roc_auc_multilabel(average):
    rng = np.random.default_rng(3)
    Y = (rng.random((150, 3)) < 0.4).astype(int)
    P = rng.random((150, 3)) + 0.3 * Y
    np.testing.assert_allclose(M.roc_auc_score(Y, P, average=average),
                               S.roc_auc_score(Y, P, average=average), rtol=1e-12)


@pytest.mark.parametrize("kw,y_true,labels", [
    ({}, [0, 1, 2, 2], [0, 1]),
    ({}, [0, 1, 2, 3], [0, 1, 2]),
    ({}, [0, 1, 2, 2], [0, 2, 1]),
    ({}, [0, 1, 2, 2], [0, 1, 1]),
    ({"average": "micro", "multi_class": "ovo"}, [0, 1, 2, 2], None),
    ({"max_fpr": 0.5}, [0, 1, 2, 2], None),
    ({"sample_weight": [1, 1, 1, 1], "multi_class": "ovo"}, [0, 1, 2, 2], None),
])
def test_roc_auc_multiclass_errors_match(kw, y_true, labels):
    p = np.array([[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6], [0.1, 0.3, 0.6]])
    kw = {"multi_class": "ovr", **kw}
    with pytest.raises(ValueError) as exp:
        S.roc_auc_score(y_true, p, labels=labels, **kw)
    with pytest.raises(ValueError, match=re.escape(str(exp.value))):
        M.roc_auc_score(y_true, p, labels=labels, **kw)


def test_balanced_accuracy_and_scorer_strings(scores):
    y, p, _, w = scores
    yp = p.argmax(axis=1)
    for adjusted in (False, True):
        assert M.balanced_accuracy_score(y, yp, adjusted=adjusted, sample_weight=w) == \
            pytest.approx(S.balanced_accuracy_score(y, yp, adjusted=adjusted, sample_weight=w))
    from fastml.linear_model import LogisticRegression
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    yy = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    est = LogisticRegression().fit(X, yy)
    for name in ("roc_auc_ovr", "roc_auc_ovo", "roc_auc_ovr_weighted", "roc_auc_ovo_weighted",
                 "balanced_accuracy"):
        assert M.get_scorer(name)(est, X, yy) == pytest.approx(S.get_scorer(name)(est, X, yy))
