"""DecisionTree* and ExtraTree* estimators (scikit-learn semantics).

splitter="best" (the default) grows the tree exactly as scikit-learn does:
at each node every candidate threshold between consecutive sorted feature
values (float32, as scikit-learn) is evaluated (csrc/tree_exact*.c, threaded),
so on the same data the tree equals scikit-learn's wherever equally good
splits do not tie. splitter="random" draws one threshold per feature
(extremely randomized trees). splitter="hist" is fastml's histogram search
(features binned once into <= 256 bins, tree/_binning.py, csrc/tree.c):
faster on large data, exact for features with <= 256 distinct values, and
refined on raw values near the chosen edge otherwise. The fitted tree is a set
of flat node arrays (`tree_`), so prediction is one compiled traversal.
Missing values (NaN) are routed as scikit-learn routes them (learned side per
split). A scipy.sparse X is accepted: fitting densifies it (float32 for the
exact splitters; fastml has no sparse splitter yet: memory n_samples x
n_features), prediction walks dense blocks of rows and keeps X sparse.
"""
import numbers
import warnings

import numpy as np
from scipy import sparse

from .._kernels import tree as _kt
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils._set_output import dataframe_to_numpy
from ..utils.validation import (_assert_all_finite, _check_sample_weight, _y_as_float,
                                check_array, check_classification_targets,
                                check_consistent_length, check_is_fitted, check_random_state)
from . import _binning
from ._tree import Tree

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier",
           "ExtraTreeRegressor", "Tree"]

_INT_MAX = np.iinfo(np.int32).max
_RAND_R_MAX = 2**31 - 1


def _resolve_max_features(max_features, d):
    """Number of features tried per split (max_features already validated)."""
    if max_features is None:
        return d
    if isinstance(max_features, str):
        return max(1, int(np.sqrt(d) if max_features == "sqrt" else np.log2(d)))
    if isinstance(max_features, numbers.Integral):
        if max_features > d:
            raise ValueError(f"max_features must be in [1, n_features={d}], got "
                             f"{max_features}.")
        return int(max_features)
    return max(1, int(max_features * d))


# The parameters a tree shares with the forests and boosting that grow it.
TREE_CONSTRAINTS = {
    "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "min_samples_split": [Interval(numbers.Integral, 2, None, closed="left"),
                          Interval(RealNotInt, 0, 1, closed="right")],
    "min_samples_leaf": [Interval(numbers.Integral, 1, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="neither")],
    "min_weight_fraction_leaf": [Interval(numbers.Real, 0, 0.5, closed="both")],
    "max_features": [Interval(numbers.Integral, 1, None, closed="left"),
                     Interval(RealNotInt, 0, 1, closed="right"),
                     StrOptions({"sqrt", "log2"}), None],
    "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left"), None],
    "min_impurity_decrease": [Interval(numbers.Real, 0, None, closed="left")],
    "ccp_alpha": [Interval(numbers.Real, 0, None, closed="left")],
    "random_state": ["random_state"],
}
CLASS_WEIGHT = [dict, StrOptions({"balanced"}), None]


def _seed_from(rng):
    """A nonzero 64-bit seed for the C builder drawn from a RandomState."""
    return (int(rng.randint(1, _INT_MAX)) << 32) | int(rng.randint(0, _INT_MAX))


class ExactData:
    """X prepared for the exact builder, shared by the trees of an ensemble:
    XT (n_features, n_samples) float32, C-contiguous (scikit-learn grows its
    trees on float32 values too); with presort, also `order` (n_features,
    n_samples) int32, the rows sorted by each feature once for all trees, and
    `ranks` (rank_exact: each value's dense rank among its feature's distinct
    values), else None (speed hints of the builder: the trees do not depend
    on them)."""

    def __init__(self, X, presort=False):
        XT = np.ascontiguousarray(np.asarray(X).T, dtype=np.float32)
        if np.isinf(XT).any():  # NaN is a missing value; inf (or overflow) is an error
            raise ValueError("Input X contains infinity or a value too large for "
                             "dtype('float32').")
        self.XT = XT
        self.order = _kt.presort_exact(XT) if presort else None
        self.ranks = _kt.rank_exact(XT, self.order) if presort else None


def prepare(X, w=None, splitter="best"):
    """The per-fit data of a splitter: ExactData, or the histogram bins."""
    if splitter == "hist":
        return _binning.prepare(X, w)
    return ExactData(X, presort=splitter == "best")


class BaseDecisionTree(BaseEstimator):

    def __setstate__(self, state):
        self.__dict__.update(state)
        tree = state.get("tree_")
        if tree is None:
            return
        own = type(self).__name__
        if not isinstance(tree, Tree) or tree.n_features != self.n_features_in_:
            raise ValueError(f"Invalid pickled state of {own}: tree_ does not match "
                             f"n_features_in_={self.n_features_in_!r}.")
        n_classes = getattr(self, "n_classes_", None)
        if n_classes is not None and tree.value.shape[2] != int(np.max(n_classes)):
            raise ValueError(f"Invalid pickled state of {own}: tree_.value has "
                             f"{tree.value.shape[2]} columns for {np.max(n_classes)} classes.")

    _parameter_constraints = {**TREE_CONSTRAINTS,
                              "splitter": [StrOptions({"best", "random", "hist"})]}

    def _resolve_params(self, n_samples, n_features):
        """Builder arguments from the (already validated) parameters and the
        data size: fractions become counts, max_features is checked against
        n_features."""
        md, mss, msl = self.max_depth, self.min_samples_split, self.min_samples_leaf
        mss = int(mss) if isinstance(mss, numbers.Integral) else \
            max(2, int(np.ceil(mss * n_samples)))
        msl = int(msl) if isinstance(msl, numbers.Integral) else \
            max(1, int(np.ceil(msl * n_samples)))
        return dict(max_depth=_INT_MAX if md is None else int(md), min_samples_split=mss,
                    min_samples_leaf=msl, max_features=_resolve_max_features(
                        self.max_features, n_features),
                    min_impurity_decrease=float(self.min_impurity_decrease))

    def _criterion(self):
        crit = self.criterion
        if crit == "friedman_mse":
            warnings.warn('Value `"friedman_mse"` for `criterion` is deprecated and will be '
                          'removed in 1.11. It maps to `"squared_error"` as both were always '
                          'equivalent. Use `criterion="squared_error"` to remove this '
                          'warning.', FutureWarning, stacklevel=4)
            crit = "squared_error"
        return crit

    def _fit_checked(self, X, y_enc, w, n_classes, binned=None, seed=None):
        """Grow on validated X (n, d), encoded y (float64, (n,) or (n, n_outputs)),
        weights (float64 or None); n_classes: classes per output (int or
        sequence; 0 = regression). `binned` (tree.prepare) may be shared by the
        trees of an ensemble."""
        n, d = X.shape
        p = self._resolve_params(n, d)
        crit = self._criterion()
        splitter = self.splitter
        Y = np.asarray(y_enc, dtype=np.float64)
        Y = Y.reshape(n, -1)
        n_out = Y.shape[1]
        ncls = np.atleast_1d(np.asarray(n_classes, dtype=np.int64))
        if ncls.size == 1 and n_out > 1:
            ncls = np.repeat(ncls, n_out)
        is_cls = bool(ncls[0] > 0)
        w_arr = np.empty(0) if w is None else np.ascontiguousarray(w, dtype=np.float64)
        W = float(n if w is None else w_arr.sum())
        if not W > 0:  # the builder needs at least one row of positive weight
            raise ValueError("sample_weight must have a positive sum (every row would be "
                             "left out of the tree).")
        min_weight_leaf = self.min_weight_fraction_leaf * W
        if splitter == "hist":
            if seed is None:
                seed = _seed_from(check_random_state(self.random_state))
            if n_out > 1 or crit not in _kt.CRITERIA or self.max_leaf_nodes is not None:
                raise ValueError(
                    "splitter='hist' supports one output, criterion in "
                    f"{sorted(_kt.CRITERIA)} and max_leaf_nodes=None; got "
                    f"{n_out} outputs, criterion={crit!r}, "
                    f"max_leaf_nodes={self.max_leaf_nodes!r}.")
            if not isinstance(binned, _binning.Binned):
                binned = _binning.prepare(X, w)
            raw = _kt.build(binned, np.ascontiguousarray(Y[:, 0]), w_arr, _kt.CRITERIA[crit],
                            int(ncls[0]), p["max_depth"], p["min_samples_split"],
                            p["min_samples_leaf"], min_weight_leaf, p["max_features"],
                            p["min_impurity_decrease"], seed)
            self.tree_ = Tree(raw, d, is_cls and crit != "squared_error")
        else:
            if not isinstance(binned, ExactData):
                binned = ExactData(X)
            if seed is None:  # scikit-learn's splitter seed: the same feature draws
                seed = int(check_random_state(self.random_state).randint(0, _RAND_R_MAX))
            raw = _kt.build_exact(
                binned.XT, np.ascontiguousarray(Y), w_arr,
                ncls if is_cls else np.empty(0, dtype=np.int64), _kt.EXACT_CRITERIA[crit],
                _kt.SPLITTERS[splitter], p["max_depth"], p["min_samples_split"],
                p["min_samples_leaf"], min_weight_leaf, p["max_features"],
                0 if self.max_leaf_nodes is None else int(self.max_leaf_nodes),
                p["min_impurity_decrease"], seed, order=self._presorted(binned, splitter, p, d),
                ranks=binned.ranks if splitter == "best" else None)
            self.tree_ = Tree(raw, d, is_cls, n_outputs=n_out,
                              n_classes=ncls if is_cls else None, float32=True)
        if self.ccp_alpha > 0.0:
            self.tree_ = self.tree_.pruned(self.tree_.prune_path(self.ccp_alpha)[2])
        self.max_features_ = p["max_features"]
        return self

    @staticmethod
    def _presorted(data, splitter, p, d):
        """The shared presorted order for the exact builder, or None (the builder
        then sorts per node or presorts itself). Measured (50k x 20, depth 12):
        presorted lists pay off when the drawn features are >= 1/4 of all; with
        max_features="sqrt" per-node sorting is ~5% faster (and with the shared
        ranks, ExactData.ranks, per-node sorts take 1-2 radix passes). Same tree
        either way."""
        if splitter != "best" or data.order is None or 4 * p["max_features"] < d:
            return None
        return data.order

    def _fastml_tags(self):
        hist = self.splitter == "hist"
        return {"allow_nan": self._allow_nan(), "multi_output": not hist, "sparse": True}

    def _allow_nan(self):
        """Missing values (NaN) are split on by the exact and random splitters
        (not by "hist")."""
        return self.splitter != "hist"

    def _check_X(self, X, reset):
        """X as a float array (NaN kept when the splitter handles it); infinities
        and, where unsupported, NaN raise."""
        self._check_feature_names(X, reset=reset)
        if sparse.issparse(X):
            Xs = X.tocsr()
            if Xs.dtype not in (np.float32, np.float64):
                Xs = Xs.astype(np.float64)
            if np.isinf(Xs.data).any():
                raise ValueError("Input X contains infinity or a value too large for "
                                 "dtype('float32').")
            if not self._allow_nan() and np.isnan(Xs.data).any():
                raise ValueError(f"Input X contains NaN. {type(self).__name__} does not "
                                 "accept missing values.")
            if not reset:
                # prediction walks the trees over dense blocks of rows (Tree.apply):
                # memory O(block x n_features), X itself stays sparse
                self._check_n_features(Xs, reset=False)
                return Xs
            # fastml's splitters read dense feature columns: for fitting, a sparse X
            # is densified (float32 for the exact splitters, which compare float32)
            splitter = getattr(self, "splitter", None)
            if splitter is None and hasattr(self, "_tree_class"):  # a forest
                splitter = self._tree_class().splitter
            X = Xs.astype(np.float32).toarray() if splitter in ("best", "random") else \
                Xs.toarray()
        X = check_array(dataframe_to_numpy(X), dtype=(np.float64, np.float32),
                        ensure_all_finite=False)
        if np.isinf(X).any():
            raise ValueError("Input X contains infinity or a value too large for "
                             "dtype('float32').")
        if not self._allow_nan() and np.isnan(X).any():
            raise ValueError(f"Input X contains NaN. {type(self).__name__} with "
                             f"splitter={getattr(self, 'splitter', 'best')!r}, "
                             f"criterion={self.criterion!r} does not accept missing values.")
        self._check_n_features(X, reset=reset)
        return X

    def _check_X_y(self, X, y, y_numeric=False):
        if y is None:
            raise ValueError("This estimator requires y to be passed, but the target y is "
                             "None.")
        X = BaseDecisionTree._check_X(self, X, reset=True)
        y = check_array(y, dtype=None, ensure_2d=False, ensure_all_finite=False,
                        input_name="y")
        if y_numeric and y.dtype.kind in "OUS":
            y = _y_as_float(y)
        _assert_all_finite(y, "y")
        check_consistent_length(X, y)
        return X, y

    def _validate_X_predict(self, X):
        check_is_fitted(self, "tree_")
        return self._check_X(X, reset=False)

    def apply(self, X):
        """Index of the leaf each sample ends up in."""
        X = self._validate_X_predict(X)  # NotFittedError first, before tree_ is read
        return self.tree_.apply(X)

    def decision_path(self, X):
        """Sparse (n_samples, n_nodes) indicator of the nodes each sample visits."""
        X = self._validate_X_predict(X)
        return self.tree_.decision_path(X)

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """Effective alphas and total leaf impurities of minimal cost-complexity
        pruning of the tree grown on (X, y) (a Bunch like scikit-learn's)."""
        from ..datasets import Bunch
        from ..base import clone
        est = clone(self).set_params(ccp_alpha=0.0)
        est.fit(X, y, sample_weight=sample_weight)
        alphas, impurities, _ = est.tree_.prune_path()
        return Bunch(ccp_alphas=alphas, impurities=impurities)

    def get_depth(self):
        check_is_fitted(self, "tree_")
        return self.tree_.max_depth

    def get_n_leaves(self):
        check_is_fitted(self, "tree_")
        return self.tree_.n_leaves

    @property
    def feature_importances_(self):
        check_is_fitted(self, "tree_")
        return self.tree_.compute_feature_importances()


def _class_weight_vector(class_weight, classes, y_idx, n_classes):
    """Per-sample multipliers for class_weight ('balanced', dict or None)."""
    if class_weight is None:
        return None
    if class_weight == "balanced":
        counts = np.bincount(y_idx, minlength=n_classes).astype(np.float64)
        cw = len(y_idx) / (n_classes * np.where(counts > 0, counts, 1.0))
    elif isinstance(class_weight, dict):
        cw = np.ones(n_classes)
        for k, v in class_weight.items():
            hit = np.flatnonzero(classes == k)
            if len(hit) == 0:
                raise ValueError(f"class_weight key {k!r} is not a class label.")
            cw[hit[0]] = float(v)
    else:
        raise ValueError(f"class_weight must be None, 'balanced' or a dict, got "
                         f"{class_weight!r}.")
    return cw[y_idx]


def _encode_classes(y):
    check_classification_targets(y)
    classes, y_idx = np.unique(y, return_inverse=True)
    if len(classes) < 2:
        raise ValueError(f"The number of classes has to be greater than one; got "
                         f"{len(classes)} class.")
    return classes, y_idx.astype(np.intp).ravel()


def _encode_outputs(y):
    """Classes and class indices per output of a classification target (1-D,
    or 2-D (n, n_outputs)): (list of class arrays, (n, n_outputs) intp)."""
    y = np.asarray(y)
    Y = y.reshape(len(y), -1) if y.ndim == 2 else y.reshape(-1, 1)
    classes, codes = [], np.empty(Y.shape, dtype=np.intp)
    for k in range(Y.shape[1]):
        check_classification_targets(Y[:, k])
        c, idx = np.unique(Y[:, k], return_inverse=True)
        classes.append(c)
        codes[:, k] = idx.ravel()
    return classes, codes


def _multi_class_weight(class_weight, classes, codes):
    """Per-sample weights of class_weight over all outputs (their product)."""
    if class_weight is None:
        return None
    n_out = codes.shape[1]
    if n_out == 1:
        return _class_weight_vector(class_weight, classes[0], codes[:, 0], len(classes[0]))
    if class_weight != "balanced" and not isinstance(class_weight, list):
        raise ValueError("For multi-output, class_weight should be a list of dicts, or the "
                         "string 'balanced'.")
    if isinstance(class_weight, list) and len(class_weight) != n_out:
        raise ValueError("For multi-output, number of elements in class_weight should match "
                         "number of outputs.")
    out = np.ones(codes.shape[0])
    for k in range(n_out):
        cw = class_weight if class_weight == "balanced" else class_weight[k]
        out *= _class_weight_vector(cw, classes[k], codes[:, k], len(classes[k]))
    return out


def _regression_target(est, y):
    """y as (n, n_outputs) float64 with the criterion's checks."""
    y = np.asarray(y, dtype=np.float64)
    Y = y.reshape(len(y), -1) if y.ndim == 2 else y.reshape(-1, 1)
    if est.criterion == "poisson":
        if np.any(Y < 0):
            raise ValueError("Some value(s) of y are negative which is not allowed for "
                             "Poisson regression.")
        if np.sum(Y) <= 0:
            raise ValueError("Sum of y is not positive which is necessary for Poisson "
                             "regression.")
    return Y


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    """A decision-tree classifier (CART; criterion "entropy" is ID3's
    information gain).

    Parameters as scikit-learn's: criterion ("gini", "entropy", "log_loss"),
    splitter ("best", "random", or fastml's "hist"), max_depth,
    min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_features, random_state, max_leaf_nodes (best-first growth),
    min_impurity_decrease, class_weight (None, "balanced", dict, list of dicts
    for several outputs), ccp_alpha. y may have several outputs (2-D).

    splitter="best" evaluates every threshold between sorted float32 feature
    values and equals scikit-learn's tree on the same data (where equally good
    splits do not tie; ties between features follow fastml's random feature
    order, not scikit-learn's). splitter="hist" is fastml-specific: splits are
    searched on per-feature histograms of at most 256 bins (exact for
    features with <= 256 distinct values, refined on raw values near the
    chosen bin edge otherwise), one output, no max_leaf_nodes.
    """

    _parameter_constraints = {**BaseDecisionTree._parameter_constraints,
                              "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
                              "class_weight": [dict, list, StrOptions({"balanced"}), None]}

    def __init__(self, *, criterion="gini", splitter="best", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=None, random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, class_weight=None, ccp_alpha=0.0):
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha

    def fit(self, X, y, sample_weight=None, check_input=True):
        self._validate_params()
        X, y = self._check_X_y(X, y)
        classes, codes = _encode_outputs(y)
        self.n_outputs_ = codes.shape[1]
        if self.n_outputs_ == 1:
            self.classes_, self.n_classes_ = classes[0], len(classes[0])
        else:
            self.classes_ = classes
            self.n_classes_ = np.array([len(c) for c in classes], dtype=np.intp)
        w = _check_sample_weight(sample_weight, X.shape[0])
        cw = _multi_class_weight(self.class_weight, classes, codes)
        if cw is not None:
            w = cw if w is None else w * cw
        return self._fit_checked(X, codes.astype(np.float64), w,
                                 [len(c) for c in classes])

    def predict_proba(self, X):
        X = self._validate_X_predict(X)
        out = self.tree_.predict(X)
        if self.n_outputs_ == 1:
            return out
        return [out[:, k, :n] for k, n in enumerate(self.n_classes_)]

    def predict_log_proba(self, X):
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if self.n_outputs_ == 1:
                return np.log(proba)
            return [np.log(p) for p in proba]

    def predict(self, X):
        proba = self.predict_proba(X)
        if self.n_outputs_ == 1:
            return self.classes_[np.argmax(proba, axis=1)]
        return np.stack([c[np.argmax(p, axis=1)] for c, p in zip(self.classes_, proba)],
                        axis=1)


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """A decision-tree regressor: criterion "squared_error", "absolute_error"
    (median leaves), "poisson" (half Poisson deviance), or the deprecated
    "friedman_mse" (= "squared_error", with scikit-learn's FutureWarning); y
    may have several outputs (2-D). Other parameters as
    DecisionTreeClassifier (splitter="hist": squared_error and one output)."""

    _parameter_constraints = {**BaseDecisionTree._parameter_constraints,
                              "criterion": [StrOptions({"squared_error", "friedman_mse",
                                                        "absolute_error", "poisson"})]}

    def __init__(self, *, criterion="squared_error", splitter="best", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=None, random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
        if isinstance(criterion, str) and criterion == "friedman_mse":
            # as scikit-learn: deprecated, mapped to "squared_error" at construction
            warnings.warn('Value `"friedman_mse"` for `criterion` is deprecated and will be '
                          'removed in 1.11. It maps to `"squared_error"` as both were always '
                          'equivalent. Use `criterion="squared_error"` to remove this '
                          'warning.', FutureWarning, stacklevel=2)
            criterion = "squared_error"
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.ccp_alpha = ccp_alpha

    def fit(self, X, y, sample_weight=None, check_input=True):
        self._validate_params()
        if self.criterion == "poisson":  # y's values first, as scikit-learn checks them
            try:
                _regression_target(self, np.asarray(y, dtype=np.float64))
            except (TypeError, ValueError) as exc:
                if "Poisson" in str(exc):
                    raise
        X, y = self._check_X_y(X, y, y_numeric=True)
        Y = _regression_target(self, y)
        self.n_outputs_ = Y.shape[1]
        w = _check_sample_weight(sample_weight, X.shape[0])
        return self._fit_checked(X, Y, w, 0)

    def predict(self, X):
        X = self._validate_X_predict(X)
        out = self.tree_.predict(X)
        return out[:, 0] if self.n_outputs_ == 1 else out[:, :, 0]


class ExtraTreeClassifier(DecisionTreeClassifier):
    """An extremely randomized tree classifier: splitter="random" and
    max_features="sqrt" by default (as scikit-learn's)."""

    def __init__(self, *, criterion="gini", splitter="random", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features="sqrt", random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, class_weight=None, ccp_alpha=0.0):
        super().__init__(criterion=criterion, splitter=splitter, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, random_state=random_state,
                         max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease,
                         class_weight=class_weight, ccp_alpha=ccp_alpha)


class ExtraTreeRegressor(DecisionTreeRegressor):
    """An extremely randomized tree regressor: splitter="random" and
    max_features=1.0 by default (as scikit-learn's)."""

    def __init__(self, *, criterion="squared_error", splitter="random", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=1.0, random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
        super().__init__(criterion=criterion, splitter=splitter, max_depth=max_depth,
                         min_samples_split=min_samples_split,
                         min_samples_leaf=min_samples_leaf,
                         min_weight_fraction_leaf=min_weight_fraction_leaf,
                         max_features=max_features, random_state=random_state,
                         max_leaf_nodes=max_leaf_nodes,
                         min_impurity_decrease=min_impurity_decrease, ccp_alpha=ccp_alpha)
