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
    """Mean squared error: the (weighted) mean of (y_true - y_pred) ** 2.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (n_outputs,)
        How the outputs' values are combined: one value per output, their
        mean, or a weighted mean.

    Returns
    -------
    float, or ndarray of shape (n_outputs,) with multioutput="raw_values".

    Examples
    --------
    >>> from fastml.metrics import mean_squared_error
    >>> mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.375
    """
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    return _aggregate(np.average((yt - yp) ** 2, axis=0, weights=w), mo)


def root_mean_squared_error(y_true, y_pred, *, sample_weight=None,
                            multioutput="uniform_average"):
    """Root mean squared error: sqrt of the (weighted) mean of
    (y_true - y_pred) ** 2 (per output, then combined).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (n_outputs,)
        How the outputs' values are combined: one value per output, their
        mean, or a weighted mean.

    Returns
    -------
    float, or ndarray of shape (n_outputs,) with multioutput="raw_values".

    Examples
    --------
    >>> from fastml.metrics import root_mean_squared_error
    >>> root_mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.612...
    """
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    return _aggregate(np.sqrt(np.average((yt - yp) ** 2, axis=0, weights=w)), mo)


def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean absolute error: the (weighted) mean of |y_true - y_pred|.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (n_outputs,)
        How the outputs' values are combined: one value per output, their
        mean, or a weighted mean.

    Returns
    -------
    float, or ndarray of shape (n_outputs,) with multioutput="raw_values".

    Examples
    --------
    >>> from fastml.metrics import mean_absolute_error
    >>> mean_absolute_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.5
    """
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
    """Explained variance: 1 - Var(y_true - y_pred) / Var(y_true) (1 is best;
    unlike r2_score it ignores a constant offset of the predictions).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : array-like of shape (n_samples,), optional
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (n_outputs,)
        How the outputs' values are combined: one value per output, their
        mean, or a weighted mean ("variance_weighted": weighted by each
        output's variance).
    force_finite : bool, default True
        Constant y_true gives 1.0 (perfect predictions) or 0.0 instead of
        nan / -inf.

    Returns
    -------
    float, or ndarray of shape (n_outputs,) with multioutput="raw_values".

    Examples
    --------
    >>> from fastml.metrics import explained_variance_score
    >>> round(explained_variance_score([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]), 4)
    0.9572
    """
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    diff = yt - yp
    num = np.average((diff - np.average(diff, axis=0, weights=w)) ** 2, axis=0, weights=w)
    den = np.average((yt - np.average(yt, axis=0, weights=w)) ** 2, axis=0, weights=w)
    return _r2_like(num, den, mo, force_finite)


__all__ += ["mean_absolute_percentage_error", "mean_squared_log_error",
            "root_mean_squared_log_error", "median_absolute_error", "max_error",
            "mean_tweedie_deviance", "mean_poisson_deviance", "mean_gamma_deviance",
            "d2_absolute_error_score"]


def mean_absolute_percentage_error(y_true, y_pred, *, sample_weight=None,
                                   multioutput="uniform_average"):
    """Mean of |y_true - y_pred| / max(|y_true|, eps) (a relative error, not in
    percent; eps = float64 machine epsilon guards y_true == 0)."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    eps = np.finfo(np.float64).eps
    return _aggregate(np.average(np.abs(yp - yt) / np.maximum(np.abs(yt), eps), axis=0,
                                 weights=w), mo)


def _check_log_targets(yt, yp, name):
    if (yt <= -1).any() or (yp <= -1).any():
        raise ValueError(f"{name} cannot be used when targets contain values less than or "
                         "equal to -1.")


def mean_squared_log_error(y_true, y_pred, *, sample_weight=None,
                           multioutput="uniform_average"):
    """Mean of (log1p(y_true) - log1p(y_pred))^2; targets must be > -1."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    _check_log_targets(yt, yp, "Mean Squared Logarithmic Error")
    return _aggregate(np.average((np.log1p(yt) - np.log1p(yp)) ** 2, axis=0, weights=w), mo)


def root_mean_squared_log_error(y_true, y_pred, *, sample_weight=None,
                                multioutput="uniform_average"):
    """Square root of mean_squared_log_error (per output)."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    _check_log_targets(yt, yp, "Root Mean Squared Logarithmic Error")
    return _aggregate(np.sqrt(np.average((np.log1p(yt) - np.log1p(yp)) ** 2, axis=0,
                                         weights=w)), mo)


def _weighted_median(values, weights):
    """Column-wise weighted median, the 'averaged inverted CDF' rule: when the
    cumulative weight lands exactly on half, the mean of that value and the next
    one (equal to np.median for unit weights)."""
    out = np.empty(values.shape[1])
    for j in range(values.shape[1]):
        keep = weights > 0
        v, w = values[keep, j], weights[keep]
        order = np.argsort(v, kind="stable")
        v, cw = v[order], np.cumsum(w[order])
        half = 0.5 * cw[-1]
        i = int(np.searchsorted(cw, half - 1e-12 * cw[-1], side="left"))
        i = min(i, len(v) - 1)
        if abs(cw[i] - half) <= 1e-12 * cw[-1] and i + 1 < len(v):
            out[j] = 0.5 * (v[i] + v[i + 1])
        else:
            out[j] = v[i]
    return out


def median_absolute_error(y_true, y_pred, *, multioutput="uniform_average",
                          sample_weight=None):
    """Median of |y_true - y_pred| (weighted median with sample_weight)."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    err = np.abs(yp - yt)
    med = np.median(err, axis=0) if w is None else _weighted_median(err, w)
    return _aggregate(med, mo)


def max_error(y_true, y_pred):
    """Largest absolute residual (single-output targets only)."""
    yt, yp, _, _ = _check_reg_targets(y_true, y_pred, None, "uniform_average")
    if yt.shape[1] != 1:
        raise ValueError("Multioutput not supported in max_error")
    return float(np.max(np.abs(yt - yp)))


def _tweedie_unit_deviance(yt, yp, power):
    if power < 0:
        return 2 * (np.power(np.maximum(yt, 0), 2 - power) / ((1 - power) * (2 - power))
                    - yt * np.power(yp, 1 - power) / (1 - power)
                    + np.power(yp, 2 - power) / (2 - power))
    if power == 0:
        return (yt - yp) ** 2
    if power == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(yt > 0, yt * np.log(yt / yp), 0.0)
        return 2 * (term - yt + yp)
    if power == 2:
        return 2 * (np.log(yp / yt) + yt / yp - 1)
    return 2 * (np.power(yt, 2 - power) / ((1 - power) * (2 - power))
                - yt * np.power(yp, 1 - power) / (1 - power)
                + np.power(yp, 2 - power) / (2 - power))


def mean_tweedie_deviance(y_true, y_pred, *, sample_weight=None, power=0):
    """Mean Tweedie deviance of power `power` (0 normal, 1 Poisson, 2 gamma;
    (0, 1) is not a valid power). Domain checks as scikit-learn."""
    yt, yp, w, _ = _check_reg_targets(y_true, y_pred, sample_weight, "uniform_average")
    if yt.shape[1] != 1:
        raise ValueError("Multioutput not supported in mean_tweedie_deviance")
    if 0 < power < 1:
        raise ValueError(f"Tweedie deviance is only defined for power<=0 and power>=1, got "
                         f"power={power}.")
    message = f"Mean Tweedie deviance error with power={power} can only be used on "
    if power < 0:
        if (yp <= 0).any():
            raise ValueError(message + "strictly positive y_pred.")
    elif 1 <= power < 2:
        if (yt < 0).any() or (yp <= 0).any():
            raise ValueError(message + "non-negative y and strictly positive y_pred.")
    elif power >= 2:
        if (yt <= 0).any() or (yp <= 0).any():
            raise ValueError(message + "strictly positive y and y_pred.")
    dev = _tweedie_unit_deviance(yt[:, 0], yp[:, 0], power)
    return float(np.average(dev, weights=w))


def mean_poisson_deviance(y_true, y_pred, *, sample_weight=None):
    """Mean Poisson deviance, 2 (y log(y / mu) - y + mu) averaged (the
    mean_tweedie_deviance with power=1); y_true >= 0, y_pred > 0.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> from fastml.metrics import mean_poisson_deviance
    >>> round(mean_poisson_deviance([2, 0, 1, 4], [0.5, 0.5, 2.0, 2.0]), 4)
    1.426
    """
    return mean_tweedie_deviance(y_true, y_pred, sample_weight=sample_weight, power=1)


def mean_gamma_deviance(y_true, y_pred, *, sample_weight=None):
    """Mean Gamma deviance, 2 (log(mu / y) + y / mu - 1) averaged (the
    mean_tweedie_deviance with power=2); y_true > 0, y_pred > 0.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> from fastml.metrics import mean_gamma_deviance
    >>> round(mean_gamma_deviance([2, 0.5, 1, 4], [0.5, 0.5, 2, 2.0]), 4)
    1.0569
    """
    return mean_tweedie_deviance(y_true, y_pred, sample_weight=sample_weight, power=2)


def d2_absolute_error_score(y_true, y_pred, *, sample_weight=None,
                            multioutput="uniform_average"):
    """1 - sum|y - y_pred| / sum|y - median(y)| (weighted), per output; a
    constant y_true scores 1.0 if predicted exactly, else 0.0."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    if len(yt) < 2:
        warnings.warn("D^2 score is not well-defined with less than two samples.",
                      _interop_class(UndefinedMetricWarning), stacklevel=2)
        return float("nan")
    ww = np.ones(len(yt)) if w is None else w
    med = np.median(yt, axis=0) if w is None else _weighted_median(yt, ww)
    num = ww @ np.abs(yt - yp)
    den = ww @ np.abs(yt - med)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 1.0 - num / den
    score = np.where(den != 0, score, np.where(num != 0, 0.0, 1.0))
    if isinstance(mo, str) and mo == "variance_weighted":
        mo = "uniform_average"
    return _aggregate(score, mo)


__all__ += ["mean_pinball_loss", "d2_pinball_score", "d2_tweedie_score"]


def mean_pinball_loss(y_true, y_pred, *, sample_weight=None, alpha=0.5,
                      multioutput="uniform_average"):
    """Mean quantile (pinball) loss alpha * max(y - q, 0) + (1 - alpha) *
    max(q - y, 0) of the predicted quantile q."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}.")
    diff = yt - yp
    loss = alpha * np.maximum(diff, 0) + (1 - alpha) * np.maximum(-diff, 0)
    return _aggregate(np.average(loss, axis=0, weights=w), mo)


def _weighted_quantile(values, weights, alpha):
    """Column-wise weighted quantile with the averaged inverted-CDF rule (the
    mean of two values when the cumulative weight lands exactly on alpha)."""
    out = np.empty(values.shape[1])
    for j in range(values.shape[1]):
        keep = weights > 0
        v, w = values[keep, j], weights[keep]
        order = np.argsort(v, kind="stable")
        v, cw = v[order], np.cumsum(w[order])
        target = alpha * cw[-1]
        tol = 1e-12 * cw[-1]
        i = min(int(np.searchsorted(cw, target - tol, side="left")), len(v) - 1)
        if abs(cw[i] - target) <= tol and i + 1 < len(v):
            out[j] = 0.5 * (v[i] + v[i + 1])
        else:
            out[j] = v[i]
    return out


def d2_pinball_score(y_true, y_pred, *, sample_weight=None, alpha=0.5,
                     multioutput="uniform_average"):
    """1 - pinball(y, y_pred) / pinball(y, the alpha-quantile of y), per output;
    a constant y_true scores 1.0 if predicted exactly, else 0.0."""
    yt, yp, w, mo = _check_reg_targets(y_true, y_pred, sample_weight, multioutput)
    if len(yt) < 2:
        warnings.warn("D^2 score is not well-defined with less than two samples.",
                      _interop_class(UndefinedMetricWarning), stacklevel=2)
        return float("nan")
    ww = np.ones(len(yt)) if w is None else w
    q = _weighted_quantile(yt, ww, alpha)
    num = mean_pinball_loss(yt, yp, sample_weight=w, alpha=alpha, multioutput="raw_values")
    den = mean_pinball_loss(yt, np.tile(q, (len(yt), 1)), sample_weight=w, alpha=alpha,
                            multioutput="raw_values")
    num, den = np.atleast_1d(num), np.atleast_1d(den)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 1.0 - num / den
    score = np.where(den != 0, score, np.where(num != 0, 0.0, 1.0))
    if isinstance(mo, str) and mo == "variance_weighted":
        mo = "uniform_average"
    return _aggregate(score, mo)


def d2_tweedie_score(y_true, y_pred, *, sample_weight=None, power=0):
    """1 - deviance(y, y_pred) / deviance(y, weighted mean of y) for the
    Tweedie deviance of `power` (power=0: r2_score)."""
    yt, yp, w, _ = _check_reg_targets(y_true, y_pred, sample_weight, "uniform_average")
    if yt.shape[1] != 1:
        raise ValueError("Multioutput not supported in d2_tweedie_score")
    if len(yt) < 2:
        warnings.warn("D^2 score is not well-defined with less than two samples.",
                      _interop_class(UndefinedMetricWarning), stacklevel=2)
        return float("nan")
    num = mean_tweedie_deviance(yt[:, 0], yp[:, 0], sample_weight=w, power=power)
    mean = np.average(yt[:, 0], weights=w)
    den = mean_tweedie_deviance(yt[:, 0], np.full(len(yt), mean), sample_weight=w,
                                power=power)
    return float(1 - num / den)
