"""ROC analysis: the binary threshold curve, roc_curve and roc_auc_score
(binary, multilabel, multiclass one-vs-rest and one-vs-one, partial AUC),
with scikit-learn's input conventions and values."""
import numpy as np

from ._classification import _nanaverage, _warn_undefined, _weights

__all__ = ["roc_curve", "roc_auc_score"]


def _binary_clf_curve(y_true, score, pos_label=None, sample_weight=None):
    """Distinct thresholds (decreasing) with cumulative false/true positives."""
    y_true = np.asarray(y_true).ravel()
    score = np.asarray(score, dtype=np.float64).ravel()
    if len(y_true) != len(score):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(score)}]")
    if not np.isfinite(score).all():
        raise ValueError("Input y_score contains NaN or infinity.")
    if y_true.dtype.kind == "S" or (y_true.dtype == object and len(y_true)
                                    and isinstance(y_true[0], bytes)):
        raise TypeError("Support for labels represented as bytes is not supported. Convert "
                        "the labels to a string or integer format.")
    w = _weights(sample_weight, len(y_true))
    if sample_weight is not None:  # zero-weight samples do not exist for the curve
        keep = w != 0
        y_true, score, w = y_true[keep], score[keep], w[keep]
    classes = np.unique(y_true)
    if len(classes) > 2:
        raise ValueError("multiclass format is not supported")
    if pos_label is None:
        numeric = classes.dtype.kind in "biuf"
        if not numeric or not (set(classes.tolist()) <= {0, 1} or
                               set(classes.tolist()) <= {-1, 1}):
            shown = ", ".join(repr(c) for c in classes.tolist())
            raise ValueError(f"y_true takes value in {{{shown}}} and pos_label is not "
                             "specified: either make y_true take value in {0, 1} or {-1, 1} "
                             "or pass pos_label explicitly.")
        pos_label = 1
    y = (y_true == pos_label).astype(np.float64)
    order = np.argsort(score, kind="mergesort")[::-1]
    score, y, w = score[order], y[order], w[order]
    distinct = np.where(np.diff(score))[0]
    thr_idx = np.r_[distinct, len(y) - 1]
    tps = np.cumsum(y * w)[thr_idx]
    fps = np.cumsum((1 - y) * w)[thr_idx]
    return fps, tps, score[thr_idx]


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """(fpr, tpr, thresholds) with the (0, 0) point prepended (threshold +inf).

    `drop_intermediate` (default True, as scikit-learn) drops thresholds whose
    point lies on a straight segment between its neighbours; the curve and its
    area are unchanged.
    """
    fps, tps, thr = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and len(fps) > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)),
                                    True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    fps = np.r_[0.0, fps]
    tps = np.r_[0.0, tps]
    thr = np.r_[np.inf, thr]
    if fps[-1] <= 0:
        _warn_undefined("No negative samples in y_true, false positive value should be "
                        "meaningless")
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        _warn_undefined("No positive samples in y_true, true positive value should be "
                        "meaningless")
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thr


def _trapezoid(y, x):
    return float(np.trapezoid(y, x)) if hasattr(np, "trapezoid") else float(np.trapz(y, x))


def _binary_auc(y_true, score, sample_weight=None, max_fpr=None):
    """ROC AUC of 0/1 targets; nan (with a warning) when one class is absent;
    `max_fpr` gives the McClish-standardised partial AUC over [0, max_fpr]."""
    if len(np.unique(y_true)) != 2:
        _warn_undefined("Only one class is present in y_true. ROC AUC score is not defined "
                        "in that case.")
        return float("nan")
    fpr, tpr, _ = roc_curve(y_true, score, pos_label=1, sample_weight=sample_weight)
    if max_fpr is None or max_fpr == 1:
        return _trapezoid(tpr, fpr)
    stop = np.searchsorted(fpr, max_fpr, "right")
    t_end = np.interp(max_fpr, fpr[stop - 1:stop + 1], tpr[stop - 1:stop + 1])
    partial = _trapezoid(np.r_[tpr[:stop], t_end], np.r_[fpr[:stop], max_fpr])
    lo, hi = 0.5 * max_fpr ** 2, max_fpr
    return 0.5 * (1 + (partial - lo) / (hi - lo))


def _average_columns(Y, S, metric, average, sample_weight):
    """Average a binary metric over indicator columns (micro: all cells pooled)."""
    if average == "micro":
        w = None if sample_weight is None else np.repeat(np.asarray(sample_weight), Y.shape[1])
        return metric(Y.ravel(), S.ravel(), w)
    if average == "samples":
        w = _weights(sample_weight, len(Y))
        per_row = np.array([metric(Y[i], S[i], None) for i in range(len(Y))])
        return float(np.average(per_row, weights=w))
    scores = np.array([metric(Y[:, k], S[:, k], sample_weight) for k in range(Y.shape[1])])
    if average is None:
        return scores
    if average == "weighted":
        w = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, float)
        wts = (Y * w[:, None]).sum(axis=0)
        if wts.sum() == 0:
            return 0.0
        return _nanaverage(scores, wts)
    return _nanaverage(scores)


def _ovo_auc(y_idx, y_score, average):
    """Hand & Till (2001): mean over class pairs of the symmetric pairwise AUC."""
    present = np.unique(y_idx)  # pairs of the classes present in y_true
    pair_scores, prevalence = [], []
    for ia, a in enumerate(present):
        for b in present[ia + 1:]:
            mask = (y_idx == a) | (y_idx == b)
            is_a = (y_idx[mask] == a).astype(int)
            auc_a = _binary_auc(is_a, y_score[mask, a])
            auc_b = _binary_auc(1 - is_a, y_score[mask, b])
            pair_scores.append((auc_a + auc_b) / 2)
            prevalence.append(mask.mean())
    return float(np.average(pair_scores, weights=prevalence if average == "weighted" else None))


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None):
    """Area under the ROC curve, with scikit-learn's input conventions.

    Binary: y_score (n,) is the score of the greater label. Multi-class: y_score
    (n, K) probabilities with multi_class "ovr" (average "micro", "macro",
    "weighted" or None) or "ovo" (Hand & Till; "macro" or "weighted").
    Multilabel: y_true an (n, K) 0/1 indicator, one score column per label.
    `max_fpr` (binary only) gives the standardised partial AUC.
    """
    if average not in ("micro", "macro", "weighted", "samples", None):
        raise ValueError(f"average has to be one of ('micro', 'macro', 'samples', "
                         f"'weighted', None); got {average!r}.")
    if multi_class not in ("raise", "ovr", "ovo"):
        raise ValueError(f"multi_class has to be one of ('raise', 'ovr', 'ovo'); got "
                         f"{multi_class!r}.")
    if max_fpr is not None and not 0 < max_fpr <= 1:
        raise ValueError(f"Expected max_fpr in range (0, 1], got: {max_fpr!r}")
    y_true = np.asarray(y_true)
    y_score = np.asarray(y_score, dtype=np.float64)
    if not np.isfinite(y_score).all():
        raise ValueError("Input y_score contains NaN or infinity.")
    if len(y_true) != len(y_score):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(y_score)}]")
    auc = lambda t, s, w: _binary_auc(t, s, w, max_fpr)  # noqa: E731
    if y_true.ndim == 2 and y_true.shape[1] > 1:  # multilabel indicator
        if y_score.shape != y_true.shape:
            raise ValueError(f"y_true and y_score have different shapes {y_true.shape} and "
                             f"{y_score.shape}.")
        return _average_columns(y_true.astype(int), y_score, auc, average, sample_weight)
    y_true = y_true.ravel()
    classes = np.unique(y_true)
    multiclass = len(classes) > 2 or (y_score.ndim == 2 and y_score.shape[1] > 2)
    if not multiclass:
        if y_score.ndim == 2:
            y_score = y_score[:, -1]
        pos = classes[-1] if len(classes) else 1
        return auc((y_true == pos).astype(int), y_score, sample_weight)
    if max_fpr is not None and max_fpr != 1.0:
        raise ValueError("Partial AUC computation not available in multiclass setting, "
                         f"'max_fpr' must be set to `None`, received `max_fpr={max_fpr}` "
                         "instead")
    if multi_class == "raise":
        raise ValueError("multi_class must be in ('ovo', 'ovr')")
    if y_score.ndim != 2:
        raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                         f"`y_true` contains multiple classes. Got `y_score.shape="
                         f"{y_score.shape}`.")
    if not np.allclose(1, y_score.sum(axis=1)):
        raise ValueError("Target scores need to be probabilities for multiclass roc_auc, "
                         "i.e. they should sum up to 1.0 over classes")
    options = ("micro", "macro", "weighted", None) if multi_class == "ovr" else \
        ("macro", "weighted", None)
    if average not in options:
        raise ValueError(f"average must be one of {options} for multiclass problems")
    if average is None and multi_class == "ovo":
        raise NotImplementedError("average=None is not implemented for multi_class='ovo'.")
    if labels is not None:
        labels = np.asarray(labels).ravel()
        uniq = np.unique(labels)
        if len(uniq) != len(labels):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(uniq, labels):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(labels) != y_score.shape[1]:
            raise ValueError(f"Number of given labels, {len(labels)}, not equal to the number "
                             f"of columns in 'y_score', {y_score.shape[1]}")
        if len(np.setdiff1d(y_true, labels)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
        classes = labels
    elif len(classes) != y_score.shape[1]:
        raise ValueError("Number of classes in y_true not equal to the number of columns in "
                         "'y_score'")
    if multi_class == "ovo":
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for multiclass one-vs-one ROC "
                             "AUC, 'sample_weight' must be None in this case.")
        return _ovo_auc(np.searchsorted(classes, y_true), y_score, average)
    Y = (y_true[:, None] == classes[None, :]).astype(int)
    return _average_columns(Y, y_score, auc, average, sample_weight)
