"""More classification metrics with scikit-learn's semantics and values:
Jaccard index, Matthews correlation, Hamming and zero-one losses, Brier score,
the D^2 skill scores of the log loss and the Brier score, and the class
likelihood ratios."""
import numbers
import warnings

import numpy as np

from ._classification import (_check_targets, _label_counts, _nanaverage, _prf_divide,
                              _resolve_labels, _weights, _zero_division_value,
                              _warn_undefined, _AVERAGES, confusion_matrix, log_loss)

__all__ = ["jaccard_score", "matthews_corrcoef", "hamming_loss", "zero_one_loss",
           "brier_score_loss", "d2_brier_score", "d2_log_loss_score",
           "class_likelihood_ratios"]


def jaccard_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                  sample_weight=None, zero_division="warn"):
    """Jaccard index tp / (tp + fp + fn) per label, or averaged like
    precision_score (binary, micro, macro, weighted, samples for multilabel)."""
    if average not in _AVERAGES:
        raise ValueError(f"average has to be one of {_AVERAGES}; got {average!r}.")
    _zero_division_value(zero_division)
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    if average == "samples" and y_type != "multilabel-indicator":
        raise ValueError("Samplewise metrics are not available outside of multilabel "
                         "classification.")
    labels = _resolve_labels(y_true, y_pred, y_type, average, labels, pos_label)
    kw = dict(warn_for=("jaccard",), zero_division=zero_division)
    if average == "samples":
        cols = np.asarray(labels, dtype=np.intp)
        yt, yp = y_true[:, cols], y_pred[:, cols]
        inter = (yt & yp).sum(axis=1)
        union = (yt | yp).sum(axis=1)
        j = _prf_divide(inter, union, "jaccard", "true or predicted", average="samples", **kw)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        return _nanaverage(j, w, zero_division)
    tp, pred, true = _label_counts(y_true, y_pred, y_type, labels, sample_weight)
    if average == "micro":
        tp, pred, true = tp.sum(keepdims=True), pred.sum(keepdims=True), true.sum(keepdims=True)
    j = _prf_divide(tp, pred + true - tp, "jaccard", "true or predicted",
                    average="macro" if average is None else average, **kw)
    if average is None:
        return j
    if average == "weighted":
        return _nanaverage(j, true, zero_division)
    return _nanaverage(j)


def matthews_corrcoef(y_true, y_pred, *, sample_weight=None):
    """Matthews correlation coefficient (multiclass: Gorodkin's R_K statistic
    from the confusion matrix); 0.0 when it is undefined (a constant y_true or
    y_pred)."""
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    if y_type == "multilabel-indicator":
        raise ValueError(f"{y_type} is not supported")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # single label: still defined (0)
        C = confusion_matrix(y_true, y_pred, sample_weight=sample_weight).astype(np.float64)
    t, p = C.sum(axis=1), C.sum(axis=0)
    n = p.sum()
    cov_tp = np.trace(C) * n - t @ p
    cov_pp = n * n - p @ p
    cov_tt = n * n - t @ t
    if cov_pp * cov_tt == 0:
        return 0.0
    return float(cov_tp / np.sqrt(cov_pp * cov_tt))


def hamming_loss(y_true, y_pred, *, sample_weight=None):
    """Fraction of wrong labels (label indicators: of wrong cells)."""
    y_true, y_pred = _check_targets(y_true, y_pred)
    w = _weights(sample_weight, len(y_true))
    wrong = (y_true != y_pred)
    if wrong.ndim == 2:
        return float(w @ wrong.sum(axis=1) / (wrong.shape[1] * w.sum()))
    return float(w @ wrong / w.sum())


def zero_one_loss(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or weighted count) of samples not predicted exactly."""
    from ._classification import accuracy_score

    score = accuracy_score(y_true, y_pred, normalize=normalize, sample_weight=sample_weight)
    if normalize:
        return 1.0 - score
    n = len(y_true) if sample_weight is None else float(np.sum(sample_weight))
    return float(n - score)


def _binary_pos(y_true, pos_label):
    """scikit-learn's rule: pos_label must be given unless the labels are
    {0, 1} / {-1, 1} (or a subset); numeric labels fall back to the greater
    one."""
    classes = np.unique(y_true)
    if pos_label is not None:
        return pos_label
    if classes.dtype.kind in "biuf":
        if set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}:
            return 1
        return classes[-1]
    raise ValueError(f"y_true takes value in {{{', '.join(map(repr, classes))}}} and "
                     "pos_label is not specified: either make y_true take value in "
                     "{0, 1} or {-1, 1} or pass pos_label explicitly.")


def _proba_targets(y_true, y_proba, pos_label, labels):
    """(one-hot Y (n, K), P (n, K)) for binary 1-D or (n, K) probabilities."""
    from ._classification import _dense_target, _multiclass_proba

    P = np.asarray(y_proba, dtype=np.float64)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P.ravel()
    if P.ndim != 1:
        return _multiclass_proba(y_true, P, labels)
    y_true = _dense_target(y_true)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    if len(y_true) != len(P):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(P)}]")
    if not np.isfinite(P).all():
        raise ValueError("Input y_prob contains NaN or infinity.")
    if len(np.unique(y_true)) > 2 or y_true.ndim != 1:
        kind = "multiclass" if y_true.ndim == 1 else "multilabel-indicator"
        raise ValueError(f"The type of the target inferred from y_true is {kind} but should "
                         "be binary according to the shape of y_prob.")
    if P.size and P.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {P.max()}")
    if P.size and P.min() < 0:
        raise ValueError(f"y_prob contains values less than 0: {P.min()}")
    pos = y_true == _binary_pos(y_true, pos_label)
    return np.c_[~pos, pos].astype(np.float64), np.c_[1 - P, P]


def brier_score_loss(y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None,
                     scale_by_half="auto"):
    """Mean squared difference between predicted probabilities and the one-hot
    outcome, summed over classes; halved (scale_by_half, "auto": for 1-D or
    two-column input) so the binary value is the classic mean (y - p)^2."""
    Y, P = _proba_targets(y_true, y_proba, pos_label, labels)
    if isinstance(scale_by_half, str):
        if scale_by_half != "auto":
            raise ValueError(f"scale_by_half must be a bool or 'auto', got {scale_by_half!r}.")
        scale_by_half = np.asarray(y_proba).ndim == 1 or P.shape[1] < 3
    per_sample = ((Y - P) ** 2).sum(axis=1)
    w = _weights(sample_weight, len(per_sample))
    return float(w @ per_sample / w.sum() * (0.5 if scale_by_half else 1.0))


def _priors(Y, sample_weight):
    w = _weights(sample_weight, len(Y))
    return np.tile(w @ Y / w.sum(), (len(Y), 1))


def _few_samples(y_true, name):
    if len(y_true) < 2:
        warnings.warn(f"{name} score is not well-defined with less than two samples.",
                      _uw(), stacklevel=3)
        return True
    return False


def _uw():
    from ..exceptions import UndefinedMetricWarning
    from ..utils.validation import _interop_class

    return _interop_class(UndefinedMetricWarning)


def d2_brier_score(y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None):
    """1 - Brier(y, p) / Brier(y, class priors): the fraction of the Brier score
    of the constant prior prediction explained."""
    if _few_samples(y_true, "D^2"):
        return float("nan")
    Y, P = _proba_targets(y_true, y_proba, pos_label, labels)
    num = brier_score_loss(Y.argmax(1), P, sample_weight=sample_weight,
                           labels=np.arange(P.shape[1]), scale_by_half=False)
    den = brier_score_loss(Y.argmax(1), _priors(Y, sample_weight),
                           sample_weight=sample_weight, labels=np.arange(P.shape[1]),
                           scale_by_half=False)
    return float(1 - num / den) if den else float("nan")


def d2_log_loss_score(y_true, y_proba=None, *, sample_weight=None, labels=None,
                      y_pred="deprecated"):
    """1 - log_loss(y, p) / log_loss(y, class priors)."""
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        warnings.warn("y_pred was renamed to y_proba; y_pred is deprecated.", FutureWarning,
                      stacklevel=2)
        y_proba = y_pred
    if _few_samples(y_true, "D^2"):
        return float("nan")
    y_true = np.asarray(y_true)
    P = np.asarray(y_proba, dtype=np.float64)
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    num = log_loss(y_true, P, sample_weight=sample_weight, labels=labels)
    idx = np.searchsorted(classes, y_true)
    Y = np.zeros((len(y_true), len(classes)))
    Y[np.arange(len(y_true)), np.minimum(idx, len(classes) - 1)] = 1.0
    den = log_loss(y_true, _priors(Y, sample_weight), sample_weight=sample_weight,
                   labels=classes)
    return float(1 - num / den)


def _lr_replacements(replace_undefined_by):
    if isinstance(replace_undefined_by, numbers.Real) and not isinstance(
            replace_undefined_by, bool):
        if np.isnan(replace_undefined_by):
            return np.nan, np.nan
        if replace_undefined_by == 1.0:
            return 1.0, 1.0
    if isinstance(replace_undefined_by, dict) and {"LR+", "LR-"} <= set(replace_undefined_by):
        pos, neg = replace_undefined_by["LR+"], replace_undefined_by["LR-"]
        real = all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in (pos, neg))
        if real and (np.isnan(pos) or pos >= 1) and (np.isnan(neg) or 0 <= neg <= 1):
            return float(pos), float(neg)
    raise ValueError("The dictionary passed as `replace_undefined_by` needs to be in the form "
                     "`{'LR+': `value_1`, 'LR-': `value_2`}` where the value for `LR+` ranges "
                     "from `1.0` to `np.inf` or is `np.nan` and the value for `LR-` ranges "
                     f"from `0.0` to `1.0` or is `np.nan`; got `{replace_undefined_by}`.")


_LR_TAIL = ("Use the `replace_undefined_by` param to control this behavior. To suppress "
            "this warning or turn it into an error, see Python's `warnings` module and "
            "`warnings.catch_warnings()`.")


def class_likelihood_ratios(y_true, y_pred, *, labels=None, sample_weight=None,
                            replace_undefined_by=np.nan):
    """(LR+, LR-) of a binary classification: sensitivity / (1 - specificity)
    and (1 - sensitivity) / specificity. Undefined ratios (a zero denominator)
    warn and take `replace_undefined_by` (nan, 1.0, or {"LR+": v, "LR-": v})."""
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    if y_type != "binary":
        raise ValueError("class_likelihood_ratios only supports binary classification "
                         f"problems, got targets of type: {y_type}")
    rep_pos, rep_neg = _lr_replacements(replace_undefined_by)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        cm = confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sample_weight)
    if cm.shape != (2, 2):  # one label present: the other class has no samples
        full = np.zeros((2, 2), dtype=cm.dtype)
        full[1, 1] = cm[0, 0] if np.unique(np.concatenate([y_true, y_pred]))[0] == 1 else 0
        full[0, 0] = cm[0, 0] - full[1, 1]
        cm = full
    tn, fp, fn, tp = (float(v) for v in cm.ravel())
    pos, neg = tp + fn, tn + fp
    lr_pos = lr_neg = np.nan
    if pos == 0:
        warnings.warn("No samples of the positive class are present in `y_true`. "
                      "`positive_likelihood_ratio` and `negative_likelihood_ratio` are both "
                      "set to `np.nan`. " + _LR_TAIL, _uw(), stacklevel=2)
    if fp == 0:
        head = ("No samples were predicted for the positive class and "
                "`positive_likelihood_ratio` is " if tp == 0 else
                "`positive_likelihood_ratio` is ill-defined and ")
        warnings.warn(head + "set to `np.nan`. " + _LR_TAIL, _uw(), stacklevel=2)
        lr_pos = rep_pos
    elif pos != 0:
        lr_pos = tp * neg / (fp * pos)
    if tn == 0:
        warnings.warn("`negative_likelihood_ratio` is ill-defined and set to `np.nan`. "
                      + _LR_TAIL, _uw(), stacklevel=2)
        lr_neg = rep_neg
    elif pos != 0:
        lr_neg = fn * neg / (tn * pos)
    return float(lr_pos), float(lr_neg)


def _positive_likelihood_ratio(y_true, y_pred):
    return class_likelihood_ratios(y_true, y_pred, replace_undefined_by=1.0)[0]


def _negative_likelihood_ratio(y_true, y_pred):
    return class_likelihood_ratios(y_true, y_pred, replace_undefined_by=1.0)[1]


_positive_likelihood_ratio.__name__ = "positive_likelihood_ratio"
_negative_likelihood_ratio.__name__ = "negative_likelihood_ratio"


__all__ += ["multilabel_confusion_matrix"]


def multilabel_confusion_matrix(y_true, y_pred, *, sample_weight=None, labels=None,
                                samplewise=False):
    """One 2x2 matrix [[tn, fp], [fn, tp]] per label (one-vs-rest for class
    labels; per column for a label indicator), or per sample with
    samplewise=True (label indicators only). Integer counts unless the
    weights are floating."""
    if sample_weight is not None:
        sw = np.asarray(sample_weight)
        if sw.ndim > 1:
            raise ValueError("Sample weights must be 1D array or scalar")
        if sw.ndim == 1 and len(sw) != len(y_true):
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{len(y_true)}, {len(y_pred)}, {len(sw)}]")
    yt0 = np.asarray(y_true) if not hasattr(y_true, "toarray") else None
    if yt0 is not None and yt0.ndim == 2 and yt0.shape[1] > 1 and \
            not np.isin(np.unique(yt0), (0, 1)).all():
        raise ValueError("multiclass-multioutput is not supported")
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    n = len(y_true)
    integer = sample_weight is None or np.asarray(sample_weight).dtype.kind in "biu"
    w = np.ones(n) if sample_weight is None else np.broadcast_to(
        np.asarray(sample_weight, dtype=np.float64), (n,))
    if y_type == "multilabel-indicator":
        n_labels = y_true.shape[1]
        if labels is None:
            cols = np.arange(n_labels)
        else:
            cols = np.asarray(labels)
            if cols.size and (cols.max() >= n_labels or cols.min() < 0):
                bad = cols.max() if cols.max() >= n_labels else cols.min()
                sign = ">" if bad >= n_labels else "<"
                ref = n_labels - 1 if bad >= n_labels else 0
                raise ValueError(f"All labels must be in [0, n labels) for multilabel "
                                 f"targets. Got {bad} {sign} {ref}")
        T, P = y_true[:, cols].astype(bool), y_pred[:, cols].astype(bool)
    else:
        if samplewise:
            raise ValueError("Samplewise metrics are not available outside of multilabel "
                             "classification.")
        present = np.unique(np.concatenate([y_true, y_pred]))
        cols = present if labels is None else np.asarray(labels)
        T = y_true[:, None] == cols[None, :]
        P = y_pred[:, None] == cols[None, :]
    if samplewise:
        tp = (T & P).sum(axis=1).astype(np.float64)
        fp = (~T & P).sum(axis=1).astype(np.float64)
        fn = (T & ~P).sum(axis=1).astype(np.float64)
        tn = T.shape[1] - tp - fp - fn
        tp, fp, fn, tn = tp * w, fp * w, fn * w, tn * w  # each sample's counts, weighted
    else:
        tp, fp = w @ (T & P), w @ (~T & P)
        fn, tn = w @ (T & ~P), w @ (~T & ~P)
    out = np.stack([tn, fp, fn, tp], axis=1).reshape(-1, 2, 2)
    return out.astype(np.int64) if integer else out
