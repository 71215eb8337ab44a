"""Confusion matrix, ROC and precision-recall displays against scikit-learn's
metrics (the oracle) and the drawn artists."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from fastml.linear_model import LogisticRegression  # noqa: E402
from fastml.plot import (ConfusionMatrixDisplay, PrecisionRecallDisplay,  # noqa: E402
                         RocCurveDisplay, precision_recall_curve)


def _binary(seed=0, n=200):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + 0.7 * X[:, 1] + 0.8 * rng.standard_normal(n) > 0).astype(int)
    return X, y


def test_confusion_matrix_image_and_texts():
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, 90)
    y_pred = np.where(rng.random(90) < 0.7, y_true, rng.integers(0, 3, 90))
    disp = ConfusionMatrixDisplay.from_predictions(y_true, y_pred,
                                                   display_labels=["a", "b", "c"])
    want = skm.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(disp.confusion_matrix, want)
    np.testing.assert_array_equal(disp.im_.get_array(), want)
    assert [[t.get_text() for t in row] for row in disp.text_] == \
        [[str(v) for v in row] for row in want]
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["a", "b", "c"]
    assert disp.ax_.get_xlabel() == "Predicted label" and disp.ax_.get_ylabel() == "True label"
    norm = ConfusionMatrixDisplay.from_predictions(y_true, y_pred, normalize="true",
                                                   include_values=False, colorbar=False)
    np.testing.assert_allclose(norm.im_.get_array(),
                               skm.confusion_matrix(y_true, y_pred, normalize="true"))
    assert norm.text_ is None and norm.colorbar_ is None


def test_confusion_matrix_from_estimator_uses_classes():
    X, y = _binary()
    labels = np.where(y == 1, "yes", "no")
    clf = LogisticRegression().fit(X, labels)
    disp = ConfusionMatrixDisplay.from_estimator(clf, X, labels)
    pred = clf.predict(X)
    want = [[np.sum((labels == a) & (pred == b)) for b in clf.classes_] for a in clf.classes_]
    np.testing.assert_array_equal(disp.im_.get_array(), want)
    assert [t.get_text() for t in disp.ax_.get_yticklabels()] == list(clf.classes_)


def test_roc_curve_matches_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    X, y = _binary()
    clf = LogisticRegression().fit(X[:120], y[:120])
    proba = clf.predict_proba(X[120:])[:, 1]
    disp = RocCurveDisplay.from_estimator(clf, X[120:], y[120:], plot_chance_level=True)
    fpr, tpr, _ = skm.roc_curve(y[120:], proba)
    np.testing.assert_allclose(disp.line_.get_xdata(), fpr)
    np.testing.assert_allclose(disp.line_.get_ydata(), tpr)
    np.testing.assert_allclose(disp.roc_auc, skm.roc_auc_score(y[120:], proba))
    assert disp.line_.get_label() == f"LogisticRegression (AUC = {disp.roc_auc:0.2f})"
    np.testing.assert_array_equal(disp.chance_level_.get_xdata(), [0, 1])
    assert disp.ax_.get_xlabel() == "False Positive Rate (Positive label: 1)"
    # decision_function gives the same ranking, hence the same curve
    dec = RocCurveDisplay.from_estimator(clf, X[120:], y[120:],
                                         response_method="decision_function")
    np.testing.assert_allclose(dec.fpr, fpr)
    # the negative class as positive: scores flipped
    neg = RocCurveDisplay.from_estimator(clf, X[120:], y[120:], pos_label=0)
    fpr0, tpr0, _ = skm.roc_curve(y[120:], 1 - proba, pos_label=0)
    np.testing.assert_allclose(neg.fpr, fpr0)
    np.testing.assert_allclose(neg.tpr, tpr0)


@pytest.mark.parametrize("weighted", [False, True])
def test_precision_recall_matches_scikit_learn(weighted):
    skm = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 150)
    score = np.round(y * 0.6 + rng.random(150), 1)  # ties
    w = rng.random(150) + 0.5 if weighted else None
    p, r, t = precision_recall_curve(y, score, sample_weight=w)
    sp, sr, st = skm.precision_recall_curve(y, score, sample_weight=w, drop_intermediate=False)
    np.testing.assert_allclose(p, sp)
    np.testing.assert_allclose(r, sr)
    np.testing.assert_allclose(t, st)
    for got, want in zip(precision_recall_curve(y, score, sample_weight=w,
                                                drop_intermediate=True),
                         skm.precision_recall_curve(y, score, sample_weight=w,
                                                    drop_intermediate=True)):
        np.testing.assert_allclose(got, want)
    disp = PrecisionRecallDisplay.from_predictions(y, score, sample_weight=w, name="m",
                                                   plot_chance_level=True)
    np.testing.assert_allclose(disp.line_.get_xdata(), sr)
    np.testing.assert_allclose(disp.line_.get_ydata(), sp)
    assert disp.line_.get_drawstyle() == "steps-post"
    np.testing.assert_allclose(disp.average_precision,
                               skm.average_precision_score(y, score, sample_weight=w))
    prev = np.average(y == 1, weights=w)
    np.testing.assert_allclose(disp.chance_level_.get_ydata(), [prev, prev])
    assert disp.ax_.get_ylabel() == "Precision"


def test_precision_recall_from_estimator_with_string_labels():
    skm = pytest.importorskip("sklearn.metrics")
    X, y = _binary(1)
    labels = np.where(y == 1, "spam", "ham")
    clf = LogisticRegression().fit(X, labels)
    disp = PrecisionRecallDisplay.from_estimator(clf, X, labels, pos_label="ham")
    col = list(clf.classes_).index("ham")
    sp, sr, _ = skm.precision_recall_curve(labels, clf.predict_proba(X)[:, col],
                                           pos_label="ham", drop_intermediate=False)
    np.testing.assert_allclose(disp.precision, sp)
    np.testing.assert_allclose(disp.recall, sr)
    assert "Positive label: ham" in disp.ax_.get_xlabel()


def test_binary_curve_errors():
    X, y = _binary()
    three = np.r_[y[:-10], np.full(10, 2)]
    clf3 = LogisticRegression().fit(X, three)
    with pytest.raises(ValueError, match="binary"):
        RocCurveDisplay.from_estimator(clf3, X, three)
    clf = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="pos_label"):
        PrecisionRecallDisplay.from_estimator(clf, X, y, pos_label=5)
    with pytest.raises(ValueError, match="response_method"):
        RocCurveDisplay.from_estimator(clf, X, y, response_method="predict")


def test_confusion_matrix_shape_errors():
    with pytest.raises(ValueError, match="display_labels"):
        ConfusionMatrixDisplay([[1, 2], [3, 4]], display_labels=["a"])
    with pytest.raises(ValueError, match="square"):
        ConfusionMatrixDisplay([[1, 2, 3], [3, 4, 5]])
