"""Classification metrics with scikit-learn's semantics and values.

Labels are compared as given (any hashable dtype NumPy can sort); the label
set is the sorted union of y_true and y_pred unless `labels` is passed.
Ill-defined ratios (0/0) follow `zero_division` as in scikit-learn: "warn"
(the default) gives 0.0 and an UndefinedMetricWarning, 0.0 / 1.0 / np.nan give
that value silently; averages skip NaN entries.
"""
import numbers
import warnings

import numpy as np

from ..exceptions import UndefinedMetricWarning
from ..utils.validation import _interop_class

__all__ = ["accuracy_score", "balanced_accuracy_score", "confusion_matrix", "precision_recall_fscore_support",
           "precision_score", "recall_score", "f1_score", "fbeta_score", "log_loss",
           "roc_auc_score", "roc_curve", "classification_report"]


def _check_targets(y_true, y_pred):
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred.ravel()
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError(f"y_true and y_pred must be 1-D, got shapes {y_true.shape} and "
                         f"{y_pred.shape}.")
    if len(y_true) != len(y_pred):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(y_pred)}]")
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty.")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError(f"Input {name} contains NaN or infinity.")
        if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"Classification metrics can't handle continuous {name}.")
    return y_true, y_pred


def _weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=np.float64).ravel()
    if w.shape[0] != n:
        raise ValueError(f"sample_weight has {w.shape[0]} entries, expected {n}.")
    return w


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or count with normalize=False) of exact matches."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    w = _weights(sample_weight, len(y_true))
    hits = (y_true == y_pred) * w
    return float(hits.sum() / w.sum()) if normalize else float(hits.sum())


def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """Mean per-class recall over the classes of y_true; `adjusted` rescales so
    that chance level is 0 (as scikit-learn)."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    cm = confusion_matrix(y_true, y_pred, sample_weight=sample_weight).astype(np.float64)
    support = cm.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = np.diag(cm) / support
    if np.isnan(per_class).any():
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
        per_class = per_class[~np.isnan(per_class)]
    score = float(per_class.mean())
    if adjusted:
        chance = 1.0 / len(per_class)
        score = (score - chance) / (1 - chance)
    return score


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """C[i, j] = (weighted) count of samples with true label i predicted as j."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    else:
        labels = np.asarray(labels)
        if labels.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if not np.isin(y_true, labels).any():
            raise ValueError("At least one label specified must be in y_true")
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be one of None, 'true', 'pred', 'all'; got "
                         f"{normalize!r}.")
    w = _weights(sample_weight, len(y_true))
    n = len(labels)
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]

    def index(y):
        pos = np.clip(np.searchsorted(sorted_labels, y), 0, n - 1)
        ok = sorted_labels[pos] == y
        return order[pos], ok

    it, ok_t = index(y_true)
    ip, ok_p = index(y_pred)
    keep = ok_t & ok_p
    cm = np.zeros((n, n), dtype=np.float64)
    np.add.at(cm, (it[keep], ip[keep]), w[keep])
    if normalize == "true":
        cm = cm / np.where(cm.sum(axis=1, keepdims=True) == 0, 1, cm.sum(axis=1, keepdims=True))
    elif normalize == "pred":
        cm = cm / np.where(cm.sum(axis=0, keepdims=True) == 0, 1, cm.sum(axis=0, keepdims=True))
    elif normalize == "all":
        cm = cm / max(cm.sum(), np.finfo(float).tiny)
    elif sample_weight is None or np.all(np.mod(w, 1) == 0):
        cm = cm.astype(np.int64)
    return cm


def _prf_counts(y_true, y_pred, labels, sample_weight):
    """Per-label true positives, predicted and true counts (weighted)."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    w = _weights(sample_weight, len(y_true))
    tp = np.array([w[(y_true == c) & (y_pred == c)].sum() for c in labels])
    pred = np.array([w[y_pred == c].sum() for c in labels])
    true = np.array([w[y_true == c].sum() for c in labels])
    return tp, pred, true


def _zero_division_value(zero_division):
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool) and (
            zero_division in (0, 1) or np.isnan(zero_division)):
        return float(zero_division)
    raise ValueError(f"The 'zero_division' parameter must be 'warn', 0.0, 1.0 or np.nan; "
                     f"got {zero_division!r}.")


def _warn_undefined(msg):
    warnings.warn(msg, _interop_class(UndefinedMetricWarning), stacklevel=4)


def _prf_divide(num, den, metric, modifier, warn_for, zero_division):
    """num / den with 0/0 entries set by `zero_division` (warning when "warn")."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    mask = den == 0
    out = num / np.where(mask, 1.0, den)
    if not mask.any():
        return out
    out[mask] = _zero_division_value(zero_division)
    if isinstance(zero_division, str) and metric in warn_for:
        where = "due to" if out.shape[0] == 1 else "in labels with"
        _warn_undefined(f"{metric.capitalize()} is ill-defined and being set to 0.0 {where} "
                        f"no {modifier} samples. Use `zero_division` parameter to control "
                        "this behavior.")
    return out


def _nanaverage(values, weights=None):
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    if values.size == 0 or not keep.any():
        return float("nan")
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)[keep]
        if w.sum() != 0:
            return float(np.average(values[keep], weights=w))
    return float(values[keep].mean())


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Per-class (average=None) or averaged precision, recall, F-beta, support.

    `zero_division` sets the value of a 0/0 ratio ("warn": 0.0 plus an
    UndefinedMetricWarning for the metrics named in `warn_for`).
    """
    if average not in (None, "binary", "micro", "macro", "weighted"):
        raise ValueError(f"average has to be one of (None, 'binary', 'micro', 'macro', "
                         f"'weighted'); got {average!r}.")
    if beta < 0:
        raise ValueError(f"beta should be >= 0, got {beta!r}.")
    _zero_division_value(zero_division)
    y_true, y_pred = _check_targets(y_true, y_pred)
    present = np.unique(np.concatenate([y_true, y_pred]))
    if average == "binary":
        if len(present) > 2:
            raise ValueError(
                f"Target is multiclass but average='binary'. Please choose another average "
                f"setting, one of [None, 'micro', 'macro', 'weighted'].")
        if pos_label not in present:
            if len(present) >= 2:
                raise ValueError(f"pos_label={pos_label!r} is not a valid label. It should be "
                                 f"one of {list(present)}")
        labels = np.asarray([pos_label])
    elif labels is None:
        labels = present
    else:
        labels = np.asarray(labels)
    tp, pred, true = _prf_counts(y_true, y_pred, labels, sample_weight)
    if average == "micro":
        tp, pred, true = tp.sum(keepdims=True), pred.sum(keepdims=True), true.sum(keepdims=True)
    precision = _prf_divide(tp, pred, "precision", "predicted", warn_for, zero_division)
    recall = _prf_divide(tp, true, "recall", "true", warn_for, zero_division)
    if np.isposinf(beta):
        f = recall
    elif beta == 0:
        f = precision
    else:
        b2 = beta * beta
        f = _prf_divide((1 + b2) * tp, b2 * true + pred, "f-score", "true nor predicted",
                        warn_for, zero_division)
    if average is None:
        return precision, recall, f, true.astype(np.int64) if sample_weight is None else true
    wts = true if average == "weighted" else None
    return _nanaverage(precision, wts), _nanaverage(recall, wts), _nanaverage(f, wts), None


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("precision",), sample_weight=sample_weight, zero_division=zero_division)[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("recall",), sample_weight=sample_weight, zero_division=zero_division)[1]


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    return precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        warn_for=("f-score",), sample_weight=sample_weight, zero_division=zero_division)[2]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None, zero_division="warn"):
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight,
                       zero_division=zero_division)


def log_loss(y_true, y_pred, *, normalize=True, sample_weight=None, labels=None):
    """Cross-entropy of predicted probabilities (n,) [P(positive)] or (n, K).

    Probabilities are clipped to [eps, 1 - eps] with eps the dtype's machine
    epsilon, like scikit-learn.
    """
    y_true = np.asarray(y_true)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    p = np.asarray(y_pred, dtype=np.float64) if np.asarray(y_pred).dtype != np.float32 \
        else np.asarray(y_pred)
    if not np.isfinite(p).all():
        raise ValueError("Input y_pred contains NaN or infinity.")
    if len(y_true) != len(p):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(p)}]")
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if len(classes) == 1:
        if labels is None:
            raise ValueError(
                f"y_true contains only one label ({classes[0]}). Please provide the list of "
                "all expected class labels explicitly through the labels argument.")
        raise ValueError("The labels array needs to contain at least two labels for "
                         f"log_loss, got {classes}.")
    if p.ndim == 1:
        p = p[:, None]
    if p.shape[1] == 1:
        p = np.hstack([1 - p, p])
    if p.shape[1] != len(classes):
        raise ValueError(f"y_true and y_pred contain different number of classes "
                         f"{len(classes)}, {p.shape[1]}. Classes found in y_true: {classes}")
    if (p < 0).any() or (p > 1).any():
        raise ValueError("y_pred contains values outside [0, 1].")
    idx = np.searchsorted(classes, y_true)
    if (idx >= len(classes)).any() or not np.array_equal(classes[np.clip(idx, 0, len(classes) - 1)], y_true):
        raise ValueError(f"y_true contains labels not in labels {classes}.")
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    loss = -np.log(p[np.arange(len(p)), idx])
    w = _weights(sample_weight, len(loss))
    return float((loss * w).sum() / w.sum()) if normalize else float((loss * w).sum())


def _binary_clf_curve(y_true, score, pos_label=None, sample_weight=None):
    """Distinct thresholds (decreasing) with cumulative false/true positives."""
    y_true = np.asarray(y_true).ravel()
    score = np.asarray(score, dtype=np.float64).ravel()
    if len(y_true) != len(score):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(score)}]")
    if not np.isfinite(score).all():
        raise ValueError("Input y_score contains NaN or infinity.")
    classes = np.unique(y_true)
    if pos_label is None:
        if len(classes) > 2 or not (set(classes.tolist()) <= {0, 1} or
                                    set(classes.tolist()) <= {-1, 1}):
            if len(classes) > 2:
                raise ValueError("y_true is not binary; pass multi_class='ovr' to roc_auc_score.")
            raise ValueError(f"y_true takes values in {classes.tolist()} and pos_label is not "
                             "specified: either make y_true take value in {0, 1} or {-1, 1} "
                             "or pass pos_label explicitly.")
        pos_label = 1
    y = (y_true == pos_label).astype(np.float64)
    w = _weights(sample_weight, len(y))
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
    scores = np.array([metric(Y[:, k], S[:, k], sample_weight) for k in range(Y.shape[1])])
    if average is None:
        return scores
    if average == "weighted":
        w = np.ones(len(Y)) if sample_weight is None else np.asarray(sample_weight, float)
        wts = (Y * w[:, None]).sum(axis=0)
        if wts.sum() == 0:
            return 0.0
        return _nanaverage(scores, wts)
    if average == "samples":
        raise ValueError("average='samples' is not supported by fastml's roc_auc_score.")
    return _nanaverage(scores)


def _ovo_auc(y_idx, y_score, average):
    """Hand & Till (2001): mean over class pairs of the symmetric pairwise AUC."""
    n_classes = y_score.shape[1]
    pair_scores, prevalence = [], []
    for a in range(n_classes):
        for b in range(a + 1, n_classes):
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


def classification_report(y_true, y_pred, *, labels=None, target_names=None, digits=2,
                          output_dict=False, sample_weight=None, zero_division="warn"):
    """Text (or dict) table of per-class precision/recall/F1/support plus
    accuracy and macro/weighted averages, laid out like scikit-learn's."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = np.asarray(labels)
    if target_names is None:
        target_names = [str(c) for c in labels]
    elif len(target_names) != len(labels):
        raise ValueError(f"Number of classes, {len(labels)}, does not match size of "
                         f"target_names, {len(target_names)}.")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                 sample_weight=sample_weight,
                                                 zero_division=zero_division)
    rows = {name: {"precision": float(p[i]), "recall": float(r[i]), "f1-score": float(f[i]),
                   "support": float(s[i])} for i, name in enumerate(target_names)}
    total = float(s.sum())
    avgs = {}
    acc = None
    if set(np.unique(np.concatenate([y_true, y_pred]))) <= set(labels.tolist()):
        acc = accuracy_score(y_true, y_pred, sample_weight=sample_weight)
    else:
        mp, mr, mf, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average="micro",
                                                        sample_weight=sample_weight,
                                                        zero_division=zero_division)
        avgs["micro avg"] = {"precision": mp, "recall": mr, "f1-score": mf, "support": total}
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average=avg,
                                                        sample_weight=sample_weight,
                                                        zero_division=zero_division)
        avgs[f"{avg} avg"] = {"precision": ap, "recall": ar, "f1-score": af, "support": total}
    if output_dict:
        out = dict(rows)
        if acc is not None:
            out["accuracy"] = acc
        out.update(avgs)
        return out
    width = max(len("weighted avg"), *(len(n) for n in target_names), digits)
    head = f"{'':>{width}s} " + "".join(f" {h:>9}" for h in
                                        ("precision", "recall", "f1-score", "support"))
    lines = [head, ""]
    fmt = "{:>{w}s}  {:>9.{d}f} {:>9.{d}f} {:>9.{d}f} {:>9}"
    for name, row in rows.items():
        lines.append(fmt.format(name, row["precision"], row["recall"], row["f1-score"],
                                _fmt_support(row["support"]), w=width, d=digits))
    lines.append("")
    if acc is not None:
        lines.append("{:>{w}s}  {:>9} {:>9} {:>9.{d}f} {:>9}".format(
            "accuracy", "", "", acc, _fmt_support(total), w=width, d=digits))
    for name, row in avgs.items():
        lines.append(fmt.format(name, row["precision"], row["recall"], row["f1-score"],
                                _fmt_support(row["support"]), w=width, d=digits))
    return "\n".join(lines) + "\n"


def _fmt_support(s):
    return str(int(s)) if float(s).is_integer() else f"{s:.2f}"
