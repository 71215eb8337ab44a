"""Ranked per-node path of the exact tree builder (csrc/tree_exact_rank.c):
rank_exact against its NumPy twin, and trees grown with the shared ranks equal,
bit for bit, to trees grown on float keys and to the twin -- ties, signed
zeros, missing values, zero / integer / fractional weights (the integer class
counts of two-class gini apply only to integer weights), every criterion,
nodes too large for the 32-bit packing, depth-first and best-first growth,
1 and 2 threads."""
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
    X[:, 1] = np.round(X[:, 1] * 2)                  # ties
    X[:, 2] = np.where(rng.random(n) < 0.5, np.float32(-0.0), np.float32(0.0))
    X[rng.random(n) < 0.3, 2] = 1.0                  # signed zeros and one other value
    if nan:
        X[rng.random(n) < 0.15, 3] = np.nan          # missing values
    X[:, 4] = 2.5                                    # constant
    X[:, 5] = X[:, 0] + np.float32(3e-8) * np.round(rng.random(n) * 4)  # near-equal values
    return X


def _same(a, b):
    for key in KEYS:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    assert a["max_depth"] == b["max_depth"]


@pytest.mark.parametrize("n", [1, 7, 48, 49, 1023])
@pytest.mark.parametrize("nan", [False, True])
def test_rank_matches_twin(n, nan, rng):
    XT = np.ascontiguousarray(_X(rng, n, 8, nan).T)
    got = kt.rank_exact(XT, kt.presort_exact(XT))
    want = rt.rank_exact(XT, None)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    rank, uniq, nuniq, near = got
    for f in range(XT.shape[0]):  # uniq ascending by bit pattern, rank -> value
        fin = ~np.isnan(XT[f])
        np.testing.assert_array_equal(uniq[f, rank[f, fin]].view(np.uint32),
                                      XT[f, fin].view(np.uint32))
        assert np.all(rank[f, ~fin] == nuniq[f])


def _y(rng, X, criterion, ncls):
    z = X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.standard_normal(len(X))
    if criterion in (GINI, ENTROPY):
        y = np.digitize(z, np.linspace(-0.5, 0.5, ncls - 1)).astype(np.float64)
        return y[:, None].copy(), np.array([ncls], dtype=np.int64)
    if criterion == POISSON:
        y = rng.poisson(np.exp(0.3 * z)).astype(np.float64)
    else:
        y = z.astype(np.float64)
    return y[:, None].copy(), np.empty(0, dtype=np.int64)


@pytest.mark.parametrize("criterion,ncls", [(GINI, 2), (GINI, 3), (ENTROPY, 2), (MSE, 0),
                                            (POISSON, 0), (MAE, 0)])
@pytest.mark.parametrize("weights", ["none", "counts", "fractional"])
def test_ranked_equals_float_keys(criterion, ncls, weights, rng):
    n, d = (150 if criterion == MAE else 900), 12
    X = _X(rng, n, d)
    XT = np.ascontiguousarray(X.T)
    y, nc = _y(rng, X, criterion, ncls)
    w = {"none": np.empty(0), "counts": rng.integers(0, 4, n).astype(np.float64),
         "fractional": rng.integers(0, 4, n) * 0.75}[weights]
    ranks = kt.rank_exact(XT, kt.presort_exact(XT))
    # max_features 1-2 of 12: the builder sorts per node (ranked with ranks); 12:
    # it presorts (ranks unused)
    for mf, mln, msl, mwl in ((2, 0, 1, 0.0), (1, 0, 4, 0.0), (2, 30, 2, 0.0), (12, 0, 1, 0.0),
                              (2, 0, 1, 6.0)):
        args = (XT, y, w, nc, criterion, 0, 30, 2, msl, mwl, mf, mln, 0.0, 7)
        a = kt.build_exact(*args)
        b = kt.build_exact(*args, ranks=ranks)
        _same(a, b)
        with scope(2):
            _same(a, kt.build_exact(*args, ranks=ranks))
    if criterion != MAE:  # the twin: same structure and thresholds (sums in its own order)
        t = rt.build_exact(*args, ranks=ranks)
        for key in ("feature", "left", "right", "n_node_samples", "threshold", "missing_left"):
            np.testing.assert_array_equal(b[key], t[key], err_msg=key)
        for key in ("impurity", "weighted_n_node_samples", "value"):
            np.testing.assert_allclose(b[key], t[key], rtol=1e-10, atol=1e-12, err_msg=key)


def test_ranked_large_nodes(rng):
    """A root too large to pack rank and position in 32 bits (float keys there,
    ranks below), and nodes large enough for the threaded feature scan."""
    n, d = 70_000, 12
    X = _X(rng, n, d)
    XT = np.ascontiguousarray(X.T)
    y, nc = _y(rng, X, GINI, 2)
    ranks = kt.rank_exact(XT, kt.presort_exact(XT))
    w = rng.integers(0, 3, n).astype(np.float64)
    for ww in (np.empty(0), w):
        args = (XT, y, ww, nc, GINI, 0, 7, 2, 5, 0.0, 2, 0, 0.0, 11)
        a = kt.build_exact(*args)
        with scope(2):
            b = kt.build_exact(*args, ranks=ranks)
        _same(a, b)
        assert a["feature"].size > 50
