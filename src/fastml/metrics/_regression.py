"""Regression metrics with scikit-learn's semantics and values.

y_true/y_pred are (n,) or (n, n_outputs); multioutput "uniform_average"
(default) averages the per-output scores, "raw_values" returns them.
"""
import warnings

import numpy as np

from ..exceptions import UndefinedMetricWarning
from ..utils.validation import _interop_class

__all__ = ["mean_squared_error", "root_mean_squared_error", "mean_absolute_error", "r2_score",
           "explained_variance_score"]


def _check_reg_targets(y_true, y_pred, sample_weight, multioutput):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_pred.ndim == 1:
        y_pred = y_pred[:, None]
    if y_true.ndim != 2 or y_pred.ndim != 2:
        raise ValueError("y_true and y_pred must be 1-D or 2-D arrays.")
    if len(y_true) != len(y_pred):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(y_true)}, {len(y_pred)}]")
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(f"y_true and y_pred have different number of output "
                         f"({y_true.shape[1]}!={y_pred.shape[1]})")
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty.")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.isfinite(y).all():
            raise ValueError(f"Input {name} contains NaN or infinity.")
    if sample_weight is None:
        w = None
    else:
        w = np.asarray(sample_weight, dtype=np.float64).ravel()
        if len(w) != len(y_true):
            raise ValueError(f"sample_weight has {len(w)} entries, expected {len(y_true)}.")
    if isinstance(multioutput, str):
        if multioutput not in ("raw_values", "uniform_average", "variance_weighted"):
            raise ValueError(f"multioutput={multioutput!r} is not one of 'raw_values', "
                             "'uniform_average', 'variance_weighted'.")
    else:
        multioutput = np.asarray(multioutput, dtype=np.float64)
        if multioutput.shape != (y_true.shape[1],):
            raise ValueError("There must be equally many custom weights "
                             f"({multioutput.shape}) as outputs ({y_true.shape[1]}).")
    return y_true, y_pred, w, multioutput


def _aggregate(values, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return values
        return float(np.mean(values))
    return float(np.average(values, weights=multioutput))


def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    return _aggregate(np.average((yt - yp) ** 2, axis=0, weights=w), mo)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None,
                            multioutput="uniform_average"):
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    return _aggregate(np.sqrt(np.average((yt - yp) ** 2, axis=0, weights=w)), mo)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    return _aggregate(np.average(np.abs(yt - yp), axis=0, weights=w), mo)


def _r2_like(num, den, multioutput, force_finite):
    """1 - num/den per output; den == 0 gives 1.0 (perfect) or 0.0 when forced finite."""
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 1.0 - num / den
    if force_finite:
        score = np.where(den > 0, score, np.where(num > 0, 0.0, 1.0))
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        if den.sum() == 0:
            return float(np.mean(score))
        return float(np.average(score, weights=den))
    return _aggregate(score, multioutput)


def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average",
             force_finite=True):
    """Coefficient of determination; a constant y_true scores 1.0 if predicted
    exactly, else 0.0 (force_finite, scikit-learn's default)."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    if len(yt) < 2:
        warnings.warn("R^2 score is not well-defined with less than two samples.",
                      _interop_class(UndefinedMetricWarning), stacklevel=2)
        return float("nan")
    ww = np.ones(len(yt)) if w is None else w
    num = (ww[:, None] * (yt - yp) ** 2).sum(axis=0)
    den = (ww[:, None] * (yt - np.average(yt, axis=0, weights=ww)) ** 2).sum(axis=0)
    return _r2_like(num, den, mo, force_finite)


def explained_variance_score(y_true, y_pred, *, sample_weight=None,
                             multioutput="uniform_average", force_finite=True):
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    diff = yt - yp
    num = np.average((diff - np.average(diff, axis=0, weights=w)) ** 2, axis=0, weights=w)
    den = np.average((yt - np.average(yt, axis=0, weights=w)) ** 2, axis=0, weights=w)
    return _r2_like(num, den, mo, force_finite)
