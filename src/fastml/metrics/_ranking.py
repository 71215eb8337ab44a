"""Ranking metrics beyond ROC: average precision and top-k accuracy, with
scikit-learn's input conventions and values."""
import numpy as np

from ._classification import _is_indicator, _warn_undefined, _weights
from ._roc import _binary_clf_curve

__all__ = ["average_precision_score", "top_k_accuracy_score"]


def _binary_ap(y01, score, sample_weight):
    """Average precision of 0/1 targets: sum over thresholds of
    (R_n - R_{n-1}) * P_n (no interpolation), as scikit-learn."""
    fps, tps, _ = _binary_clf_curve(y01, score, pos_label=1, sample_weight=sample_weight)
    precision = tps / np.maximum(tps + fps, np.finfo(float).tiny)
    if tps[-1] == 0:
        _warn_undefined("No positive class found in y_true, recall is set to one for all "
                        "thresholds.")
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    # keep the thresholds up to the first reaching full recall (as the curve does)
    last = np.searchsorted(tps, tps[-1])
    recall, precision = recall[:last + 1], precision[:last + 1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _average(Y, S, metric, average, sample_weight):
    """A binary metric averaged over the columns of an indicator matrix."""
    if average == "micro":
        w = None if sample_weight is None else np.repeat(np.asarray(sample_weight), Y.shape[1])
        return metric(Y.ravel(), S.ravel(), w)
    if average == "samples":
        w = _weights(sample_weight, len(Y))
        scores = np.array([metric(Y[i], S[i], None) for i in range(len(Y))])
        return float(np.average(scores, weights=w))
    scores = np.array([metric(Y[:, k], S[:, k], sample_weight) for k in range(Y.shape[1])])
    if average is None:
        return scores
    if average == "weighted":
        w = _weights(sample_weight, len(Y))
        wts = (Y * w[:, None]).sum(axis=0)
        if wts.sum() == 0:
            return 0.0
        return float(np.average(scores, weights=wts))
    return float(np.mean(scores))


def average_precision_score(y_true, y_score, *, average="macro", pos_label=1,
                            sample_weight=None):
    """Area under the precision-recall curve as the weighted mean of the
    precisions at each threshold (no interpolation), as scikit-learn.

    Binary: y_score (n,) scores of `pos_label`. Multiclass y_true with y_score
    (n, K): one-vs-rest over the sorted classes, then averaged. Multilabel
    indicator y_true: per column. `average`: "micro", "macro", "weighted",
    "samples" or None (per column scores).
    """
    if average not in ("micro", "macro", "weighted", "samples", None):
        raise ValueError(f"average has to be one of ('micro', 'macro', 'samples', "
                         f"'weighted', None); got {average!r}.")
    Yt = y_true.toarray() if hasattr(y_true, "toarray") else np.asarray(y_true)
    S = np.asarray(y_score, dtype=np.float64)
    if len(Yt) != len(S):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(Yt)}, {len(S)}]")
    if not np.isfinite(S).all():
        raise ValueError("Input y_score contains NaN or infinity.")
    if Yt.ndim == 2 and Yt.shape[1] == 1:
        Yt = Yt.ravel()
    if Yt.ndim == 2 and _is_indicator(Yt):
        if pos_label != 1:
            raise ValueError("Parameter pos_label is fixed to 1 for multilabel-indicator "
                             "y_true. Do not set pos_label or set pos_label to 1.")
        if S.shape != Yt.shape:
            raise ValueError(f"y_true and y_score have different shape {Yt.shape} and "
                             f"{S.shape}.")
        return _average(Yt.astype(int), S, _binary_ap, average, sample_weight)
    if Yt.ndim != 1:
        raise ValueError("multiclass-multioutput format is not supported")
    classes = np.unique(Yt)
    if len(classes) > 2 or (S.ndim == 2 and S.shape[1] > 1):
        if pos_label != 1:
            raise ValueError("Parameter pos_label is fixed to 1 for multiclass y_true. Do not "
                             "set pos_label or set pos_label to 1.")
        if S.ndim != 2:
            raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                             f"`y_true` contains multiple classes. Got `y_score.shape="
                             f"{S.shape}`.")
        Y = Yt[:, None] == classes[None, :]
        if S.shape != Y.shape:
            raise ValueError(f"y_true and y_score have different shape {Y.shape} and "
                             f"{S.shape}.")
        return _average(Y.astype(int), S, _binary_ap, average, sample_weight)
    if len(classes) == 2 and pos_label not in classes.tolist():
        raise ValueError(f"pos_label={pos_label} is not a valid label. It should be one of "
                         f"{classes}")
    if S.ndim == 2:
        S = S.ravel()
    return _binary_ap((Yt == pos_label).astype(int), S, sample_weight)


def top_k_accuracy_score(y_true, y_score, *, k=2, normalize=True, sample_weight=None,
                         labels=None):
    """Fraction (or weighted count with normalize=False) of samples whose true
    class is among the k highest scores. Binary 1-D scores: k=1 thresholds at
    0.5 for probabilities (else 0), k >= 2 is always a hit. Among tied scores the
    class with the higher index ranks first, as scikit-learn's reversed stable
    sort does."""
    y_true = np.asarray(y_true)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    if y_true.ndim != 1:
        kind = "multilabel-indicator" if _is_indicator(y_true) else "multiclass-multioutput"
        raise ValueError(f"y type must be 'binary' or 'multiclass', got '{kind}' instead.")
    if y_true.dtype.kind == "f" and not np.all(np.mod(y_true, 1) == 0):
        raise ValueError("y type must be 'binary' or 'multiclass', got 'continuous' instead.")
    S = np.asarray(y_score, dtype=np.float64)
    binary = len(np.unique(y_true)) <= 2 and (labels is None or len(labels) <= 2)
    if binary and S.ndim == 2 and S.shape[1] != 1:
        raise ValueError(f"`y_true` is binary while y_score is 2d with {S.shape[1]} classes. "
                         "If `y_true` does not contain all the labels, `labels` must be "
                         "provided.")
    if not binary and S.ndim != 2:
        raise ValueError("`y_score` needs to be of shape `(n_samples, n_classes)`, since "
                         f"`y_true` contains multiple classes. Got `y_score.shape={S.shape}`.")
    if len(S) != len(y_true):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(S)}]")
    n_classes = S.shape[1] if S.ndim == 2 else 2
    if labels is None:
        classes = np.unique(y_true)
        if len(classes) != n_classes:
            raise ValueError(f"Number of classes in 'y_true' ({len(classes)}) not equal to the "
                             f"number of classes in 'y_score' ({n_classes}).You can provide "
                             "a list of all known classes by assigning it to the `labels` "
                             "parameter.")
    else:
        labels = np.asarray(labels).ravel()
        classes = np.unique(labels)
        if len(classes) != len(labels):
            raise ValueError("Parameter 'labels' must be unique.")
        if not np.array_equal(classes, labels):
            raise ValueError("Parameter 'labels' must be ordered.")
        if len(classes) != n_classes:
            raise ValueError(f"Number of given labels ({len(classes)}) not equal to the number "
                             f"of classes in 'y_score' ({n_classes}).")
        if len(np.setdiff1d(y_true, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'.")
    if k >= n_classes:
        _warn_undefined(f"'k' ({k}) greater than or equal to 'n_classes' ({n_classes}) will "
                        "result in a perfect score and is therefore meaningless.")
    idx = np.searchsorted(classes, y_true)
    if S.ndim == 1 or n_classes == 2 and S.ndim == 2 and S.shape[1] == 1:
        s = S.ravel()
        if k == 1:
            threshold = 0.5 if s.min() >= 0 and s.max() <= 1 else 0.0
            hits = (s > threshold).astype(int) == idx
        else:
            hits = np.ones(len(s), dtype=bool)
    else:
        top = np.argsort(S, axis=1, kind="mergesort")[:, ::-1][:, :k]
        hits = (top == idx[:, None]).any(axis=1)
    w = _weights(sample_weight, len(hits))
    if normalize:
        return float(w @ hits / w.sum())
    return float(w @ hits) if sample_weight is not None else float(hits.sum())



__all__ += ["precision_recall_curve", "auc"]


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """(precision, recall, thresholds) of a binary classifier, thresholds
    increasing; the curve ends at (recall 0, precision 1) without a
    threshold. drop_intermediate drops the thresholds inside a run of equal
    true-positive counts (the vertical segments), keeping each run's ends."""
    import warnings

    fps, tps, thr = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and len(fps) > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])),
                                    True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    ps = tps + fps
    precision = np.divide(tps, ps, out=np.zeros_like(tps), where=ps != 0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true, recall is set to one for all "
                      "thresholds.", UserWarning, stacklevel=2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thr[::-1]


def auc(x, y):
    """Area under the curve y(x) by the trapezoidal rule; x must be monotonic
    (increasing or decreasing)."""
    x_given = np.asarray(x).ravel()
    x = x_given.astype(np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if len(x) != len(y):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(x)}, {len(y)}]")
    if x.shape[0] < 2:
        raise ValueError("At least 2 points are needed to compute area under curve, but "
                         f"x.shape = {x.shape[0]}")
    dx = np.diff(x)
    direction = 1.0
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1.0
        else:
            raise ValueError(f"x is neither increasing nor decreasing : {x_given}.")
    trap = getattr(np, "trapezoid", None) or np.trapz
    return float(direction * trap(y, x))
