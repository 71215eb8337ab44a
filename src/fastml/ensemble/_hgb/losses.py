"""Losses of histogram gradient boosting: baseline, value, link, leaf update.

Values are scikit-learn's "half" losses without constant terms (the numbers
in train_score_ / validation_score_ with scoring="loss" are their negated
weighted means). Gradients and hessians come from the compiled engine
(fastml._kernels.hgb.gradients).
"""
import numpy as np

EPS = np.finfo(np.float64).eps


def _wavg(v, w):
    return float(np.average(v, weights=w))


def weighted_percentile(a, w, q):
    """The q-th percentile (0..100) of a: np.percentile's linear interpolation
    without weights; with weights the lower weighted percentile (the first
    sorted value whose cumulative weight reaches q% of the total)."""
    if w is None:
        return float(np.percentile(a, q))
    order = np.argsort(a, kind="stable")
    a, cw = a[order], np.cumsum(w[order])
    i = int(np.searchsorted(cw, q / 100.0 * cw[-1], side="left"))
    return float(a[min(i, a.size - 1)])


def baseline(loss, y, w, n_classes=1, quantile=0.5):
    """The constant raw prediction minimising the loss: (K,) float64."""
    if loss == "squared_error":
        return np.array([_wavg(y, w)])
    if loss == "absolute_error":
        return np.array([weighted_percentile(y, w, 50)])
    if loss == "quantile":
        return np.array([weighted_percentile(y, w, 100 * quantile)])
    if loss in ("gamma", "poisson"):
        return np.array([np.log(max(_wavg(y, w), EPS))])
    if loss == "log_loss_binary":
        p = np.clip(_wavg(y, w), EPS, 1 - EPS)
        return np.array([np.log(p / (1 - p))])
    p = np.array([_wavg(y == k, w) for k in range(n_classes)])
    lp = np.log(np.clip(p, EPS, 1 - EPS))
    return lp - lp.mean()


def value(loss, y, raw, w, quantile=0.5):
    """Weighted mean loss at raw predictions raw (n, K)."""
    if loss == "squared_error":
        v = 0.5 * (y - raw[:, 0]) ** 2
    elif loss == "absolute_error":
        v = np.abs(y - raw[:, 0])
    elif loss == "quantile":
        r = y - raw[:, 0]
        v = np.where(r >= 0, quantile * r, (quantile - 1) * r)
    elif loss == "gamma":
        v = raw[:, 0] + y * np.exp(-raw[:, 0])
    elif loss == "poisson":
        v = np.exp(raw[:, 0]) - y * raw[:, 0]
    elif loss == "log_loss_binary":
        z = raw[:, 0]
        v = np.logaddexp(0, z) - y * z
    else:
        mx = raw.max(axis=1)
        lse = mx + np.log(np.exp(raw - mx[:, None]).sum(axis=1))
        v = lse - raw[np.arange(raw.shape[0]), y.astype(np.intp)]
    return _wavg(v, w)


def inverse_link(loss, raw):
    """Predictions (regression) or probabilities (classification) from raw (n, K)."""
    if loss in ("gamma", "poisson"):
        return np.exp(raw[:, 0])
    if loss == "log_loss_binary":
        p = 0.5 * (1.0 + np.tanh(0.5 * raw[:, 0]))
        return np.column_stack([1 - p, p])
    if loss == "log_loss_multinomial":
        e = np.exp(raw - raw.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return raw[:, 0]


def needs_leaf_update(loss):
    return loss in ("absolute_error", "quantile")


def leaf_update(loss, values, starts, counts, rows, residual, w, quantile):
    """New leaf values for a non-smooth loss: the weighted median / quantile of
    the residuals y - raw of each leaf's rows (before shrinkage)."""
    q = 50.0 if loss == "absolute_error" else 100.0 * quantile
    out = values.copy()
    for i, (s, c) in enumerate(zip(starts, counts)):
        idx = rows[s:s + c]
        if c:
            out[i] = weighted_percentile(residual[idx], None if w is None else w[idx], q)
    return out
