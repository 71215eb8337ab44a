"""Naive Bayes classifiers: Gaussian, multinomial and Bernoulli.

All three compute a joint log-likelihood jll (n_samples, n_classes) with a
few BLAS products and normalise with log-sum-exp; predict is argmax jll.
Parameters and fitted attributes follow scikit-learn (var_smoothing,
alpha, force_alpha, fit_prior, class_prior, binarize; theta_, var_,
feature_log_prob_, class_log_prior_, ...). partial_fit updates the counts
(Gaussian: Chan et al.'s parallel mean/variance update).
"""
import numbers
import warnings

import numpy as np

from ._kernels import sparse as _ks
from .base import BaseEstimator, ClassifierMixin
from .utils._param_validation import Interval
from .utils._sparse import check_sparse, dense_required, is_sparse
from .utils.validation import (_check_sample_weight, check_classification_targets, check_X_y,
                               column_or_1d)

__all__ = ["GaussianNB", "MultinomialNB", "BernoulliNB"]


_BLOCK_BYTES = 1 << 19  # ~512 KiB of float64 per row block: block temporaries stay in cache
_LANES = 4  # fixed partial sums (block b -> lane b % _LANES): results do not depend on threads


def _blocks(X):
    """(row block starts, block rows) for X (n, p)."""
    bs = max(16, min(8192, _BLOCK_BYTES // (8 * max(1, X.shape[1]))))
    return list(range(0, X.shape[0], bs)), bs


def _over_lanes(fn, starts):
    """[fn(lane's block starts) for each lane], lanes in order; the lanes run on
    fastml's threads with a one-thread BLAS (NumPy releases the GIL in the block
    products), so every sum has the same order whatever the thread count."""
    from ._kernels import _threads
    from .utils._gram import blas_limit

    lanes = [starts[j::_LANES] for j in range(min(_LANES, len(starts)))]
    nthreads = min(max(1, int(_threads.current())), len(lanes))
    if nthreads <= 1:
        return [fn(s) for s in lanes]
    from concurrent.futures import ThreadPoolExecutor

    with blas_limit(1), ThreadPoolExecutor(nthreads) as pool:
        return list(pool.map(fn, lanes))


def _one_hot(idx, w, K):
    Y = np.zeros((idx.shape[0], K))
    Y[np.arange(idx.shape[0]), idx] = 1.0 if w is None else w
    return Y


def _class_moments(X, idx, sw, K):
    """(n_k, mu_k, ssd_k): per-class (weighted) counts (K,), means (K, p) and
    sums of squared deviations sum_i w_i (x_i - mu_k)^2 (K, p), in float64 by two
    passes over row blocks of X (one small one-hot product per block, no full-size
    temporary): the two-pass variance, as accurate as np.var per class."""
    starts, bs = _blocks(X)
    p = X.shape[1]
    n_k = np.bincount(idx, weights=sw, minlength=K).astype(np.float64)

    def sums(lane):
        S = np.zeros((K, p))
        for i in lane:
            Y = _one_hot(idx[i:i + bs], None if sw is None else sw[i:i + bs], K)
            S += Y.T @ np.asarray(X[i:i + bs], dtype=np.float64)
        return S

    mu = sum(_over_lanes(sums, starts)) / np.where(n_k > 0, n_k, 1)[:, None]

    def squares(lane):
        S = np.zeros((K, p))
        D = np.empty((bs, p))
        for i in lane:
            ib = idx[i:i + bs]
            d = D[:ib.shape[0]]
            np.subtract(X[i:i + bs], mu[ib], out=d)
            np.multiply(d, d, out=d)
            S += _one_hot(ib, None if sw is None else sw[i:i + bs], K).T @ d
        return S

    return n_k, mu, sum(_over_lanes(squares, starts))


def _total_variance(n_k, mu, ssd):
    """np.var(X, axis=0) from unweighted class moments (the law of total variance)."""
    n = n_k.sum()
    m = (n_k @ mu) / n
    return (ssd.sum(axis=0) + n_k @ (mu - m) ** 2) / n


def _logsumexp(a):
    m = a.max(axis=1, keepdims=True)
    return (np.log(np.exp(a - m).sum(axis=1, keepdims=True)) + m)[:, 0]


class _BaseNB(ClassifierMixin, BaseEstimator):
    _accepts_sparse = False  # multinomial and Bernoulli take scipy.sparse CSR/CSC counts

    def _jll(self, X):
        raise NotImplementedError

    def _validate_nb(self, X, y="no_validation", reset=True):
        """_validate_data, with sparse X kept sparse (CSR) where the model
        accepts it and scikit-learn's TypeError where it does not."""
        if not is_sparse(X):
            return self._validate_data(X, reset=reset) if isinstance(y, str) else \
                self._validate_data(X, y, reset=reset)
        if not self._accepts_sparse:
            raise dense_required()
        X = check_sparse(X, accept=("csr",))
        self._check_n_features(X, reset=reset)
        if isinstance(y, str):
            return X
        _, y = check_X_y(np.zeros((X.shape[0], 1)), y)
        return X, column_or_1d(y)

    def _check_X(self, X):
        self._check_is_fitted()
        return self._validate_nb(X, reset=False)

    def predict_joint_log_proba(self, X):
        return self._jll(self._check_X(X))

    def _jll_or_prior(self, X):
        """The joint log likelihood; a row impossible under every class (all
        -inf: alpha=0 or zero variances) gets the class log-priors instead, so
        predictions follow the priors rather than 0/0 = NaN."""
        jll = self._jll(self._check_X(X))
        dead = np.isneginf(jll).all(axis=1)
        if dead.any():
            with np.errstate(divide="ignore"):
                jll[dead] = self.class_log_prior_ if hasattr(self, "class_log_prior_") \
                    else np.log(self.class_prior_)
        return jll

    def predict_log_proba(self, X):
        jll = self._jll_or_prior(X)
        return jll - _logsumexp(jll)[:, None]

    def predict_proba(self, X):
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        jll = self._jll_or_prior(X)  # checks fitted first
        return self.classes_[np.argmax(jll, axis=1)]

    def _start_idx(self, X, y, classes, first, sample_weight):
        """(X, class index per row, sample weights or None) after validation."""
        self._validate_params()
        X, y = self._validate_nb(X, y, reset=first)
        check_classification_targets(y)
        if first:
            cls = np.unique(y) if classes is None else np.unique(np.asarray(classes))
            self.classes_ = cls
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"`classes={classes!r}` is not the same as on last call to "
                             f"partial_fit, was: {self.classes_!r}")
        idx = np.searchsorted(self.classes_, y)
        if (idx >= len(self.classes_)).any() or not np.array_equal(
                self.classes_[np.minimum(idx, len(self.classes_) - 1)], y):
            raise ValueError(f"The target label(s) {np.setdiff1d(y, self.classes_)} in y do not "
                             f"exist in the initial classes {self.classes_}")
        sw = _check_sample_weight(sample_weight, X.shape[0])
        return X, idx, sw


class GaussianNB(_BaseNB):
    """Gaussian naive Bayes: per-class feature means theta_ and variances var_
    (+ var_smoothing * the largest feature variance, for stability).

    A variance that stays 0 (every feature constant, or var_smoothing=0) is a
    point mass: a value equal to the class mean costs nothing and any other
    makes the class impossible; a sample impossible under every class gets the
    class priors from predict_proba (scikit-learn returns NaN there)."""

    _parameter_constraints = {
        "priors": ["array-like", None],
        # finite: var_smoothing=inf makes every variance, and prediction, NaN
        "var_smoothing": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def fit(self, X, y, sample_weight=None):
        for a in ("theta_", "classes_"):
            if hasattr(self, a):
                delattr(self, a)
        return self._partial(X, y, None, sample_weight, first=True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        first = not hasattr(self, "theta_")
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._partial(X, y, classes, sample_weight, first)

    def _partial(self, X, y, classes, sample_weight, first):
        X, idx, sw = self._start_idx(X, y, classes, first, sample_weight)
        K, p = len(self.classes_), X.shape[1]
        n_new, mu_new, ssd_new = _class_moments(X, idx, sw, K)
        # two-pass variance per class: sum w (x - mu)^2 / n
        var_new = ssd_new / np.where(n_new > 0, n_new, 1)[:, None]
        var_new[n_new == 0] = 0.0
        var_all = _total_variance(n_new, mu_new, ssd_new) if sw is None else \
            _total_variance(*_class_moments(X, idx, None, K))
        eps = self.var_smoothing * var_all.max()
        # like scikit-learn, epsilon_ comes from the current batch and is both
        # removed from and re-added to the stored variances (batch-wise smoothing)
        self.epsilon_ = eps
        if first:
            self.theta_ = np.zeros((K, p))
            self.var_ = np.zeros((K, p))
            self.class_count_ = np.zeros(K)
        else:
            self.var_ = self.var_.astype(np.float64) - self.epsilon_
        n_old = self.class_count_
        tot = n_old + n_new
        has = tot > 0
        safe = np.where(has, tot, 1)[:, None]
        mu = (n_old[:, None] * self.theta_ + n_new[:, None] * mu_new) / safe
        ssd = (n_old[:, None] * self.var_ + n_new[:, None] * var_new +
               (n_old * n_new / np.where(has, tot, 1))[:, None] * (self.theta_ - mu_new) ** 2)
        self.theta_ = np.where(has[:, None], mu, self.theta_)
        self.var_ = np.where(has[:, None], ssd / safe, self.var_) + self.epsilon_
        self.class_count_ = tot
        if self.priors is not None:
            pri = np.asarray(self.priors, dtype=np.float64)
            if pri.shape != (K,):
                raise ValueError("Number of priors must match number of classes.")
            if not np.isclose(pri.sum(), 1.0):
                raise ValueError("The sum of the priors should be 1.")
            if (pri < 0).any():
                raise ValueError("Priors must be non-negative (all priors >= 0).")
            self.class_prior_ = pri
        else:
            self.class_prior_ = tot / tot.sum()
        # dtype in = dtype out (as scikit-learn): float32 X keeps float32 statistics;
        # the update above runs in float64 whatever the stored dtype
        out = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        self.theta_ = self.theta_.astype(out, copy=False)
        self.var_ = self.var_.astype(out, copy=False)
        self.class_prior_ = self.class_prior_.astype(out, copy=False)
        return self

    def _jll(self, X):
        with np.errstate(divide="ignore"):
            logp = np.log(self.class_prior_)
        if not (self.var_ > 0).all():
            return self._jll_point_mass(np.asarray(X, dtype=np.float64), logp)
        iv = 1.0 / self.var_
        const = logp - 0.5 * np.log(2 * np.pi * self.var_).sum(axis=1) \
            - 0.5 * (self.theta_ ** 2 * iv).sum(axis=1)
        # -0.5 sum (x - mu)^2 / var expanded into two small BLAS products per row
        # block (the squares of a block stay in cache)
        A, B = -0.5 * iv.T, (self.theta_ * iv).T
        out = np.empty((X.shape[0], len(self.classes_)))
        starts, bs = _blocks(X)

        def lane(lane_starts):
            sq = np.empty((bs, X.shape[1]))
            for i in lane_starts:
                Xb = np.asarray(X[i:i + bs], dtype=np.float64)
                s = sq[:Xb.shape[0]]
                np.multiply(Xb, Xb, out=s)
                o = out[i:i + bs]
                np.matmul(s, A, out=o)
                o += Xb @ B
                o += const

        _over_lanes(lane, starts)
        return out

    def _jll_point_mass(self, X, logp):
        """Zero variances (constant features with var_smoothing's epsilon_ = 0):
        the direct form sum (x - mu)^2 / var per class with var at least the
        smallest positive float, so a value equal to the mean costs 0 and any
        other rules the class out (-inf), never inf - inf = NaN."""
        var = np.maximum(self.var_, np.finfo(np.float64).tiny)
        out = np.empty((X.shape[0], len(self.classes_)))
        with np.errstate(over="ignore", divide="ignore"):
            for c in range(len(self.classes_)):
                out[:, c] = logp[c] - 0.5 * np.log(2 * np.pi * var[c]).sum() \
                    - 0.5 * ((X - self.theta_[c]) ** 2 / var[c]).sum(axis=1)
        return out


class _DiscreteNB(_BaseNB):
    _accepts_sparse = True
    _parameter_constraints = {
        # finite and >= 0 (an array: one value per feature, checked in _alpha);
        # alpha = nan, inf or None made every prediction NaN
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "force_alpha": ["boolean"],
        "fit_prior": ["boolean"],
        "class_prior": ["array-like", None],
    }

    def fit(self, X, y, sample_weight=None):
        for a in ("feature_count_", "classes_"):
            if hasattr(self, a):
                delattr(self, a)
        return self._partial(X, y, None, sample_weight, True)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        first = not hasattr(self, "feature_count_")
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._partial(X, y, classes, sample_weight, first)

    def _alpha(self):
        a = np.asarray(self.alpha, dtype=np.float64)
        if a.ndim > 1 or (a.ndim == 1 and a.shape[0] != self.n_features_in_):
            raise ValueError("When alpha is an array, it should contain `n_features` elements.")
        if not np.isfinite(a).all() or (a < 0).any():
            raise ValueError("All values in alpha must be greater than 0 or equal to 0 (and "
                             f"finite), got {self.alpha!r}.")
        if not self.force_alpha and a.min() < 1e-10:
            warnings.warn("alpha too small will result in numeric errors, setting alpha = "
                          "1.0e-10. Use `force_alpha=True` to keep alpha unchanged.",
                          UserWarning, stacklevel=4)
            a = np.maximum(a, 1e-10)
        return a

    def _partial(self, X, y, classes, sample_weight, first):
        X, idx, sw = self._start_idx(X, y, classes, first, sample_weight)
        K = len(self.classes_)
        Xd = self._transform_X(X)
        if first:
            self.feature_count_ = np.zeros((K, Xd.shape[1]))
            self.class_count_ = np.zeros(K)
        if is_sparse(Xd):  # one pass over the stored entries (csrc/sparse.c)
            self.feature_count_ += _ks.class_sums(Xd, idx, K, sw)
            self.class_count_ += np.bincount(idx, weights=sw, minlength=K)
        else:
            Y = np.zeros((Xd.shape[0], K))
            Y[np.arange(Xd.shape[0]), idx] = 1.0 if sw is None else sw
            self.feature_count_ += Y.T @ Xd
            self.class_count_ += Y.sum(axis=0)
        self._update_feature_log_prob(self._alpha())
        self._update_class_log_prior()
        return self

    def _update_class_log_prior(self):
        K = len(self.classes_)
        if self.class_prior is not None:
            pri = np.asarray(self.class_prior, dtype=np.float64)
            if pri.shape != (K,):
                raise ValueError("Number of priors must match number of classes.")
            self.class_log_prior_ = np.log(pri)
        elif self.fit_prior:
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(self.class_count_) - np.log(
                    self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(K, -np.log(K))


class MultinomialNB(_DiscreteNB):
    """Multinomial naive Bayes for counts (e.g. word counts); X must be >= 0.

    With alpha=0 a feature never counted in a class has probability 0: the
    joint log likelihood keeps 0 * log 0 = 0 (-inf only when the sample counts
    that feature), and a sample impossible under every class gets the class
    priors from predict_proba (scikit-learn returns NaN for both cases).
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _transform_X(self, X):
        if is_sparse(X):
            if X.nnz and X.data.min() < 0:
                raise ValueError("Negative values in data passed to MultinomialNB (input X).")
            return X
        X = np.asarray(X, dtype=np.float64)
        if (X < 0).any():
            raise ValueError("Negative values in data passed to MultinomialNB (input X).")
        return X

    def _update_feature_log_prob(self, alpha):
        fc = self.feature_count_ + alpha
        tot = fc.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            flp = np.log(fc) - np.log(tot)
        # alpha=0 and a class without counts: 0/0, taken as its limit for
        # alpha -> 0, the uniform distribution over the features
        self.feature_log_prob_ = np.where(tot > 0, flp, -np.log(fc.shape[1]))

    def _jll(self, X):
        X = self._transform_X(X)
        if is_sparse(X):  # X @ log-probabilities^T by the CSR kernel, in float64
            X = X.astype(np.float64, copy=False)
            mul = lambda A: _ks.csr_dense(X, A)  # noqa: E731
        else:
            mul = lambda A: X @ A  # noqa: E731
        lp = self.feature_log_prob_
        bad = np.isneginf(lp)
        if not bad.any():
            return mul(lp.T) + self.class_log_prior_
        # alpha=0: a feature never seen in a class has log-probability -inf; a
        # zero count keeps 0 * log 0 = 0, a positive count makes the class
        # impossible (-inf), never 0 * -inf = NaN
        jll = mul(np.where(bad, 0.0, lp).T)
        jll[mul(bad.T.astype(np.float64)) > 0] = -np.inf
        return jll + self.class_log_prior_

    def _fastml_tags(self):
        return {"positive_only": True, "poor_score": True, "sparse": True}


class BernoulliNB(_DiscreteNB):
    """Bernoulli naive Bayes for binary features (X binarised at `binarize`
    unless binarize is None).

    binarize=None means X is already binary, as in scikit-learn; fastml then
    requires its values to lie in [0, 1] (a count above 1 would give feature
    probabilities above 1, and NaN predictions) and raises otherwise.

    With alpha=0 a feature probability can be exactly 0 or 1: the joint log
    likelihood then uses 0 * log 0 = 0 (-inf only for a class under which the
    sample is impossible), and a sample impossible under every class gets the
    class priors from predict_proba / predict_log_proba (scikit-learn returns
    NaN for both cases).
    """

    _parameter_constraints = {**_DiscreteNB._parameter_constraints,
                              "binarize": [None, Interval(numbers.Real, None, None,
                                                          closed="neither")]}

    def __init__(self, *, alpha=1.0, force_alpha=True, binarize=0.0, fit_prior=True,
                 class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _transform_X(self, X):
        if is_sparse(X):
            return self._transform_sparse(X)
        X = np.asarray(X, dtype=np.float64)
        if self.binarize is not None:
            return (X > self.binarize).astype(np.float64)
        if X.size and (X.min() < 0 or X.max() > 1):
            raise ValueError("BernoulliNB(binarize=None) expects binary X with values in "
                             f"[0, 1]; got values in [{X.min():g}, {X.max():g}]. Set binarize "
                             "to a threshold to binarise X.")
        return X

    def _transform_sparse(self, X):
        """Sparse X binarised on its stored entries (zeros stay zero, so the
        threshold must be >= 0, as in scikit-learn), float64 values."""
        if self.binarize is not None:
            if self.binarize < 0:
                raise ValueError("Cannot binarize a sparse matrix with threshold < 0")
            X = X.copy()
            X.data = (X.data > self.binarize).astype(np.float64)
            return X
        if X.nnz and (X.data.min() < 0 or X.data.max() > 1):
            raise ValueError("BernoulliNB(binarize=None) expects binary X with values in "
                             f"[0, 1]; got values in [{min(X.data.min(), 0):g}, "
                             f"{max(X.data.max(), 0):g}]. Set binarize to a threshold to "
                             "binarise X.")
        return X.astype(np.float64, copy=False)

    def _update_feature_log_prob(self, alpha):
        num = self.feature_count_ + alpha
        den = self.class_count_ + 2 * alpha if np.ndim(alpha) == 0 else \
            self.class_count_[:, None] + 2 * alpha
        den = den[:, None] if np.ndim(den) == 1 else den
        with np.errstate(divide="ignore", invalid="ignore"):
            flp = np.log(num) - np.log(den)
        # alpha=0 and a class of zero total weight: 0/0, taken as its limit for
        # alpha -> 0, probability 1/2
        self.feature_log_prob_ = np.where(den > 0, flp, np.log(0.5))

    def _fastml_tags(self):
        return {"poor_score": True, "sparse": True}

    def _jll(self, X):
        X = self._transform_X(X)
        if X.shape[1] != self.feature_log_prob_.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features, expected "
                             f"{self.feature_log_prob_.shape[1]}.")
        lp = self.feature_log_prob_
        with np.errstate(divide="ignore"):
            neg = np.log(1 - np.exp(lp))
        bad_p, bad_n = np.isneginf(lp), np.isneginf(neg)
        if not (bad_p.any() or bad_n.any()):
            W = (lp - neg).T
            XW = _ks.csr_dense(X, W) if is_sparse(X) else X @ W
            return XW + neg.sum(axis=1) + self.class_log_prior_
        # alpha=0: a probability of 0 or 1 gives log 0 = -inf; the sum keeps
        # 0 * log 0 = 0 and is -inf exactly when an observed value has
        # probability 0 (never inf - inf = NaN)
        lp, neg = np.where(bad_p, 0.0, lp), np.where(bad_n, 0.0, neg)
        mul = (lambda A: _ks.csr_dense(X, A)) if is_sparse(X) else (lambda A: X @ A)
        jll = mul((lp - neg).T) + neg.sum(axis=1)
        hits = mul((bad_p.astype(np.float64) - bad_n).T) + bad_n.sum(axis=1)
        jll[hits > 0] = -np.inf
        return jll + self.class_log_prior_
