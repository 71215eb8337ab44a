"""The fitted tree: flat node arrays with scikit-learn's attribute names, and
the operations on them (apply, decision_path, pruning, importances)."""
import numpy as np

from .._kernels import tree as _kt
from ..utils._state import check_binary_tree, state_array, state_int

__all__ = ["Tree"]


class Tree:
    """Flat arrays of a fitted tree (scikit-learn's Tree attribute names).

    children_left/right are -1 at leaves, feature and threshold -2; value has
    shape (node_count, 1, n_values): class fractions for classifiers, the mean
    for regressors.
    """

    def __init__(self, raw, n_features, is_classifier, n_outputs=1, n_classes=None,
                 float32=False):
        feat = raw["feature"]
        self.children_left = raw["left"]
        self.children_right = raw["right"]
        self.threshold = raw["threshold"]
        self.feature = np.where(feat >= 0, feat, -2).astype(np.int32)
        # where a NaN goes at each split (exact trees; histogram trees send it right)
        self.missing_go_to_left = raw.get("missing_left",
                                          np.zeros(len(feat), dtype=np.uint8)).astype(np.uint8)
        self.impurity = raw["impurity"]
        self.n_node_samples = raw["n_node_samples"]
        self.weighted_n_node_samples = raw["weighted_n_node_samples"]
        value = raw["value"].reshape(len(feat), n_outputs, -1)
        if is_classifier:
            tot = value.sum(axis=2, keepdims=True)
            value = value / np.where(tot > 0, tot, 1.0)
        self.value = value
        self.max_depth = int(raw["max_depth"])
        self.n_features = n_features
        if n_classes is not None:
            self._n_classes = np.asarray(n_classes, dtype=np.intp).reshape(-1)
        # exact trees compare float32 feature values, as they were grown on
        self.float32 = bool(float32)

    def _missing_left(self):
        ml = getattr(self, "missing_go_to_left", None)
        return None if ml is None else np.ascontiguousarray(ml, dtype=np.uint8)

    def _X(self, X):
        """X as the traversal compares it: float32 for trees grown on float32
        (a scipy.sparse X is densified)."""
        if hasattr(X, "toarray") and hasattr(X, "nnz"):
            X = X.toarray()
        if getattr(self, "float32", False) and X.dtype != np.float32:
            X32 = np.ascontiguousarray(X, dtype=np.float32)
            if np.isinf(X32).any():
                raise ValueError("Input X contains infinity or a value too large for "
                                 "dtype('float32').")
            return X32
        return X

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
                              shape=(n, None, None)),
            n_features=n_features,
            max_depth=state_int(own, "max_depth", state.get("max_depth"), 0))
        if state.get("missing_go_to_left") is not None:
            state["missing_go_to_left"] = state_array(
                own, "missing_go_to_left", state.get("missing_go_to_left"), ndim=1,
                dtype=np.uint8, shape=(n,))
        self.__dict__.update(state)

    @property
    def node_count(self):
        return len(self.feature)

    @property
    def capacity(self):
        """Nodes the arrays hold (scikit-learn's Tree over-allocates; fastml's
        arrays are exactly node_count long)."""
        return len(self.feature)

    @property
    def n_outputs(self):
        """Targets per sample."""
        return int(self.value.shape[1])

    @property
    def n_classes(self):
        """Classes per output, as scikit-learn's Tree (1 for a regressor)."""
        nc = getattr(self, "_n_classes", None)
        if nc is not None:
            return nc
        return np.full(self.n_outputs, self.value.shape[2], dtype=np.intp)

    @property
    def max_n_classes(self):
        return int(self.value.shape[2])

    @property
    def n_leaves(self):
        return int((self.children_left == -1).sum())

    def apply(self, X):
        """Leaf index per row of X (validated, C-contiguous float32/float64; a
        scipy.sparse X is traversed in dense blocks of rows, so memory stays
        O(block x n_features))."""
        if hasattr(X, "toarray") and hasattr(X, "nnz"):
            X = X.tocsr()
            n = X.shape[0]
            step = max(1, min(n, (1 << 20) // max(1, X.shape[1])))
            out = [self.apply(X[i:i + step].toarray()) for i in range(0, n, step)]
            return np.concatenate(out) if out else np.empty(0, dtype=np.intp)
        X = np.ascontiguousarray(self._X(X))
        return _kt.apply(X, self.feature, self.threshold, self.children_left,
                         self.children_right, self._missing_left())

    def predict(self, X):
        """Leaf values of the rows of X: (n, n_values) for one output, else
        (n, n_outputs, n_values) (as scikit-learn's Tree.predict)."""
        out = self.value[self.apply(X)]
        return out[:, 0] if out.shape[1] == 1 else out

    def decision_path(self, X):
        """CSR indicator (n_samples, node_count): the nodes each row passes through."""
        import scipy.sparse as sp
        X = self._X(X)
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
            v = X[idx, self.feature[nd]].astype(np.float64)
            go_left = v <= self.threshold[nd]
            ml = self._missing_left()
            if ml is not None:
                go_left = np.where(np.isnan(v), ml[nd].astype(bool), go_left)
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
        ml = self._missing_left()
        if ml is not None:
            out.missing_go_to_left = np.where(is_leaf, 0, ml[old]).astype(np.uint8)
        for name in ("impurity", "n_node_samples", "weighted_n_node_samples", "value"):
            setattr(out, name, getattr(self, name)[old])
        depth = np.zeros(len(order), dtype=np.int64)
        for i in range(len(order)):
            if not is_leaf[i]:
                depth[out.children_left[i]] = depth[out.children_right[i]] = depth[i] + 1
        out.max_depth = int(depth.max())
        out.n_features = self.n_features
        out.float32 = getattr(self, "float32", False)
        if getattr(self, "_n_classes", None) is not None:
            out._n_classes = self._n_classes
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
