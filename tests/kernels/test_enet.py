"""Elastic-net coordinate descent (csrc/enet*.c) vs the NumPy twin
(reference/enet.py) at every SIMD level: tail sizes around the 4 x VL dot
product unroll, warm starts, positive constraint, read-only input, zero
columns, bad arguments, and thread-count independence (the sweep is
sequential)."""
import numpy as np
import pytest

from fastml._kernels import COMPILED
from fastml._kernels import enet as facade
from fastml._kernels._threads import scope
from fastml._kernels.reference import enet as ref


def _problem(n, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    return np.ascontiguousarray(X.T), y


def _compare(XT, y, l1, l2, positive, w0=None, max_iter=300, tol=1e-10):
    p = XT.shape[0]
    w1 = np.zeros(p) if w0 is None else w0.copy()
    w2 = np.zeros(p) if w0 is None else w0.copy()
    it1, gap1 = facade.enet_cd(w1, XT, y, l1, l2, max_iter, tol, positive)
    it2, gap2 = ref.enet_cd(w2, XT, y, l1, l2, max_iter, tol, positive)
    assert abs(it1 - it2) <= 1
    np.testing.assert_allclose(w1, w2, rtol=1e-8, atol=1e-10)
    assert gap1 == pytest.approx(gap2, abs=1e-8 * max(1.0, float(y @ y)))
    if positive:
        assert (w1 >= 0).all()
    return w1, it1, gap1


@pytest.mark.parametrize("n,p", [(1, 3), (7, 1), (9, 17), (33, 8), (120, 17), (1023, 5)])
@pytest.mark.parametrize("positive", [False, True])
def test_matches_twin(cpu_level, n, p, positive):
    XT, y = _problem(n, p, n * 31 + p)
    w0 = np.zeros(p)
    w0[0] = 0.5  # warm start
    _compare(XT, y, 0.1 * n, 0.02 * n, positive, w0)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65])
def test_tail_sizes(cpu_level, n):
    XT, y = _problem(n, 6, n)
    _compare(XT, y, 0.05 * n, 0.0, False)


def test_zero_column_and_pure_l2(cpu_level):
    XT, y = _problem(40, 5, 3)
    XT[2] = 0.0                       # skipped: its weight stays 0
    w, _, _ = _compare(XT, y, 0.0, 4.0, False)
    assert w[2] == 0.0


def test_read_only_input(cpu_level):
    XT, y = _problem(50, 7, 5)
    XT.flags.writeable = False
    y.flags.writeable = False
    _compare(XT, y, 2.0, 1.0, False)


def test_max_iter_caps_sweeps(cpu_level):
    XT, y = _problem(60, 9, 8)
    w, it, _ = _compare(XT, y, 0.1, 0.0, False, max_iter=2, tol=0.0)
    assert it == 2


@pytest.mark.skipif(not COMPILED, reason="status codes are the compiled kernel's")
def test_bad_arguments_raise():
    XT, y = _problem(10, 3, 0)
    with pytest.raises(ValueError):
        facade.enet_cd(np.zeros(3), XT, y, -1.0, 0.0, 10, 1e-4)


@pytest.mark.parametrize("positive", [False, True])
def test_independent_of_threads(cpu_level, positive):
    XT, y = _problem(300, 20, 1)
    outs = []
    for n in (1, 2, 3):
        w = np.zeros(20)
        with scope(n):
            outs.append((w, *facade.enet_cd(w, XT, y, 3.0, 1.0, 100, 1e-8, positive)))
    for o in outs[1:]:
        np.testing.assert_array_equal(o[0], outs[0][0])
        assert o[1:] == outs[0][1:]


@pytest.mark.parametrize("n,p", [(40, 1), (200, 9), (1023, 17), (500, 50)])
@pytest.mark.parametrize("positive", [False, True])
def test_gram_form_matches_data_form(cpu_level, n, p, positive):
    """enet_cd_gram (G = X^T X, c = X^T y, yy = y.y) against its twin and against
    the data-form descent: same optimum, same sweep count up to one."""
    XT, y = _problem(n, p, 7 * n + p)
    G = np.ascontiguousarray(XT @ XT.T)
    c, yy = XT @ y, float(y @ y)
    for l1, l2 in ((0.1 * n, 0.02 * n), (0.05 * n, 0.0), (0.0, 3.0)):
        w0 = np.zeros(p)
        w0[0] = 0.25  # warm start
        w1, w2, w3 = w0.copy(), w0.copy(), w0.copy()
        it1, gap1 = facade.enet_cd_gram(w1, G, c, yy, l1, l2, 500, 1e-10, positive)
        it2, gap2 = ref.enet_cd_gram(w2, G, c, yy, l1, l2, 500, 1e-10, positive)
        it3, gap3 = ref.enet_cd(w3, XT, y, l1, l2, 500, 1e-10, positive)
        assert abs(it1 - it2) <= 1 and abs(it1 - it3) <= 1
        np.testing.assert_allclose(w1, w2, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(w1, w3, rtol=1e-7, atol=1e-9)
        assert gap1 == pytest.approx(gap3, abs=1e-7 * max(1.0, yy))
        if positive:
            assert (w1 >= 0).all()


@pytest.mark.skipif(not COMPILED, reason="argument checks of the compiled kernel")
def test_gram_form_bad_arguments():
    G, c = np.eye(3), np.ones(3)
    with pytest.raises(ValueError):
        facade.enet_cd_gram(np.zeros(3), G, c, 3.0, -1.0, 0.0, 10, 1e-4)


def test_sk_rand_index_is_scikit_learns_xorshift():
    """The twin's generator against the xorshift recurrence written out for the
    first draws of seed 1 (1 -> 270369 -> ...; scikit-learn's our_rand_r) and
    a zero seed, which xorshift would never leave (replaced by 1)."""
    s, expect = 1, []
    for _ in range(5):
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        expect.append(s % 2**31)
    assert expect[0] == 270369
    state = [1]
    assert [ref.sk_rand_index(2**31, state) for _ in range(5)] == expect
    zero = [0]
    assert ref.sk_rand_index(2**31, zero) == 270369 and zero[0] == 270369
    picks = [ref.sk_rand_index(7, [s]) for s in range(1, 2000)]
    assert set(picks) == set(range(7))


@pytest.mark.parametrize("n,p", [(9, 17), (120, 17), (33, 8)])
@pytest.mark.parametrize("positive", [False, True])
def test_random_order_matches_twin(cpu_level, n, p, positive):
    """selection="random": the compiled kernels draw the twin's coordinates
    (same seed, same sequence), so a few sweeps give the same iterate, and
    a different seed gives a different one."""
    XT, y = _problem(n, p, 5 * n + p)
    G = np.ascontiguousarray(XT @ XT.T)
    c, yy = XT @ y, float(y @ y)
    l1, l2 = 0.05 * n, 0.01 * n
    for seed in (0, 12345, 2**31 - 2):
        w1, w2, w3, w4 = (np.zeros(p) for _ in range(4))
        it1, _ = facade.enet_cd(w1, XT, y, l1, l2, 3, 0.0, positive, True, seed)
        it2, _ = ref.enet_cd(w2, XT, y, l1, l2, 3, 0.0, positive, True, seed)
        it3, _ = facade.enet_cd_gram(w3, G, c, yy, l1, l2, 3, 0.0, positive, True, seed)
        it4, _ = ref.enet_cd_gram(w4, G, c, yy, l1, l2, 3, 0.0, positive, True, seed)
        assert it1 == it2 == it3 == it4 == 3
        np.testing.assert_allclose(w1, w2, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(w3, w4, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(w1, w3, rtol=1e-8, atol=1e-10)
    w_a, w_b, w_cyc = np.zeros(p), np.zeros(p), np.zeros(p)
    facade.enet_cd(w_a, XT, y, l1, l2, 1, 0.0, positive, True, 1)
    facade.enet_cd(w_b, XT, y, l1, l2, 1, 0.0, positive, True, 2)
    facade.enet_cd(w_cyc, XT, y, l1, l2, 1, 0.0, positive)
    assert not np.allclose(w_a, w_b) and not np.allclose(w_a, w_cyc)


@pytest.mark.parametrize("form", ["data", "gram"])
def test_random_order_reaches_the_cyclic_optimum(cpu_level, form):
    XT, y = _problem(200, 30, 11)
    l1, l2 = 4.0, 1.0
    ws = []
    for random in (False, True):
        w = np.zeros(30)
        if form == "data":
            _, gap = facade.enet_cd(w, XT, y, l1, l2, 5000, 1e-12, False, random, 42)
        else:
            G = np.ascontiguousarray(XT @ XT.T)
            _, gap = facade.enet_cd_gram(w, G, XT @ y, float(y @ y), l1, l2, 5000, 1e-12,
                                         False, random, 42)
        assert gap <= 1e-12 * float(y @ y)
        ws.append(w)
    np.testing.assert_allclose(ws[0], ws[1], rtol=1e-6, atol=1e-9)
