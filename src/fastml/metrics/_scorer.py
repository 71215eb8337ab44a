"""Scorers: `scoring` strings/callables -> scorer(estimator, X, y) -> float.

Greater is better (losses are negated, named "neg_*"), as in scikit-learn, so
model selection always maximises.
"""
import numpy as np

from . import _classification as C
from . import _regression as R

__all__ = ["get_scorer", "check_scoring", "SCORERS"]


def _predict_scorer(metric, sign=1.0, **kw):
    def scorer(estimator, X, y, sample_weight=None):
        return sign * metric(y, estimator.predict(X), sample_weight=sample_weight, **kw)
    return scorer


def _proba_scorer(metric, sign=1.0, **kw):
    def scorer(estimator, X, y, sample_weight=None):
        p = estimator.predict_proba(X)
        return sign * metric(y, p, sample_weight=sample_weight, labels=estimator.classes_, **kw)
    return scorer


def _auc_scorer(estimator, X, y, sample_weight=None):
    classes = getattr(estimator, "classes_", np.unique(y))
    if len(classes) == 2:
        if hasattr(estimator, "decision_function"):
            s = estimator.decision_function(X)
        else:
            s = estimator.predict_proba(X)[:, 1]
        return C.roc_auc_score((np.asarray(y) == classes[1]).astype(int), s,
                               sample_weight=sample_weight)
    return C.roc_auc_score(y, estimator.predict_proba(X), multi_class="ovr",
                           labels=classes, sample_weight=sample_weight)


def _multiclass_auc_scorer(multi_class, average):
    def scorer(estimator, X, y, sample_weight=None):
        return C.roc_auc_score(y, estimator.predict_proba(X), multi_class=multi_class,
                               average=average, labels=getattr(estimator, "classes_", None),
                               sample_weight=sample_weight)
    return scorer


SCORERS = {
    "accuracy": _predict_scorer(C.accuracy_score),
    "precision": _predict_scorer(C.precision_score),
    "recall": _predict_scorer(C.recall_score),
    "f1": _predict_scorer(C.f1_score),
    "neg_log_loss": _proba_scorer(C.log_loss, -1.0),
    "roc_auc": _auc_scorer,
    "r2": _predict_scorer(R.r2_score),
    "neg_mean_squared_error": _predict_scorer(R.mean_squared_error, -1.0),
    "neg_root_mean_squared_error": _predict_scorer(R.root_mean_squared_error, -1.0),
    "neg_mean_absolute_error": _predict_scorer(R.mean_absolute_error, -1.0),
    "explained_variance": _predict_scorer(R.explained_variance_score),
    "balanced_accuracy": _predict_scorer(C.balanced_accuracy_score),
}
for _mc in ("ovr", "ovo"):
    SCORERS[f"roc_auc_{_mc}"] = _multiclass_auc_scorer(_mc, "macro")
    SCORERS[f"roc_auc_{_mc}_weighted"] = _multiclass_auc_scorer(_mc, "weighted")
for _avg in ("micro", "macro", "weighted"):
    SCORERS[f"precision_{_avg}"] = _predict_scorer(C.precision_score, average=_avg)
    SCORERS[f"recall_{_avg}"] = _predict_scorer(C.recall_score, average=_avg)
    SCORERS[f"f1_{_avg}"] = _predict_scorer(C.f1_score, average=_avg)


def get_scorer(scoring):
    """A scorer from its name (see SCORERS) or a callable (returned as is)."""
    if callable(scoring):
        return scoring
    if isinstance(scoring, str) and scoring in SCORERS:
        return SCORERS[scoring]
    raise ValueError(f"scoring={scoring!r} is not a valid scoring value. Valid options are "
                     f"{sorted(SCORERS)} or a callable scorer(estimator, X, y).")


def _default_score(estimator, X, y, sample_weight=None):
    if sample_weight is None:
        return estimator.score(X, y)
    return estimator.score(X, y, sample_weight=sample_weight)


def check_scoring(estimator, scoring=None):
    """The scorer to use: `scoring` if given, else estimator.score."""
    if scoring is None:
        if not hasattr(estimator, "score"):
            raise TypeError(f"If no scoring is specified, the estimator passed should have a "
                            f"'score' method. The estimator {estimator!r} does not.")
        return _default_score
    return get_scorer(scoring)
