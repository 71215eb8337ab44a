"""Multilabel targets, the added classification / ranking / regression /
clustering metrics: values against scikit-learn (and brute force where it is
short), on random data with and without sample weights."""
import itertools
import warnings

import numpy as np
import pytest

from fastml import metrics as M

S = pytest.importorskip("sklearn.metrics")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "samples"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_prf_and_jaccard(average, weighted):
    rng = _rng(1)
    yt = rng.integers(0, 2, (60, 4))
    yp = rng.integers(0, 2, (60, 4))
    w = rng.random(60) if weighted else None
    for name in ("precision_recall_fscore_support", "jaccard_score"):
        got = getattr(M, name)(yt, yp, average=average, sample_weight=w)
        want = getattr(S, name)(yt, yp, average=average, sample_weight=w)
        for g, e in zip(np.atleast_1d(got), np.atleast_1d(want)):
            if e is None:
                assert g is None
            else:
                np.testing.assert_allclose(g, e, rtol=1e-12)
    import scipy.sparse as sp
    got = M.f1_score(sp.csr_matrix(yt), sp.csr_matrix(yp), average=average)
    np.testing.assert_allclose(got, S.f1_score(yt, yp, average=average), rtol=1e-12)


def test_multilabel_accuracy_hamming_zero_one_and_report():
    rng = _rng(2)
    yt = rng.integers(0, 2, (40, 3))
    yp = rng.integers(0, 2, (40, 3))
    w = rng.random(40)
    for name in ("accuracy_score", "hamming_loss", "zero_one_loss"):
        assert getattr(M, name)(yt, yp, sample_weight=w) == pytest.approx(
            getattr(S, name)(yt, yp, sample_weight=w))
    # brute force: subset accuracy
    assert M.accuracy_score(yt, yp) == np.mean([(a == b).all() for a, b in zip(yt, yp)])
    assert M.classification_report(yt, yp) == S.classification_report(yt, yp)
    with pytest.raises(ValueError, match="multilabel-indicator is not supported"):
        M.confusion_matrix(yt, yp)
    with pytest.raises(ValueError, match="mix of multilabel-indicator and multiclass"):
        M.f1_score(yt, yp[:, 0], average="macro")


def test_samples_average_needs_multilabel():
    with pytest.raises(ValueError, match="not meaningful outside multilabel"):
        M.precision_score([0, 1, 2], [0, 1, 1], average="samples")


@pytest.mark.parametrize("labels", [[0, 1], [0, 1, 2, 3]])
def test_multiclass_scores(labels):
    rng = _rng(3)
    k = len(labels)
    yt = rng.choice(labels, 80)
    yp = rng.choice(labels, 80)
    w = rng.random(80)
    assert M.matthews_corrcoef(yt, yp, sample_weight=w) == pytest.approx(
        S.matthews_corrcoef(yt, yp, sample_weight=w))
    for avg in ("macro", "micro", "weighted") + (("binary",) if k == 2 else ()):
        assert M.jaccard_score(yt, yp, average=avg, sample_weight=w) == pytest.approx(
            S.jaccard_score(yt, yp, average=avg, sample_weight=w))
    P = rng.random((80, k))
    P /= P.sum(axis=1, keepdims=True)
    for name in ("brier_score_loss", "d2_brier_score", "d2_log_loss_score",
                 "top_k_accuracy_score", "log_loss"):
        score = P[:, 1] if k == 2 and name != "log_loss" else P
        assert getattr(M, name)(yt, score, sample_weight=w) == pytest.approx(
            getattr(S, name)(yt, score, sample_weight=w), rel=1e-12)
    if k == 2:
        assert M.class_likelihood_ratios(yt, yp) == pytest.approx(
            S.class_likelihood_ratios(yt, yp))


def test_mcc_brute_force_binary():
    rng = _rng(4)
    yt, yp = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    tp = np.sum((yt == 1) & (yp == 1))
    tn = np.sum((yt == 0) & (yp == 0))
    fp = np.sum((yt == 0) & (yp == 1))
    fn = np.sum((yt == 1) & (yp == 0))
    want = (tp * tn - fp * fn) / np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    assert M.matthews_corrcoef(yt, yp) == pytest.approx(want)
    assert M.matthews_corrcoef([1, 1, 1], [1, 1, 1]) == 0.0


def test_confusion_matrix_integer_weights_are_exact():
    w = np.full(3, 2 ** 40 + 1, dtype=np.int64)
    cm = M.confusion_matrix([0, 1, 1], [0, 1, 1], sample_weight=w)
    assert cm.dtype == np.int64 and cm[1, 1] == 2 * (2 ** 40 + 1)
    assert M.confusion_matrix([0, 1], [0, 1], sample_weight=[1.0, 1.0]).dtype == np.float64


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted", "samples"])
def test_average_precision(average):
    rng = _rng(5)
    Y = rng.integers(0, 2, (50, 3))
    Y[0] = 1
    Sc = rng.random((50, 3))
    np.testing.assert_allclose(M.average_precision_score(Y, Sc, average=average),
                               S.average_precision_score(Y, Sc, average=average))
    if average != "samples":
        y = rng.integers(0, 3, 50)
        np.testing.assert_allclose(M.average_precision_score(y, Sc, average=average),
                                   S.average_precision_score(y, Sc, average=average))


def test_average_precision_brute_force_and_ties():
    rng = _rng(6)
    y = rng.integers(0, 2, 40)
    s = np.round(rng.random(40), 1)  # many ties
    thr = np.unique(s)[::-1]
    prec = [y[s >= t].mean() for t in thr]
    rec = [y[s >= t].sum() / y.sum() for t in thr]
    want = sum((r - r0) * p for p, r, r0 in zip(prec, rec, [0.0] + rec[:-1]))
    assert M.average_precision_score(y, s) == pytest.approx(want)
    w = rng.random(40)
    assert M.average_precision_score(y, s, sample_weight=w) == pytest.approx(
        S.average_precision_score(y, s, sample_weight=w))


def test_top_k_ties_and_errors():
    y = np.array([0, 1, 2, 2])
    sc = np.array([[0.3, 0.3, 0.4], [0.5, 0.25, 0.25], [0.2, 0.4, 0.4], [0.1, 0.1, 0.8]])
    for k in (1, 2):
        assert M.top_k_accuracy_score(y, sc, k=k) == S.top_k_accuracy_score(y, sc, k=k)
    with pytest.raises(ValueError, match="needs to be of shape"):
        M.top_k_accuracy_score(y, sc[:, 0])
    with pytest.raises(ValueError, match="must be ordered"):
        M.top_k_accuracy_score(y, sc, labels=[2, 1, 0])


@pytest.mark.parametrize("weighted", [False, True])
def test_regression_metrics(weighted):
    rng = _rng(7)
    yt = rng.random(101) + 0.1
    yp = rng.random(101) + 0.1
    w = rng.random(101) if weighted else None
    for name in ("mean_absolute_percentage_error", "mean_squared_log_error",
                 "root_mean_squared_log_error", "median_absolute_error",
                 "mean_poisson_deviance", "mean_gamma_deviance", "d2_absolute_error_score"):
        assert getattr(M, name)(yt, yp, sample_weight=w) == pytest.approx(
            getattr(S, name)(yt, yp, sample_weight=w), rel=1e-12), name
    for power in (-1.0, 0.0, 1.0, 1.5, 2.0, 3.0):
        assert M.mean_tweedie_deviance(yt, yp, power=power, sample_weight=w) == \
            pytest.approx(S.mean_tweedie_deviance(yt, yp, power=power, sample_weight=w))
    assert M.max_error(yt, yp) == np.max(np.abs(yt - yp))
    Y2t, Y2p = rng.random((30, 2)), rng.random((30, 2))
    np.testing.assert_allclose(
        M.median_absolute_error(Y2t, Y2p, multioutput="raw_values"),
        np.median(np.abs(Y2t - Y2p), axis=0))
    with pytest.raises(ValueError, match="less than or\\s+equal to -1"):
        M.mean_squared_log_error([-2.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="power<=0 and power>=1"):
        M.mean_tweedie_deviance(yt, yp, power=0.5)


def test_weighted_median_zero_weights_equal_dropping():
    rng = _rng(8)
    yt, yp = rng.random(21), rng.random(21)
    w = np.ones(21)
    w[:6] = 0
    assert M.median_absolute_error(yt, yp, sample_weight=w) == pytest.approx(
        M.median_absolute_error(yt[6:], yp[6:]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cluster_metrics(seed):
    rng = _rng(seed)
    a = rng.integers(0, 4, 150)
    b = rng.integers(0, 5, 150)
    for name in ("adjusted_mutual_info_score", "adjusted_rand_score", "completeness_score",
                 "fowlkes_mallows_score", "homogeneity_score", "mutual_info_score",
                 "normalized_mutual_info_score", "rand_score", "v_measure_score"):
        assert getattr(M, name)(a, b) == pytest.approx(getattr(S, name)(a, b), abs=1e-12)
    for method in ("min", "geometric", "arithmetic", "max"):
        assert M.adjusted_mutual_info_score(a, b, average_method=method) == pytest.approx(
            S.adjusted_mutual_info_score(a, b, average_method=method), abs=1e-12)
    np.testing.assert_array_equal(M.pair_confusion_matrix(a, b),
                                  S.cluster.pair_confusion_matrix(a, b))


def test_rand_index_brute_force():
    rng = _rng(9)
    a, b = rng.integers(0, 3, 25), rng.integers(0, 3, 25)
    agree = [(a[i] == a[j]) == (b[i] == b[j]) for i, j in itertools.combinations(range(25), 2)]
    assert M.rand_score(a, b) == pytest.approx(np.mean(agree))
    assert M.adjusted_rand_score(a, a) == 1.0
    assert M.normalized_mutual_info_score([0, 0, 0], [1, 1, 1]) == 1.0


def test_roc_curve_input_checks():
    with pytest.raises(TypeError, match="bytes"):
        M.roc_curve([b"a", b"b"], [0.0, 1.0])
    with pytest.raises(ValueError, match="multiclass format is not supported"):
        M.roc_curve([0, 1, 2], [0.1, 0.2, 0.3])
    a = M.roc_curve([0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.5], sample_weight=[1, 1, 1, .5, 0])
    b = M.roc_curve([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], sample_weight=[1, 1, 1, .5])
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y)


def test_log_loss_checks():
    with pytest.warns(UserWarning, match="do not sum to one"):
        M.log_loss([0, 1], [[0.2, 0.7], [0.6, 0.3]])
    with pytest.warns(FutureWarning, match="y_proba"):
        M.log_loss([0, 1], y_pred=[[0.8, 0.2], [0.3, 0.7]])
    with pytest.raises(ValueError, match="different number of classes: 3 vs 2"):
        M.log_loss([0, 1, 2], [[1, 0], [0, 1], [0, 1]])


@pytest.mark.parametrize("drop", [False, True])
def test_precision_recall_curve_and_auc(drop):
    rng = _rng(10)
    y = rng.integers(0, 2, 120)
    s = np.round(rng.random(120), 2)
    w = rng.random(120)
    for sw in (None, w):
        got = M.precision_recall_curve(y, s, sample_weight=sw, drop_intermediate=drop)
        want = S.precision_recall_curve(y, s, sample_weight=sw, drop_intermediate=drop)
        for g, e in zip(got, want):
            np.testing.assert_allclose(g, e)
    p, r, t = M.precision_recall_curve(y, s)
    # brute force at each threshold
    for pi, ri, ti in zip(p[:-1], r[:-1], t):
        pred = s >= ti
        assert pi == pytest.approx(y[pred].mean())
        assert ri == pytest.approx(y[pred].sum() / y.sum())
    x = np.sort(rng.random(30))
    f = rng.random(30)
    assert M.auc(x, f) == pytest.approx(np.sum(np.diff(x) * (f[1:] + f[:-1]) / 2))
    assert M.auc(x[::-1], f[::-1]) == pytest.approx(M.auc(x, f))
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        M.auc([0, 2, 1], [1, 1, 1])


def test_multilabel_confusion_matrix():
    rng = _rng(11)
    yt, yp = rng.integers(0, 2, (40, 3)), rng.integers(0, 2, (40, 3))
    w = rng.random(40)
    mcm = M.multilabel_confusion_matrix(yt, yp)
    for k in range(3):  # brute force per label
        tn = np.sum((yt[:, k] == 0) & (yp[:, k] == 0))
        tp = np.sum((yt[:, k] == 1) & (yp[:, k] == 1))
        fp = np.sum((yt[:, k] == 0) & (yp[:, k] == 1))
        fn = np.sum((yt[:, k] == 1) & (yp[:, k] == 0))
        np.testing.assert_array_equal(mcm[k], [[tn, fp], [fn, tp]])
    np.testing.assert_allclose(M.multilabel_confusion_matrix(yt, yp, sample_weight=w),
                               S.multilabel_confusion_matrix(yt, yp, sample_weight=w))
    np.testing.assert_array_equal(M.multilabel_confusion_matrix(yt, yp, samplewise=True),
                                  S.multilabel_confusion_matrix(yt, yp, samplewise=True))
    a, b = rng.integers(0, 4, 30), rng.integers(0, 4, 30)
    np.testing.assert_array_equal(M.multilabel_confusion_matrix(a, b, labels=[3, 1]),
                                  S.multilabel_confusion_matrix(a, b, labels=[3, 1]))
    with pytest.raises(ValueError, match="Samplewise metrics"):
        M.multilabel_confusion_matrix(a, b, samplewise=True)


@pytest.mark.parametrize("alpha", [0.1, 0.5, 0.9])
def test_pinball_and_d2_scores(alpha):
    rng = _rng(12)
    yt, yp, w = rng.random(41) + 0.1, rng.random(41) + 0.1, rng.random(41)
    diff = yt - yp
    brute = np.mean(np.where(diff >= 0, alpha * diff, (alpha - 1) * diff))
    assert M.mean_pinball_loss(yt, yp, alpha=alpha) == pytest.approx(brute)
    for sw in (None, w):
        assert M.d2_pinball_score(yt, yp, alpha=alpha, sample_weight=sw) == pytest.approx(
            S.d2_pinball_score(yt, yp, alpha=alpha, sample_weight=sw), rel=1e-12)
    for power in (0, 1, 1.5, 2):
        assert M.d2_tweedie_score(yt, yp, power=power, sample_weight=w) == pytest.approx(
            S.d2_tweedie_score(yt, yp, power=power, sample_weight=w), rel=1e-12)
    assert M.d2_tweedie_score(yt, yp, power=0) == pytest.approx(M.r2_score(yt, yp))
