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
           "classification_report"]


def _dense_target(y):
    if hasattr(y, "toarray") and hasattr(y, "nnz"):  # scipy.sparse label indicator
        return np.asarray(y.toarray())
    return np.asarray(y)


def _is_indicator(y):
    """A 2-D 0/1 label indicator matrix (multilabel target)."""
    if y.ndim != 2 or y.shape[1] < 2 or y.dtype.kind not in "biuf":
        return False
    return bool(np.isin(np.unique(y), (0, 1)).all())


def _check_targets(y_true, y_pred, return_type=False):
    """Validated (y_true, y_pred); with return_type also the target type
    "binary", "multiclass" or "multilabel-indicator" (2-D 0/1 matrices,
    dense or scipy.sparse, returned dense)."""
    y_true = _dense_target(y_true)
    y_pred = _dense_target(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    if y_pred.ndim == 2 and y_pred.shape[1] == 1:
        y_pred = y_pred.ravel()
    if len(y_true) != len(y_pred):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(y_pred)}]")
    ml_t, ml_p = _is_indicator(y_true), _is_indicator(y_pred)
    if ml_t or ml_p:
        if not (ml_t and ml_p):
            other = "multiclass" if (y_true.ndim == 1 or y_pred.ndim == 1) else \
                "multiclass-multioutput"
            raise ValueError("Classification metrics can't handle a mix of "
                             f"multilabel-indicator and {other} targets")
        if y_true.shape[1] != y_pred.shape[1]:
            raise ValueError(f"y_true and y_pred have different numbers of labels "
                             f"({y_true.shape[1]} and {y_pred.shape[1]}).")
        if len(y_true) == 0:
            raise ValueError("y_true and y_pred are empty.")
        yt, yp = y_true.astype(np.int8), y_pred.astype(np.int8)
        return (yt, yp, "multilabel-indicator") if return_type else (yt, yp)
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError("Classification metrics can't handle multiclass-multioutput "
                         f"targets (y_true and y_pred must be 1-D or label indicator "
                         f"matrices, got shapes {y_true.shape} and {y_pred.shape}).")
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty.")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError(f"Input {name} contains NaN or infinity.")
        if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"Classification metrics can't handle continuous {name}.")
    if not return_type:
        return y_true, y_pred
    n = len(np.unique(np.concatenate([y_true, y_pred])))
    return y_true, y_pred, "multiclass" if n > 2 else "binary"


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
    same = (y_true == y_pred) if y_true.ndim == 1 else (y_true == y_pred).all(axis=1)
    hits = same * w
    return float(hits.sum() / w.sum()) if normalize else float(hits.sum())


def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """Mean per-class recall over the classes of y_true; `adjusted` rescales so
    that chance level is 0 (as scikit-learn)."""
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
    """C[i, j] = (weighted) count of samples with true label i predicted as j.

    Integer counts (int64) unless sample_weight has a floating (or object)
    dtype, or `normalize` is set: then float64."""
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    if y_type == "multilabel-indicator":
        raise ValueError(f"{y_type} is not supported")
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
        if len(labels) == 1:
            warnings.warn("A single label was found in 'y_true' and 'y_pred'. For the "
                          "confusion matrix to have the correct shape, use the 'labels' "
                          "parameter to pass all known labels.", UserWarning, stacklevel=2)
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
    int_weights = sample_weight is None or np.asarray(sample_weight).dtype.kind in "biu"
    if int_weights and normalize is None:  # exact integer counts (wrapping like NumPy)
        wi = np.ones(len(y_true), np.int64) if sample_weight is None else \
            np.asarray(sample_weight).ravel().astype(np.int64)
        cm = np.zeros((n, n), dtype=np.int64)
        np.add.at(cm, (it[keep], ip[keep]), wi[keep])
        return cm
    cm = np.zeros((n, n), dtype=np.float64)
    np.add.at(cm, (it[keep], ip[keep]), w[keep])
    if normalize == "true":
        cm = cm / np.where(cm.sum(axis=1, keepdims=True) == 0, 1, cm.sum(axis=1, keepdims=True))
    elif normalize == "pred":
        cm = cm / np.where(cm.sum(axis=0, keepdims=True) == 0, 1, cm.sum(axis=0, keepdims=True))
    elif normalize == "all":
        cm = cm / max(cm.sum(), np.finfo(float).tiny)
    elif sample_weight is None or np.asarray(sample_weight).dtype.kind in "biu":
        cm = cm.astype(np.int64)
    return cm


def _label_counts(y_true, y_pred, y_type, labels, sample_weight):
    """Per-label true positives, predicted and true counts (weighted). For a
    label indicator target, `labels` are column indices."""
    w = _weights(sample_weight, len(y_true))
    if y_type == "multilabel-indicator":
        cols = np.asarray(labels, dtype=np.intp)
        yt, yp = y_true[:, cols], y_pred[:, cols]
        return (w @ (yt & yp).astype(np.float64), w @ yp.astype(np.float64),
                w @ yt.astype(np.float64))
    tp = np.array([w[(y_true == c) & (y_pred == c)].sum() for c in labels])
    pred = np.array([w[y_pred == c].sum() for c in labels])
    true = np.array([w[y_true == c].sum() for c in labels])
    return tp, pred, true


def _check_multilabel_labels(labels, n_labels):
    labels = np.asarray(labels)
    if labels.size and labels.dtype.kind in "iu":
        if labels.max() >= n_labels:
            raise ValueError(f"All labels must be in [0, n labels) for multilabel targets. "
                             f"Got {labels.max()} > {n_labels - 1}")
        if labels.min() < 0:
            raise ValueError(f"All labels must be in [0, n labels) for multilabel targets. "
                             f"Got {labels.min()} < 0")
    return labels


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


def _prf_divide(num, den, metric, modifier, warn_for, zero_division, average="macro"):
    """num / den with 0/0 entries set by `zero_division` (warning when "warn")."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    mask = den == 0
    out = num / np.where(mask, 1.0, den)
    if not mask.any():
        return out
    out[mask] = _zero_division_value(zero_division)
    if isinstance(zero_division, str) and metric in warn_for:
        axis = "samples" if average == "samples" else "labels"
        where = "due to" if out.shape[0] == 1 else f"in {axis} with"
        modifier = f"{modifier} {'labels' if average == 'samples' else 'samples'}"
        _warn_undefined(f"{metric.capitalize()} is ill-defined and being set to 0.0 {where} "
                        f"no {modifier}. Use `zero_division` parameter to control "
                        "this behavior.")
    return out


def _nanaverage(values, weights=None, zero_division=0.0):
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    if values.size == 0 or not keep.any():
        return float("nan")
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.sum() == 0:
            return _zero_division_value(zero_division)
        w = w[keep]
        if w.sum() != 0:
            return float(np.average(values[keep], weights=w))
    return float(values[keep].mean())


_AVERAGES = (None, "binary", "micro", "macro", "weighted", "samples")


def _resolve_labels(y_true, y_pred, y_type, average, labels, pos_label):
    """The labels to score (column indices for label indicators)."""
    if average == "binary":
        if y_type != "binary":
            options = "[None, 'micro', 'macro', 'weighted'" + (
                ", 'samples'" if y_type == "multilabel-indicator" else "") + "]"
            raise ValueError(f"Target is {y_type} but average='binary'. Please choose "
                             f"another average setting, one of {options}.")
        present = np.unique(np.concatenate([y_true, y_pred]))
        if pos_label not in present and len(present) >= 2:
            raise ValueError(f"pos_label={pos_label} is not a valid label. It should be "
                             f"one of {present}")
        return np.asarray([pos_label])
    if pos_label not in (None, 1):
        warnings.warn(f"Note that pos_label (set to {pos_label!r}) is ignored when average "
                      f"!= 'binary' (got {average!r}). You may use labels=[pos_label] to "
                      "specify a single positive class.", UserWarning, stacklevel=4)
    if y_type == "multilabel-indicator":
        n = y_true.shape[1]
        return np.arange(n) if labels is None else _check_multilabel_labels(labels, n)
    present = np.unique(np.concatenate([y_true, y_pred]))
    if labels is None:
        return present
    labels = np.asarray(labels)
    return labels


def _sample_prf(y_true, y_pred, labels, beta, warn_for, sample_weight, zero_division):
    """average='samples': per-sample precision/recall/F over `labels`, averaged
    with the sample weights."""
    cols = np.asarray(labels, dtype=np.intp)
    yt, yp = y_true[:, cols], y_pred[:, cols]
    tp = (yt & yp).sum(axis=1)
    pred, true = yp.sum(axis=1), yt.sum(axis=1)
    kw = dict(warn_for=warn_for, zero_division=zero_division, average="samples")
    precision = _prf_divide(tp, pred, "precision", "predicted", **kw)
    recall = _prf_divide(tp, true, "recall", "true", **kw)
    f = _fbeta_from_counts(tp, pred, true, beta, precision, recall, kw)
    w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return (_nanaverage(precision, w, zero_division), _nanaverage(recall, w, zero_division),
            _nanaverage(f, w, zero_division), None)


def _fbeta_from_counts(tp, pred, true, beta, precision, recall, kw):
    if np.isposinf(beta):
        return recall
    if beta == 0:
        return precision
    b2 = beta * beta
    return _prf_divide((1 + b2) * np.asarray(tp, dtype=np.float64),
                       b2 * np.asarray(true, dtype=np.float64) + pred,
                       "f-score", "true nor predicted", **kw)


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn"):
    """Per-class (average=None) or averaged precision, recall, F-beta, support.

    Targets are class labels (binary / multiclass) or label indicator matrices
    (multilabel; dense or scipy.sparse). `average="samples"` (multilabel only)
    averages the per-sample scores. `zero_division` sets the value of a 0/0
    ratio ("warn": 0.0 plus an UndefinedMetricWarning for the metrics named in
    `warn_for`).
    """
    if average not in _AVERAGES:
        raise ValueError(f"average has to be one of {_AVERAGES}; got {average!r}.")
    if beta < 0:
        raise ValueError(f"beta should be >= 0, got {beta!r}.")
    _zero_division_value(zero_division)
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    if average == "samples" and y_type != "multilabel-indicator":
        raise ValueError("Sample-based precision, recall, fscore is not meaningful outside "
                         "multilabel classification. See the accuracy_score instead.")
    labels = _resolve_labels(y_true, y_pred, y_type, average, labels, pos_label)
    if average == "samples":
        return _sample_prf(y_true, y_pred, labels, beta, warn_for, sample_weight,
                           zero_division)
    tp, pred, true = _label_counts(y_true, y_pred, y_type, labels, sample_weight)
    if average == "micro":
        tp, pred, true = tp.sum(keepdims=True), pred.sum(keepdims=True), true.sum(keepdims=True)
    kw = dict(warn_for=warn_for, zero_division=zero_division,
              average="macro" if average is None else average)
    precision = _prf_divide(tp, pred, "precision", "predicted", **kw)
    recall = _prf_divide(tp, true, "recall", "true", **kw)
    f = _fbeta_from_counts(tp, pred, true, beta, precision, recall, kw)
    if average is None:
        return precision, recall, f, true.astype(np.int64) if sample_weight is None else true
    wts = true if average == "weighted" else None
    return (_nanaverage(precision, wts, zero_division), _nanaverage(recall, wts, zero_division),
            _nanaverage(f, wts, zero_division), None)


def log_loss(y_true, y_proba=None, *, normalize=True, sample_weight=None, labels=None,
             y_pred="deprecated"):
    """Cross-entropy of predicted probabilities (n,) [P(positive)] or (n, K).

    Probabilities are clipped to [eps, 1 - eps] with eps the dtype's machine
    epsilon, like scikit-learn; rows that do not sum to one warn (UserWarning)
    and are used as given. `y_pred` is the deprecated name of `y_proba`.
    """
    if not (isinstance(y_pred, str) and y_pred == "deprecated"):
        if y_proba is not None:
            raise ValueError("Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, "
                             "use `y_proba` instead.")
        warnings.warn("`y_pred` was renamed to `y_proba` in version 1.9 and will be removed "
                      "in 1.11. Use `y_proba` instead.", FutureWarning, stacklevel=2)
        y_proba = y_pred
    Y, p = _multiclass_proba(y_true, y_proba, labels)
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    loss = -(Y * np.log(p)).sum(axis=1)
    w = _weights(sample_weight, len(loss))
    return float((loss * w).sum() / w.sum()) if normalize else float((loss * w).sum())


def _multiclass_proba(y_true, y_prob, labels):
    """(one-hot targets Y, probabilities P) of shape (n, K), validated as
    scikit-learn does for log_loss / multiclass brier_score_loss: P in [0, 1]
    (a UserWarning when rows do not sum to one), K = the number of labels
    (sorted; y_true's unique values unless `labels`); a 1-D P is the
    probability of the greater label; y_true may be a label indicator."""
    y_true = _dense_target(y_true)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true.ravel()
    raw = np.asarray(y_prob)
    P = raw.astype(np.float64) if raw.dtype not in (np.float32, np.float64) else raw
    if not np.isfinite(P).all():
        raise ValueError("Input y_prob contains NaN or infinity.")
    if P.size and P.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {P.max()}")
    if P.size and P.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {P.min()}")
    if len(y_true) != len(P):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(P)}, {len(y_true)}]")
    if y_true.ndim == 2:
        classes = np.arange(y_true.shape[1])
        Y = y_true.astype(np.float64)
    else:
        if labels is None:
            classes = np.unique(y_true)
        else:
            given = np.asarray(labels)
            classes = np.unique(given)
            if not np.array_equal(classes, given):
                warnings.warn(f"Labels passed were {given.tolist()}. But this function "
                              "assumes labels are ordered lexicographically. Pass the ordered "
                              f"labels={classes.tolist()} and ensure that the columns of "
                              "y_prob correspond to this ordering.", UserWarning, stacklevel=3)
            missing = np.setdiff1d(y_true, classes)
            if len(missing):
                raise ValueError(f"y_true contains values {set(missing.tolist())} not "
                                 f"belonging to the passed labels {given.tolist()}.")
        if len(classes) == 1:
            if labels is None:
                raise ValueError(
                    f"y_true contains only one label ({classes[0]}). Please provide the list "
                    "of all expected class labels explicitly through the labels argument.")
            raise ValueError("The labels array needs to contain at least two labels, got "
                             f"{classes}.")
        Y = (y_true[:, None] == classes[None, :]).astype(np.float64)
    if P.ndim == 1:
        P = P[:, None]
    if P.shape[1] == 1:
        P = np.hstack([1 - P, P])
    if not np.allclose(P.sum(axis=1), 1, rtol=np.sqrt(np.finfo(P.dtype).eps), atol=0):
        warnings.warn("The y_prob values do not sum to one. Make sure to pass probabilities.",
                      UserWarning, stacklevel=3)
    if len(classes) != P.shape[1]:
        if labels is None:
            raise ValueError(f"y_true and y_prob contain different number of classes: "
                             f"{len(classes)} vs {P.shape[1]}. Please provide the true labels "
                             f"explicitly through the labels argument. Classes found in "
                             f"y_true: {classes}")
        raise ValueError(f"The number of classes in labels is different from that in "
                         f"y_prob. Classes found in labels: {classes}")
    return Y, P


def classification_report(y_true, y_pred, *, labels=None, target_names=None, digits=2,
                          output_dict=False, sample_weight=None, zero_division="warn"):
    """Text (or dict) table of per-class precision/recall/F1/support plus
    accuracy and macro/weighted averages, laid out like scikit-learn's."""
    y_true, y_pred, y_type = _check_targets(y_true, y_pred, return_type=True)
    given_labels = labels is not None
    if labels is None:
        labels = (np.arange(y_true.shape[1]) if y_type == "multilabel-indicator"
                  else np.unique(np.concatenate([y_true, y_pred])))
    labels = np.asarray(labels)
    if target_names is None:
        target_names = [str(c) for c in labels]
    elif len(target_names) != len(labels):
        if given_labels:
            warnings.warn(f"labels size, {len(labels)}, does not match size of target_names, "
                          f"{len(target_names)}", UserWarning, stacklevel=2)
        else:
            raise ValueError(f"Number of classes, {len(labels)}, does not match size of "
                             f"target_names, {len(target_names)}. Try specifying the labels "
                             "parameter")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                 sample_weight=sample_weight,
                                                 zero_division=zero_division)
    rows = {name: {"precision": float(p[i]), "recall": float(r[i]), "f1-score": float(f[i]),
                   "support": float(s[i])} for i, name in zip(range(len(labels)), target_names)}
    total = float(s.sum())
    avgs = {}
    acc = None
    if y_type != "multilabel-indicator" and \
            set(np.unique(np.concatenate([y_true, y_pred]))) <= set(labels.tolist()):
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
    if y_type == "multilabel-indicator":
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average="samples",
                                                        sample_weight=sample_weight,
                                                        zero_division=zero_division)
        avgs["samples avg"] = {"precision": ap, "recall": ar, "f1-score": af,
                               "support": total}
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
