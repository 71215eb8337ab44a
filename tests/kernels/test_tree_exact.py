"""Exact tree builder (csrc/tree_exact*.c) vs its NumPy twin
(reference/tree_exact.py): every criterion, single- and multi-output, the
random splitter, best-first growth, feature subsampling (same per-node random
streams), weights; and independence of the thread count."""
import numpy as np
import pytest

from fastml._kernels import tree as kt
from fastml._kernels._threads import scope
from fastml._kernels.reference import tree as rt

GINI, ENTROPY, MSE, POISSON, MAE = 0, 1, 2, 3, 4


def _same(a, b, rtol=1e-10):
    for key in ("feature", "left", "right", "n_node_samples"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    np.testing.assert_array_equal(a["threshold"], b["threshold"], err_msg="threshold")
    for key in ("impurity", "weighted_n_node_samples", "value"):
        np.testing.assert_allclose(a[key], b[key], rtol=rtol, atol=1e-12, err_msg=key)
    assert a["max_depth"] == b["max_depth"]


def _data(rng, criterion, n=300, d=6, n_out=1):
    X = rng.standard_normal((n, d)).astype(np.float32)
    X[:, 1] = np.round(X[:, 1] * 2)  # ties inside a feature
    cols = []
    for k in range(n_out):
        z = X[:, k % d] + 0.5 * X[:, (k + 2) % d] + 0.3 * rng.standard_normal(n)
        if criterion in (GINI, ENTROPY):
            cols.append(np.digitize(z, [-0.5, 0.4]).astype(np.float64))
        elif criterion == POISSON:
            cols.append(rng.poisson(np.exp(0.5 * z)).astype(np.float64))
        else:  # integer targets: exact sums, so equal partitions tie exactly in both
            cols.append(np.round(4 * z))
    y = np.ascontiguousarray(np.stack(cols, axis=1))
    ncls = (np.array([int(c.max()) + 1 for c in cols], dtype=np.int64)
            if criterion in (GINI, ENTROPY) else np.empty(0, dtype=np.int64))
    return np.ascontiguousarray(X.T), y, ncls


@pytest.mark.parametrize("criterion", [GINI, ENTROPY, MSE, POISSON, MAE])
@pytest.mark.parametrize("n_out", [1, 3])
@pytest.mark.parametrize("max_features", [6, 2])
@pytest.mark.parametrize("splitter", [0, 1])
def test_matches_twin(criterion, n_out, max_features, splitter, rng):
    n = 120 if criterion == MAE else 300
    XT, y, ncls = _data(rng, criterion, n=n, n_out=n_out)
    w = np.empty(0)
    args = (XT, y, w, ncls, criterion, splitter, 8, 2, 1, 0.0, max_features, 0, 0.0, 12345)
    _same(kt.build_exact(*args), rt.build_exact(*args))


@pytest.mark.parametrize("criterion", [GINI, MSE])
def test_weights_leaf_minima_and_best_first_match_twin(criterion, rng):
    XT, y, ncls = _data(rng, criterion, n=400)
    w = rng.integers(0, 4, XT.shape[1]).astype(np.float64)
    for mln, msl, mwl, mid in ((0, 5, 0.0, 0.0), (12, 1, 3.0, 0.0), (0, 1, 0.0, 0.01),
                               (30, 3, 0.0, 0.0)):
        args = (XT, y, w, ncls, criterion, 0, 30, 4, msl, mwl, 6, mln, mid, 7)
        a, b = kt.build_exact(*args), rt.build_exact(*args)
        _same(a, b)
        if mln:
            assert (a["left"] == -1).sum() <= mln
        leaves = a["left"] == -1
        assert a["n_node_samples"][leaves].min() >= msl


def test_independent_of_threads(rng):
    X = rng.standard_normal((30000, 8)).astype(np.float32)
    y = ((X[:, 0] + X[:, 1] ** 2 + 0.5 * rng.standard_normal(30000)) > 0.7).astype(float)
    XT = np.ascontiguousarray(X.T)
    args = (XT, y[:, None].copy(), np.empty(0), np.array([2]), GINI, 0, 1 << 30, 2, 1,
            0.0, 3, 0, 0.0, 99)
    with scope(1):
        a = kt.build_exact(*args)
    with scope(2):
        b = kt.build_exact(*args)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_pure_and_constant_nodes_are_leaves(rng):
    XT = np.ascontiguousarray(rng.standard_normal((3, 50)).astype(np.float32))
    y = np.zeros((50, 1))
    out = kt.build_exact(XT, y, np.empty(0), np.array([1]), GINI, 0, 10, 2, 1, 0.0, 3, 0,
                         0.0, 1)
    assert len(out["feature"]) == 1 and out["feature"][0] == -1
    XT[:] = 1.0  # constant features: no split even with a mixed target
    y[::2] = 1
    out = kt.build_exact(XT, y, np.empty(0), np.array([2]), GINI, 0, 10, 2, 1, 0.0, 3, 0,
                         0.0, 1)
    assert len(out["feature"]) == 1
