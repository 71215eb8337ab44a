"""Gradient boosting with fastml regression trees (Friedman 2001).

Trees split on squared error (criterion "friedman_mse" is accepted and
treated as "squared_error"); init, early stopping (n_iter_no_change),
warm_start and ccp_alpha are not implemented and raise.

Regressor: squared-error loss, each tree fits the residuals y - F.
Classifier: log loss; binary (one tree per round on y - sigmoid(F)) or
multinomial (K trees per round on y_k - softmax_k(F)); leaf values are then
replaced by one Newton step, sum(w r) / sum(w p (1 - p)) (times (K-1)/K for K
classes), as scikit-learn does. X is prepared once per fit for the exact
splitter (float32, feature-major).
"""
import numbers

import numpy as np

from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..tree import DecisionTreeRegressor
from ..tree._classes import TREE_CONSTRAINTS, _encode_classes, _seed_from, prepare
from ..utils._param_validation import HasMethods, Interval, StrOptions
from ..utils.validation import _check_sample_weight, check_is_fitted, check_random_state

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _softmax(F):
    e = np.exp(F - F.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class BaseGB(BaseEstimator):

    _parameter_constraints = {
        **TREE_CONSTRAINTS,
        # finite and > 0: learning_rate=inf (or nan) makes every prediction NaN
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "subsample": [Interval(numbers.Real, 0, 1, closed="right")],
        "criterion": [StrOptions({"friedman_mse", "squared_error"})],
        "init": [StrOptions({"zero"}), None, HasMethods(["fit", "predict"])],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def _check_unsupported(self):
        """Valid scikit-learn values fastml's boosting does not implement."""
        unsupported = {"init": (self.init, None), "n_iter_no_change": (self.n_iter_no_change,
                                                                       None),
                       "warm_start": (self.warm_start, False),
                       "ccp_alpha": (self.ccp_alpha, 0.0)}
        for name, (value, default) in unsupported.items():
            if value is not default and value != default:
                raise ValueError(f"{name}={value!r} is not supported by fastml's gradient "
                                 f"boosting (only {default!r}).")

    def _new_tree(self):
        return DecisionTreeRegressor(
            max_depth=self.max_depth, min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            min_weight_fraction_leaf=self.min_weight_fraction_leaf,
            max_features=self.max_features, min_impurity_decrease=self.min_impurity_decrease,
            max_leaf_nodes=self.max_leaf_nodes)

    def _boost(self, X, Y, w, K, newton):
        """Y: (n, K) targets (one-hot for classifiers); returns nothing, sets
        estimators_ (n_estimators, K) and train_score_."""
        n, d = X.shape
        rng = check_random_state(self.random_state)
        binned = prepare(X, w, "best")
        w = np.ones(n) if w is None else w
        F = np.tile(self._init_raw, (n, 1))
        n_sub = max(1, int(self.subsample * n))
        self.estimators_ = np.empty((self.n_estimators, K), dtype=object)
        self.train_score_ = np.zeros(self.n_estimators)
        for m in range(self.n_estimators):
            if n_sub < n:
                mask = np.zeros(n, bool)
                mask[rng.choice(n, n_sub, replace=False)] = True
                wm = w * mask
            else:
                wm = w
            P = self._link(F)
            R = Y - P
            for k in range(K):
                tree = self._new_tree()
                tree.n_features_in_ = d
                tree._fit_checked(X, R[:, k], wm, 0, binned=binned, seed=_seed_from(rng))
                leaves = tree.tree_.apply(X)
                if newton:
                    inb = wm > 0
                    num = np.bincount(leaves[inb], weights=(wm * R[:, k])[inb],
                                      minlength=tree.tree_.node_count)
                    p = P[:, k]
                    den = np.bincount(leaves[inb], weights=(wm * p * (1 - p))[inb],
                                      minlength=tree.tree_.node_count)
                    if K > 1:
                        num *= (K - 1) / K
                    vals = np.where(np.abs(den) < 1e-150, 0.0, num / np.where(
                        np.abs(den) < 1e-150, 1.0, den))
                    tree.tree_.value[:, 0, 0] = vals
                F[:, k] += self.learning_rate * tree.tree_.value[leaves, 0, 0]
                self.estimators_[m, k] = tree
            self.train_score_[m] = self._loss(Y, F, w)
        self.n_estimators_ = self.n_estimators

    def _raw_predict(self, X):
        check_is_fitted(self, "estimators_")
        X = self._validate_data(X, reset=False)
        F = np.tile(self._init_raw, (X.shape[0], 1))
        for row in self.estimators_:
            for k, tree in enumerate(row):
                F[:, k] += self.learning_rate * tree.tree_.predict(X)[:, 0]
        return F

    @property
    def feature_importances_(self):
        check_is_fitted(self, "estimators_")
        imps = [t.tree_.compute_feature_importances(normalize=False)
                for t in self.estimators_.ravel() if t.tree_.node_count > 1]
        if not imps:
            return np.zeros(self.n_features_in_)
        m = np.mean(imps, axis=0)
        return m / m.sum() if m.sum() > 0 else m


def _gb_init(self, loss, learning_rate, n_estimators, subsample, criterion,
             min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth,
             min_impurity_decrease, init, random_state, max_features, verbose,
             max_leaf_nodes, warm_start, validation_fraction, n_iter_no_change, tol,
             ccp_alpha):
    self.loss = loss
    self.learning_rate = learning_rate
    self.n_estimators = n_estimators
    self.subsample = subsample
    self.criterion = criterion
    self.min_samples_split = min_samples_split
    self.min_samples_leaf = min_samples_leaf
    self.min_weight_fraction_leaf = min_weight_fraction_leaf
    self.max_depth = max_depth
    self.min_impurity_decrease = min_impurity_decrease
    self.init = init
    self.random_state = random_state
    self.max_features = max_features
    self.verbose = verbose
    self.max_leaf_nodes = max_leaf_nodes
    self.warm_start = warm_start
    self.validation_fraction = validation_fraction
    self.n_iter_no_change = n_iter_no_change
    self.tol = tol
    self.ccp_alpha = ccp_alpha


class GradientBoostingRegressor(RegressorMixin, BaseGB):
    """Gradient-boosted regression trees with squared-error loss
    (learning_rate, n_estimators, max_depth, subsample as scikit-learn)."""

    _parameter_constraints = {**BaseGB._parameter_constraints,
                              "loss": [StrOptions({"squared_error"})],
                              "alpha": [Interval(numbers.Real, 0, 1, closed="neither")]}

    def __init__(self, *, loss="squared_error", learning_rate=0.1, n_estimators=100,
                 subsample=1.0, criterion="friedman_mse", min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_depth=3,
                 min_impurity_decrease=0.0, init=None, random_state=None, max_features=None,
                 alpha=0.9, verbose=0, max_leaf_nodes=None, warm_start=False,
                 validation_fraction=0.1, n_iter_no_change=None, tol=1e-4, ccp_alpha=0.0):
        _gb_init(self, loss, learning_rate, n_estimators, subsample, criterion,
                 min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth,
                 min_impurity_decrease, init, random_state, max_features, verbose,
                 max_leaf_nodes, warm_start, validation_fraction, n_iter_no_change, tol,
                 ccp_alpha)
        self.alpha = alpha

    def _link(self, F):
        return F

    def _loss(self, Y, F, w):
        return float(np.average((Y[:, 0] - F[:, 0]) ** 2, weights=w))

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        self._check_unsupported()
        X, y = self._validate_data(X, y, y_numeric=True)
        w = _check_sample_weight(sample_weight, X.shape[0])
        y = y.astype(np.float64)
        self._init_raw = np.array([np.average(y, weights=w)])
        self._boost(X, y[:, None], w, 1, newton=False)
        return self

    def predict(self, X):
        return self._raw_predict(X)[:, 0]


class GradientBoostingClassifier(ClassifierMixin, BaseGB):
    """Gradient-boosted trees with log loss: binary (sigmoid) or multinomial
    (softmax, one tree per class and round); Newton-step leaf values."""

    _parameter_constraints = {**BaseGB._parameter_constraints,
                              "loss": [StrOptions({"log_loss"})]}

    def __init__(self, *, loss="log_loss", learning_rate=0.1, n_estimators=100,
                 subsample=1.0, criterion="friedman_mse", min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_depth=3,
                 min_impurity_decrease=0.0, init=None, random_state=None, max_features=None,
                 verbose=0, max_leaf_nodes=None, warm_start=False, validation_fraction=0.1,
                 n_iter_no_change=None, tol=1e-4, ccp_alpha=0.0):
        _gb_init(self, loss, learning_rate, n_estimators, subsample, criterion,
                 min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth,
                 min_impurity_decrease, init, random_state, max_features, verbose,
                 max_leaf_nodes, warm_start, validation_fraction, n_iter_no_change, tol,
                 ccp_alpha)

    def _link(self, F):
        if F.shape[1] == 1:
            return _sigmoid(F)
        return _softmax(F)

    def _loss(self, Y, F, w):
        P = np.clip(self._link(F), 1e-15, 1 - 1e-15)
        if F.shape[1] == 1:
            ll = -(Y[:, 0] * np.log(P[:, 0]) + (1 - Y[:, 0]) * np.log(1 - P[:, 0]))
        else:
            ll = -(Y * np.log(P)).sum(axis=1)
        return float(np.average(ll, weights=w))

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        self._check_unsupported()
        X, y = self._validate_data(X, y)
        classes, y_idx = _encode_classes(y)
        K = len(classes)
        self.classes_, self.n_classes_ = classes, K
        w = _check_sample_weight(sample_weight, X.shape[0])
        prior = np.bincount(y_idx, weights=w, minlength=K)
        prior = np.clip(prior / prior.sum(), np.finfo(np.float64).eps,
                        1 - np.finfo(np.float64).eps)
        if K == 2:
            self._init_raw = np.array([np.log(prior[1] / prior[0])])
            Y = (y_idx == 1).astype(np.float64)[:, None]
        else:
            self._init_raw = np.log(prior)
            Y = np.eye(K)[y_idx]
        self._boost(X, Y, w, Y.shape[1], newton=True)
        return self

    def decision_function(self, X):
        F = self._raw_predict(X)
        return F[:, 0] if F.shape[1] == 1 else F

    def predict_proba(self, X):
        F = self._raw_predict(X)
        if F.shape[1] == 1:
            p = _sigmoid(F[:, 0])
            return np.column_stack([1 - p, p])
        return _softmax(F)

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
