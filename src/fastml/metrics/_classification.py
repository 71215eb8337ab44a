"""Classification metrics with scikit-learn's semantics and values.

Labels are compared as given (any hashable dtype NumPy can sort); the label
set is the sorted union of y_true and y_pred unless `labels` is passed.
Ill-defined ratios (0/0) are 0.0, like scikit-learn's default zero_division
(without the warning).
"""
import numpy as np

__all__ = ["accuracy_score", "confusion_matrix", "precision_recall_fscore_support",
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


def _div(num, den):
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, sample_weight=None):
    """Per-class (average=None) or averaged precision, recall, F-beta, support."""
    if average not in (None, "binary", "micro", "macro", "weighted"):
        raise ValueError(f"average has to be one of (None, 'binary', 'micro', 'macro', "
                         f"'weighted'); got {average!r}.")
    if beta < 0:
        raise ValueError(f"beta should be >= 0, got {beta!r}.")
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
    precision = _div(tp, pred)
    recall = _div(tp, true)
    b2 = beta * beta
    f = _div((1 + b2) * precision * recall, b2 * precision + recall)
    if average is None:
        return precision, recall, f, true.astype(np.int64) if sample_weight is None else true
    if average == "weighted":
        wts = true
        if wts.sum() == 0:
            return 0.0, 0.0, 0.0, None
    else:
        wts = None
    return (float(np.average(precision, weights=wts)), float(np.average(recall, weights=wts)),
            float(np.average(f, weights=wts)), None)


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None):
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight)[0]


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None):
    return precision_recall_fscore_support(y_true, y_pred, labels=labels, pos_label=pos_label,
                                           average=average, sample_weight=sample_weight)[1]


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None):
    return precision_recall_fscore_support(y_true, y_pred, beta=beta, labels=labels,
                                           pos_label=pos_label, average=average,
                                           sample_weight=sample_weight)[2]


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None):
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight)


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


def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None):
    """(fpr, tpr, thresholds) with the (0, 0) point prepended (threshold +inf)."""
    fps, tps, thr = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    fps = np.r_[0.0, fps]
    tps = np.r_[0.0, tps]
    thr = np.r_[np.inf, thr]
    fpr = fps / fps[-1] if fps[-1] > 0 else np.full_like(fps, np.nan)
    tpr = tps / tps[-1] if tps[-1] > 0 else np.full_like(tps, np.nan)
    return fpr, tpr, thr


def _binary_auc(y_true, score, sample_weight=None):
    if len(np.unique(y_true)) != 2:
        raise ValueError("Only one class is present in y_true. ROC AUC score is not defined "
                         "in that case.")
    fpr, tpr, _ = roc_curve(y_true, score, pos_label=1, sample_weight=sample_weight)
    return float(np.trapezoid(tpr, fpr)) if hasattr(np, "trapezoid") else float(np.trapz(tpr, fpr))


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, multi_class="raise",
                  labels=None):
    """Area under the ROC curve.

    Binary: y_score (n,) is the score of the greater label (or (n, 2) columns
    of probabilities). Multi-class: y_score (n, K) probabilities with
    multi_class="ovr" (one-vs-rest, average "macro" or "weighted").
    """
    y_true = np.asarray(y_true).ravel()
    y_score = np.asarray(y_score, dtype=np.float64)
    classes = np.unique(y_true) if labels is None else np.asarray(labels)
    if len(classes) <= 2 and (y_score.ndim == 1 or y_score.shape[1] <= 2):
        if y_score.ndim == 2:
            y_score = y_score[:, -1]
        if len(classes) < 2:
            raise ValueError("Only one class is present in y_true. ROC AUC score is not "
                             "defined in that case.")
        return _binary_auc((y_true == classes[1]).astype(int), y_score, sample_weight)
    if multi_class == "raise":
        raise ValueError("multi_class must be in ('ovo', 'ovr') for multi-class targets.")
    if multi_class != "ovr":
        raise ValueError(f"multi_class={multi_class!r} is not supported; use 'ovr'.")
    if y_score.ndim != 2 or y_score.shape[1] != len(classes):
        raise ValueError(f"Number of classes in y_true ({len(classes)}) not equal to the number "
                         f"of columns in 'y_score' ({y_score.shape[-1]}).")
    if average not in ("macro", "weighted", None):
        raise ValueError(f"average must be 'macro', 'weighted' or None for ovr; got {average!r}.")
    scores = np.array([_binary_auc((y_true == c).astype(int), y_score[:, k], sample_weight)
                       for k, c in enumerate(classes)])
    if average is None:
        return scores
    if average == "weighted":
        w = _weights(sample_weight, len(y_true))
        return float(np.average(scores, weights=[w[y_true == c].sum() for c in classes]))
    return float(scores.mean())


def classification_report(y_true, y_pred, *, labels=None, target_names=None, digits=2,
                          output_dict=False, sample_weight=None):
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
                                                 sample_weight=sample_weight)
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
                                                        sample_weight=sample_weight)
        avgs["micro avg"] = {"precision": mp, "recall": mr, "f1-score": mf, "support": total}
    for avg in ("macro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                        average=avg,
                                                        sample_weight=sample_weight)
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
