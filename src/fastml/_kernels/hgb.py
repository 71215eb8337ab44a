"""Histogram gradient boosting engine (csrc/hgb*.c) behind one facade.

Contract (checked by the caller, trusted here):
- bin_data(X, thresholds, nthr, is_cat, missing_bin): X float64 (n, d)
  C-contiguous; thresholds float64 (d, t) with the first nthr[f] entries of row f
  increasing (categorical rows: the known categories). Returns the codes
  row-major (n, d) and column-major (d, n), uint8.
- gradients(raw, y, w, loss, alpha): raw float64 (n, K); returns float32 g, h
  of shape (K, n) (LOSSES names the loss codes).
- grow_tree(codes_rm, codes_cm, g, h, nbins_nm, has_missing, is_cat,
  monotonic, params, work, groups): one tree; returns (nodes, catbits, rows) with
  nodes a NODE_DTYPE array (children relative to the root), catbits (nodes, 8)
  uint32 left-bin bitsets of categorical splits and rows the row partition.
  `work` is a uint8 buffer of work_size(n, d, params) bytes reused across trees.
  `groups`: None or uint8 (ngroups, d) interaction-constraint membership
  (every feature in some group); a child may split only on the features of
  its parent's groups that contain the parent's split feature.
- boost_iter(raw, y, w, loss, alpha, shrink, seeds, codes_rm, codes_cm, nbins_nm,
  has_missing, is_cat, monotonic, params, work, groups): one boosting iteration of
  K = raw.shape[1] trees: gradients at raw, tree k grown on class k's
  gradients with params["seed"] = seeds[k], node values multiplied by shrink,
  raw[:, k] += tree k's leaf values (in place). Returns a list of K
  (nodes, catbits) as grow_tree's. The same trees and raw as gradients +
  grow_tree + the leaf update, in one call. `work`: work_size(n, d, params with
  hist_pool + K - 1) bytes (iter_work_size).
- predict_raw(raw, X, nodes, catbits, roots): raw (n, K) += the trees whose
  roots are `roots` (absolute node indices; tree t adds to column t % K).
The compiled engine or its twin (reference/hgb.py, same signatures) is chosen
once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._hgb_layout import LOSSES, NODE_DTYPE  # noqa: F401 (part of the facade)
from ._threads import current as _threads


def _bin_data(X, thresholds, nthr, is_cat, missing_bin):
    n, d = X.shape
    codes_rm = np.empty((n, d), dtype=np.uint8)
    codes_cm = np.empty((d, n), dtype=np.uint8)
    _hgb.bin_data(codes_rm, codes_cm, X, thresholds, nthr, is_cat, int(missing_bin), _threads())
    return codes_rm, codes_cm


def _gradients(raw, y, w, loss, alpha=0.5):
    n, K = raw.shape
    g = np.empty((K, n), dtype=np.float32)
    h = np.empty((K, n), dtype=np.float32)
    _hgb.gradients(g, h, raw, y, w, LOSSES[loss], float(alpha), _threads())
    return g, h


def _work_size(n, d, params):
    return int(_hgb.work_size(n, d, params))


def _grow_tree(codes_rm, codes_cm, g, h, nbins_nm, has_missing, is_cat, monotonic, params,
               work=None, groups=None):
    n, d = codes_rm.shape
    cap = 2 * int(params["max_leaf_nodes"]) - 1
    nodes = np.zeros(cap, dtype=NODE_DTYPE)
    catbits = np.zeros((cap, 8), dtype=np.uint32)
    rows = np.empty(n, dtype=np.int32)
    if work is None:
        work = np.empty(_work_size(n, d, params), dtype=np.uint8)
    m = _hgb.grow(nodes.view(np.uint8), catbits, rows, work, codes_rm, codes_cm, g, h,
                  nbins_nm, has_missing, is_cat, monotonic, params, _threads(), groups)
    return nodes[:m].copy(), catbits[:m].copy(), rows


def iter_work_size(n, d, K, params):
    return work_size(n, d, dict(params, hist_pool=int(params["hist_pool"]) + K - 1))


def _boost_iter(raw, y, w, loss, alpha, shrink, seeds, codes_rm, codes_cm, nbins_nm,
                has_missing, is_cat, monotonic, params, work=None, groups=None):
    n, d = codes_rm.shape
    K = raw.shape[1]
    cap = 2 * int(params["max_leaf_nodes"]) - 1
    nodes = np.zeros(K * cap, dtype=NODE_DTYPE)
    catbits = np.zeros((K * cap, 8), dtype=np.uint32)
    nnodes = np.zeros(K, dtype=np.int64)
    g = np.empty((K, n), dtype=np.float32)
    h = np.empty((K, n), dtype=np.float32)
    if work is None:
        work = np.empty(iter_work_size(n, d, K, params), dtype=np.uint8)
    _hgb.boost_iter(nodes.view(np.uint8), catbits, nnodes, np.empty(n, np.int32), work, g, h,
                    raw, y, w, LOSSES[loss], float(alpha), float(shrink),
                    np.asarray(seeds, dtype=np.uint64), codes_rm, codes_cm, nbins_nm,
                    has_missing, is_cat, monotonic, params, _threads(), groups)
    return [(nodes[k * cap:k * cap + m].copy(), catbits[k * cap:k * cap + m].copy())
            for k, m in enumerate(nnodes.tolist())]


def _predict_raw(raw, X, nodes, catbits, roots):
    _hgb.predict(raw, X, np.ascontiguousarray(nodes).view(np.uint8), catbits, roots, _threads())
    return raw


if COMPILED:
    from . import _hgb

    assert _hgb.node_size() == NODE_DTYPE.itemsize, "NODE_DTYPE differs from fm_hgb_node"
    bin_data = _bin_data
    gradients = _gradients
    work_size = _work_size
    grow_tree = _grow_tree
    boost_iter = _boost_iter
    predict_raw = _predict_raw
else:
    from .reference.hgb import bin_data, boost_iter, gradients, grow_tree, predict_raw, \
        work_size  # noqa
