"""Checks of a k-d tree's arrays restored from a pickle (see utils/_state.py).

The tree's shape depends only on (n, leaf_size): node i over positions
[s, e) is a leaf when e - s <= leaf_size, else its left child is i + 1 over
[s, s + (e - s) // 2) and its right child follows the left subtree. So the
node table can be recomputed exactly and compared, in O(number of nodes).
"""
import numpy as np

from .._kernels import _magnitude

from ..utils._state import _fail, check_permutation, state_array, state_int
from ..utils._sparse import is_sparse
from ._sparse import check_sparse_state
from ._validation import effective_leaf_size

_OWNER = "KDTree"


def _skeleton(n, leaf_size):
    """Expected (start, end, right) of every node, preorder."""
    rows = []
    stack = [(0, n)]
    while stack:
        s, e = stack.pop()
        rows.append((s, e))
        if e - s > leaf_size:
            mid = s + (e - s) // 2
            stack.append((mid, e))  # right subtree after the whole left one
            stack.append((s, mid))
    nodes = np.zeros((len(rows), 3), dtype=np.int64)
    # the right child is the node over [mid, e) (ranges are unique in the tree)
    pos = {}
    for i, r in enumerate(rows):
        nodes[i, :2] = r
        pos[r] = i
    for i, r in enumerate(rows):
        s, e = r
        if e - s > leaf_size:
            nodes[i, 2] = pos[(s + (e - s) // 2, e)]
    return nodes


def check_tree_state(tree, n, d, dtype, leaf_size):
    """The tree dict of fastml._kernels (kind "kdtree" or "reference") after checks."""
    if not isinstance(tree, dict) or tree.get("kind") not in ("kdtree", "reference"):
        _fail(_OWNER, "tree", "must be the dict a fitted tree stores")
    n = state_int(_OWNER, "n_samples", n, 1)
    d = state_int(_OWNER, "n_features", d, 1)
    # the tree was built with the capped leaf size (see effective_leaf_size)
    leaf_size = effective_leaf_size(state_int(_OWNER, "leaf_size", leaf_size, 1), n)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        _fail(_OWNER, "dtype", f"must be float32 or float64, got {dtype}")
    plan = tree.get("plan", (None, 0))  # (compute dtype, scale exponent); see _kernels/kdtree.py
    if not (isinstance(plan, tuple) and len(plan) == 2 and plan[0] in (None, "float32", "float64")
            and isinstance(plan[1], (int, np.integer)) and not isinstance(plan[1], bool)
            and abs(int(plan[1])) <= 2100):
        _fail(_OWNER, "plan", f"must be (None | 'float32' | 'float64', int), got {plan!r}")
    if plan[0] is not None:
        if dtype == np.float32 and plan[0] != "float64" or \
                dtype == np.float64 and plan[0] != "float64":
            _fail(_OWNER, "plan", f"compute dtype {plan[0]!r} does not fit data of {dtype}")
        dtype = np.dtype(plan[0])
    plan = (plan[0], int(plan[1]))
    if tree["kind"] == "reference":
        X = state_array(_OWNER, "X", tree.get("X"), ndim=2, dtype=dtype, shape=(n, d),
                        finite=True)
        return {"kind": "reference", "X": X, "plan": plan}
    nodes = state_array(_OWNER, "nodes", tree.get("nodes"), ndim=2, dtype=np.int64)
    expect = _skeleton(n, leaf_size)
    nn = len(expect)
    if nodes.shape != (nn, 4) or not np.array_equal(nodes[:, :3], expect):
        _fail(_OWNER, "nodes", f"do not describe a tree over n={n} points with "
                               f"(effective) leaf_size={leaf_size}")
    inner = expect[:, 2] > 0
    dims = nodes[:, 3]
    if (dims[inner] < 0).any() or (dims[inner] >= d).any() or (dims[~inner] != 0).any():
        _fail(_OWNER, "nodes", f"hold a split dimension outside [0, {d})")
    spare = -(-64 // d)
    out = {"kind": "kdtree",
           "data": state_array(_OWNER, "data", tree.get("data"), ndim=2, dtype=dtype,
                               shape=(n + spare, d), finite=True),
           "idx": state_array(_OWNER, "idx", tree.get("idx"), ndim=1, dtype=np.int64,
                              shape=(n,)),
           "nodes": nodes,
           "splits": state_array(_OWNER, "splits", tree.get("splits"), ndim=2, dtype=dtype,
                                 shape=(nn, 2), finite=True),
           "bounds": state_array(_OWNER, "bounds", tree.get("bounds"), ndim=2, dtype=dtype,
                                 shape=(2 * nn, d), finite=True)}
    check_permutation(_OWNER, "idx", out["idx"], n)
    max_leaf = state_int(_OWNER, "max_leaf", tree.get("max_leaf"), 1)
    if max_leaf != min(n, leaf_size):
        _fail(_OWNER, "max_leaf", f"must be {min(n, leaf_size)}, got {max_leaf}")
    out["max_leaf"] = max_leaf
    out["plan"] = plan
    return out


def check_fitted_neighbors(est):
    """A KNN estimator's fitted arrays after unpickling (called by __setstate__)."""
    owner = type(est).__name__
    if not hasattr(est, "_fit_X"):
        return  # not fitted
    engine = getattr(est, "_engine", None)
    if engine == "precomputed":  # distances only: never reach C
        from ._precomputed import check_precomputed

        est._fit_X = check_precomputed(est._fit_X)
        return
    if engine == "generic" and is_sparse(est._fit_X):  # user metric on sparse rows
        return
    if getattr(est, "_sparse_index", None) is not None or is_sparse(est._fit_X):
        return check_sparse_state(est)  # neighbors/_sparse.py
    n = state_int(owner, "n_samples_fit_", est.n_samples_fit_, 1)
    d = state_int(owner, "n_features_in_", est.n_features_in_, 1)
    X = est._fit_X
    if not (isinstance(X, np.ndarray) and X.dtype in (np.float32, np.float64)):
        _fail(owner, "_fit_X", "must be a float32 or float64 array")
    # nan_euclidean (generic engine, NumPy only) keeps NaN in the data
    est._fit_X = state_array(owner, "_fit_X", X, ndim=2, shape=(n, d),
                             finite=engine not in ("generic",))
    if engine in (None, "tree", "brute", "callable"):
        est._fit_absmax = _magnitude.absmax(est._fit_X)  # recomputed, never trusted
    if getattr(est, "_tree", None) is not None:
        est._tree = check_tree_state(est._tree, n, d, X.dtype, est.leaf_size)
    y = getattr(est, "_y", None)
    if y is not None and (not isinstance(y, np.ndarray) or len(y) != n):
        _fail(owner, "_y", f"must be an array of {n} rows")
    if y is not None and hasattr(est, "classes_"):
        classes = est.classes_ if getattr(est, "outputs_2d_", False) else [est.classes_]
        y2 = y.reshape(n, -1)
        for j, c in enumerate(classes):
            if y2.shape[1] != len(classes):
                _fail(owner, "_y", "has a column count different from classes_")
            if y2.size and (y2[:, j].min() < 0 or y2[:, j].max() >= len(c)):
                _fail(owner, "_y", "holds a class code outside classes_")
