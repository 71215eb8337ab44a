"""Gradient boosting with fastml regression trees (Friedman 2001), scikit-learn's
algorithm and parameters.

Every stage fits K regression trees (K = number of classes for multinomial log
loss, else 1) to the negative gradient of the loss on the current raw
predictions F, then replaces the leaf values by a line search (a Newton step
for log loss / exponential loss, a weighted quantile of the residuals for
absolute error / quantile / Huber; squared error keeps the tree's means) and
adds learning_rate * tree to F. Losses: _gb_losses.py.

init: None (the loss's constant: mean, median, alpha-quantile or class prior),
"zero", or an estimator (its predict / predict_proba mapped through the link).
subsample < 1 draws each stage's rows as scikit-learn does (same seed, same
rows) and records oob_improvement_, oob_scores_, oob_score_. warm_start adds
stages; n_iter_no_change stops when the loss on a validation_fraction split
stops improving by tol; fit(..., monitor=f) stops when f(i, est, locals())
returns True. X is float32 (as scikit-learn's); scipy.sparse X is read by the
tree builder as dense feature columns (n_features x n_samples float32) and
predicted in row blocks.
"""
import numbers
import sys
import time
import warnings

import numpy as np
from scipy import sparse

from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..tree import DecisionTreeRegressor
from ..tree._classes import TREE_CONSTRAINTS, _encode_classes, prepare
from ..utils._param_validation import HasMethods, Hidden, Interval, StrOptions
from ..utils.validation import (_assert_all_finite, _check_sample_weight, _y_as_float,
                                check_array, check_is_fitted, check_random_state,
                                column_or_1d)
from ._gb_losses import make_loss, sample_mask

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]


class _ConstantInit:
    """The default init estimator: predicts the loss's constant (mean, quantile,
    or class prior) fitted on the training targets."""

    def __init__(self, loss, classifier, n_classes=0):
        self.loss, self.classifier, self.n_classes = loss, classifier, n_classes

    def fit(self, X, y, sample_weight=None):
        if self.classifier:
            prior = np.bincount(y.astype(np.intp), weights=sample_weight,
                                minlength=self.n_classes)
            self.class_prior_ = prior / prior.sum()
        else:
            self.constant_ = float(self.loss.init_raw(y, sample_weight)[0])
        return self

    def predict_proba(self, X):
        return np.tile(self.class_prior_, (X.shape[0], 1))

    def predict(self, X):
        if self.classifier:
            return np.full(X.shape[0], np.argmax(self.class_prior_), dtype=np.float64)
        return np.full(X.shape[0], self.constant_)

    def __repr__(self):
        return "ConstantInit()"


class _Reporter:
    """verbose output: a header, then one line per reported stage (every stage
    for verbose > 1; at 1..10, 20..100, 200.. for verbose == 1)."""

    def __init__(self, est, begin):
        self.oob = est.subsample < 1
        fields = ["Iter", "Train Loss"] + (["OOB Improve"] if self.oob else []) + \
            ["Remaining Time"]
        print(("%10s " + "%16s " * (len(fields) - 1)) % tuple(fields))
        self.verbose, self.mod, self.begin, self.t0 = est.verbose, 1, begin, time.time()

    def update(self, j, est):
        i = j - self.begin
        if (i + 1) % self.mod:
            return
        rem = (est.n_estimators - (j + 1)) * (time.time() - self.t0) / float(i + 1)
        rem = f"{rem / 60.0:.2f}m" if rem > 60 else f"{rem:.2f}s"
        line = f"{j + 1:>10d} {est.train_score_[j]:>16.4f}"
        if self.oob:
            line += f" {est.oob_improvement_[j]:>16.4f}"
        print(line + f" {rem:>16s}")
        sys.stdout.flush()
        if self.verbose == 1 and (i + 1) // (self.mod * 10) > 0:
            self.mod *= 10


def _check_gb_X(est, X, reset):
    """X as float32 (dense, C order) or CSR float32 (rows predicted in blocks)."""
    est._check_feature_names(X, reset=reset)
    if sparse.issparse(X):
        X = sparse.csr_matrix(X, dtype=np.float32)
        if not np.isfinite(X.data).all():
            raise ValueError("Input X contains NaN or infinity.")
    else:
        from ..utils._set_output import dataframe_to_numpy
        X = check_array(dataframe_to_numpy(X), dtype=np.float32)
    est._check_n_features(X, reset=reset)
    return X


class BaseGB(BaseEstimator):

    _parameter_constraints = {
        **TREE_CONSTRAINTS,
        # > 0 (scikit-learn allows 0, a model that never leaves its init)
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "subsample": [Interval(numbers.Real, 0, 1, closed="right")],
        # deprecated in scikit-learn 1.9: the trees always split on squared error
        "criterion": [StrOptions({"squared_error"}),
                      Hidden(StrOptions({"deprecated", "friedman_mse"}))],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
    }

    def _fastml_tags(self):
        return {"sparse": True}

    def _new_tree(self, rng):
        return DecisionTreeRegressor(
            max_depth=self.max_depth, min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            min_weight_fraction_leaf=self.min_weight_fraction_leaf,
            max_features=self.max_features, min_impurity_decrease=self.min_impurity_decrease,
            max_leaf_nodes=self.max_leaf_nodes, random_state=rng, ccp_alpha=self.ccp_alpha)

    def _clear_state(self):
        for a in ("estimators_", "train_score_", "oob_improvement_", "oob_scores_",
                  "oob_score_", "init_", "_rng", "n_estimators_"):
            self.__dict__.pop(a, None)

    def _is_fitted(self):
        return len(getattr(self, "estimators_", [])) > 0

    def _resize(self, total):
        K = self._loss.K
        old = self.estimators_
        est = np.empty((total, K), dtype=object)
        est[:old.shape[0]] = old
        self.estimators_ = est
        self.train_score_ = np.resize(self.train_score_, total)
        if self.subsample < 1 or hasattr(self, "oob_improvement_"):
            if hasattr(self, "oob_improvement_"):
                self.oob_improvement_ = np.resize(self.oob_improvement_, total)
                self.oob_scores_ = np.resize(self.oob_scores_, total)
            else:
                self.oob_improvement_ = np.zeros(total)
                self.oob_scores_ = np.zeros(total)
            self.oob_score_ = np.nan

    def _init_raw(self, X):
        """Raw predictions of the init estimator, (n, K) float64."""
        n, K = X.shape[0], self._loss.K
        if isinstance(self.init_, str) and self.init_ == "zero":
            return np.zeros((n, K))
        if self._is_classifier:
            return self._loss.link(np.asarray(self.init_.predict_proba(X), dtype=np.float64))
        return np.asarray(self.init_.predict(X), dtype=np.float64).reshape(n, 1)

    def _fit_init(self, X, y, w, user_w):
        if isinstance(self.init_, str):
            return
        try:
            if user_w:
                self.init_.fit(X, y, sample_weight=w)
            else:
                self.init_.fit(X, y)
        except TypeError as e:
            if "sample_weight" in str(e):
                raise ValueError(f"The initial estimator {type(self.init_).__name__} does "
                                 "not support sample weights.") from e
            raise
        except ValueError as e:
            if hasattr(self.init_, "steps") and "sample_weight" in str(e):
                raise ValueError(f"The initial estimator {type(self.init_).__name__} does "
                                 "not support sample weights.") from e
            raise

    def _gb_fit(self, X, y, sample_weight, monitor):
        """X, y validated and encoded (y float64); the boosting loop."""
        if not self.warm_start:
            self._clear_state()
        user_w = sample_weight is not None
        w = _check_sample_weight(sample_weight, X.shape[0])
        w = np.ones(X.shape[0]) if w is None else np.asarray(w, dtype=np.float64)
        self._post_encode_check(y, w, user_w)
        if self.n_iter_no_change is not None:
            from ..model_selection import train_test_split
            strat = y if self._is_classifier else None
            X, Xv, y, yv, w, wv = train_test_split(
                X, y, w, random_state=self.random_state, test_size=self.validation_fraction,
                stratify=strat)
            if self._is_classifier and len(np.unique(y)) != self.n_classes_:
                raise ValueError("The training data after the early stopping split is "
                                 "missing some classes. Try using another random seed.")
        else:
            Xv = yv = wv = None
        if not self._is_fitted():
            self.init_ = self.init if self.init is not None else _ConstantInit(
                self._loss, self._is_classifier, getattr(self, "n_classes_", 0))
            self._fit_init(X, y, w, user_w)
            F = self._init_raw(X)
            K = self._loss.K
            self.estimators_ = np.empty((self.n_estimators, K), dtype=object)
            self.train_score_ = np.zeros(self.n_estimators)
            if self.subsample < 1.0:
                self.oob_improvement_ = np.zeros(self.n_estimators)
                self.oob_scores_ = np.zeros(self.n_estimators)
                self.oob_score_ = np.nan
            begin = 0
            self._rng = check_random_state(self.random_state)
        else:
            if self.n_estimators < self.estimators_.shape[0]:
                raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal "
                                 f"to estimators_.shape[0]={self.estimators_.shape[0]} when "
                                 "warm_start==True")
            begin = self.estimators_.shape[0]
            F = self._raw(X)
            self._resize(self.n_estimators)
        from ..tree._classes import _resolve_max_features
        self.max_features_ = _resolve_max_features(self.max_features, X.shape[1])
        n_stages = self._fit_stages(X, y, F, w, Xv, yv, wv, begin, monitor)
        if n_stages != self.estimators_.shape[0]:
            self.estimators_ = self.estimators_[:n_stages]
            self.train_score_ = self.train_score_[:n_stages]
            if hasattr(self, "oob_improvement_"):
                self.oob_improvement_ = self.oob_improvement_[:n_stages]
                self.oob_scores_ = self.oob_scores_[:n_stages]
                self.oob_score_ = self.oob_scores_[-1]
        self.n_estimators_ = n_stages
        return self

    def _fit_stages(self, X, y, F, w, Xv, yv, wv, begin, monitor):
        loss, rng = self._loss, self._rng
        n, d = X.shape
        do_oob = self.subsample < 1.0
        mask = np.ones(n, dtype=bool)
        n_inbag = max(1, int(self.subsample * n))
        Xd = X.toarray() if sparse.issparse(X) else X  # the builder reads dense columns
        data = prepare(Xd, None, "best")
        # unit weights reach the trees as None (the builder skips reading them)
        unit_w = not do_oob and bool(np.all(w == 1.0))
        reporter = _Reporter(self, begin) if self.verbose else None
        if self.n_iter_no_change is not None:
            history = np.full(self.n_iter_no_change, np.inf)
            val_iter = self._staged_raw(Xv)
        i = begin
        for i in range(begin, self.n_estimators):
            if do_oob:
                mask = sample_mask(n, n_inbag, rng)
                if i == 0:
                    initial = loss.score(y[~mask], F[~mask], w[~mask])
            wm = w * mask if do_oob else w
            loss.prepare_stage(y, F, w)
            G = loss.neg_gradient(y, F)
            for k in range(loss.K):
                tree = self._new_tree(rng)
                tree.n_features_in_ = d
                tree._fit_checked(Xd, G[:, k], None if unit_w else wm, 0, binned=data)
                leaves = tree.tree_.apply(Xd)
                vals = loss.leaf_values(y, G, F, wm, leaves, tree.tree_.node_count, k)
                if vals is not None:
                    is_leaf = tree.tree_.children_left == -1
                    tree.tree_.value[is_leaf, 0, 0] = vals[is_leaf]
                F[:, k] += self.learning_rate * tree.tree_.value[leaves, 0, 0]
                self.estimators_[i, k] = tree
            if do_oob:
                self.train_score_[i] = loss.score(y[mask], F[mask], w[mask])
                self.oob_scores_[i] = loss.score(y[~mask], F[~mask], w[~mask])
                prev = initial if i == 0 else self.oob_scores_[i - 1]
                self.oob_improvement_[i] = prev - self.oob_scores_[i]
                self.oob_score_ = self.oob_scores_[-1]
            else:
                self.train_score_[i] = loss.score(y, F, w)
            if reporter is not None:
                reporter.update(i, self)
            if monitor is not None and monitor(i, self, locals()):
                break
            if self.n_iter_no_change is not None:
                vloss = loss.score(yv, next(val_iter), wv)
                if np.any(vloss + self.tol < history):
                    history[i % len(history)] = vloss
                else:
                    break
        return i + 1

    def _stage_add(self, X, F, stage):
        for k, tree in enumerate(self.estimators_[stage]):
            F[:, k] += self.learning_rate * tree.tree_.predict(X)[:, 0]

    def _raw(self, X):
        F = self._init_raw(X)
        for m in range(self.estimators_.shape[0]):
            self._stage_add(X, F, m)
        return F

    def _staged_raw(self, X):
        F = self._init_raw(X)
        for m in range(self.estimators_.shape[0]):
            self._stage_add(X, F, m)
            yield F.copy()

    def _raw_predict(self, X):
        check_is_fitted(self, "estimators_")
        return self._raw(_check_gb_X(self, X, reset=False))

    def _staged_raw_predict(self, X):
        check_is_fitted(self, "estimators_")
        return self._staged_raw(_check_gb_X(self, X, reset=False))

    def apply(self, X):
        """Leaf index of each sample in each tree: (n_samples, n_estimators, K)
        (K = 1 for regression and binary classification)."""
        check_is_fitted(self, "estimators_")
        X = _check_gb_X(self, X, reset=False)
        m, K = self.estimators_.shape
        leaves = np.zeros((X.shape[0], m, K))
        for i in range(m):
            for k in range(K):
                leaves[:, i, k] = self.estimators_[i, k].tree_.apply(X)
        return leaves

    @property
    def feature_importances_(self):
        check_is_fitted(self, "estimators_")
        imps = [t.tree_.compute_feature_importances(normalize=False)
                for t in self.estimators_.ravel() if t.tree_.node_count > 1]
        if not imps:
            return np.zeros(self.n_features_in_)
        m = np.mean(imps, axis=0)
        return m / m.sum() if m.sum() > 0 else m

    def _check_criterion(self):
        if self.criterion != "deprecated":
            warnings.warn("The parameter `criterion` is deprecated and will be removed in "
                          "1.11. It has no effect. Leave it to its default value to avoid "
                          "this warning.", FutureWarning, stacklevel=3)


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
    """Gradient-boosted regression trees; loss "squared_error", "absolute_error",
    "huber" (delta = alpha-quantile of |residuals| per stage) or "quantile"
    (alpha); scikit-learn's parameters, attributes and staged predictions."""

    _is_classifier = False
    _parameter_constraints = {**BaseGB._parameter_constraints,
                              "loss": [StrOptions({"squared_error", "absolute_error",
                                                   "huber", "quantile"})],
                              "init": [StrOptions({"zero"}), None,
                                       HasMethods(["fit", "predict"])],
                              "alpha": [Interval(numbers.Real, 0, 1, closed="neither")]}

    def __init__(self, *, loss="squared_error", learning_rate=0.1, n_estimators=100,
                 subsample=1.0, criterion="deprecated", min_samples_split=2,
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

    def _post_encode_check(self, y, w, user_w):
        pass

    def fit(self, X, y, sample_weight=None, monitor=None):
        self._validate_params()
        self._check_criterion()
        if y is None:
            raise ValueError("This estimator requires y to be passed, but the target y is "
                             "None.")
        X = _check_gb_X(self, X, reset=True)
        y = check_array(y, dtype=None, ensure_2d=False, ensure_all_finite=False,
                        input_name="y")
        if y.dtype.kind in "OUS":
            y = _y_as_float(y)
        y = column_or_1d(y, warn=True).astype(np.float64)
        _assert_all_finite(y, "y")
        if len(y) != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{X.shape[0]}, {len(y)}]")
        self._loss = make_loss(self.loss, alpha=self.alpha)
        return self._gb_fit(X, y, sample_weight, monitor)

    def predict(self, X):
        return self._raw_predict(X)[:, 0]

    def staged_predict(self, X):
        """Predictions after each stage (a generator)."""
        for F in self._staged_raw_predict(X):
            yield F[:, 0]

    def apply(self, X):
        leaves = super().apply(X)
        return leaves.reshape(leaves.shape[0], -1)


class GradientBoostingClassifier(ClassifierMixin, BaseGB):
    """Gradient-boosted trees with log loss (binary: sigmoid; multiclass: softmax,
    one tree per class and stage) or "exponential" loss (binary, AdaBoost's);
    Newton-step leaf values; scikit-learn's parameters and attributes."""

    _is_classifier = True
    _parameter_constraints = {**BaseGB._parameter_constraints,
                              "loss": [StrOptions({"log_loss", "exponential"})],
                              "init": [StrOptions({"zero"}), None,
                                       HasMethods(["fit", "predict_proba"])]}

    def __init__(self, *, loss="log_loss", learning_rate=0.1, n_estimators=100,
                 subsample=1.0, criterion="deprecated", min_samples_split=2,
                 min_samples_leaf=1, min_weight_fraction_leaf=0.0, max_depth=3,
                 min_impurity_decrease=0.0, init=None, random_state=None, max_features=None,
                 verbose=0, max_leaf_nodes=None, warm_start=False, validation_fraction=0.1,
                 n_iter_no_change=None, tol=1e-4, ccp_alpha=0.0):
        _gb_init(self, loss, learning_rate, n_estimators, subsample, criterion,
                 min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth,
                 min_impurity_decrease, init, random_state, max_features, verbose,
                 max_leaf_nodes, warm_start, validation_fraction, n_iter_no_change, tol,
                 ccp_alpha)

    def _post_encode_check(self, y, w, user_w):
        if user_w:
            n_left = np.count_nonzero(np.bincount(y.astype(np.intp), weights=w))
            if n_left < 2:
                raise ValueError(f"y contains {n_left} class after sample_weight trimmed "
                                 "classes with zero weights, while a minimum of 2 classes "
                                 "are required.")

    def fit(self, X, y, sample_weight=None, monitor=None):
        self._validate_params()
        self._check_criterion()
        if y is None:
            raise ValueError("This estimator requires y to be passed, but the target y is "
                             "None.")
        X = _check_gb_X(self, X, reset=True)
        y = column_or_1d(check_array(y, dtype=None, ensure_2d=False, input_name="y"),
                         warn=True)
        if len(y) != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{X.shape[0]}, {len(y)}]")
        classes, y_idx = _encode_classes(y)
        if self.warm_start and self._is_fitted() and not np.array_equal(
                classes, self.classes_):
            raise ValueError("warm_start=True needs the same classes as the first fit.")
        self.classes_, self.n_classes_ = classes, len(classes)
        if self.loss == "exponential" and self.n_classes_ > 2:
            raise ValueError(f"loss='exponential' is only suitable for a binary "
                             f"classification problem, you have n_classes={self.n_classes_}. "
                             "Please use loss='log_loss' instead.")
        self._loss = make_loss(self.loss, n_classes=self.n_classes_)
        self.n_trees_per_iteration_ = self._loss.K
        return self._gb_fit(X, y_idx.astype(np.float64), sample_weight, monitor)

    def decision_function(self, X):
        F = self._raw_predict(X)
        return F[:, 0] if F.shape[1] == 1 else F

    def staged_decision_function(self, X):
        """decision_function after each stage (a generator)."""
        for F in self._staged_raw_predict(X):
            yield F[:, 0].copy() if F.shape[1] == 1 else F

    def predict_proba(self, X):
        F = self._raw_predict(X)
        return self._loss.proba(F)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def staged_predict_proba(self, X):
        for F in self._staged_raw_predict(X):
            yield self._loss.proba(F)

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def staged_predict(self, X):
        for F in self._staged_raw_predict(X):
            yield self.classes_[np.argmax(self._loss.proba(F), axis=1)]
