"""Presorted mode of the exact tree builder (csrc/tree_exact_sorted.c): the
shared order (presort_exact) against its NumPy twin, and trees grown with the
order equal, bit for bit, to trees grown by sorting every node (and to the
twin) -- ties, signed zeros, missing values, zero weights, every criterion,
depth-first and best-first growth, 1 and 2 threads. (Compiled vs twin over
both modes, with integer targets so ties are exact in both, is
test_tree_exact.py's: without an order the builder presorts when the drawn
features are a large share and sorts per node otherwise.)"""
import numpy as np
import pytest

from fastml._kernels import tree as kt
from fastml._kernels._threads import scope
from fastml._kernels.reference import tree as rt

GINI, ENTROPY, MSE, POISSON, MAE = 0, 1, 2, 3, 4
KEYS = ("feature", "left", "right", "n_node_samples", "threshold", "impurity",
        "weighted_n_node_samples", "value", "missing_left")


def _X(rng, n, d, nan=True):
    X = rng.standard_normal((n, d)).astype(np.float32)
    if d > 1:
        X[:, 1] = np.round(X[:, 1] * 2)          # ties
    if d > 2:
        X[:, 2] = np.where(rng.random(n) < 0.5, np.float32(-0.0), np.float32(0.0))
        X[rng.random(n) < 0.3, 2] = 1.0          # signed zeros and one other value
    if d > 3 and nan:
        X[rng.random(n) < 0.15, 3] = np.nan      # missing values
    if d > 4:
        X[:, 4] = 2.5                            # constant
    return X


@pytest.mark.parametrize("n", [1, 7, 48, 49, 1023])
def test_presort_matches_twin(n, rng):
    XT = np.ascontiguousarray(_X(rng, n, 6).T)
    got = kt.presort_exact(XT)
    assert got.dtype == np.int32 and got.shape == XT.shape
    np.testing.assert_array_equal(got, rt.presort_exact(XT))
    for f in range(XT.shape[0]):  # a permutation, sorted, NaN last, ties by row
        assert sorted(got[f]) == list(range(n))
        v = XT[f, got[f]]
        fin = ~np.isnan(v)
        assert not fin[np.argmin(fin):].any() if not fin.all() else True
        assert np.all(np.diff(v[fin]) >= 0)


def _y(rng, X, criterion, n_out):
    cols = []
    for k in range(n_out):
        z = np.nan_to_num(X[:, 0]) + 0.5 * X[:, 1] + 0.3 * rng.standard_normal(len(X)) + k
        if criterion in (GINI, ENTROPY):
            cols.append(np.digitize(z, [-0.5, 0.4, 1.5]).astype(np.float64))
        elif criterion == POISSON:
            cols.append(rng.poisson(np.exp(0.3 * z)).astype(np.float64))
        else:
            cols.append(z.astype(np.float64))  # non-integer: sums must agree bitwise
    y = np.ascontiguousarray(np.stack(cols, axis=1))
    ncls = (np.array([int(c.max()) + 1 for c in cols], dtype=np.int64)
            if criterion in (GINI, ENTROPY) else np.empty(0, dtype=np.int64))
    return y, ncls


@pytest.mark.parametrize("criterion", [GINI, ENTROPY, MSE, POISSON, MAE])
@pytest.mark.parametrize("n_out", [1, 2])
@pytest.mark.parametrize("weights", [False, True])
def test_presorted_equals_per_node_sort(criterion, n_out, weights, rng):
    n, d = (150 if criterion == MAE else 700), 6
    X = _X(rng, n, d)
    XT = np.ascontiguousarray(X.T)
    y, ncls = _y(rng, X, criterion, n_out)
    w = rng.integers(0, 3, n).astype(np.float64) if weights else np.empty(0)
    order = kt.presort_exact(XT)
    # max_features=1 of 6: without an order the builder sorts every node
    for mf, mln, msl in ((6, 0, 1), (1, 0, 3), (6, 25, 2), (1, 40, 1)):
        args = (XT, y, w, ncls, criterion, 0, 30, 2, msl, 0.0, mf, mln, 0.0, 99)
        a = kt.build_exact(*args)
        b = kt.build_exact(*args, order=order)
        for key in KEYS:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        with scope(2):
            c = kt.build_exact(*args, order=order)
        for key in KEYS:
            np.testing.assert_array_equal(b[key], c[key], err_msg=key)


def test_presorted_large_node_threads(rng):
    """Nodes big enough for the threaded feature scan and partition."""
    n, d = 40_000, 8
    X = _X(rng, n, d)
    XT = np.ascontiguousarray(X.T)
    y, ncls = _y(rng, X, MSE, 1)
    order = kt.presort_exact(XT)
    args = (XT, y, np.empty(0), ncls, MSE, 0, 6, 2, 20, 0.0, 2, 0, 0.0, 5)
    a = kt.build_exact(*args)  # per-node sort (2 of 8 features)
    with scope(2):
        b = kt.build_exact(*args, order=order)
    for key in KEYS:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
