"""Decision-tree kernels (csrc/tree*.c): the histogram builder, traversal and
binning vs the NumPy twin (reference/tree.py), the leaf rule on targets of any
scale, read-only input, tail sizes around the 16-row binning block, and
thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import tree as kt
from fastml._kernels._threads import scope
from fastml._kernels.reference import tree as rt
from fastml.tree import _binning


def _same_tree(a, b):
    for key in ("feature", "bin", "left", "right", "n_node_samples"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    for key in ("impurity", "weighted_n_node_samples", "value", "threshold"):
        np.testing.assert_allclose(a[key], b[key], rtol=1e-12, atol=0, err_msg=key)
    assert a["max_depth"] == b["max_depth"]


@pytest.mark.parametrize("criterion", [0, 1, 2])
@pytest.mark.parametrize("max_features", [1, 3, 7])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("refine", [False, True])
def test_builder_matches_twin(cpu_level, criterion, max_features, weighted, refine, rng):
    n, d = 400, 7
    X = rng.standard_normal((n, d))
    X[:, 2] = np.round(X[:, 2])            # few distinct values
    X[:, 5] = rng.standard_normal(n) * 1e3  # > 256 distinct values: quantile bins
    if criterion == 2:
        y = X[:, 0] * 2 + np.sin(3 * X[:, 1]) + 0.1 * rng.standard_normal(n)
        n_classes = 0
    else:
        y = ((X[:, 0] + X[:, 2] > 0).astype(int) + (X[:, 1] > 1)).astype(np.float64)
        n_classes = 3
    w = rng.integers(0, 3, n).astype(np.float64) if weighted else np.empty(0)
    bn = _binning.prepare(X, refine=refine)
    args = (y, w, criterion, n_classes, 12, 2, 2, 0.0, max_features, 0.0, 987654321)
    a, b = kt.build(bn, *args), rt.build(bn, *args)
    for key in ("feature", "bin", "left", "right", "n_node_samples"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert bool(bn.refine.any()) == refine
    for key in ("impurity", "weighted_n_node_samples", "value", "threshold"):
        np.testing.assert_allclose(a[key], b[key], rtol=1e-12, atol=1e-12, err_msg=key)
    assert a["max_depth"] == b["max_depth"] <= 12
    # traversal: compiled vs twin, float32 and float64
    thr = a["threshold"]
    for dt in (np.float32, np.float64):
        Xt = rng.standard_normal((101, d)).astype(dt)
        np.testing.assert_array_equal(kt.apply(Xt, a["feature"], thr, a["left"], a["right"]),
                                      rt.apply(Xt, a["feature"], thr, a["left"], a["right"]))


@pytest.mark.parametrize("criterion", [0, 1, 2])
def test_refined_builder_matches_twin_on_many_rows(criterion, rng):
    n = 4000
    X = rng.uniform(-1, 1, size=(n, 3))
    if criterion == 2:
        y, k = np.where(X[:, 1] > 0.123, 2.0, 0.0) + 0.1 * X[:, 0], 0
    else:
        y, k = ((X[:, 1] > 0.123) ^ (X[:, 0] > -0.4)).astype(np.float64), 2
    bn = _binning.prepare(X)
    args = (y, np.empty(0), criterion, k, 4, 2, 1, 0.0, 3, 0.0, 42)
    a, b = kt.build(bn, *args), rt.build(bn, *args)
    assert (a["bin"] == -1).any()        # splits were refined on raw values
    for key in ("feature", "bin", "left", "right", "n_node_samples"):
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    np.testing.assert_allclose(a["threshold"], b["threshold"], rtol=0, atol=0)
    np.testing.assert_allclose(a["value"], b["value"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 15, 16, 17, 1000])
def test_bin_codes_match_twin(cpu_level, dtype, n, rng):
    X = rng.standard_normal((n, 4)).astype(dtype)
    X[:, 1] = np.round(X[:, 1])
    fit = rng.standard_normal((3000, 4))
    fit[:, 1] = np.round(fit[:, 1])
    fit[:, 3] = 0.0                                   # constant: no edges
    edges = _binning.bin_edges(fit)
    assert len(edges[3]) == 0 and len(edges[0]) == 255
    np.testing.assert_array_equal(kt.bin_codes(X, edges), rt.bin_codes(X, edges))


def test_binned_split_equals_threshold_on_training_data(rng):
    X = rng.standard_normal((300, 3))
    X[:, 1] *= 1e-3
    bn = _binning.prepare(X)
    Xb, edges = bn.Xb, bn.edges
    for f in range(3):
        for b in (0, 17, len(edges[f]) - 1):
            np.testing.assert_array_equal(Xb[f] <= b, X[:, f] <= edges[f][b])


# ---- the leaf rule: impurity at rounding level, relative to the node ------------------
@pytest.mark.parametrize("scale", [1e-12, 1e-6, 1e-4, 1.0, 1e6])
def test_small_variance_targets_split(scale):
    """Squared error has no absolute cut-off: y * scale is fitted exactly at
    every scale (the old absolute 1e-7 left targets with std < 3e-4 as one
    leaf; near-ties between equal splits may resolve differently per scale)."""
    X = np.arange(10.0).reshape(-1, 1)
    y = (np.arange(10) % 2).astype(np.float64)
    bn = _binning.prepare(X)
    args = (np.empty(0), 2, 0, 2**31 - 1, 2, 1, 0.0, 1, 0.0, 1)
    a, b = kt.build(bn, y * scale, *args), rt.build(bn, y * scale, *args)
    _same_tree(a, b)
    assert len(a["feature"]) == 19      # scikit-learn grows 19 nodes on this case
    leaves = kt.apply(X, a["feature"], a["threshold"], a["left"], a["right"])
    np.testing.assert_allclose(a["value"][leaves, 0], y * scale, rtol=1e-12)  # fits exactly


@pytest.mark.parametrize("c", [-7.3e5, -1.0, 1e-9, 0.1, 3.0, 1e3, 1e12])
@pytest.mark.parametrize("weighted", [False, True])
def test_constant_targets_are_one_leaf(c, weighted, rng):
    """E[y^2] - E[y]^2 of a constant is rounding noise, not a reason to split."""
    X = rng.standard_normal((2000, 3))
    w = rng.uniform(0.1, 3.0, 2000) if weighted else np.empty(0)
    bn = _binning.prepare(X)
    args = (np.full(2000, c), w, 2, 0, 2**31 - 1, 2, 1, 0.0, 3, 0.0, 5)
    a, b = kt.build(bn, *args), rt.build(bn, *args)
    assert len(a["feature"]) == 1 and len(b["feature"]) == 1
    assert a["value"][0, 0] == pytest.approx(c, rel=1e-12)


@pytest.mark.parametrize("criterion", [0, 1])
def test_pure_classification_nodes_are_leaves(criterion, rng):
    X = rng.standard_normal((500, 4))
    y = (X[:, 0] > 0.3).astype(np.float64)
    bn = _binning.prepare(X)
    args = (y, np.empty(0), criterion, 2, 2**31 - 1, 2, 1, 0.0, 4, 0.0, 3)
    a = kt.build(bn, *args)
    _same_tree(a, rt.build(bn, *args))
    assert len(a["feature"]) == 3       # one split separates the classes exactly


# ---- traversal and binning: sizes, read-only input, threads ---------------------------
def _fitted(rng, d=5):
    X = rng.standard_normal((600, d))
    y = X[:, 0] * 2 + np.sin(3 * X[:, 1])
    bn = _binning.prepare(X)
    return kt.build(bn, y, np.empty(0), 2, 0, 10, 2, 1, 0.0, d, 0.0, 7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 33])
def test_apply_tail_sizes_and_read_only(cpu_level, dtype, n, rng):
    t = _fitted(rng)
    X = rng.standard_normal((n, 5)).astype(dtype)
    X.flags.writeable = False
    args = (t["feature"], t["threshold"], t["left"], t["right"])
    for a in args:
        a.flags.writeable = False
    np.testing.assert_array_equal(kt.apply(X, *args), rt.apply(X, *args))
    edges = _binning.bin_edges(rng.standard_normal((400, 5)))
    np.testing.assert_array_equal(kt.bin_codes(X, edges), rt.bin_codes(X, edges))


def test_independent_of_threads(rng):
    X = rng.standard_normal((5000, 6))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.1 * rng.standard_normal(5000)
    bn = _binning.prepare(X)
    args = (y, np.empty(0), 2, 0, 12, 2, 1, 0.0, 3, 0.0, 11)
    Xt = rng.standard_normal((20000, 6)).astype(np.float32)
    edges = bn.edges
    outs = []
    for n in (1, 2, 3):
        with scope(n):
            t = kt.build(bn, *args)
            outs.append((t, kt.apply(Xt, t["feature"], t["threshold"], t["left"], t["right"]),
                         kt.bin_codes(Xt, edges)))
    for t, leaves, codes in outs[1:]:
        _same_tree(t, outs[0][0])
        np.testing.assert_array_equal(leaves, outs[0][1])
        np.testing.assert_array_equal(codes, outs[0][2])
