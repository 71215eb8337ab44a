"""precision_score, recall_score, fbeta_score and f1_score: the single
numbers of precision_recall_fscore_support (in _classification)."""
from ._classification import precision_recall_fscore_support

__all__ = ["precision_score", "recall_score", "fbeta_score", "f1_score"]

_PARAMS = """    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or label-indicator matrices
        True and predicted labels.
    labels : array-like, optional
        The labels to include (and their order) when average is not "binary".
    pos_label : int or str, default 1
        The positive class when average="binary".
    average : {"binary", "micro", "macro", "weighted", "samples"} or None
        None returns one score per label; "micro" counts over all labels;
        "macro" averages the per-label scores; "weighted" weighs them by
        support; "samples" averages over samples (multilabel).
    sample_weight : array-like of shape (n_samples,), optional
    zero_division : {"warn", 0.0, 1.0, nan}, default "warn"
        The value when the ratio is 0 / 0 ("warn": 0 with an
        UndefinedMetricWarning).

    Returns
    -------
    float, or ndarray of shape (n_labels,) when average is None."""
_BETA = """    beta : float >= 0
        Weight of recall relative to precision.
"""


def _shared_params(fn):
    """Put the Parameters / Returns section the four scores share into fn's
    docstring (fbeta_score adds beta)."""
    params = _PARAMS
    if fn.__name__ == "fbeta_score":
        params = params.replace("True and predicted labels.\n",
                                "True and predicted labels.\n" + _BETA, 1)
    fn.__doc__ = fn.__doc__.replace("    {params}\n", params + "\n\n")
    return fn


@_shared_params
def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    """Precision tp / (tp + fp): the fraction of predicted positives that are positive.

    {params}
    Examples
    --------
    >>> from fastml.metrics import precision_score
    >>> precision_score([0, 1, 1, 0, 1], [0, 1, 0, 1, 1])
    0.666...
    >>> precision_score([0, 1, 2, 2], [0, 1, 1, 2], average=None)
    array([...])
    """
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("precision",), sample_weight=sample_weight, zero_division=zero_division)[0]


@_shared_params
def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    """Recall tp / (tp + fn): the fraction of positives that are found.

    {params}
    Examples
    --------
    >>> from fastml.metrics import recall_score
    >>> recall_score([0, 1, 1, 0, 1], [0, 1, 0, 1, 1])
    0.666...
    >>> recall_score([0, 1, 2, 2], [0, 1, 1, 2], average=None)
    array([...])
    """
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        warn_for=("recall",), sample_weight=sample_weight, zero_division=zero_division)[1]


@_shared_params
def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    """F-beta score: (1 + beta^2) P R / (beta^2 P + R), weighing recall beta
    times as much as precision (beta=1: f1_score).

    {params}
    Examples
    --------
    >>> from fastml.metrics import fbeta_score
    >>> round(fbeta_score([0, 1, 1, 0, 1], [0, 1, 0, 0, 0], beta=2.0), 4)
    0.3846
    """
    return precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        warn_for=("f-score",), sample_weight=sample_weight, zero_division=zero_division)[2]


@_shared_params
def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None, zero_division="warn"):
    """F1 score, the harmonic mean of precision and recall:
    2 tp / (2 tp + fp + fn).

    {params}
    Examples
    --------
    >>> from fastml.metrics import f1_score
    >>> f1_score([0, 1, 1, 0, 1], [0, 1, 0, 1, 1])
    0.666...
    >>> f1_score([0, 1, 2, 2], [0, 1, 1, 2], average=None)
    array([...])
    """
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight,
                       zero_division=zero_division)
