"""Validation of fitted state restored from a pickle.

Kernels trust their inputs, and a fitted model's arrays reach C on every
predict, so whatever ``__setstate__`` receives is checked once, at load, in
time linear in its size. Every failure is a ``ValueError`` naming the
attribute.
"""
import numbers

import numpy as np


def _fail(owner, name, what):
    raise ValueError(f"Invalid pickled state of {owner}: {name} {what}.")


def state_array(owner, name, a, *, ndim, dtype=None, kinds=None, shape=None, finite=False):
    """`a` as a C-contiguous array after checks; `shape` entries of None are free."""
    if not isinstance(a, np.ndarray):
        _fail(owner, name, f"must be a NumPy array, got {type(a).__name__}")
    if a.ndim != ndim:
        _fail(owner, name, f"must be {ndim}-D, got shape {a.shape}")
    if dtype is not None and a.dtype != np.dtype(dtype):
        _fail(owner, name, f"must have dtype {np.dtype(dtype)}, got {a.dtype}")
    if kinds is not None and a.dtype.kind not in kinds:
        _fail(owner, name, f"has an unsupported dtype {a.dtype}")
    if shape is not None:
        for got, want in zip(a.shape, shape):
            if want is not None and got != want:
                _fail(owner, name, f"must have shape {tuple(shape)}, got {a.shape}")
    if finite and a.dtype.kind == "f" and not np.isfinite(a).all():
        _fail(owner, name, "contains NaN or infinity")
    return np.ascontiguousarray(a)


def state_int(owner, name, v, minimum=0):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < minimum:
        _fail(owner, name, f"must be an int >= {minimum}, got {v!r}")
    return int(v)


def check_index_range(owner, name, a, lo, hi):
    """Every entry in [lo, hi)."""
    if a.size and (a.min() < lo or a.max() >= hi):
        _fail(owner, name, f"holds an index outside [{lo}, {hi})")


def check_permutation(owner, name, a, n):
    check_index_range(owner, name, a, 0, n)
    if np.bincount(a, minlength=n).max(initial=0) > 1:
        _fail(owner, name, "is not a permutation")


def check_binary_tree(owner, left, right, leaf=-1):
    """Children arrays of a tree rooted at node 0: each child index is larger
    than its parent's (so no cycle) and every node but the root has exactly one
    parent; leaves have both children equal to `leaf`."""
    n = len(left)
    if len(right) != n or n == 0:
        _fail(owner, "children", "must be two arrays of the same nonzero length")
    is_leaf = left == leaf
    if not np.array_equal(is_leaf, right == leaf):
        _fail(owner, "children", "mix a leaf and an inner node in one node")
    inner = np.flatnonzero(~is_leaf)
    kids = np.concatenate([left[inner], right[inner]])
    if kids.size and (kids.min() < 1 or kids.max() >= n):
        _fail(owner, "children", f"hold an index outside [1, {n})")
    if (left[inner] <= inner).any() or (right[inner] <= inner).any():
        _fail(owner, "children", "point back to an earlier node (a cycle)")
    if kids.size != n - 1 or np.bincount(kids, minlength=n)[1:].max(initial=1) != 1:
        _fail(owner, "children", "do not form a tree (a node with several or no parents)")
