"""AdaBoostClassifier with the multi-class SAMME algorithm (Zhu et al. 2009)."""
import numbers

import numpy as np

from ..base import BaseEstimator, ClassifierMixin, clone
from ..tree import DecisionTreeClassifier
from ..tree import _binning
from ..tree._classes import _encode_classes, _seed_from
from ..utils._param_validation import HasMethods, Interval
from ..utils.validation import _check_sample_weight, check_is_fitted, check_random_state

__all__ = ["AdaBoostClassifier"]


class AdaBoostClassifier(ClassifierMixin, BaseEstimator):
    """SAMME boosting: each round fits the base estimator (default: a
    depth-1 fastml tree) on the current sample weights, gives it weight
    alpha = learning_rate * (log((1 - err) / err) + log(K - 1)) and multiplies
    the weights of the misclassified samples by exp(alpha).

    With fastml trees as base estimator the features are binned once and
    shared by every round.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        # finite and > 0: learning_rate=inf (or nan) makes every prediction NaN
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, n_estimators=50, learning_rate=1.0,
                 random_state=None):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        X, y = self._validate_data(X, y)
        classes, y_idx = _encode_classes(y)
        K = len(classes)
        self.classes_, self.n_classes_ = classes, K
        n = X.shape[0]
        w = _check_sample_weight(sample_weight, n)
        w = np.full(n, 1.0 / n) if w is None else w / w.sum()
        rng = check_random_state(self.random_state)
        base = self.estimator if self.estimator is not None \
            else DecisionTreeClassifier(max_depth=1)
        self.estimator_ = base
        fast = type(base) is DecisionTreeClassifier
        if fast:
            binned = _binning.prepare(X, w)
        self.estimators_, weights, errors = [], [], []
        for _ in range(self.n_estimators):
            est = clone(base)
            if fast:
                est.set_params(random_state=None)
                est.classes_, est.n_classes_, est.n_features_in_ = classes, K, X.shape[1]
                est._fit_checked(X, y_idx.astype(np.float64), w, K, binned=binned,
                                 seed=_seed_from(rng))
                pred = np.argmax(est.tree_.predict(X), axis=1)
            else:
                if "random_state" in est.get_params():
                    est.set_params(random_state=int(rng.randint(np.iinfo(np.int32).max)))
                est.fit(X, y, sample_weight=w)
                pred = np.searchsorted(classes, est.predict(X))
            wrong = pred != y_idx
            err = float(np.average(wrong, weights=w))
            if err <= 0:
                self.estimators_.append(est)
                weights.append(1.0)
                errors.append(0.0)
                break
            if err >= 1.0 - 1.0 / K:
                if not self.estimators_:
                    raise ValueError("BaseClassifier in AdaBoostClassifier ensemble is worse "
                                     "than random, ensemble can not be fit.")
                break
            alpha = self.learning_rate * (np.log((1.0 - err) / err) + np.log(K - 1.0))
            self.estimators_.append(est)
            weights.append(alpha)
            errors.append(err)
            w = w * np.exp(alpha * wrong * (w > 0))
            s = w.sum()
            if not np.isfinite(s) or s <= 0:
                break
            w /= s
        self.estimator_weights_ = np.array(weights)
        self.estimator_errors_ = np.array(errors)
        return self

    def _predict_idx(self, est, X):
        if hasattr(est, "tree_") and type(est) is DecisionTreeClassifier:
            return np.argmax(est.tree_.predict(X), axis=1)
        return np.searchsorted(self.classes_, est.predict(X))

    def decision_function(self, X):
        """sum_m alpha_m [h_m(x) == k] / sum alpha; for two classes the
        difference of the two columns (positive favours classes_[1])."""
        check_is_fitted(self, "estimators_")
        X = self._validate_data(X, reset=False)
        K = self.n_classes_
        dec = np.zeros((X.shape[0], K))
        for est, a in zip(self.estimators_, self.estimator_weights_):
            dec[np.arange(X.shape[0]), self._predict_idx(est, X)] += a
        dec /= self.estimator_weights_.sum()
        if K == 2:
            return dec[:, 1] - dec[:, 0]
        return dec

    def predict(self, X):
        dec = self.decision_function(X)
        if self.n_classes_ == 2:
            return self.classes_[(dec > 0).astype(int)]
        return self.classes_[np.argmax(dec, axis=1)]

    def predict_proba(self, X):
        dec = self.decision_function(X)
        K = self.n_classes_
        if K == 2:
            dec = np.column_stack([-dec, dec]) / 2.0
        else:
            dec = dec / (K - 1)
        dec = dec - dec.max(axis=1, keepdims=True)
        e = np.exp(dec)
        return e / e.sum(axis=1, keepdims=True)

    @property
    def feature_importances_(self):
        check_is_fitted(self, "estimators_")
        imp = sum(a * e.feature_importances_
                  for e, a in zip(self.estimators_, self.estimator_weights_))
        return imp / self.estimator_weights_.sum()
