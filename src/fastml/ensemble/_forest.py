"""Random forests and extra-trees: fastml trees grown in parallel threads.

X is prepared once per fit (float32, feature-major, for the exact and random
splitters) and shared by every tree; each tree is grown by the compiled
builder with the GIL released, so `n_jobs` Python threads build trees truly
in parallel. Bootstrap samples are drawn as in
scikit-learn >= 1.9 (per-tree seed from random_state; randint(0, n, n_boot)
without weights, else rows drawn with probability proportional to the sample
weight times the expanded class weight) and enter the tree as row counts only.
oob_score may be a callable score(y, y_pred); max_samples a count or a
fraction of n (of the total weight with weights), possibly above 1.
"""
import numbers
import threading

import numpy as np
from scipy import sparse

from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..tree import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                    ExtraTreeRegressor)
from ..tree._classes import (TREE_CONSTRAINTS, BaseDecisionTree, _encode_outputs,
                             _multi_class_weight, _regression_target, _seed_from, prepare)
from ..utils._parallel import map_threads
from ..utils._progress import progress
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
        "oob_score": ["boolean", callable],
        "n_jobs": ["n_jobs"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "max_samples": [None, Interval(RealNotInt, 0, None, closed="neither"),
                        Interval(numbers.Integral, 1, None, closed="left")],
    }

    def _fastml_tags(self):
        return {"allow_nan": self._allow_nan(),
                "multi_output": getattr(self, "splitter", None) != "hist", "sparse": True}

    def _allow_nan(self):
        """Missing values (NaN) go to the trees (exact splitters route them;
        the histogram splitter does not take them)."""
        return getattr(self, "splitter", None) != "hist"

    def _get_n_samples_bootstrap(self, n, w=None):
        """Rows drawn per tree: max_samples as a count, or a fraction of n (of the
        total weight when weights are given), at least 1."""
        ms = self.max_samples
        if ms is None:
            return n
        if isinstance(ms, numbers.Integral):
            return int(ms)
        total = n if w is None else float(np.sum(w))
        n_boot = max(int(ms * total), 1)
        if n_boot < max(10, n ** (1 / 3)):
            import warnings
            what = (f"the number of samples is {total} " if w is None else
                    f"the total sum of sample weights is {total} ")
            warnings.warn(f"Using the fractional value max_samples={ms} when {what}results "
                          f"in a low number ({n_boot}) of bootstrap samples. We recommend "
                          "passing `max_samples` as an integer instead.", UserWarning,
                          stacklevel=4)
        return n_boot

    def _check_forest_params(self):
        """The declarative pass, then combinations and unsupported values."""
        self._validate_params()
        if not self.bootstrap and self.max_samples is not None:
            raise ValueError("`max_sample` cannot be set if `bootstrap=False`. Either switch "
                             "to `bootstrap=True` or set `max_sample=None`.")
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")

    @property
    def estimator(self):
        """An unfitted tree of the kind this forest grows."""
        split = getattr(self, "splitter", None)
        return self._tree_class() if split is None else self._tree_class(splitter=split)

    def _draw_indices(self, seed):
        """The bootstrap rows of the tree seeded `seed` (int32): uniform draws,
        or draws proportional to the sample weights when there are weights."""
        rs = np.random.RandomState(seed)
        n, n_boot, w = self._n_samples, self._n_samples_bootstrap, self._sample_weight
        if w is None:
            idx = rs.randint(0, n, n_boot)
        else:
            idx = rs.choice(n, n_boot, replace=True, p=w / np.sum(w))
        return idx.astype(np.int32)

    def _fit_forest(self, X, y_enc, w, n_classes):
        """w: the combined sample x class weights (None: unweighted). With
        bootstrap, each tree is grown on row counts of its draw (drawn in
        proportion to w), as scikit-learn >= 1.9; without, on w."""
        n, d = X.shape
        self._n_samples = n
        self._sample_weight = None if w is None else np.asarray(w, dtype=np.float64)
        self._n_samples_bootstrap = self._get_n_samples_bootstrap(n, w) if self.bootstrap \
            else None
        rng = check_random_state(self.random_state)
        old = list(getattr(self, "estimators_", [])) if self.warm_start else []
        n_more = self.n_estimators - len(old)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(old)} when warm_start==True")
        if n_more == 0:
            import warnings
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit "
                          "new trees.", UserWarning, stacklevel=3)
        else:
            if old:
                rng.randint(_MAX_INT, size=len(old))  # the seeds a single fit gave them
            self.estimators_ = old + self._grow(X, y_enc, w, n_classes, rng, n_more)
        if self.oob_score and (n_more > 0 or not hasattr(self, "oob_score_")):
            self._check_oob_target(y_enc)
            scorer = self.oob_score if callable(self.oob_score) else None
            self._set_oob_score_and_attributes(X, y_enc, scoring_function=scorer)
        return self

    def _check_oob_target(self, y_enc):
        Y = np.asarray(y_enc).reshape(len(y_enc), -1)
        if isinstance(self, ClassifierMixin) and Y.shape[1] > 1 and \
                int(np.max(np.atleast_1d(self.n_classes_))) > 2:
            raise ValueError("The type of target cannot be used to compute OOB estimates. "
                             "Got multiclass-multioutput while only the following are "
                             "supported: continuous, continuous-multioutput, binary, "
                             "multiclass, multilabel-indicator.")

    def _grow(self, X, y_enc, w, n_classes, rng, n_more):
        n, d = X.shape
        params = {p: getattr(self, p) for p in _TREE_PARAMS}
        if getattr(self, "splitter", None) is not None:  # random forests: "best" or "hist"
            params["splitter"] = self.splitter
        binned = prepare(X, w, params.get("splitter",
                                          getattr(self._tree_class(), "splitter", "best")))
        if params["criterion"] == "friedman_mse":  # deprecated alias (warned at construction)
            params["criterion"] = "squared_error"
        subsample = getattr(self, "class_weight", None) == "balanced_subsample"
        jobs = []
        for _ in range(n_more):
            seed = int(rng.randint(_MAX_INT))
            tree = self._tree_class(**params, random_state=seed)
            if self.bootstrap:
                counts = np.bincount(self._draw_indices(seed), minlength=n).astype(np.float64)
                tw = counts * _balanced_subsample(y_enc, counts, n_classes) if subsample \
                    else counts
                if not tw.sum() > 0:  # every drawn row weighs zero: no tree can be grown
                    raise ValueError("A bootstrap sample holds only rows of zero weight; "
                                     "increase max_samples or check sample_weight.")
            else:
                tw = w
            # exact / random splitters draw features from the tree's own random_state
            # (as scikit-learn's trees); the histogram builder from its stream
            hist = getattr(tree, "splitter", "best") == "hist"
            jobs.append((tree, tw, _seed_from(np.random.RandomState(seed)) if hist else None))

        verbose = int(self.verbose)
        done = [0]
        lock = threading.Lock()

        def grow(job):
            tree, tw, seed = job
            tree.n_features_in_ = d
            out = tree._fit_checked(X, y_enc, tw, n_classes, binned=binned, seed=seed)
            if verbose >= 2:
                with lock:
                    done[0] += 1
                    print(f"building tree {done[0]} of {n_more}", flush=True)
            bar.update()
            return out

        with progress(n_more, type(self).__name__, verbose) as bar:
            return list(_map_threads(grow, jobs, self.n_jobs))

    def _bootstrap_indices(self, tree):
        """The rows (with repeats) a tree was grown on, redrawn from its seed."""
        if not self.bootstrap:
            return np.arange(self._n_samples, dtype=np.int32)
        return self._draw_indices(tree.random_state)

    def _oob_weights(self):
        """Per tree: the rows it did not draw (True = out of bag)."""
        return [np.bincount(self._bootstrap_indices(t), minlength=self._n_samples) == 0
                for t in self.estimators_]

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

    def _oob_predictions(self, X):
        """Sum of the out-of-bag tree outputs per row and how many trees saw it out
        of bag (sparse X is predicted in row blocks)."""
        n = X.shape[0]
        acc, hits = None, np.zeros(n)
        for tree, mask in zip(self.estimators_, self._oob_weights()):
            if not mask.any():
                continue
            Xm = X[mask] if not sparse.issparse(X) else X.tocsr()[np.flatnonzero(mask)]
            out = self._tree_outputs(tree, Xm if sparse.issparse(Xm) else
                                     np.ascontiguousarray(Xm))
            if acc is None:
                acc = np.zeros((n,) + out.shape[1:])
            acc[mask] += out
            hits[mask] += 1
        if acc is None or (hits == 0).any():
            import warnings
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "trees were used to compute any reliable OOB estimates.",
                          UserWarning, stacklevel=4)
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
        if sparse.issparse(X):  # dense blocks of rows, every tree on each block
            step = max(1, (1 << 20) // max(1, X.shape[1]))
            parts = [self._sum_outputs(X[i:i + step].toarray())
                     for i in range(0, X.shape[0], step)]
            return np.concatenate(parts) / len(self.estimators_)
        return self._sum_outputs(X) / len(self.estimators_)

    def _sum_outputs(self, X):
        out = self._tree_outputs(self.estimators_[0], X).copy()
        for t in self.estimators_[1:]:
            out += self._tree_outputs(t, X)
        return out


def _balanced_subsample(y_enc, counts, n_classes):
    """Per-row "balanced" class weights computed on one bootstrap sample (rows
    drawn `counts` times), multiplied over the outputs; classes absent from the
    sample get weight 0."""
    Y = np.asarray(y_enc).reshape(len(counts), -1).astype(np.intp)
    ncls = np.broadcast_to(np.atleast_1d(n_classes), (Y.shape[1],))
    out = np.ones(len(counts))
    for k in range(Y.shape[1]):
        per_class = np.bincount(Y[:, k], weights=counts, minlength=int(ncls[k]))
        present = per_class > 0
        cw = np.zeros(len(per_class))
        cw[present] = counts.sum() / (present.sum() * per_class[present])
        out *= cw[Y[:, k]]
    return out


def _balanced_weights(y_idx, n_classes, w):
    """scikit-learn's "balanced" class weights per row: total weight over
    (n_classes x the class's weight)."""
    per_class = np.bincount(y_idx, weights=w, minlength=n_classes)
    total = len(y_idx) if w is None else float(np.sum(w))
    cw = total / (n_classes * np.where(per_class > 0, per_class, 1.0))
    return cw[y_idx]


def _warn_friedman_mse(criterion):
    if isinstance(criterion, str) and criterion == "friedman_mse":
        import warnings
        warnings.warn('Value `"friedman_mse"` for `criterion` is deprecated and will be '
                      'removed in 1.11. It maps to `"squared_error"` as both were always '
                      'equivalent. Use `criterion="squared_error"` to remove this '
                      'warning.', FutureWarning, stacklevel=3)


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
    verbose=1 shows a progress bar over the trees on stderr (tqdm's in a terminal
    or notebook when installed; one line per 10% in a log file or pipe);
    verbose=2 prints "building tree i of n" lines instead.
    oob_score=True sets oob_score_ (accuracy) and oob_decision_function_.
    warm_start=True adds trees to a fitted forest (the trees equal those of one
    fit with the larger n_estimators); class_weight="balanced_subsample" weighs
    classes on each tree's bootstrap sample.

    splitter (fastml-specific, default "best"): "best" grows exact trees (each
    equal to scikit-learn's tree on the same rows and features); "hist" grows
    them on per-feature histograms of <= 256 bins (one output, no NaN, no
    max_leaf_nodes): several times faster, trees differ from scikit-learn's.
    """

    _tree_class = DecisionTreeClassifier
    _parameter_constraints = {**BaseForest._parameter_constraints,
                              "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
                              "class_weight": [dict, list,
                                               StrOptions({"balanced", "balanced_subsample"}),
                                               None],
                              "splitter": [StrOptions({"best", "hist"})]}

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=True, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None,
                 splitter="best"):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                     min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                     min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state,
                     verbose, warm_start, max_samples, ccp_alpha)
        self.class_weight = class_weight
        self.splitter = splitter

    def _validate_y_class_weight(self, y, sample_weight=None):
        """Encode y (n, n_outputs) per output (sets classes_, n_classes_ as lists)
        and expand class_weight to per-row multipliers (None when there are none,
        or with "balanced_subsample" and bootstrap: then each tree weighs its own
        draw)."""
        classes, codes = _encode_outputs(y)
        self.classes_ = classes
        self.n_classes_ = [len(c) for c in classes]
        cw = self.class_weight
        if cw is None:
            return codes, None
        if isinstance(cw, (dict, list)):
            if isinstance(cw, list) and codes.shape[1] == 1 and len(cw) == 1:
                cw = cw[0]
            return codes, _multi_class_weight(cw, classes, codes)
        if self.warm_start:
            import warnings
            warnings.warn('class_weight presets "balanced" or "balanced_subsample" are not '
                          "recommended for warm_start if the fitted data differs from the "
                          "full dataset.", UserWarning, stacklevel=3)
        if cw == "balanced_subsample" and self.bootstrap:
            return codes, None
        out = np.ones(codes.shape[0])
        for k, c in enumerate(classes):
            out *= _balanced_weights(codes[:, k], len(c), sample_weight)
        return codes, out

    def fit(self, X, y, sample_weight=None):
        self._check_forest_params()
        if sparse.issparse(y):
            raise ValueError("sparse multilabel-indicator for y is not supported.")
        X, y = BaseDecisionTree._check_X_y(self, X, y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(len(y), -1)
        self.n_outputs_ = Y.shape[1]
        w = _check_sample_weight(sample_weight, X.shape[0])
        old_classes = getattr(self, "classes_", None) if self.warm_start and \
            hasattr(self, "estimators_") else None
        codes, cw = self._validate_y_class_weight(Y, w)
        if cw is not None:
            w = cw if w is None else w * cw
        if self.n_outputs_ == 1:
            self.classes_, self.n_classes_ = self.classes_[0], self.n_classes_[0]
            if old_classes is not None and not np.array_equal(old_classes, self.classes_):
                raise ValueError("warm_start=True needs the same classes as the first fit.")
            self._fit_forest(X, codes[:, 0].astype(np.float64), w, self.n_classes_)
        else:
            self.n_classes_ = np.array(self.n_classes_, dtype=np.intp)
            self._fit_forest(X, codes.astype(np.float64), w, list(self.n_classes_))
        for t in self.estimators_:
            t.classes_, t.n_classes_, t.n_outputs_ = self.classes_, self.n_classes_, \
                self.n_outputs_
        return self

    def _set_oob_score_and_attributes(self, X, y, scoring_function=None):
        """oob_decision_function_ ((n, n_classes), or (n, max_classes, n_outputs))
        and oob_score_ = scoring_function(y, argmax class) (accuracy by default;
        averaged over outputs)."""
        n, no = X.shape[0], self.n_outputs_
        acc, hits = self._oob_predictions(X)
        if no == 1:
            if acc is None:
                acc = np.zeros((n, self.n_classes_))
            proba = acc / np.maximum(hits, 1)[:, None]
            self.oob_decision_function_ = proba
            pred = np.argmax(proba, axis=1)
            codes = np.asarray(y).reshape(n).astype(np.intp)
        else:
            if acc is None:
                acc = np.zeros((n, no, int(np.max(self.n_classes_))))
            proba = acc / np.maximum(hits, 1)[:, None, None]
            self.oob_decision_function_ = np.transpose(proba, (0, 2, 1))
            pred = np.argmax(proba, axis=2)
            codes = np.asarray(y).reshape(n, no).astype(np.intp)
        if scoring_function is None:
            self.oob_score_ = float(np.mean(pred == codes))
        else:
            self.oob_score_ = scoring_function(codes, pred)

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
    max_features defaults to 1.0 (all features), as in scikit-learn.
    splitter="hist" (fastml-specific; default "best", exact) grows the trees on
    histograms of at most 256 bins, as RandomForestClassifier documents."""

    _tree_class = DecisionTreeRegressor
    _parameter_constraints = {**BaseForest._parameter_constraints,
                              "criterion": [StrOptions({"squared_error", "friedman_mse",
                                                        "absolute_error", "poisson"})],
                              "splitter": [StrOptions({"best", "hist"})]}

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=True, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, ccp_alpha=0.0, max_samples=None, splitter="best"):
        _warn_friedman_mse(criterion)
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                     min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                     min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state,
                     verbose, warm_start, max_samples, ccp_alpha)
        self.splitter = splitter

    def fit(self, X, y, sample_weight=None):
        self._check_forest_params()
        if sparse.issparse(y):
            raise ValueError("sparse multilabel-indicator for y is not supported.")
        X, y = BaseDecisionTree._check_X_y(self, X, y, y_numeric=True)
        if not (y.ndim == 2 and y.shape[1] > 1):
            y = column_or_1d(y, warn=True)
        if self.criterion == "poisson":
            yy = np.asarray(y, dtype=np.float64)
            if np.any(yy < 0):
                raise ValueError("Some value(s) of y are negative which is not allowed for "
                                 "Poisson regression.")
            if np.sum(yy) <= 0:
                raise ValueError("Sum of y is not strictly positive which is necessary for "
                                 "Poisson regression.")
        Y = _regression_target(self, y)
        self.n_outputs_ = Y.shape[1]
        w = _check_sample_weight(sample_weight, X.shape[0])
        self._fit_forest(X, Y if self.n_outputs_ > 1 else Y[:, 0], w, 0)
        for t in self.estimators_:
            t.n_outputs_ = self.n_outputs_
        return self

    def _set_oob_score_and_attributes(self, X, y, scoring_function=None):
        """oob_prediction_ and oob_score_ = scoring_function(y, oob_prediction_)
        (R^2 averaged over outputs by default)."""
        no = getattr(self, "n_outputs_", 1)
        n = X.shape[0]
        acc, hits = self._oob_predictions(X)
        acc = np.zeros((n, 1)) if acc is None else acc.reshape(n, -1)
        pred = acc / np.maximum(hits, 1)[:, None]
        self.oob_prediction_ = pred[:, 0] if no == 1 else pred
        Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
        yt = Y[:, 0] if no == 1 else Y
        if scoring_function is not None:
            self.oob_score_ = scoring_function(yt, self.oob_prediction_)
            return
        den = ((Y - Y.mean(axis=0)) ** 2).sum(axis=0)
        num = ((Y - pred) ** 2).sum(axis=0)
        r2 = np.where(den > 0, 1 - num / np.where(den > 0, den, 1),
                      np.where(num == 0, 1.0, 0.0))
        self.oob_score_ = float(np.mean(r2))

    def predict(self, X):
        out = self._mean_outputs(X)
        return out[:, 0] if getattr(self, "n_outputs_", 1) == 1 else out[:, :, 0]


class ExtraTreesClassifier(RandomForestClassifier):
    """Extremely randomized trees (classification): trees with one random
    threshold per candidate feature, grown on all rows by default
    (bootstrap=False), probabilities averaged; scikit-learn's parameters."""

    _tree_class = ExtraTreeClassifier
    _parameter_constraints = {k: v for k, v in
                              RandomForestClassifier._parameter_constraints.items()
                              if k != "splitter"}

    def __init__(self, n_estimators=100, *, criterion="gini", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=False, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, class_weight=None, ccp_alpha=0.0, max_samples=None):
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                     min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                     min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state,
                     verbose, warm_start, max_samples, ccp_alpha)
        self.class_weight = class_weight


class ExtraTreesRegressor(RandomForestRegressor):
    """Extremely randomized trees (regression), bootstrap=False by default."""

    _tree_class = ExtraTreeRegressor
    _parameter_constraints = {k: v for k, v in
                              RandomForestRegressor._parameter_constraints.items()
                              if k != "splitter"}

    def __init__(self, n_estimators=100, *, criterion="squared_error", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, max_leaf_nodes=None, min_impurity_decrease=0.0,
                 bootstrap=False, oob_score=False, n_jobs=None, random_state=None, verbose=0,
                 warm_start=False, ccp_alpha=0.0, max_samples=None):
        _warn_friedman_mse(criterion)
        _forest_init(self, n_estimators, criterion, max_depth, min_samples_split,
                     min_samples_leaf, min_weight_fraction_leaf, max_features, max_leaf_nodes,
                     min_impurity_decrease, bootstrap, oob_score, n_jobs, random_state,
                     verbose, warm_start, max_samples, ccp_alpha)
