"""hgb family: binning, gradients, tree growth and prediction of the
histogram gradient boosting engine against the NumPy twin, thread-count
independence, read-only inputs and the histogram pool under pressure."""
import numpy as np
import pytest

from fastml._kernels import COMPILED, _threads, hgb
from fastml._kernels.reference import hgb as ref


def _params(d, **kw):
    p = dict(max_leaf_nodes=15, max_depth=0, min_samples_leaf=5, min_hessian=1e-3, l2=0.0,
             max_features=d, hist_pool=16, seed=7, hess_const=0, nbins=65)
    p.update(kw)
    return p


def _binned(rng, n, d, nbins=64, nan_frac=0.1, cat=()):
    X = rng.standard_normal((n, d))
    for f in cat:
        X[:, f] = rng.integers(0, 9, n)
    X[rng.random((n, d)) < nan_frac] = np.nan
    thr = np.zeros((d, nbins - 1))
    nthr = np.zeros(d, np.int32)
    is_cat = np.zeros(d, np.uint8)
    for f in range(d):
        col = X[:, f][~np.isnan(X[:, f])]
        if f in cat:
            t = np.unique(col)
            is_cat[f] = 1
        else:
            t = np.unique(np.quantile(col, np.linspace(0, 1, nbins)[1:-1]))
        thr[f, :t.size] = t
        nthr[f] = t.size
    return X, thr, nthr, is_cat


@pytest.mark.parametrize("n,d", [(1, 1), (9, 3), (1023, 7), (3000, 17)])
def test_binning_matches_twin(rng, n, d):
    X, thr, nthr, is_cat = _binned(rng, n, d, cat=(0,) if d > 1 else ())
    got = hgb.bin_data(X, thr, nthr, is_cat, 64)
    want = ref.bin_data(X, thr, nthr, is_cat, 64)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(got[1], got[0].T)
    assert (got[0][np.isnan(X)] == 64).all()


@pytest.mark.parametrize("loss", sorted(hgb.LOSSES))
def test_gradients_match_twin(rng, loss):
    n = 517
    K = 4 if loss == "log_loss_multinomial" else 1
    raw = rng.standard_normal((n, K))
    y = (rng.integers(0, K, n) if K > 1 else rng.integers(0, 2, n) if "log" in loss
         else rng.random(n) + 0.1).astype(np.float64)
    w = rng.random(n)
    for ww in (None, w):
        g, h = hgb.gradients(raw, y, ww, loss, 0.3)
        g2, h2 = ref.gradients(raw, y, ww, loss, 0.3)
        np.testing.assert_allclose(g, g2, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(h, h2, rtol=1e-6, atol=1e-6)


def _grow_both(rng, n, d, cat=(), **kw):
    X, thr, nthr, is_cat = _binned(rng, n, d, cat=cat)
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 64)
    g = rng.standard_normal(n).astype(np.float32)
    h = (rng.random(n) + 0.5).astype(np.float32)
    nbm = np.where(is_cat.astype(bool), nthr, nthr + 1).astype(np.int32)
    has_missing = (cm == 64).any(axis=1).astype(np.uint8)
    mono = np.zeros(d, np.int8)
    if "mono" in kw:
        mono[:] = kw.pop("mono")
        mono[list(cat)] = 0
    groups = kw.pop("groups", None)
    p = _params(d, **kw)
    args = (rm, cm, g, h, nbm, has_missing, is_cat, mono, p)
    return (hgb.grow_tree(*args, groups=groups), ref.grow_tree(*args, groups=groups),
            (X, thr, nthr))


FIELDS = ["feature", "left", "right", "missing_left", "is_cat", "bin", "start", "count",
          "depth"]


@pytest.mark.parametrize("case", [dict(), dict(hess_const=1), dict(max_depth=3),
                                  dict(min_samples_leaf=40), dict(l2=2.0),
                                  dict(max_leaf_nodes=2), dict(mono=1), dict(mono=-1),
                                  dict(hist_pool=3, max_leaf_nodes=31)])
def test_grow_matches_twin(rng, case):
    (nodes, bits, rows), (n2, b2, r2), _ = _grow_both(rng, 2000, 6, cat=(2,), **case)
    for f in FIELDS:
        np.testing.assert_array_equal(nodes[f], n2[f], err_msg=f)
    np.testing.assert_allclose(nodes["value"], n2["value"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(nodes["gain"], n2["gain"], rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(bits, b2)
    np.testing.assert_array_equal(rows, r2)
    leaves = nodes["feature"] < 0
    assert nodes["count"][leaves].sum() == 2000
    if case.get("max_depth"):
        assert nodes["depth"].max() <= case["max_depth"]
    if case.get("min_samples_leaf"):
        assert nodes["count"][leaves].min() >= case["min_samples_leaf"]
    mlf = case.get("max_leaf_nodes", 15)
    assert leaves.sum() <= mlf


@pytest.mark.parametrize("hess_const", [0, 1])
def test_grow_wide_matches_twin(rng, hess_const):
    # 70 features x 256 bins: the compiled build passes over the rows once per
    # block of features (its bins sized for L2), 3 blocks here; a few rows so
    # most bins of the deeper nodes are empty
    n, d = 3000, 70
    X, thr, nthr, is_cat = _binned(rng, n, d, nbins=255, nan_frac=0.05, cat=(5,))
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 255)
    g = rng.standard_normal(n).astype(np.float32)
    h = np.ones(n, np.float32) if hess_const else (rng.random(n) + 0.5).astype(np.float32)
    nbm = np.where(is_cat.astype(bool), nthr, nthr + 1).astype(np.int32)
    hm = (cm == 255).any(axis=1).astype(np.uint8)
    p = _params(d, nbins=256, hess_const=hess_const, max_leaf_nodes=31, hist_pool=8)
    args = (rm, cm, g, h, nbm, hm, is_cat, np.zeros(d, np.int8), p)
    n2, b2, r2 = ref.grow_tree(*args)
    for t in (1, 2):
        with _threads.scope(t):
            nodes, bits, rows = hgb.grow_tree(*args)
        for f in FIELDS:
            np.testing.assert_array_equal(nodes[f], n2[f], err_msg=f)
        np.testing.assert_allclose(nodes["value"], n2["value"], rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(bits, b2)
        np.testing.assert_array_equal(rows, r2)
    assert (nodes["feature"] >= 0).sum() == 30


def _path_features(nodes):
    """The set of features used on the path to every leaf."""
    out = []

    def rec(i, used):
        if nodes["feature"][i] < 0:
            out.append(used)
            return
        u = used | {int(nodes["feature"][i])}
        rec(nodes["left"][i], u)
        rec(nodes["right"][i], u)
    rec(0, frozenset())
    return out


GROUPS6 = {"pairs": [(0, 1), (1, 2), (3, 4), (5,)], "singles": [(f,) for f in range(6)],
           "two": [(0, 1, 2), (3, 4, 5)]}


@pytest.mark.parametrize("name", sorted(GROUPS6))
@pytest.mark.parametrize("hess_const", [0, 1])
def test_interaction_groups_match_twin(rng, name, hess_const):
    groups = np.zeros((len(GROUPS6[name]), 6), np.uint8)
    for i, grp in enumerate(GROUPS6[name]):
        groups[i, list(grp)] = 1
    (nodes, bits, rows), (n2, b2, r2), _ = _grow_both(rng, 2000, 6, cat=(2,), groups=groups,
                                                      hess_const=hess_const, max_leaf_nodes=31)
    for f in FIELDS:
        np.testing.assert_array_equal(nodes[f], n2[f], err_msg=f)
    np.testing.assert_array_equal(rows, r2)
    assert (nodes["feature"] >= 0).sum() > 2
    for used in _path_features(nodes):  # every path stays inside one group
        assert any(used <= set(grp) for grp in GROUPS6[name]), used


def test_interaction_groups_with_max_features(rng):
    groups = np.eye(6, dtype=np.uint8)  # no interactions: one feature per path
    (nodes, _, _), (n2, _, _), _ = _grow_both(rng, 2000, 6, groups=groups, max_features=3,
                                              max_leaf_nodes=31)
    for tree in (nodes, n2):
        assert (tree["feature"] >= 0).sum() > 2
        assert all(len(used) <= 1 for used in _path_features(tree))


def test_rows_partition_and_ascending(rng):
    (nodes, _, rows), _, _ = _grow_both(rng, 3000, 5)
    np.testing.assert_array_equal(np.sort(rows), np.arange(3000))
    for nd in nodes[nodes["feature"] < 0]:
        seg = rows[nd["start"]:nd["start"] + nd["count"]]
        assert (np.diff(seg) > 0).all()


def test_max_features_draws_a_subset(rng):
    (nodes, _, _), (n2, _, _), _ = _grow_both(rng, 1500, 8, max_features=2)
    assert (nodes["feature"] >= 0).sum() > 1
    assert nodes.shape[0] > 1 and n2.shape[0] > 1


def test_predict_matches_twin_and_grow(rng):
    (nodes, bits, rows), _, (X, thr, nthr) = _grow_both(rng, 1200, 5, cat=(1,))
    inner = np.flatnonzero(nodes["feature"] >= 0)
    for i in inner:  # raw thresholds; categorical bins are the categories 0..8 here
        f, b = nodes["feature"][i], nodes["bin"][i]
        nodes["threshold"][i] = thr[f, b] if b < nthr[f] else np.inf
    leaf = np.flatnonzero(nodes["feature"] < 0)
    nodes["value"][leaf] = np.arange(leaf.size, dtype=float)
    raw = hgb.predict_raw(np.zeros((1200, 2)), X, nodes, bits, np.array([0, 0]))
    raw2 = ref.predict_raw(np.zeros((1200, 2)), X, nodes, bits, np.array([0, 0]))
    np.testing.assert_array_equal(raw, raw2)
    # each leaf's training rows are predicted into that leaf
    for j, i in enumerate(leaf):
        seg = rows[nodes["start"][i]:nodes["start"][i] + nodes["count"][i]]
        np.testing.assert_array_equal(raw[seg, 0], j)


def test_grow_and_predict_thread_independent(rng):
    X, thr, nthr, is_cat = _binned(rng, 30000, 12, cat=(3,))
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 64)
    g = rng.standard_normal(30000).astype(np.float32)
    h = np.ones(30000, np.float32)
    nbm = np.where(is_cat.astype(bool), nthr, nthr + 1).astype(np.int32)
    hm = (cm == 64).any(axis=1).astype(np.uint8)
    outs = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            nodes, bits, rows = hgb.grow_tree(rm, cm, g, h, nbm, hm, is_cat,
                                              np.zeros(12, np.int8), _params(12, max_leaf_nodes=63,
                                                                             hist_pool=64))
            raw = hgb.predict_raw(np.zeros((30000, 1)), X, nodes, bits, np.array([0]))
            outs.append((nodes.tobytes(), rows.tobytes(), raw.tobytes()))
    assert outs[0] == outs[1] == outs[2]


@pytest.mark.parametrize("K", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("hist_pool", [3, 64])
def test_boost_iter_thread_independent(rng, K, hist_pool):
    """Large enough for a team: the threads share trees (K = 1, 3 at two
    threads) or grow whole trees each (K = 2, 4, 5); the trees, bit for bit,
    and the raw scores do not depend on the thread count."""
    n, d = 9000, 12
    X, thr, nthr, is_cat = _binned(rng, n, d, cat=(3,))
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 64)
    nbm = np.where(is_cat.astype(bool), nthr, nthr + 1).astype(np.int32)
    hm = (cm == 64).any(axis=1).astype(np.uint8)
    loss = "log_loss_multinomial" if K > 1 else "log_loss_binary"
    y = rng.integers(0, max(K, 2), n).astype(np.float64)
    p = _params(d, max_leaf_nodes=31, hist_pool=hist_pool, min_samples_leaf=20)
    raw0 = 0.3 * rng.standard_normal((n, K))
    seeds = [5 + 3 * k for k in range(K)]
    outs = []
    for t in (1, 2, 3):
        raw = raw0.copy()
        with _threads.scope(t):
            trees = hgb.boost_iter(raw, y, None, loss, 0.5, 0.1, seeds, rm, cm, nbm, hm,
                                   is_cat, np.zeros(d, np.int8), p)
        outs.append(([(a.tobytes(), b.tobytes()) for a, b in trees], raw.tobytes()))
    assert all(len(nodes) > 3 * hgb.NODE_DTYPE.itemsize for nodes, _ in outs[0][0])
    assert outs[0] == outs[1] == outs[2]


def test_read_only_inputs(rng):
    X, thr, nthr, is_cat = _binned(rng, 500, 4)
    for a in (X, thr, nthr, is_cat):
        a.setflags(write=False)
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 64)
    g = rng.standard_normal(500).astype(np.float32)
    h = np.ones(500, np.float32)
    nbm = (nthr + 1).astype(np.int32)
    hm = (cm == 64).any(axis=1).astype(np.uint8)
    for a in (rm, cm, g, h, nbm, hm):
        a.setflags(write=False)
    nodes, bits, _ = hgb.grow_tree(rm, cm, g, h, nbm, hm, is_cat, np.zeros(4, np.int8),
                                   _params(4))
    assert nodes.shape[0] > 1


def _composed(raw, y, w, loss, shrink, seeds, rm, cm, nbm, hm, is_cat, mono, p, groups):
    """boost_iter from the separate compiled calls (the per-tree path)."""
    g, h = hgb.gradients(raw, y, w, loss, 0.5)
    out = []
    for k in range(raw.shape[1]):
        nodes, bits, rows = hgb.grow_tree(rm, cm, g[k], h[k], nbm, hm, is_cat, mono,
                                          dict(p, seed=int(seeds[k])), groups=groups)
        nodes["value"] *= shrink
        leaf = np.flatnonzero(nodes["feature"] < 0)
        leaf = leaf[np.argsort(nodes["start"][leaf])]
        raw[rows, k] += np.repeat(nodes["value"][leaf], nodes["count"][leaf])
        out.append((nodes, bits))
    return out


ITER_CASES = [("log_loss_multinomial", {}), ("log_loss_multinomial", dict(hist_pool=3)),
              ("log_loss_multinomial", dict(max_features=3)),
              ("log_loss_multinomial", dict(groups=True)), ("log_loss_binary", {}),
              ("squared_error", dict(hess_const=1)), ("squared_error", dict(weights=True)),
              ("poisson", dict(min_samples_leaf=400)), ("gamma", dict(max_depth=2))]


@pytest.mark.parametrize("loss,case", ITER_CASES)
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_boost_iter_equals_separate_calls(rng, loss, case, threads):
    """One compiled call per iteration grows the same trees, bit for bit, and
    leaves the same raw scores as gradients + grow_tree per class + update."""
    case = dict(case)
    n, d = 3000, 7
    X, thr, nthr, is_cat = _binned(rng, n, d, cat=(2,))
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 64)
    nbm = np.where(is_cat.astype(bool), nthr, nthr + 1).astype(np.int32)
    hm = (cm == 64).any(axis=1).astype(np.uint8)
    mono = np.zeros(d, np.int8)
    K = 3 if loss == "log_loss_multinomial" else 1
    y = (rng.integers(0, K, n) if K > 1 else rng.integers(0, 2, n) if "log" in loss
         else rng.random(n) + 0.1).astype(np.float64)
    w = rng.random(n) + 0.5 if case.pop("weights", False) else None
    groups = None
    if case.pop("groups", False):
        groups = np.zeros((3, d), np.uint8)
        for i, grp in enumerate([(0, 1, 2), (2, 3, 4), (5, 6)]):
            groups[i, list(grp)] = 1
    p = _params(d, max_leaf_nodes=15, **case)
    draws = p["max_features"] < d  # the twin draws features from its own stream
    raw0 = 0.3 * rng.standard_normal((n, K))
    seeds = [11 + 7 * k for k in range(K)]
    with _threads.scope(threads):
        raw_a = raw0.copy()
        got = hgb.boost_iter(raw_a, y, w, loss, 0.5, 0.1, seeds, rm, cm, nbm, hm, is_cat, mono,
                             p, None, groups)
        raw_b = raw0.copy()
        want = _composed(raw_b, y, w, loss, 0.1, seeds, rm, cm, nbm, hm, is_cat, mono, p, groups)
    assert len(got) == K
    for (nodes, bits), (n2, b2) in zip(got, want):
        assert nodes.tobytes() == n2.tobytes()
        np.testing.assert_array_equal(bits, b2)
    np.testing.assert_array_equal(raw_a, raw_b)
    assert any(nodes.shape[0] > 1 for nodes, _ in got)
    if draws:
        return
    # the twin: same structure, values to rounding
    raw_c = raw0.copy()
    twin = ref.boost_iter(raw_c, y, w, loss, 0.5, 0.1, seeds, rm, cm, nbm, hm, is_cat, mono, p,
                          None, groups)
    for (nodes, _), (n3, _) in zip(got, twin):
        for f in FIELDS:
            np.testing.assert_array_equal(nodes[f], n3[f], err_msg=f)
        np.testing.assert_allclose(nodes["value"], n3["value"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(raw_a, raw_c, rtol=1e-6, atol=1e-9)


@pytest.mark.skipif(not COMPILED, reason="argument checks of the compiled boundary")
def test_boost_iter_bad_shapes(rng):
    X, thr, nthr, is_cat = _binned(rng, 100, 3)
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, 64)
    nbm = (nthr + 1).astype(np.int32)
    hm = (cm == 64).any(axis=1).astype(np.uint8)
    with pytest.raises(ValueError, match="inconsistent shapes"):
        hgb.boost_iter(np.zeros((99, 1)), np.zeros(100), None, "squared_error", 0.5, 0.1, [1],
                       rm, cm, nbm, hm, is_cat, np.zeros(3, np.int8), _params(3))
