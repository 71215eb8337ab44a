"""Random forests and extra-trees: fastml trees grown in parallel threads.

X is prepared once per fit (float32, feature-major, for the exact and random
splitters) and shared by every tree; each tree is grown by the compiled
builder with the GIL released, so `n_jobs` Python threads build trees truly
in parallel. Bootstrap samples are drawn as in
scikit-learn (per-tree seed from random_state, randint(0, n, n_samples)) and
enter as sample-weight counts.
"""
import numbers

import numpy as np

from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                    ExtraTreeRegressor)
from ..tree._classes import (CLASS_WEIGHT, TREE_CONSTRAINTS, BaseDecisionTree,
                             _class_weight_vector, _encode_classes, _encode_outputs,
                             _multi_class_weight, _regression_target, _seed_from, prepare)
from ..utils._parallel import map_threads
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils.validation import (_check_sample_weight, check_is_fitted, check_random_state,
                                column_or_1d, resolve_n_jobs)

__all__ = ["RandomForestClassifier", "RandomForestRegressor", "ExtraTreesClassifier",
           "ExtraTreesRegressor"]

_MAX_INT = np.iinfo(np.int32).max
_TREE_PARAMS = ("criterion", "max_depth", "min_samples_split", "min_samples_leaf",
                "min_weight_fraction_leaf", "max_features", "max_leaf_nodes",
                "min_impurity_decrease", "ccp_alpha")


def _map_threads(fn, items, n_jobs):
    return map_threads(fn, items, resolve_n_jobs(n_jobs))


class BaseForest(BaseEstimator):
    _parameter_constraints = {
        **TREE_CONSTRAINTS,
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "bootstrap": ["boolean"],
        "oob_score": ["boolean"],
        "n_jobs": ["n_jobs"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "max_samples": [None, Interval(RealNotInt, 0, 1, closed="right"),
                        Interval(numbers.Integral, 1, None, closed="left")],
    }

    def _fastml_tags(self):
        return {"allow_nan": self._allow_nan(), "multi_output": True, "sparse": True}

    def _allow_nan(self):
        """Missing values (NaN) go to the trees (exact splitters route them)."""
        return True

    def _n_samples_bootstrap(self, n):
        ms = self.max_samples
        if ms is None:
            return n
        if isinstance(ms, numbers.Integral):
            if ms > n:
                raise ValueError(f"max_samples must be in [1, {n}], got {ms}.")
            return int(ms)
        return max(1, int(round(n * ms)))

    def _check_forest_params(self):
        """The declarative pass, then combinations and unsupported values."""
        self._validate_params()
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if not self.bootstrap and self.max_samples is not None:
            raise ValueError("max_samples cannot be set if bootstrap=False.")

    def _fit_forest(self, X, y_enc, w, n_classes):
        n, d = X.shape
        rng = check_random_state(self.random_state)
        old = list(getattr(self, "estimators_", [])) if self.warm_start else []
        n_more = self.n_estimators - len(old)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(old)} when warm_start==True")
        if old and n_more == 0:
            import warnings
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit "
                          "new trees.", UserWarning, stacklevel=3)
            return self
        if old:
            rng.randint(_MAX_INT, size=len(old))  # the seeds a single fit gave the old trees
        binned = prepare(X, w, getattr(self._tree_class(), "splitter", "best"))
        n_boot = self._n_samples_bootstrap(n)
        params = {p: getattr(self, p) for p in _TREE_PARAMS}
        if params["criterion"] == "friedman_mse":  # deprecated alias: warn once, not per tree
            import warnings
            warnings.warn('Value `"friedman_mse"` for `criterion` is deprecated and will be '
                          'removed in 1.11. It maps to `"squared_error"`.', FutureWarning,
                          stacklevel=3)
            params["criterion"] = "squared_error"
        subsample = getattr(self, "class_weight", None) == "balanced_subsample"
        jobs = []
        for _ in range(n_more):
            seed = int(rng.randint(_MAX_INT))
            tree = self._tree_class(**params, random_state=seed)
            tr = np.random.RandomState(seed)
            tree._n_bootstrap_draws = 0
            if self.bootstrap:
                # a draw that holds only zero-weight rows is drawn again (a tree
                # needs some weight; the user's weights have a positive sum)
                for _attempt in range(1000):
                    counts = np.bincount(tr.randint(0, n, n_boot),
                                         minlength=n).astype(np.float64)
                    tree._n_bootstrap_draws += 1
                    tw = counts if w is None else counts * w
                    if subsample:
                        tw = tw * _balanced_subsample(y_enc, counts, n_classes)
                    if tw.sum() > 0:
                        break
            else:
                tw = w
                if subsample:
                    tw = _balanced_subsample(y_enc, np.ones(n), n_classes) * (
                        1.0 if w is None else w)
            # exact / random splitters draw features from the tree's own random_state
            # (as scikit-learn's trees); the histogram builder from its stream
            hist = getattr(tree, "splitter", "best") == "hist"
            jobs.append((tree, tw, _seed_from(tr) if hist else None))

        def grow(job):
            tree, tw, seed = job
            tree.n_features_in_ = d
            return tree._fit_checked(X, y_enc, tw, n_classes, binned=binned, seed=seed)

        self.estimators_ = old + list(_map_threads(grow, jobs, self.n_jobs))
        self.estimator_ = self._tree_class(**params)
        self._n_samples, self._n_samples_bootstrap_ = n, n_boot
        if self.oob_score:
            self._set_oob(X, y_enc, self._bootstrap_weights(w))
        return self

    def _bootstrap_indices(self, tree):
        """The rows (with repeats) a tree was grown on, redrawn from its seed."""
        if not self.bootstrap:
            return np.arange(self._n_samples)
        tr = np.random.RandomState(tree.random_state)
        for _ in range(max(1, getattr(tree, "_n_bootstrap_draws", 1))):
            idx = tr.randint(0, self._n_samples, self._n_samples_bootstrap_)
        return idx

    def _bootstrap_weights(self, w):
        out = []
        for tree in self.estimators_:
            counts = np.bincount(self._bootstrap_indices(tree),
                                 minlength=self._n_samples).astype(np.float64)
            out.append(counts if w is None else counts * w)
        return out

    @property
    def estimators_samples_(self):
        """Indices of the rows drawn for each tree (all rows without bootstrap)."""
        check_is_fitted(self, "estimators_")
        return [self._bootstrap_indices(t) for t in self.estimators_]

    def __len__(self):
        return len(self.estimators_)

    def __iter__(self):
        return iter(self.estimators_)

    def __getitem__(self, index):
        return self.estimators_[index]

    def _tree_outputs(self, tree, X):
        return tree.tree_.predict(X)

    def _oob_predictions(self, X, weights):
        n = X.shape[0]
        acc, hits = None, np.zeros(n)
        for tree, tw in zip(self.estimators_, weights):
            mask = tw == 0 if tw is not None else np.zeros(n, bool)
            if not mask.any():
                continue
            out = self._tree_outputs(tree, np.ascontiguousarray(X[mask]))
            if acc is None:
                acc = np.zeros((n,) + out.shape[1:])
            acc[mask] += out
            hits[mask] += 1
        return acc, hits

    @property
    def feature_importances_(self):
        check_is_fitted(self, "estimators_")
        imps = [t.tree_.compute_feature_importances() for t in self.estimators_
                if t.tree_.node_count > 1]
        if not imps:
            return np.zeros(self.n_features_in_)
        m = np.mean(imps, axis=0)
        return m / m.sum() if m.sum() > 0 else m

    def apply(self, X):
        check_is_fitted(self, "estimators_")
        X = BaseDecisionTree._check_X(self, X, reset=False)
        return np.stack([t.tree_.apply(X) for t in self.estimators_], axis=1)

    def decision_path(self, X):
        """(indicator, n_nodes_ptr): the trees' node indicators side by side
        (CSR, n_samples x total nodes) and where each tree's columns start."""
        import scipy.sparse as sp
        check_is_fitted(self, "estimators_")
        X = BaseDecisionTree._check_X(self, X, reset=False)
        paths = [t.tree_.decision_path(X) for t in self.estimators_]
        ptr = np.cumsum([0] + [p.shape[1] for p in paths])
        return sp.hstack(paths).tocsr(), ptr

    def _mean_outputs(self, X):
        check_is_fitted(self, "estimators_")
        X = BaseDecisionTree._check_X(self, X, reset=False)
        out = self._tree_outputs(self.estimators_[0], X).copy()
        for t in self.estimators_[1:]:
            out += self._tree_outputs(t, X)
        return out / len(self.estimators_)


def _balanced_subsample(y_enc, counts, n_classes):
    """Per-row "balanced" class weights computed on one bootstrap sample (rows
    drawn `counts` times); classes absent from the sample get weight 0."""
    y_idx = y_enc.astype(np.intp)
    per_class = np.bincount(y_idx, weights=counts, minlength=n_classes)
    present = per_class > 0
    cw = np.zeros(n_classes)
    cw[present] = counts.sum() / (present.sum() * per_class[present])
    return cw[y_idx]


def _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                 min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                 min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state, verbose,
                 warm_start, max_samples, ccp_alpha):
    self.n_estimators = n_estimators
    self.criterion = criterion
    self.max_depth = max_depth
    self.min_samples_split = min_samples_split
    self.min_samples_leaf = min_samples_leaf
    self.min_weight_fraction_leaf = min_weight_fraction_leaf
    self.max_features = max_features
    self.max_leaf_nodes = max_leaf_nodes
    self.min_impurity_decrease = min_impurity_decrease
    self.bootstrap = bootstrap
    self.oob_score = oob_score
    self.n_jobs = n_jobs
    self.random_state = random_state
    self.verbose = verbose
    self.warm_start = warm_start
    self.max_samples = max_samples
    self.ccp_alpha = ccp_alpha


class RandomForestClassifier(ClassifierMixin, BaseForest):
    """A random forest of fastml decision-tree classifiers (scikit-learn's
    parameters; class probabilities are averaged over the trees).

    n_jobs threads grow trees in parallel (None: fastml's thread setting).
    oob_score=True sets oob_score_ (accuracy) and oob_decision_function_.
    warm_start=True adds trees to a fitted forest (the trees equal those of one
    fit with the larger n_estimators); class_weight="balanced_subsample" weighs
    classes on each tree's bootstrap sample.
    """

    _tree_class = DecisionTreeClassifier
    _parameter_constraints = {**BaseForest._parameter_constraints,
                              "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
                              "class_weight": [dict,
                                               StrOptions({"balanced", "balanced_subsample"}),
                                               None]}

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=True, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                     min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                     min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state,
                     verbose, warm_start, max_samples, ccp_alpha)
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        self._check_forest_params()
        X, y = BaseDecisionTree._check_X_y(self, X, y)
        if y.ndim == 2 and y.shape[1] > 1:
            return self._fit_multi_output(X, y, sample_weight)
        y = column_or_1d(y, warn=True)
        self.n_outputs_ = 1
        classes, y_idx = _encode_classes(y)
        w = _check_sample_weight(sample_weight, X.shape[0])
        if self.warm_start and hasattr(self, "estimators_") and \
                not np.array_equal(classes, getattr(self, "classes_", classes)):
            raise ValueError("warm_start=True needs the same classes as the first fit.")
        self.classes_, self.n_classes_ = classes, len(classes)
        if self.class_weight != "balanced_subsample":
            cw = _class_weight_vector(self.class_weight, classes, y_idx, len(classes))
            if cw is not None:
                w = cw if w is None else w * cw
        self._fit_forest(X, y_idx.astype(np.float64), w, len(classes))
        for t in self.estimators_:
            t.classes_, t.n_classes_ = classes, len(classes)
        return self

    def _fit_multi_output(self, X, y, sample_weight):
        """Several outputs: each tree predicts every output (class fractions per
        output); probabilities are averaged per output."""
        classes, codes = _encode_outputs(y)
        if self.class_weight == "balanced_subsample":
            raise ValueError("class_weight='balanced_subsample' is not supported with "
                             f"several outputs (y has {codes.shape[1]} columns).")
        self.n_outputs_ = codes.shape[1]
        self.classes_ = classes
        self.n_classes_ = np.array([len(c) for c in classes], dtype=np.intp)
        w = _check_sample_weight(sample_weight, X.shape[0])
        cw = _multi_class_weight(self.class_weight, classes, codes)
        if cw is not None:
            w = cw if w is None else w * cw
        self._fit_forest(X, codes.astype(np.float64), w, [len(c) for c in classes])
        for t in self.estimators_:
            t.classes_, t.n_classes_, t.n_outputs_ = self.classes_, self.n_classes_, \
                self.n_outputs_
        return self

    def _set_oob(self, X, y_enc, weights):
        acc, hits = self._oob_predictions(X, weights)
        if getattr(self, "n_outputs_", 1) > 1:
            self._set_oob_multi(X, y_enc, acc, hits)
            return
        if acc is None or (hits == 0).any():
            import warnings
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "trees were used to compute any reliable OOB estimates.",
                          UserWarning, stacklevel=3)
        if acc is None:
            acc = np.zeros((X.shape[0], self.n_classes_))
        proba = acc / np.maximum(hits, 1)[:, None]
        self.oob_decision_function_ = proba
        ok = hits > 0
        self.oob_score_ = float(np.mean(np.argmax(proba[ok], axis=1) == y_enc[ok])) \
            if ok.any() else 0.0

    def _set_oob_multi(self, X, codes, acc, hits):
        """oob_decision_function_ (n_samples, max_classes, n_outputs) and
        oob_score_ = accuracy averaged over the outputs."""
        n, no = X.shape[0], self.n_outputs_
        if acc is None or (hits == 0).any():
            import warnings
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "trees were used to compute any reliable OOB estimates.",
                          UserWarning, stacklevel=3)
        if acc is None:
            acc = np.zeros((n, no, int(np.max(self.n_classes_))))
        proba = acc / np.maximum(hits, 1)[:, None, None]
        self.oob_decision_function_ = np.transpose(proba, (0, 2, 1))
        ok = hits > 0
        codes = codes.reshape(n, no)
        self.oob_score_ = float(np.mean(np.argmax(proba[ok], axis=2) == codes[ok])) \
            if ok.any() else 0.0

    def predict_proba(self, X):
        out = self._mean_outputs(X)
        if getattr(self, "n_outputs_", 1) == 1:
            return out
        return [out[:, k, :n] for k, n in enumerate(self.n_classes_)]

    def predict_log_proba(self, X):
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if isinstance(proba, list):
                return [np.log(p) for p in proba]
            return np.log(proba)

    def predict(self, X):
        proba = self.predict_proba(X)
        if isinstance(proba, list):
            return np.stack([c[np.argmax(p, axis=1)] for c, p in zip(self.classes_, proba)],
                            axis=1)
        return self.classes_[np.argmax(proba, axis=1)]


class RandomForestRegressor(RegressorMixin, BaseForest):
    """A random forest of fastml decision-tree regressors (mean of the trees).
    max_features defaults to 1.0 (all features), as in scikit-learn."""

    _tree_class = DecisionTreeRegressor
    _parameter_constraints = {**BaseForest._parameter_constraints,
                              "criterion": [StrOptions({"squared_error", "friedman_mse",
                                                        "absolute_error", "poisson"})]}

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=True, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, ccp_alpha=0.0, max_samples=None):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                     min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                     min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state,
                     verbose, warm_start, max_samples, ccp_alpha)

    def fit(self, X, y, sample_weight=None):
        self._check_forest_params()
        X, y = BaseDecisionTree._check_X_y(self, X, y, y_numeric=True)
        if not (y.ndim == 2 and y.shape[1] > 1):
            y = column_or_1d(y, warn=True)
        Y = _regression_target(self, y)
        self.n_outputs_ = Y.shape[1]
        w = _check_sample_weight(sample_weight, X.shape[0])
        return self._fit_forest(X, Y if self.n_outputs_ > 1 else Y[:, 0], w, 0)

    def _set_oob(self, X, y, weights):
        acc, hits = self._oob_predictions(X, weights)
        no = getattr(self, "n_outputs_", 1)
        n = X.shape[0]
        acc = np.zeros((n, 1)) if acc is None else acc.reshape(n, -1)
        pred = acc / np.maximum(hits, 1)[:, None]
        self.oob_prediction_ = pred[:, 0] if no == 1 else pred
        ok = hits > 0
        Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
        if ok.sum() > 1:  # R^2 averaged over the outputs (scikit-learn's r2_score)
            yt, yp = Y[ok], pred[ok]
            den = ((yt - yt.mean(axis=0)) ** 2).sum(axis=0)
            num = ((yt - yp) ** 2).sum(axis=0)
            r2 = np.where(den > 0, 1 - num / np.where(den > 0, den, 1), 0.0)
            self.oob_score_ = float(np.mean(r2))
        else:
            self.oob_score_ = 0.0

    def predict(self, X):
        out = self._mean_outputs(X)
        return out[:, 0] if getattr(self, "n_outputs_", 1) == 1 else out[:, :, 0]


class ExtraTreesClassifier(RandomForestClassifier):
    """Extremely randomized trees (classification): trees with one random
    threshold per candidate feature, grown on all rows by default
    (bootstrap=False), probabilities averaged; scikit-learn's parameters."""

    _tree_class = ExtraTreeClassifier

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=False, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None):
        super().__init__(n_estimators, criterion=criterion, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, bootstrap=bootstrap,
                         oob_score=oob_score, n_jobs=n_jobs, random_state=random_state,
                         verbose=verbose, warm_start=warm_start, class_weight=class_weight,
                         ccp_alpha=ccp_alpha, max_samples=max_samples)


class ExtraTreesRegressor(RandomForestRegressor):
    """Extremely randomized trees (regression), bootstrap=False by default."""

    _tree_class = ExtraTreeRegressor

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=False, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, ccp_alpha=0.0, max_samples=None):
        super().__init__(n_estimators, criterion=criterion, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, bootstrap=bootstrap,
                         oob_score=oob_score, n_jobs=n_jobs, random_state=random_state,
                         verbose=verbose, warm_start=warm_start, ccp_alpha=ccp_alpha,
                         max_samples=max_samples)
