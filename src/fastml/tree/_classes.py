"""DecisionTreeClassifier and DecisionTreeRegressor (scikit-learn semantics).

Features are binned once per fit (tree/_binning.py) and the tree grows in
compiled code (fastml._kernels.tree, csrc/tree.c): histogram split search,
depth-first, GIL released. The fitted tree is a set of flat node arrays
(`tree_`), so prediction is one compiled traversal and pickling is cheap.
"""
import numbers

import numpy as np

from .._kernels import tree as _kt
from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..utils._param_validation import Interval, RealNotInt, StrOptions
from ..utils.validation import (_check_sample_weight, check_classification_targets,
                                check_is_fitted, check_random_state)
from ..utils._state import check_binary_tree, state_array, state_int
from . import _binning

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "Tree"]

_INT_MAX = np.iinfo(np.int32).max


class Tree:
    """Flat arrays of a fitted tree (scikit-learn's Tree attribute names).

    children_left/right are -1 at leaves, feature and threshold -2; value has
    shape (node_count, 1, n_values): class fractions for classifiers, the mean
    for regressors.
    """

    def __init__(self, raw, n_features, is_classifier):
        feat = raw["feature"]
        self.children_left = raw["left"]
        self.children_right = raw["right"]
        self.threshold = raw["threshold"]
        self.feature = np.where(feat >= 0, feat, -2).astype(np.int32)
        self.impurity = raw["impurity"]
        self.n_node_samples = raw["n_node_samples"]
        self.weighted_n_node_samples = raw["weighted_n_node_samples"]
        value = raw["value"]
        if is_classifier:
            tot = value.sum(axis=1, keepdims=True)
            value = value / np.where(tot > 0, tot, 1.0)
        self.value = value[:, None, :]
        self.max_depth = int(raw["max_depth"])
        self.n_features = n_features

    def __setstate__(self, state):
        # the node arrays reach C on every predict: checked once, here (O(nodes))
        own = "Tree"
        n_features = state_int(own, "n_features", state.get("n_features"), 1)
        left = state_array(own, "children_left", state.get("children_left"), ndim=1,
                           dtype=np.int64)
        n = len(left)
        right = state_array(own, "children_right", state.get("children_right"), ndim=1,
                            dtype=np.int64, shape=(n,))
        check_binary_tree(own, left, right)
        feature = state_array(own, "feature", state.get("feature"), ndim=1, dtype=np.int32,
                              shape=(n,))
        inner = left >= 0
        if (feature[inner] < 0).any() or (feature[inner] >= n_features).any():
            raise ValueError(f"Invalid pickled state of Tree: feature holds an index "
                             f"outside [0, {n_features}).")
        state = dict(state)
        state.update(
            children_left=left, children_right=right, feature=feature,
            threshold=state_array(own, "threshold", state.get("threshold"), ndim=1,
                                  dtype=np.float64, shape=(n,)),
            value=state_array(own, "value", state.get("value"), ndim=3, kinds="f",
                              shape=(n, 1, None)),
            n_features=n_features,
            max_depth=state_int(own, "max_depth", state.get("max_depth"), 0))
        self.__dict__.update(state)

    @property
    def node_count(self):
        return len(self.feature)

    @property
    def n_outputs(self):
        """Targets per sample (fastml trees are single-output)."""
        return 1

    @property
    def n_classes(self):
        """Classes per output, as scikit-learn's Tree (1 for a regressor)."""
        return np.array([self.value.shape[2]], dtype=np.intp)

    @property
    def max_n_classes(self):
        return int(self.value.shape[2])

    @property
    def n_leaves(self):
        return int((self.children_left == -1).sum())

    def apply(self, X):
        """Leaf index per row of X (validated, C-contiguous float32/float64)."""
        return _kt.apply(X, self.feature, self.threshold, self.children_left,
                         self.children_right)

    def predict(self, X):
        return self.value[self.apply(X), 0]

    def decision_path(self, X):
        """CSR indicator (n_samples, node_count): the nodes each row passes through."""
        import scipy.sparse as sp
        n = X.shape[0]
        node = np.zeros(n, dtype=np.int64)
        rows, cols = [np.arange(n)], [node.copy()]
        idx = np.arange(n)
        while idx.size:
            nd = node[idx]
            inner = self.children_left[nd] >= 0
            idx, nd = idx[inner], nd[inner]
            if not idx.size:
                break
            go_left = X[idx, self.feature[nd]].astype(np.float64) <= self.threshold[nd]
            node[idx] = np.where(go_left, self.children_left[nd], self.children_right[nd])
            rows.append(idx)
            cols.append(node[idx])
        r, c = np.concatenate(rows), np.concatenate(cols)
        out = sp.csr_matrix((np.ones(len(r), dtype=np.int64), (r, c)),
                            shape=(n, self.node_count))
        out.sort_indices()
        return out

    def prune_path(self, ccp_alpha=np.inf):
        """Minimal cost-complexity pruning by weakest link (Breiman et al., 1984).

        Returns (alphas, impurities, leaf_mask): the effective alpha of every
        pruning step taken while it is <= ccp_alpha, the total leaf impurity
        after each step (first entry: the full tree at alpha 0), and which
        nodes are leaves of the tree pruned at ccp_alpha.
        """
        left, right = self.children_left, self.children_right
        n = self.node_count
        parent = np.full(n, -1, dtype=np.int64)
        inner = np.flatnonzero(left >= 0)
        parent[left[inner]] = inner
        parent[right[inner]] = inner
        r_node = self.weighted_n_node_samples * self.impurity / self.weighted_n_node_samples[0]
        r_branch = np.where(left < 0, r_node, 0.0)
        n_leaves = (left < 0).astype(np.int64)
        for t in range(n - 1, 0, -1):  # children have larger ids than their parent
            r_branch[parent[t]] += r_branch[t]
            n_leaves[parent[t]] += n_leaves[t]
        candidate = left >= 0
        alphas, impurities = [0.0], [float(r_branch[0])]
        while candidate[0]:
            cand = np.flatnonzero(candidate)
            eff = (r_node[cand] - r_branch[cand]) / (n_leaves[cand] - 1)
            k = int(np.argmin(eff))
            alpha, t = float(eff[k]), int(cand[k])
            if alpha > ccp_alpha:
                break
            d_leaves, d_r = n_leaves[t] - 1, r_node[t] - r_branch[t]
            a = t
            while a >= 0:
                n_leaves[a] -= d_leaves
                r_branch[a] += d_r
                a = parent[a]
            stack = [t]  # the pruned node's descendants leave the tree
            while stack:
                u = stack.pop()
                candidate[u] = False
                if left[u] >= 0:
                    stack += [int(left[u]), int(right[u])]
            alphas.append(alpha)
            impurities.append(float(r_branch[0]))
        leaf = np.zeros(n, dtype=bool)
        stack = [0]
        while stack:
            u = stack.pop()
            if candidate[u]:
                stack += [int(left[u]), int(right[u])]
            else:
                leaf[u] = True
        return np.array(alphas), np.array(impurities), leaf

    def pruned(self, leaf):
        """A new Tree keeping the nodes above and at `leaf` (preorder ids)."""
        order, kids, stack = [], {}, [0]
        while stack:
            u = stack.pop()
            order.append(u)
            if not leaf[u]:
                kids[u] = (int(self.children_left[u]), int(self.children_right[u]))
                stack += [kids[u][1], kids[u][0]]
        new_id = {u: i for i, u in enumerate(order)}
        old = np.array(order, dtype=np.int64)
        out = object.__new__(Tree)
        out.children_left = np.array([new_id[kids[u][0]] if u in kids else -1 for u in order],
                                     dtype=self.children_left.dtype)
        out.children_right = np.array([new_id[kids[u][1]] if u in kids else -1
                                       for u in order], dtype=self.children_right.dtype)
        is_leaf = out.children_left < 0
        out.feature = np.where(is_leaf, -2, self.feature[old]).astype(self.feature.dtype)
        out.threshold = np.where(is_leaf, -2.0, self.threshold[old])
        for name in ("impurity", "n_node_samples", "weighted_n_node_samples", "value"):
            setattr(out, name, getattr(self, name)[old])
        depth = np.zeros(len(order), dtype=np.int64)
        for i in range(len(order)):
            if not is_leaf[i]:
                depth[out.children_left[i]] = depth[out.children_right[i]] = depth[i] + 1
        out.max_depth = int(depth.max())
        out.n_features = self.n_features
        return out

    def compute_feature_importances(self, normalize=True):
        """Weighted impurity decrease per feature (as scikit-learn)."""
        imp = np.zeros(self.n_features)
        inner = np.flatnonzero(self.children_left >= 0)
        if len(inner):
            wn, im = self.weighted_n_node_samples, self.impurity
            left, right = self.children_left[inner], self.children_right[inner]
            dec = wn[inner] * im[inner] - wn[left] * im[left] - wn[right] * im[right]
            np.add.at(imp, self.feature[inner], dec)
            imp /= wn[0]
        if normalize:
            s = imp.sum()
            if s > 0:
                imp /= s
        return imp


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
        classes = getattr(self, "classes_", None)
        if classes is not None and tree.value.shape[2] != len(classes):
            raise ValueError(f"Invalid pickled state of {own}: tree_.value has "
                             f"{tree.value.shape[2]} columns for {len(classes)} classes.")

    _parameter_constraints = {**TREE_CONSTRAINTS,
                              "splitter": [StrOptions({"best", "random"})]}

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

    def _fit_checked(self, X, y_enc, w, n_classes, binned=None, seed=None):
        """Grow on validated X (n, d), encoded y (float64), weights (float64 or None);
        `binned` (tree._binning.prepare) may be shared by the trees of an ensemble."""
        n, d = X.shape
        p = self._resolve_params(n, d)
        crit = _kt.CRITERIA[self.criterion]
        if binned is None:
            binned = _binning.prepare(X, w)
        w_arr = np.empty(0) if w is None else np.ascontiguousarray(w, dtype=np.float64)
        W = float(n if w is None else w_arr.sum())
        if not W > 0:  # the builder needs at least one row of positive weight
            raise ValueError("sample_weight must have a positive sum (every row would be "
                             "left out of the tree).")
        min_weight_leaf = self.min_weight_fraction_leaf * W
        if seed is None:
            seed = _seed_from(check_random_state(self.random_state))
        raw = _kt.build(binned, np.ascontiguousarray(y_enc, dtype=np.float64), w_arr, crit,
                        n_classes, p["max_depth"], p["min_samples_split"],
                        p["min_samples_leaf"], min_weight_leaf, p["max_features"],
                        p["min_impurity_decrease"], seed)
        self.tree_ = Tree(raw, d, n_classes > 0 and crit != 2)
        if self.ccp_alpha > 0.0:
            self.tree_ = self.tree_.pruned(self.tree_.prune_path(self.ccp_alpha)[2])
        self.max_features_ = p["max_features"]
        return self

    def _validate_X_predict(self, X):
        check_is_fitted(self, "tree_")
        return self._validate_data(X, reset=False)

    def apply(self, X):
        """Index of the leaf each sample ends up in."""
        return self.tree_.apply(self._validate_X_predict(X))

    def decision_path(self, X):
        """Sparse (n_samples, n_nodes) indicator of the nodes each sample visits."""
        return self.tree_.decision_path(self._validate_X_predict(X))

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


class DecisionTreeClassifier(ClassifierMixin, BaseDecisionTree):
    """A decision-tree classifier (CART; criterion "entropy" is ID3's
    information gain).

    Parameters as scikit-learn's: criterion ("gini", "entropy", "log_loss"),
    splitter ("best" only), max_depth, min_samples_split, min_samples_leaf,
    min_weight_fraction_leaf, max_features, random_state, max_leaf_nodes (None
    only), min_impurity_decrease, class_weight (None, "balanced", dict),
    ccp_alpha (0 only). Split points are searched on per-feature histograms of
    at most 256 bins (exact for features with <= 256 distinct values).
    """

    _parameter_constraints = {**BaseDecisionTree._parameter_constraints,
                              "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
                              "class_weight": CLASS_WEIGHT}

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
        _check_unsupported(self)
        X, y = self._validate_data(X, y)
        classes, y_idx = _encode_classes(y)
        self.classes_, self.n_classes_ = classes, len(classes)
        w = _check_sample_weight(sample_weight, X.shape[0])
        cw = _class_weight_vector(self.class_weight, classes, y_idx, len(classes))
        if cw is not None:
            w = cw if w is None else w * cw
        return self._fit_checked(X, y_idx.astype(np.float64), w, len(classes))

    def predict_proba(self, X):
        X = self._validate_X_predict(X)
        return self.tree_.predict(X)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class DecisionTreeRegressor(RegressorMixin, BaseDecisionTree):
    """A decision-tree regressor (criterion "squared_error"); other
    parameters as DecisionTreeClassifier."""

    _parameter_constraints = {**BaseDecisionTree._parameter_constraints,
                              "criterion": [StrOptions({"squared_error"})]}

    def __init__(self, *, criterion="squared_error", splitter="best", max_depth=None,
                 min_samples_split=2, min_samples_leaf=1, min_weight_fraction_leaf=0.0,
                 max_features=None, random_state=None, max_leaf_nodes=None,
                 min_impurity_decrease=0.0, ccp_alpha=0.0):
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
        _check_unsupported(self)
        X, y = self._validate_data(X, y, y_numeric=True)
        w = _check_sample_weight(sample_weight, X.shape[0])
        return self._fit_checked(X, y.astype(np.float64), w, 0)

    def predict(self, X):
        X = self._validate_X_predict(X)
        return self.tree_.predict(X)[:, 0]


def _check_unsupported(est):
    """Valid scikit-learn values fastml does not implement (after _validate_params)."""
    if est.splitter != "best":
        raise ValueError(f"splitter={est.splitter!r} is not supported; only 'best'.")
    if est.max_leaf_nodes is not None:
        raise ValueError("max_leaf_nodes is not supported (only None).")

