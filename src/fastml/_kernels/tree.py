"""Decision-tree growth and traversal (csrc/tree*.c) behind one facade.

Contract (checked by the caller, trusted here): `binned` comes from
fastml.tree._binning.prepare (uint8 codes (n_features, n_samples), sorted bin
edges <= 255 per feature, refine flags, raw float64 values); y float64 (n,)
(class indices 0..n_classes-1, or regression targets); w float64 (n,) >= 0 or
an empty array (all ones); criterion 0 gini, 1 entropy, 2 squared error.
build() releases the GIL, so forests grow trees in parallel threads.

The compiled kernels or their NumPy twins (reference/tree.py, same
signatures) are chosen once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads

CRITERIA = {"gini": 0, "entropy": 1, "log_loss": 1, "squared_error": 2}
# criteria of the exact builder (build_exact)
EXACT_CRITERIA = {"gini": 0, "entropy": 1, "log_loss": 1, "squared_error": 2, "poisson": 3,
                  "absolute_error": 4}
SPLITTERS = {"best": 0, "random": 1}


def _build(binned, y, w, criterion, n_classes, max_depth, min_samples_split,
           min_samples_leaf, min_weight_leaf, max_features, min_impurity_decrease, seed):
    """Grow one tree on `binned` (a tree._binning.Binned: codes Xb (d, n) uint8,
    flat edges + offsets, raw values Xf (d, n) float64 or empty, refine flags);
    returns a dict of flat node arrays (see tree.h fm_tree)."""
    return _tree.build(binned.Xb, binned.edges_flat, binned.offsets, binned.Xf, binned.refine,
                       y, w, int(criterion), int(n_classes), int(max_depth),
                       int(min_samples_split), int(min_samples_leaf), float(min_weight_leaf),
                       int(max_features), float(min_impurity_decrease), int(seed), _threads())


def _build_exact(XT, y, w, n_classes, criterion, splitter, max_depth, min_samples_split,
                 min_samples_leaf, min_weight_leaf, max_features, max_leaf_nodes,
                 min_impurity_decrease, seed, order=None, ranks=None):
    """Grow one exact tree: XT (d, n) float32 C-contiguous (X transposed), y (n,
    n_outputs) float64, w (n,) float64 or empty, n_classes (n_outputs,) int64
    for gini/entropy or empty; criterion from EXACT_CRITERIA, splitter from
    SPLITTERS; max_leaf_nodes 0 = depth-first; order: presort_exact(XT) or None
    (a speed hint shared by the trees of an ensemble; the tree does not depend on
    it); ranks: rank_exact(XT, order) or None (another speed hint shared by the
    trees of an ensemble: the per-node sort orders ranks instead of float keys).
    Returns a dict of node arrays (value: (n_nodes, n_outputs * max(n_classes)))."""
    if order is None:
        order = _NO_ORDER
    rank, uniq, nuniq, near = _NO_RANKS if ranks is None else ranks
    return _tree.build_exact(XT, y, w, n_classes, int(criterion), int(splitter),
                             int(max_depth), int(min_samples_split), int(min_samples_leaf),
                             float(min_weight_leaf), int(max_features), int(max_leaf_nodes),
                             float(min_impurity_decrease), order, rank, uniq, nuniq, near,
                             int(seed),
                             _threads())


_NO_ORDER = np.empty((0, 0), dtype=np.int32)
_NO_RANKS = (np.empty((0, 0), dtype=np.uint32), np.empty((0, 0), dtype=np.float32),
             np.empty(0, dtype=np.int64), np.empty((0, 0), dtype=np.uint64))


def _rank_exact(XT, order):
    """(rank, uniq, nuniq, near) of XT (d, n) float32 C-contiguous with order =
    presort_exact(XT): rank (d, n) uint32, the dense rank of XT[f, i] among the
    distinct float32 values of feature f (bit patterns: -0.0 before 0.0; NaN
    takes rank nuniq[f]); uniq (d, n) float32, uniq[f, r] the value of rank r
    (r < nuniq[f]; zeros after); nuniq (d,) int64; near (d, n // 64 + 1)
    uint64, bit r of near[f] set when uniq[f, r] <= uniq[f, r - 1] + 1e-7
    (float32), the values the split search holds for one."""
    d, n = XT.shape
    rank = np.empty((d, n), dtype=np.uint32)
    uniq = np.zeros((d, n), dtype=np.float32)
    nuniq = np.zeros(d, dtype=np.int64)
    near = np.zeros((d, n // 64 + 1), dtype=np.uint64)
    if d and n:
        _tree.rank_exact(rank, uniq, nuniq, near, XT, order, _threads())
    return rank, uniq, nuniq, near


def _presort_exact(XT):
    """int32 (d, n): row f holds the rows 0..n-1 stably sorted by XT[f] (XT (d, n)
    float32 C-contiguous; ties in row order, -0.0 before 0.0, NaN last)."""
    d, n = XT.shape
    out = np.empty((d, n), dtype=np.int32)
    if d and n:
        _tree.presort_exact(out, XT, _threads())
    return out


def _apply(X, feature, threshold, left, right, missing_left=None):
    """Leaf index (int64) reached by every row of X (float32/float64, C-contiguous);
    a NaN goes left where missing_left (uint8 per node) is set, else right."""
    out = np.empty(X.shape[0], dtype=np.int64)
    ml = np.empty(0, dtype=np.uint8) if missing_left is None else missing_left
    if X.shape[0]:
        _tree.apply(out, X, feature, threshold, left, right, ml, _threads())
    return out


def _bin_codes(X, edges):
    """uint8 codes (n_features, n_samples): searchsorted(edges[f], X[:, f], "left").

    X: C-contiguous float32/float64 (n, d); edges: list of d sorted float64
    arrays of at most 255 edges each.
    """
    n, d = X.shape
    out = np.empty((d, n), dtype=np.uint8)
    if n == 0:
        return out
    offsets = np.zeros(d + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in edges])
    flat = np.concatenate(edges).astype(np.float64) if offsets[-1] else np.zeros(1)
    _tree.bin_codes(out, X, np.ascontiguousarray(flat), offsets, _threads())
    return out


if COMPILED:
    from . import _tree

    build = _build
    build_exact = _build_exact
    presort_exact = _presort_exact
    rank_exact = _rank_exact
    apply = _apply
    bin_codes = _bin_codes
else:
    from .reference.tree import (apply, bin_codes, build, build_exact,  # noqa: F401
                                 presort_exact, rank_exact)
