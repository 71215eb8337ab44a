"""Losses of fastml's gradient boosting (Friedman 2001), scikit-learn's formulas.

Each loss works on raw predictions F of shape (n, K) (K = 1 except for the
multinomial loss) and gives: the negative gradient the trees are fitted to,
the leaf values after a tree is grown (a line search: Newton step for the
classification losses, a weighted quantile of the residuals in the leaf for
absolute error / quantile / Huber, the tree's own mean for squared error), the
loss value recorded in train_score_ (with scikit-learn's historical factors)
and the link from init-estimator predictions to raw scores.
"""
import numpy as np

__all__ = ["weighted_percentile", "make_loss", "sample_mask"]

_EPS = np.finfo(np.float64).eps


def weighted_percentile(a, w, q):
    """The smallest value of `a` whose cumulative weight reaches q% of the total
    ("inverted cdf"); NaN when every weight is zero."""
    a = np.asarray(a, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if not (w != 0).any():
        return np.nan
    order = np.argsort(a, kind="stable")
    cdf = np.cumsum(w[order])
    target = q / 100.0 * cdf[-1]
    if target == 0:
        target = np.nextafter(target, target + 1)
    i = min(int(np.searchsorted(cdf, target)), len(a) - 1)
    return float(a[order[i]])


def _safe_divide(num, den):
    if abs(den) < 1e-150:
        return 0.0
    return float(num) / float(den)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(F):
    e = np.exp(F - F.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _avg(v, w):
    return float(np.average(v, weights=w))


class _Loss:
    K = 1
    factor = 1.0          # train_score_ = factor * mean loss (scikit-learn's convention)
    newton = False

    def prepare_stage(self, y, F, w):
        """Per-stage state (Huber's delta)."""

    def __call__(self, y_true, raw_prediction, sample_weight=None):
        """Mean loss (without train_score_'s factor) of raw predictions."""
        F = np.asarray(raw_prediction, dtype=np.float64)
        F = F.reshape(len(F), -1)
        return _avg(self.pointwise(np.asarray(y_true, dtype=np.float64), F), sample_weight)

    def score(self, y, F, w):
        return self.factor * _avg(self.pointwise(y, F), w)

    def leaf_values(self, y, G, F, w, leaves, n_nodes, k):
        """New values for the leaves of tree k (rows with w > 0 only), or None to
        keep the tree's own values."""
        inb = w > 0
        out = np.zeros(n_nodes)
        if self.newton:
            num = np.bincount(leaves[inb], weights=(w * G[:, k])[inb], minlength=n_nodes)
            den = np.bincount(leaves[inb], weights=(w * self.hessian(y, G, k))[inb],
                              minlength=n_nodes)
            num = num * self.num_scale
            for leaf in np.unique(leaves[inb]):
                out[leaf] = _safe_divide(num[leaf], den[leaf])
            return out
        order = np.argsort(leaves[inb], kind="stable")
        idx = np.flatnonzero(inb)[order]
        bounds = np.flatnonzero(np.diff(leaves[idx])) + 1
        for grp in np.split(idx, bounds):
            if len(grp):
                out[leaves[grp[0]]] = self.intercept(y[grp] - F[grp, k], w[grp])
        return out


class SquaredError(_Loss):
    factor = 2.0

    def pointwise(self, y, F):
        return 0.5 * (y - F[:, 0]) ** 2

    def neg_gradient(self, y, F):
        return (y - F[:, 0])[:, None]

    def leaf_values(self, *args):
        return None

    def init_raw(self, y, w):
        return np.array([np.average(y, weights=w)])


class AbsoluteError(_Loss):
    def pointwise(self, y, F):
        return np.abs(y - F[:, 0])

    def neg_gradient(self, y, F):
        return np.where(F[:, 0] > y, -1.0, 1.0)[:, None]

    def intercept(self, r, w):
        return weighted_percentile(r, w, 50)

    def init_raw(self, y, w):
        return np.array([np.percentile(y, 50) if w is None else weighted_percentile(y, w, 50)])


class QuantileLoss(_Loss):
    def __init__(self, alpha):
        self.alpha = alpha

    def pointwise(self, y, F):
        u = y - F[:, 0]
        return np.where(u >= 0, self.alpha * u, (self.alpha - 1) * u)

    def neg_gradient(self, y, F):
        return np.where(y >= F[:, 0], self.alpha, self.alpha - 1)[:, None]

    def intercept(self, r, w):
        return weighted_percentile(r, w, 100 * self.alpha)

    def init_raw(self, y, w):
        q = 100 * self.alpha
        return np.array([np.percentile(y, q) if w is None else weighted_percentile(y, w, q)])


class HuberLoss(_Loss):
    def __init__(self, alpha):
        self.alpha = alpha
        self.delta = 1.0

    def prepare_stage(self, y, F, w):
        self.delta = float(weighted_percentile(np.abs(y - F[:, 0]), w, 100 * self.alpha))

    def pointwise(self, y, F):
        a = np.abs(y - F[:, 0])
        d = self.delta
        return np.where(a <= d, 0.5 * a * a, d * (a - 0.5 * d))

    def neg_gradient(self, y, F):
        u = y - F[:, 0]
        return np.where(np.abs(u) <= self.delta, u, self.delta * np.sign(u))[:, None]

    def intercept(self, r, w):
        med = weighted_percentile(r, w, 50)
        diff = r - med
        return med + _avg(np.sign(diff) * np.minimum(self.delta, np.abs(diff)), w)

    def init_raw(self, y, w):
        return np.array([np.percentile(y, 50) if w is None else weighted_percentile(y, w, 50)])


class BinomialLoss(_Loss):
    factor = 2.0
    newton = True
    num_scale = 1.0

    def pointwise(self, y, F):
        return np.logaddexp(0.0, F[:, 0]) - y * F[:, 0]

    def neg_gradient(self, y, F):
        return (y - _sigmoid(F[:, 0]))[:, None]

    def hessian(self, y, G, k):
        p = y - G[:, 0]
        return p * (1 - p)

    def link(self, proba):
        p = np.clip(proba[:, 1], _EPS, 1 - _EPS)
        return np.log(p / (1 - p))[:, None]

    def proba(self, F):
        p = _sigmoid(F[:, 0])
        return np.column_stack([1 - p, p])


class ExponentialLoss(BinomialLoss):
    factor = 1.0

    def pointwise(self, y, F):
        return y * np.exp(-F[:, 0]) + (1 - y) * np.exp(F[:, 0])

    def neg_gradient(self, y, F):
        return (y * np.exp(-F[:, 0]) - (1 - y) * np.exp(F[:, 0]))[:, None]

    def hessian(self, y, G, k):
        return np.where(y == 0, -G[:, 0], G[:, 0])

    def link(self, proba):
        return 0.5 * super().link(proba)

    def proba(self, F):
        return super().proba(2.0 * F)


class MultinomialLoss(_Loss):
    newton = True

    def __init__(self, K):
        self.K = K
        self.num_scale = (K - 1) / K

    def _onehot(self, y):
        return (y[:, None] == np.arange(self.K)).astype(np.float64)

    def pointwise(self, y, F):
        m = F.max(axis=1)
        lse = m + np.log(np.exp(F - m[:, None]).sum(axis=1))
        return lse - F[np.arange(len(y)), y.astype(np.intp)]

    def neg_gradient(self, y, F):
        return self._onehot(y) - _softmax(F)

    def hessian(self, y, G, k):
        p = (y == k).astype(np.float64) - G[:, k]
        return p * (1 - p)

    def link(self, proba):
        p = np.clip(proba, _EPS, 1 - _EPS)
        logp = np.log(p)
        return logp - logp.mean(axis=1, keepdims=True)

    def proba(self, F):
        return _softmax(F)


def make_loss(name, n_classes=0, alpha=0.9):
    if name == "squared_error":
        return SquaredError()
    if name == "absolute_error":
        return AbsoluteError()
    if name == "quantile":
        return QuantileLoss(alpha)
    if name == "huber":
        return HuberLoss(alpha)
    if name == "exponential":
        return ExponentialLoss()
    return BinomialLoss() if n_classes == 2 else MultinomialLoss(n_classes)


def _mask_py(u, n_inbag):
    n = len(u)
    out = np.zeros(n, dtype=bool)
    taken = 0
    for i in range(n):
        if u[i] * (n - i) < n_inbag - taken:
            out[i] = True
            taken += 1
    return out


_MASK_JIT = None


def sample_mask(n, n_inbag, rng):
    """Exactly n_inbag of n rows drawn without replacement by sequential
    selection sampling on rng.uniform(size=n) (scikit-learn's draw, so a seed
    gives the same subsample)."""
    global _MASK_JIT
    u = rng.uniform(size=n)
    if n < 2000:
        return _mask_py(u, n_inbag)
    if _MASK_JIT is None:
        try:
            import numba
            _MASK_JIT = numba.njit(cache=False)(_mask_py)
        except Exception:  # numba absent or failing: the Python loop
            _MASK_JIT = _mask_py
    return _MASK_JIT(u, n_inbag)
