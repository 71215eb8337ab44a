"""SGD epochs (fastml._kernels.sgd: Numba sgd_jit when compiled) vs the NumPy
twin (reference/sgd.py), for every loss and penalty and the multinomial
softmax epoch. The epochs are sequential and float64 only."""
import numpy as np
import pytest

from fastml._kernels import sgd as facade
from fastml._kernels.reference import sgd as ref


def test_epochs_match_twin():
    """The facade (Numba when compiled) against the NumPy twin, every loss and penalty."""

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 17))
    y = X @ rng.normal(size=17) + rng.normal(size=120)
    order = rng.permutation(120).astype(np.int64)
    sw = rng.uniform(0.5, 2, 120)
    yb = np.sign(y)
    for li, loss in enumerate(ref.LOSSES):
        for pen in ref.PENALTIES:
            target = yb if li in (0, 1, 4, 5) else y
            states = []
            for impl in (facade, ref):
                w, q = np.zeros(17), np.zeros(17)
                st = np.array([1.0, 0.0, 1.0, 0.0])
                args = (w, q, st, X, target, sw, order, loss, 0.3, pen, 1e-3, 0.3, "invscaling",
                        0.01, 0.25, 0.0, True)
                if impl is ref:
                    args = args[:7] + (li, 0.3, ref.PENALTIES.index(pen), 1e-3, 0.3, 2, 0.01,
                                       0.25, 0.0, True)
                states.append((impl.sgd_epoch(*args), w * st[0], st.copy()))
            assert states[0][0] == pytest.approx(states[1][0], rel=1e-9)
            np.testing.assert_allclose(states[0][1], states[1][1], rtol=1e-9, atol=1e-12)
    yi = rng.integers(0, 4, 120).astype(np.int64)
    outs = []
    for impl in (facade, ref):
        W, b, st = np.zeros((4, 17)), np.zeros(4), np.array([1.0, 0.0, 1.0])
        if impl is ref:
            loss = ref.softmax_sgd_epoch(W, b, st, X, yi, sw, order, 1e-3, 1e-4, 1, 0.0, 0.5,
                                         50.0, True, 1e-3)
        else:
            loss = facade.softmax_sgd_epoch(W, b, st, X, yi, sw, order, 1e-3, 1e-4, "optimal",
                                            0.0, 0.5, 50.0, True, 1e-3)
        outs.append((loss, W * st[0], b))
    assert outs[0][0] == pytest.approx(outs[1][0], rel=1e-9)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-8, atol=1e-12)


def _naive_average(X, y, sw, order, eta, alpha, decay, start):
    """Brute-force averaged SGD (squared loss, L2, constant rate): the mean
    of the weight vectors after every update from number `start` on."""
    w, b = np.zeros(X.shape[1]), 0.0
    ws, bs = [], []
    for t, i in enumerate(order, 1):
        g = (X[i] @ w + b - y[i]) * sw[i]
        w = w * (1 - eta * alpha) - eta * g * X[i]
        b -= eta * g * decay
        if t >= start:
            ws.append(w.copy())
            bs.append(b)
    return np.mean(ws, axis=0), np.mean(bs)


def _fold(aw, w, st):
    return (aw + st[4] * w) / st[5] * 1.0


@pytest.mark.parametrize("start", [1, 7])
@pytest.mark.parametrize("impl", ["facade", "ref"])
def test_averaged_epochs_match_brute_force(start, impl):
    """Dense and CSR averaged epochs (facade and NumPy twin) against the naive
    running mean of the iterates, also across a wscale fold (big alpha * eta);
    the lazy scheme's running rescaling rounds at ~1e-9 relative."""
    import scipy.sparse as sp

    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 9)) * (rng.random((40, 9)) < 0.4)
    y, sw = rng.normal(size=40), rng.uniform(0.5, 2, 40)
    order = np.concatenate([rng.permutation(40), rng.permutation(40)]).astype(np.int64)
    Xc = sp.csr_matrix(X)
    mod = facade if impl == "facade" else ref
    for eta, alpha in ((0.01, 0.01), (0.5, 1.9)):  # the second folds wscale < 1e-9
        for sparse in (False, True):
            w, q, aw = np.zeros(9), np.zeros(9), np.zeros(9)
            st = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0])
            decay = 0.01 if sparse else 1.0
            if sparse and impl == "facade":
                mod.csr_sgd_epoch(w, q, st, aw, Xc, y, sw, order, "squared_error", 0.1, "l2",
                                  alpha, 0.0, "constant", eta, 0.5, 0.0, True, decay, start)
            elif sparse:
                mod.csr_sgd_epoch(w, q, st, aw, Xc.data, Xc.indices, Xc.indptr, y, sw, order,
                                  2, 0.1, 1, alpha, 0.0, 0, eta, 0.5, 0.0, True, decay, start)
            elif impl == "facade":
                mod.sgd_epoch(w, q, st, X, y, sw, order, "squared_error", 0.1, "l2", alpha,
                              0.0, "constant", eta, 0.5, 0.0, True, aw=aw, average=start)
            else:
                mod.sgd_epoch(w, q, st, X, y, sw, order, 2, 0.1, 1, alpha, 0.0, 0, eta, 0.5,
                              0.0, True, aw=aw, average=start)
            want_w, want_b = _naive_average(X, y, sw, order, eta, alpha, decay, start)
            np.testing.assert_allclose(_fold(aw, w, st), want_w, rtol=1e-7, atol=1e-10)
            assert st[6] == pytest.approx(want_b, rel=1e-7, abs=1e-10)


def _naive_pa(X, y, sw, order, schedule, C, classify, eps):
    """Passive-aggressive by the book (Crammer et al. 2006; no penalty):
    tau = min(C, l / ||x||^2) (PA-I) or l / (||x||^2 + 1/(2C)) (PA-II) with l
    the hinge / epsilon-insensitive loss; w += sign * tau * x."""
    w, b = np.zeros(X.shape[1]), 0.0
    for i in order:
        x, pred = X[i], X[i] @ w + b
        loss = max(0.0, 1 - y[i] * pred) if classify else max(0.0, abs(y[i] - pred) - eps)
        sq = x @ x
        if schedule == "pa1":
            if sq == 0:
                continue
            tau = min(C, loss / sq)
        else:
            tau = loss / (sq + 0.5 / C)
        step = tau * (y[i] if classify else np.sign(y[i] - pred)) * sw[i]
        w, b = w + step * x, b + step
    return w, b


@pytest.mark.parametrize("schedule", ["pa1", "pa2"])
@pytest.mark.parametrize("classify", [True, False])
@pytest.mark.parametrize("impl", ["facade", "ref"])
def test_passive_aggressive_epochs_match_the_update_rule(schedule, classify, impl):
    """learning_rate "pa1" / "pa2": dense and CSR epochs (facade and twin)
    against the update rule written out, including a zero row (PA-I skips
    it) and sample weights."""
    import scipy.sparse as sp

    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 7)) * (rng.random((50, 7)) < 0.6)
    X[3] = 0.0
    y = np.sign(X @ rng.normal(size=7) + 0.3) if classify else X @ rng.normal(size=7)
    y[y == 0] = 1.0
    sw = rng.uniform(0.5, 2.0, 50)
    order = np.concatenate([rng.permutation(50), rng.permutation(50)]).astype(np.int64)
    loss = "hinge" if classify else "epsilon_insensitive"
    C, eps = 0.3, 0.05
    w_ref, b_ref = _naive_pa(X, y, sw, order, schedule, C, classify, eps)
    lib = facade if impl == "facade" else ref

    def code(name, seq):  # the facade takes names, the twin integer codes
        return name if lib is facade else seq.index(name)

    for fmt in ("dense", "csr"):
        w, q, aw = np.zeros(7), np.zeros(7), np.zeros(7)
        st = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0])
        common = (code(loss, ref.LOSSES), eps, code(None, ref.PENALTIES), 0.0, 0.0,
                  code(schedule, ref.SCHEDULES), C, 0.5, 0.0, True)
        if fmt == "dense":
            lib.sgd_epoch(w, q, st, X, y, sw, order, *common)
        else:
            Xs = sp.csr_matrix(X)
            if lib is facade:
                lib.csr_sgd_epoch(w, q, st, aw, Xs, y, sw, order, *common, 1.0, 0)
            else:
                lib.csr_sgd_epoch(w, q, st, aw, Xs.data, Xs.indices, Xs.indptr, y, sw, order,
                                  *common, 1.0, 0)
        np.testing.assert_allclose(w * st[0], w_ref, rtol=1e-10, atol=1e-12)
        assert st[1] == pytest.approx(b_ref, rel=1e-10, abs=1e-12)
        # PA-I skipped the zero row both times it came: 100 - 2 updates counted
        assert st[2] == 1.0 + (98 if schedule == "pa1" else 100)


def test_epoch_penalty_sum_for_the_stopping_objective():
    """A state of length 10 gets the epoch's penalty sum in state[7]
    (scikit-learn 1.9's objective = loss + alpha * penalty(w) at each sample):
    brute force for L2 (squared loss, constant rate), facade = twin for every
    penalty, 0 without one, and a length-4 state is left alone."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 5))
    y = X @ rng.normal(size=5) + 0.1 * rng.normal(size=60)
    sw = rng.uniform(0.5, 2, 60)
    order = rng.permutation(60).astype(np.int64)
    eta, alpha = 0.01, 0.05
    w_nb, pen = np.full(5, 0.3), 0.0
    for i in order:  # the model itself, no scale trick
        pen += alpha * 0.5 * (w_nb @ w_nb)
        g = (X[i] @ w_nb - y[i]) * sw[i]
        w_nb = w_nb * (1 - eta * alpha) - eta * g * X[i]
    for pen_name in (None, "l2", "l1", "elasticnet"):
        got = []
        for impl in (facade, ref):
            w, q = np.full(5, 0.3), np.zeros(5)
            st = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, -1.0, 5 * 0.09, 5 * 0.3])
            args = (w, q, st, X, y, sw, order, "squared_error", 0.1, pen_name, alpha, 0.4,
                    "constant", eta, 0.5, 0.0, False)
            if impl is ref:
                args = args[:7] + (2, 0.1, ref.PENALTIES.index(pen_name), alpha, 0.4, 0, eta,
                                   0.5, 0.0, False)
            impl.sgd_epoch(*args)
            got.append(st[7])
        assert got[0] == pytest.approx(got[1], rel=1e-10)
        if pen_name is None:
            assert got[0] == 0.0
        if pen_name == "l2":
            assert got[0] == pytest.approx(pen, rel=1e-10)
    st4 = np.array([1.0, 0.0, 1.0, 0.0])
    facade.sgd_epoch(np.zeros(5), np.zeros(5), st4, X, y, sw, order, "squared_error", 0.1, "l2",
                     alpha, 0.4, "constant", eta, 0.5, 0.0, False)
    assert st4.shape == (4,)
