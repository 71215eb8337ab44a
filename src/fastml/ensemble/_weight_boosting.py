"""AdaBoostClassifier with the multi-class SAMME algorithm (Zhu et al. 2009),
scikit-learn's formulation."""
import inspect
import numbers
import warnings

import numpy as np
from scipy import sparse

from ..base import BaseEstimator, ClassifierMixin, clone
from ..tree import DecisionTreeClassifier
from ..tree._classes import BaseDecisionTree, _encode_outputs, prepare
from ..utils._param_validation import HasMethods, Interval
from ..utils._set_output import dataframe_to_numpy
from ..utils.validation import _check_sample_weight, check_array, check_is_fitted, \
    check_random_state, column_or_1d

__all__ = ["AdaBoostClassifier"]

_MAX_INT = np.iinfo(np.int32).max


def _seed_params(est, rng):
    """Give every random_state parameter of est (nested ones included, in sorted
    order) a fresh int seed drawn from rng."""
    seeds = {k: int(rng.randint(_MAX_INT)) for k in sorted(est.get_params(deep=True))
             if k == "random_state" or k.endswith("__random_state")}
    if seeds:
        est.set_params(**seeds)


def _accepts_sample_weight(est):
    try:
        return "sample_weight" in inspect.signature(est.fit).parameters
    except (TypeError, ValueError):
        return True


class AdaBoostClassifier(ClassifierMixin, BaseEstimator):
    """SAMME boosting: each round fits the base estimator (default: a depth-1
    fastml tree) on the current sample weights, gives it weight
    alpha = learning_rate * (log((1 - err) / err) + log(K - 1)) and multiplies
    the weights of the misclassified samples by exp(alpha). The decision
    function adds alpha to the predicted class and -alpha / (K - 1) to the
    others (scikit-learn's symmetric SAMME), normalized by the sum of alphas.

    Every round's estimator gets its own seed from random_state. With the
    default fastml tree the features are prepared once and shared by every
    round. scipy.sparse X goes to a user estimator as CSR/CSC (fastml trees
    read it as dense feature columns).
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

    def _fastml_tags(self):
        return {"sparse": True}

    def _check_X(self, X, reset):
        """Trees: fastml's tree validation (float32 features); a user estimator
        gets X as given (CSR/CSC for sparse, n-d arrays allowed) to check itself."""
        if self.estimator is None or type(self.estimator) is DecisionTreeClassifier:
            self._check_feature_names(X, reset=reset)
            X = BaseDecisionTree._check_X(DecisionTreeClassifier(), X, reset=True)
            if np.isnan(X).any():
                raise ValueError("Input X contains NaN.")
            self._check_n_features(X, reset=reset)
            return X
        self._check_feature_names(X, reset=reset)
        if sparse.issparse(X):
            if X.format not in ("csr", "csc"):
                X = X.tocsr()
            if not np.isfinite(X.data).all():
                raise ValueError("Input X contains NaN or infinity.")
        else:
            X = check_array(dataframe_to_numpy(X), dtype=None, allow_nd=True,
                            ensure_2d=False)
        if reset:
            self.n_features_in_ = X.shape[1] if X.ndim > 1 else 1
        return X

    def fit(self, X, y, sample_weight=None):
        self._validate_params()
        if y is None:
            raise ValueError("This estimator requires y to be passed, but the target y is "
                             "None.")
        X = self._check_X(X, reset=True)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if len(y) != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{X.shape[0]}, {len(y)}]")
        classes, codes = _encode_outputs(y)
        classes, y_idx = classes[0], codes[:, 0]
        K = len(classes)
        self.classes_, self.n_classes_ = classes, K
        n = X.shape[0]
        w = _check_sample_weight(sample_weight, n)
        w = np.ones(n) if w is None else w.copy()
        w /= w.sum()
        base = self.estimator if self.estimator is not None \
            else DecisionTreeClassifier(max_depth=1)
        if not _accepts_sample_weight(base):
            raise ValueError(f"{type(base).__name__} doesn't support sample_weight.")
        self.estimator_ = base
        rng = check_random_state(self.random_state)
        fast = type(base) is DecisionTreeClassifier
        data = prepare(X, None, base.splitter) if fast else None
        self.estimators_ = []
        self.estimator_weights_ = np.zeros(self.n_estimators)
        self.estimator_errors_ = np.ones(self.n_estimators)
        for m in range(self.n_estimators):
            est = clone(base)
            _seed_params(est, rng)
            if fast:
                est.classes_, est.n_classes_, est.n_outputs_ = classes, K, 1
                est.n_features_in_ = X.shape[1]
                est._fit_checked(X, y_idx.astype(np.float64), w, K, binned=data)
                pred = np.argmax(est.tree_.predict(X), axis=1)
            else:
                est.fit(X, y, sample_weight=w)
                pred = np.searchsorted(classes, est.predict(X))
            self.estimators_.append(est)
            wrong = pred != y_idx
            err = float(np.average(wrong, weights=w))
            if err <= 0:
                self.estimator_weights_[m], self.estimator_errors_[m] = 1.0, 0.0
                break
            if err >= 1.0 - 1.0 / K:
                self.estimators_.pop()
                if not self.estimators_:
                    raise ValueError("BaseClassifier in AdaBoostClassifier ensemble is worse "
                                     "than random, ensemble can not be fit.")
                break
            alpha = self.learning_rate * (np.log((1.0 - err) / err) + np.log(K - 1.0))
            self.estimator_weights_[m], self.estimator_errors_[m] = alpha, err
            if m == self.n_estimators - 1:
                break
            with np.errstate(over="ignore", divide="ignore"):
                w = np.exp(np.log(w) + alpha * wrong * (w > 0))
            total = w.sum()
            if not np.isfinite(total):
                warnings.warn(f"Sample weights have reached infinite values, at iteration "
                              f"{m}, causing overflow. Iterations stopped. Try lowering the "
                              "learning rate.", UserWarning, stacklevel=2)
                break
            if total <= 0:
                break
            w /= total
        return self

    def _predict_idx(self, est, X):
        if hasattr(est, "tree_") and type(est) is DecisionTreeClassifier:
            return np.argmax(est.tree_.predict(X), axis=1)
        return np.searchsorted(self.classes_, est.predict(X))

    def _staged_votes(self, X):
        """Running sum of the SAMME votes, (n, K), after each estimator."""
        K, n = self.n_classes_, X.shape[0]
        votes = np.zeros((n, K))
        cols = np.arange(K)
        for est, a in zip(self.estimators_, self.estimator_weights_):
            hit = self._predict_idx(est, X)[:, None] == cols
            votes = votes + np.where(hit, a, -a / (K - 1))
            yield votes

    def _votes_to_decision(self, votes, norm):
        dec = votes / norm
        if self.n_classes_ == 2:
            return dec[:, 1] - dec[:, 0]
        return dec

    def _checked(self, X):
        check_is_fitted(self, "estimators_")
        return self._check_X(X, reset=False)

    def decision_function(self, X):
        """Weighted SAMME votes: alpha to the predicted class, -alpha / (K - 1) to
        the others, over the sum of alphas; for two classes the difference of the
        two columns (positive favours classes_[1])."""
        X = self._checked(X)
        if self.n_classes_ == 1:
            return np.zeros((X.shape[0], 1))
        votes = np.zeros((X.shape[0], self.n_classes_))
        for votes in self._staged_votes(X):
            pass
        return self._votes_to_decision(votes, self.estimator_weights_.sum())

    def staged_decision_function(self, X):
        """decision_function after each boosting round (a generator)."""
        X = self._checked(X)
        norm = 0.0
        for a, votes in zip(self.estimator_weights_, self._staged_votes(X)):
            norm += a
            yield self._votes_to_decision(votes, norm)

    def _decision_to_proba(self, dec):
        K = self.n_classes_
        if K == 2:
            dec = np.column_stack([-dec, dec]) / 2.0
        else:
            dec = dec / (K - 1)
        dec = dec - dec.max(axis=1, keepdims=True)
        e = np.exp(dec)
        return e / e.sum(axis=1, keepdims=True)

    def _decision_to_label(self, dec):
        if self.n_classes_ == 2:
            return self.classes_[(dec > 0).astype(int)]
        return self.classes_[np.argmax(dec, axis=1)]

    def predict(self, X):
        check_is_fitted(self, "estimators_")
        if self.n_classes_ == 1:
            return np.full(_n_rows(X), self.classes_[0])
        return self._decision_to_label(self.decision_function(X))

    def staged_predict(self, X):
        for dec in self.staged_decision_function(X):
            yield self._decision_to_label(dec)

    def predict_proba(self, X):
        check_is_fitted(self, "estimators_")
        if self.n_classes_ == 1:
            return np.ones((_n_rows(X), 1))
        return self._decision_to_proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        for dec in self.staged_decision_function(X):
            yield self._decision_to_proba(dec)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def staged_score(self, X, y, sample_weight=None):
        """Accuracy after each boosting round (a generator)."""
        y = np.asarray(y)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        for pred in self.staged_predict(X):
            hit = (pred == y).astype(np.float64)
            yield float(hit.mean() if w is None else (hit * w).sum() / w.sum())

    @property
    def feature_importances_(self):
        check_is_fitted(self, "estimators_")
        ws = self.estimator_weights_[:len(self.estimators_)]
        imp = sum(a * e.feature_importances_ for e, a in zip(self.estimators_, ws))
        return imp / ws.sum()


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)
