"""Metrics agree with scikit-learn's values (float64) and reject bad input."""
import numpy as np
import pytest

from fastml import metrics as M

S = pytest.importorskip("sklearn.metrics")


@pytest.fixture
def multiclass():
    rng = np.random.default_rng(0)
    yt = rng.integers(0, 4, 300)
    yp = np.where(rng.random(300) < 0.6, yt, rng.integers(0, 4, 300))
    proba = rng.dirichlet(np.ones(4), 300)
    w = rng.random(300)
    return yt, yp, proba, w


@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_prf_multiclass(multiclass, name, average):
    yt, yp, _, w = multiclass
    for sw in (None, w):
        got = getattr(M, name)(yt, yp, average=average, sample_weight=sw)
        np.testing.assert_allclose(got, getattr(S, name)(yt, yp, average=average,
                                                         sample_weight=sw), rtol=1e-12)


@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score",
                                  "accuracy_score"])
def test_binary_and_string_labels(name):
    rng = np.random.default_rng(1)
    yt = rng.integers(0, 2, 100)
    yp = rng.integers(0, 2, 100)
    assert getattr(M, name)(yt, yp) == pytest.approx(getattr(S, name)(yt, yp), abs=1e-12)
    st = np.array(["cat", "dog"])[yt]
    sp = np.array(["cat", "dog"])[yp]
    kw = {} if name == "accuracy_score" else {"pos_label": "dog"}
    assert getattr(M, name)(st, sp, **kw) == pytest.approx(getattr(S, name)(st, sp, **kw))


def test_zero_division_is_zero():
    from fastml.exceptions import UndefinedMetricWarning
    with pytest.warns(UndefinedMetricWarning, match="ill-defined"):
        assert M.precision_score([0, 0, 1], [0, 0, 0]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="ill-defined"):
        assert M.f1_score([0, 0, 0], [0, 0, 0]) == 0.0


def test_confusion_matrix_and_report(multiclass):
    yt, yp, _, w = multiclass
    np.testing.assert_array_equal(M.confusion_matrix(yt, yp), S.confusion_matrix(yt, yp))
    np.testing.assert_allclose(M.confusion_matrix(yt, yp, sample_weight=w),
                               S.confusion_matrix(yt, yp, sample_weight=w))
    for norm in ("true", "pred", "all"):
        np.testing.assert_allclose(M.confusion_matrix(yt, yp, normalize=norm),
                                   S.confusion_matrix(yt, yp, normalize=norm))
    np.testing.assert_array_equal(M.confusion_matrix(yt, yp, labels=[3, 1]),
                                  S.confusion_matrix(yt, yp, labels=[3, 1]))
    assert M.classification_report(yt, yp) == S.classification_report(yt, yp)
    assert M.classification_report(yt, yp, labels=[0, 2], digits=3) == \
        S.classification_report(yt, yp, labels=[0, 2], digits=3)
    d = M.classification_report(yt, yp, output_dict=True)
    assert d["macro avg"]["f1-score"] == pytest.approx(M.f1_score(yt, yp, average="macro"))


def test_log_loss_and_auc(multiclass):
    yt, _, proba, w = multiclass
    assert M.log_loss(yt, proba) == pytest.approx(S.log_loss(yt, proba), rel=1e-12)
    assert M.log_loss(yt, proba, sample_weight=w) == pytest.approx(
        S.log_loss(yt, proba, sample_weight=w), rel=1e-12)
    yb = yt % 2
    pb = proba[:, 0]
    assert M.log_loss(yb, pb) == pytest.approx(S.log_loss(yb, pb), rel=1e-12)
    score = np.round(np.random.default_rng(2).normal(size=300) + yb, 1)  # with ties
    assert M.roc_auc_score(yb, score) == pytest.approx(S.roc_auc_score(yb, score), rel=1e-12)
    assert M.roc_auc_score(yb, score, sample_weight=w) == pytest.approx(
        S.roc_auc_score(yb, score, sample_weight=w), rel=1e-12)
    for avg in ("macro", "weighted"):
        assert M.roc_auc_score(yt, proba, multi_class="ovr", average=avg) == pytest.approx(
            S.roc_auc_score(yt, proba, multi_class="ovr", average=avg), rel=1e-12)
    for drop in (True, False):
        fpr, tpr, thr = M.roc_curve(yb, score, drop_intermediate=drop)
        f2, t2, th2 = S.roc_curve(yb, score, drop_intermediate=drop)
        np.testing.assert_allclose(fpr, f2)
        np.testing.assert_allclose(tpr, t2)
        np.testing.assert_allclose(thr, th2)
    assert len(M.roc_curve(yb, score)[0]) == len(S.roc_curve(yb, score)[0])  # same default


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "r2_score",
                                  "root_mean_squared_error", "explained_variance_score"])
def test_regression(name):
    rng = np.random.default_rng(3)
    yt = rng.normal(size=(50, 3))
    yp = yt + 0.3 * rng.normal(size=(50, 3))
    w = rng.random(50)
    for mo in ("uniform_average", "raw_values"):
        np.testing.assert_allclose(getattr(M, name)(yt, yp, multioutput=mo),
                                   getattr(S, name)(yt, yp, multioutput=mo), rtol=1e-12)
    np.testing.assert_allclose(getattr(M, name)(yt[:, 0], yp[:, 0], sample_weight=w),
                               getattr(S, name)(yt[:, 0], yp[:, 0], sample_weight=w), rtol=1e-12)


def test_r2_constant_target():
    assert M.r2_score([1.0, 1.0, 1.0], [1.0, 1.0, 1.0]) == 1.0
    assert M.r2_score([1.0, 1.0, 1.0], [1.0, 2.0, 1.0]) == 0.0


def test_r2_on_fewer_than_two_samples_is_nan_with_undefined_metric_warning():
    from sklearn.exceptions import UndefinedMetricWarning as SkUndefinedMetricWarning

    from fastml.exceptions import UndefinedMetricWarning

    for cls in (UndefinedMetricWarning, SkUndefinedMetricWarning):
        with pytest.warns(cls, match="less than two samples"):
            assert np.isnan(M.r2_score([1.0], [2.0]))
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(M.r2_score([[1.0, 2.0]], [[1.0, 3.0]]))
    with pytest.warns(SkUndefinedMetricWarning):
        assert np.isnan(S.r2_score([[1.0, 2.0]], [[1.0, 3.0]]))


def test_bad_input():
    with pytest.raises(ValueError, match="inconsistent"):
        M.accuracy_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="NaN"):
        M.mean_squared_error([0.0, np.nan], [0.0, 1.0])
    with pytest.raises(ValueError, match="binary"):
        M.f1_score([0, 1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="average"):
        M.f1_score([0, 1], [0, 1], average="bogus")
    with pytest.raises(ValueError, match="one label|Only one class"):
        M.log_loss([1, 1], [0.3, 0.4])
    from fastml.exceptions import UndefinedMetricWarning
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):  # nan, as scikit-learn
        assert np.isnan(M.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match="continuous"):
        M.accuracy_score([0.5, 1.0], [0.5, 1.0])
