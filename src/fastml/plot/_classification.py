"""Confusion matrix, ROC curve and precision-recall curve, computed with
fastml.metrics."""
import numpy as np

from ._base import estimator_name, get_ax, merged

__all__ = ["ConfusionMatrixDisplay", "RocCurveDisplay", "PrecisionRecallDisplay",
           "precision_recall_curve"]


def _binary_scores(estimator, X, response_method, pos_label):
    """(scores of the positive class, pos_label) for a fitted binary classifier."""
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise ValueError(f"{estimator_name(estimator)} has no classes_: fit a classifier first")
    classes = np.asarray(classes)
    if len(classes) != 2:
        raise ValueError(f"a binary classifier is needed, {estimator_name(estimator)} has "
                         f"{len(classes)} classes {classes.tolist()}")
    if pos_label is None:
        pos_label = classes[1]
    elif pos_label not in classes.tolist():
        raise ValueError(f"pos_label={pos_label!r} is not a valid label: {classes.tolist()}")
    options = {"auto": ("predict_proba", "decision_function"),
               "predict_proba": ("predict_proba",),
               "decision_function": ("decision_function",)}
    if response_method not in options:
        raise ValueError("response_method must be 'auto', 'predict_proba' or "
                         f"'decision_function', got {response_method!r}")
    for name in options[response_method]:
        fn = getattr(estimator, name, None)
        if callable(fn):
            out = np.asarray(fn(X))
            if name == "predict_proba":
                return out[:, int(np.flatnonzero(classes == pos_label)[0])], pos_label
            out = out.reshape(-1)
            return (-out if pos_label == classes[0] else out), pos_label
    raise ValueError(f"{estimator_name(estimator)} has none of {options[response_method]}")


def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """fastml.metrics.precision_recall_curve (scikit-learn's points and thresholds)."""
    from ..metrics import precision_recall_curve as prc

    return prc(y_true, y_score, pos_label=pos_label, sample_weight=sample_weight,
               drop_intermediate=drop_intermediate)


def _average_precision(precision, recall):
    return float(-np.sum(np.diff(recall) * precision[:-1]))


class ConfusionMatrixDisplay:
    """Confusion matrix as an image with the counts written in the cells.

    Attributes: ``confusion_matrix``, ``display_labels``, ``im_`` (AxesImage),
    ``text_`` ((n, n) array of Text or None), ``colorbar_``, ``ax_``,
    ``figure_``.

    Examples
    --------
    >>> from fastml.plot import ConfusionMatrixDisplay
    >>> disp = ConfusionMatrixDisplay.from_predictions([0, 1, 1], [0, 1, 0])
    >>> disp.confusion_matrix.tolist()
    [[1, 0], [1, 1]]
    """

    def __init__(self, confusion_matrix, *, display_labels=None):
        cm = np.asarray(confusion_matrix)
        if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
            raise ValueError(f"confusion_matrix must be a non-empty square matrix, got shape "
                             f"{cm.shape}")
        if display_labels is not None and len(display_labels) != cm.shape[0]:
            raise ValueError(f"display_labels must have {cm.shape[0]} entries, got "
                             f"{len(display_labels)}")
        self.confusion_matrix = cm
        self.display_labels = display_labels

    @classmethod
    def from_estimator(cls, estimator, X, y, *, labels=None, sample_weight=None,
                       normalize=None, display_labels=None, ax=None, **kwargs):
        """Confusion matrix of ``estimator.predict(X)`` against `y`."""
        if display_labels is None and labels is None and hasattr(estimator, "classes_"):
            labels = np.asarray(estimator.classes_)
        return cls.from_predictions(y, estimator.predict(X), labels=labels,
                                    sample_weight=sample_weight, normalize=normalize,
                                    display_labels=display_labels, ax=ax, **kwargs)

    @classmethod
    def from_predictions(cls, y_true, y_pred, *, labels=None, sample_weight=None,
                         normalize=None, display_labels=None, ax=None, **kwargs):
        """`normalize`: None (counts), "true" (rows), "pred" (columns), "all"."""
        from ..metrics import confusion_matrix

        cm = confusion_matrix(y_true, y_pred, labels=labels, sample_weight=sample_weight,
                              normalize=normalize)
        if display_labels is None:
            display_labels = (np.unique(np.concatenate([np.asarray(y_true).ravel(),
                                                        np.asarray(y_pred).ravel()]))
                              if labels is None else np.asarray(labels))
        return cls(cm, display_labels=display_labels).plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, include_values=True, cmap="viridis", xticks_rotation="horizontal",
             values_format=None, colorbar=True, im_kw=None, text_kw=None):
        fig, ax = get_ax(ax)
        cm = self.confusion_matrix
        n = cm.shape[0]
        self.im_ = ax.imshow(cm, **merged({"interpolation": "nearest", "cmap": cmap}, im_kw))
        self.text_ = None
        if include_values:
            cmap_obj = self.im_.cmap
            lo, hi = cmap_obj(0), cmap_obj(1.0)
            mid = (cm.max() + cm.min()) / 2.0
            self.text_ = np.empty((n, n), dtype=object)
            fmt = values_format or (".2g" if cm.dtype.kind == "f" else "d")
            for i in range(n):
                for j in range(n):
                    colour = lo if cm[i, j] >= mid else hi
                    self.text_[i, j] = ax.text(j, i, format(cm[i, j], fmt), ha="center",
                                               va="center",
                                               **merged({"color": colour}, text_kw))
        self.colorbar_ = fig.colorbar(self.im_, ax=ax) if colorbar else None
        labels = self.display_labels if self.display_labels is not None else np.arange(n)
        ax.set(xticks=np.arange(n), yticks=np.arange(n), xticklabels=[str(v) for v in labels],
               yticklabels=[str(v) for v in labels], xlabel="Predicted label",
               ylabel="True label")
        ax.set_ylim((n - 0.5, -0.5))
        for t in ax.get_xticklabels():
            t.set_rotation(xticks_rotation)
        self.ax_, self.figure_ = ax, fig
        return self


class _BinaryCurve:
    def _finish(self, ax, fig, xlabel, ylabel, chance):
        if self.pos_label is not None:
            xlabel += f" (Positive label: {self.pos_label})"
            ylabel += f" (Positive label: {self.pos_label})"
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set(xlim=(-0.01, 1.01), ylim=(-0.01, 1.01))
        self.chance_level_ = chance
        ax.legend(loc="lower right" if xlabel.startswith("False") else "lower left")
        self.ax_, self.figure_ = ax, fig
        return self


class RocCurveDisplay(_BinaryCurve):
    """Receiver operating characteristic curve (fastml.metrics.roc_curve) with
    its area in the legend.

    Attributes: ``fpr``, ``tpr``, ``thresholds``, ``roc_auc``, ``pos_label``,
    ``line_``, ``chance_level_``, ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.plot import RocCurveDisplay
    >>> disp = RocCurveDisplay.from_predictions([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> disp.roc_auc
    0.75
    """

    def __init__(self, *, fpr, tpr, roc_auc=None, thresholds=None, estimator_name=None,
                 pos_label=None):
        self.fpr, self.tpr, self.roc_auc = np.asarray(fpr), np.asarray(tpr), roc_auc
        self.thresholds, self.estimator_name, self.pos_label = thresholds, estimator_name, \
            pos_label

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, drop_intermediate=True,
                       response_method="auto", pos_label=None, name=None, ax=None,
                       plot_chance_level=False, **kwargs):
        """Scores from predict_proba (else decision_function) of a binary classifier."""
        score, pos_label = _binary_scores(estimator, X, response_method, pos_label)
        return cls.from_predictions(y, score, sample_weight=sample_weight,
                                    drop_intermediate=drop_intermediate, pos_label=pos_label,
                                    name=name or estimator_name(estimator), ax=ax,
                                    plot_chance_level=plot_chance_level, **kwargs)

    @classmethod
    def from_predictions(cls, y_true, y_score, *, sample_weight=None, drop_intermediate=True,
                         pos_label=None, name=None, ax=None, plot_chance_level=False,
                         **kwargs):
        from ..metrics import roc_curve
        from ..metrics import auc

        fpr, tpr, thr = roc_curve(y_true, y_score, pos_label=pos_label,
                                  sample_weight=sample_weight,
                                  drop_intermediate=drop_intermediate)
        disp = cls(fpr=fpr, tpr=tpr, roc_auc=auc(fpr, tpr), thresholds=thr,
                   estimator_name=name, pos_label=pos_label)
        return disp.plot(ax=ax, plot_chance_level=plot_chance_level, **kwargs)

    def plot(self, ax=None, *, name=None, plot_chance_level=False, chance_level_kw=None,
             **kwargs):
        fig, ax = get_ax(ax)
        name = name if name is not None else self.estimator_name
        label = f"AUC = {self.roc_auc:0.2f}" if self.roc_auc is not None else None
        if name:
            label = f"{name} ({label})" if label else name
        (self.line_,) = ax.plot(self.fpr, self.tpr, **merged({"label": label}, kwargs))
        chance = None
        if plot_chance_level:
            (chance,) = ax.plot([0, 1], [0, 1], **merged(
                {"label": "Chance level (AUC = 0.5)", "color": "k", "linestyle": "--"},
                chance_level_kw))
        ax.set_aspect("equal")
        return self._finish(ax, fig, "False Positive Rate", "True Positive Rate", chance)


class PrecisionRecallDisplay(_BinaryCurve):
    """Precision-recall curve drawn as a step function, with the average
    precision in the legend (scikit-learn's definition: sum over thresholds
    of (R_n - R_{n-1}) P_n).

    Attributes: ``precision``, ``recall``, ``thresholds``, ``average_precision``,
    ``prevalence_pos_label``, ``pos_label``, ``line_``, ``chance_level_``,
    ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.plot import PrecisionRecallDisplay
    >>> disp = PrecisionRecallDisplay.from_predictions([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> round(disp.average_precision, 4)
    0.8333
    """

    def __init__(self, *, precision, recall, average_precision=None, thresholds=None,
                 estimator_name=None, pos_label=None, prevalence_pos_label=None):
        self.precision, self.recall = np.asarray(precision), np.asarray(recall)
        self.average_precision, self.thresholds = average_precision, thresholds
        self.estimator_name, self.pos_label = estimator_name, pos_label
        self.prevalence_pos_label = prevalence_pos_label

    @classmethod
    def from_estimator(cls, estimator, X, y, *, sample_weight=None, drop_intermediate=False,
                       response_method="auto", pos_label=None, name=None, ax=None,
                       plot_chance_level=False, **kwargs):
        """Scores from predict_proba (else decision_function) of a binary classifier."""
        score, pos_label = _binary_scores(estimator, X, response_method, pos_label)
        return cls.from_predictions(y, score, sample_weight=sample_weight, pos_label=pos_label,
                                    drop_intermediate=drop_intermediate,
                                    name=name or estimator_name(estimator), ax=ax,
                                    plot_chance_level=plot_chance_level, **kwargs)

    @classmethod
    def from_predictions(cls, y_true, y_score, *, sample_weight=None, drop_intermediate=False,
                         pos_label=None, name=None, ax=None, plot_chance_level=False,
                         **kwargs):
        precision, recall, thr = precision_recall_curve(
            y_true, y_score, pos_label=pos_label, sample_weight=sample_weight,
            drop_intermediate=drop_intermediate)
        y_true = np.asarray(y_true).ravel()
        pos = 1 if pos_label is None else pos_label
        w = np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight, float)
        prevalence = float(w[y_true == pos].sum() / w.sum())
        disp = cls(precision=precision, recall=recall,
                   average_precision=_average_precision(precision, recall), thresholds=thr,
                   estimator_name=name, pos_label=pos_label, prevalence_pos_label=prevalence)
        return disp.plot(ax=ax, plot_chance_level=plot_chance_level, **kwargs)

    def plot(self, ax=None, *, name=None, plot_chance_level=False, chance_level_kw=None,
             **kwargs):
        fig, ax = get_ax(ax)
        name = name if name is not None else self.estimator_name
        label = (f"AP = {self.average_precision:0.2f}" if self.average_precision is not None
                 else None)
        if name:
            label = f"{name} ({label})" if label else name
        (self.line_,) = ax.plot(self.recall, self.precision,
                                **merged({"label": label, "drawstyle": "steps-post"}, kwargs))
        chance = None
        if plot_chance_level:
            if self.prevalence_pos_label is None:
                raise ValueError("plot_chance_level needs prevalence_pos_label (build the "
                                 "display with from_estimator or from_predictions)")
            p = self.prevalence_pos_label
            (chance,) = ax.plot([0, 1], [p, p], **merged(
                {"label": f"Chance level (AP = {p:0.2f})", "color": "k", "linestyle": "--"},
                chance_level_kw))
        ax.set_aspect("equal")
        return self._finish(ax, fig, "Recall", "Precision", chance)
