"""Linear-SVM solvers (fastml._kernels.linear_svm): the jitted kernels against
their NumPy twin (same visiting order, so the same iterates up to rounding),
dense against CSR, and the solutions against the optimality conditions of
the problems they solve."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml._kernels import linear_svm as facade
from fastml._kernels.reference import linear_svm as ref


def _data(n, p, seed, density=1.0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p)
    if density < 1.0:
        X[rng.rand(n, p) > density] = 0.0
    w = rng.randn(p)
    y = np.where(X @ w + 0.3 * rng.randn(n) > 0, 1.0, -1.0)
    return np.ascontiguousarray(X), y


def _primal_svc(w, X, y, Ci, B, loss):
    z = X @ w[:-1] + B * w[-1]
    m = np.maximum(0.0, 1.0 - y * z)
    return 0.5 * w @ w + Ci @ (m if loss == 0 else m * m)


def _parts(X):
    return facade._parts(X)


@pytest.mark.parametrize("loss", [0, 1])
@pytest.mark.parametrize("n,p", [(1, 3), (7, 1), (40, 9), (120, 17)])
def test_dual_svc_matches_twin(loss, n, p):
    X, y = _data(n, p, 0)
    Ci = np.linspace(0.5, 2.0, n)
    w1, a1 = np.zeros(p + 1), np.zeros(n)
    w2, a2 = np.zeros(p + 1), np.zeros(n)
    it1 = facade.dual_cd_svc(w1, a1, X, y, Ci, 1.0, loss, 1e-8, 2000, 3)
    it2 = ref.dual_cd_svc(w2, a2, _parts(X), y, Ci, 1.0, loss, 1e-8, 2000, 3)
    np.testing.assert_allclose(w1, w2, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(a1, a2, rtol=1e-7, atol=1e-9)
    assert abs(it1 - it2) <= 2
    # w = sum a_i y_i [x_i, B]; box constraints
    np.testing.assert_allclose(w1[:-1], X.T @ (a1 * y), atol=1e-9)
    np.testing.assert_allclose(w1[-1], (a1 * y).sum(), atol=1e-9)
    assert (a1 >= 0).all() and (loss == 1 or (a1 <= Ci + 1e-12).all())


@pytest.mark.parametrize("loss", [0, 1])
def test_dual_svc_reaches_the_primal_optimum(loss):
    X, y = _data(200, 6, 1)
    Ci = np.full(200, 0.7)
    w, a = np.zeros(7), np.zeros(200)
    facade.dual_cd_svc(w, a, X, y, Ci, 1.0, loss, 1e-10, 10000, 0)
    f = _primal_svc(w, X, y, Ci, 1.0, loss)
    rng = np.random.RandomState(0)
    for _ in range(50):  # no random direction improves the convex primal
        d = rng.randn(7) * 1e-3
        assert _primal_svc(w + d, X, y, Ci, 1.0, loss) >= f - 1e-9
    # duality gap: primal - dual ~ 0
    diag = 0.0 if loss == 0 else 0.5 / Ci
    dual = a.sum() - 0.5 * w @ w - 0.5 * (diag * a * a).sum()
    assert abs(f - dual) <= 1e-6 * max(1.0, abs(f))


def test_dense_and_csr_give_the_same_iterates():
    X, y = _data(150, 20, 2, density=0.3)
    Ci = np.ones(150)
    out = []
    for M in (X, sp.csr_matrix(X)):
        w, a = np.zeros(21), np.zeros(150)
        it = facade.dual_cd_svc(w, a, M, y, Ci, 1.0, 1, 1e-6, 1000, 5)
        out.append((w, it))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-9, atol=1e-12)
    assert out[0][1] == out[1][1]


@pytest.mark.parametrize("loss", [0, 1])
@pytest.mark.parametrize("sparse", [False, True])
def test_dual_svr_matches_twin_and_is_optimal(loss, sparse):
    rng = np.random.RandomState(4)
    X = rng.randn(60, 5)
    X[rng.rand(60, 5) > 0.6] = 0.0
    t = X @ rng.randn(5) + 0.1 * rng.randn(60)
    Ci = np.ones(60)
    M = sp.csr_matrix(X) if sparse else X
    w1, b1 = np.zeros(6), np.zeros(60)
    w2, b2 = np.zeros(6), np.zeros(60)
    facade.dual_cd_svr(w1, b1, M, t, Ci, 1.0, loss, 0.05, 1e-10, 5000, 1)
    ref.dual_cd_svr(w2, b2, _parts(M), t, Ci, 1.0, loss, 0.05, 1e-10, 5000, 1)
    np.testing.assert_allclose(w1, w2, rtol=1e-6, atol=1e-8)

    def primal(w):
        r = np.maximum(np.abs(X @ w[:-1] + w[-1] - t) - 0.05, 0.0)
        return 0.5 * w @ w + Ci @ (r if loss == 0 else r * r)
    f = primal(w1)
    for d in np.random.RandomState(0).randn(40, 6) * 1e-3:
        assert primal(w1 + d) >= f - 1e-9


@pytest.mark.parametrize("sparse", [False, True])
def test_primal_l1_matches_twin_and_is_optimal(sparse):
    X, y = _data(80, 12, 3, density=0.5 if sparse else 1.0)
    Ci = np.full(80, 0.05)
    XT = sp.csr_matrix(X.T) if sparse else np.ascontiguousarray(X.T)
    w1, m1 = np.zeros(13), np.ones(80)
    w2, m2 = np.zeros(13), np.ones(80)
    facade.primal_cd_l1(w1, m1, XT, y, Ci, 1.0, 1e-8, 5000, 2)
    ref.primal_cd_l1(w2, m2, _parts(XT), y, Ci, 1.0, 1e-8, 5000, 2)
    np.testing.assert_allclose(w1, w2, rtol=1e-6, atol=1e-8)
    # margins kept in step with w
    np.testing.assert_allclose(m1, 1.0 - y * (X @ w1[:-1] + w1[-1]), atol=1e-9)

    def f(w):
        m = np.maximum(0.0, 1.0 - y * (X @ w[:-1] + w[-1]))
        return np.abs(w).sum() + Ci @ (m * m)
    f0 = f(w1)
    for d in np.random.RandomState(1).randn(60, 13) * 1e-3:
        assert f(w1 + d) >= f0 - 1e-8
    assert (w1 == 0).any()  # the L1 penalty zeroes coefficients here


def test_max_iter_zero_and_no_bias():
    X, y = _data(30, 4, 5)
    w, a = np.zeros(5), np.zeros(30)
    assert facade.dual_cd_svc(w, a, X, y, np.ones(30), 1.0, 1, 1e-4, 0, 0) == 0
    assert not w.any()
    facade.dual_cd_svc(w, a, X, y, np.ones(30), 0.0, 1, 1e-6, 1000, 0)
    assert w[-1] == 0.0


def test_shuffle_is_a_permutation():
    idx = np.arange(11)
    s = ref.shuffle_prefix(idx, 11, ref.seed_state(7))
    assert sorted(idx) == list(range(11)) and s != ref.seed_state(7)


def _cs_data(n, p, K, seed):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p)
    yk = np.argmax(X @ rng.randn(p, K) + 0.5 * rng.randn(n, K), axis=1).astype(np.int64)
    return np.ascontiguousarray(X), yk


@pytest.mark.parametrize("n,p,K", [(1, 3, 2), (9, 2, 3), (60, 7, 4), (150, 12, 6)])
def test_crammer_singer_matches_twin_and_csr(n, p, K):
    X, yk = _cs_data(n, p, K, 1)
    Ci = np.linspace(0.5, 2.0, n)
    out = []
    for Xin, impl in ((X, facade), (sp.csr_matrix(X), facade)):
        W, alpha = np.zeros((K, p + 1)), np.zeros((n, K))
        it = impl.crammer_singer(W, alpha, Xin, yk, Ci, 1.0, 1e-9, 5000, 7)
        out.append((W, alpha, it))
    W, alpha = np.zeros((K, p + 1)), np.zeros((n, K))
    it = ref.crammer_singer(W, alpha, _parts(X), yk, Ci, 1.0, 1e-9, 5000, 7)
    out.append((W, alpha, it))
    for W2, a2, it2 in out[1:]:
        np.testing.assert_allclose(W2, out[0][0], rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(a2, out[0][1], rtol=1e-9, atol=1e-11)
    W, alpha, it = out[0]
    assert it < 5000
    # the dual's constraints and w = sum_i alpha_i x_i
    Xb = np.hstack([X, np.ones((n, 1))])
    np.testing.assert_allclose(W, alpha.T @ Xb, atol=1e-10)
    np.testing.assert_allclose(alpha.sum(axis=1), 0.0, atol=1e-10)
    own = alpha[np.arange(n), yk]
    assert np.all(own <= Ci + 1e-12)
    others = alpha.copy()
    others[np.arange(n), yk] = 0.0
    assert np.all(others <= 1e-12)
    # optimality: per sample, the gradient spread over the classes free to move is ~0
    G = Xb @ W.T + 1.0
    G[np.arange(n), yk] -= 1.0
    for i in range(n):
        free = (alpha[i] < 0) | ((np.arange(K) == yk[i]) & (alpha[i] < Ci[i]))
        if free.any():
            assert G[i].max() - G[i, free].min() <= 1e-8


def test_crammer_singer_primal_optimum():
    """The primal objective 1/2 |W|^2 + sum_i C_i max_m (e_im + w_m.x_i - w_yi.x_i)
    at the solver's W is not beaten by perturbations of it."""
    X, yk = _cs_data(80, 5, 3, 2)
    n, p, K = 80, 5, 3
    Ci = np.full(n, 0.7)
    W = np.zeros((K, p + 1))
    facade.crammer_singer(W, np.zeros((n, K)), X, yk, Ci, 1.0, 1e-10, 20000, 1)
    Xb = np.hstack([X, np.ones((n, 1))])

    def primal(W):
        Z = Xb @ W.T
        E = np.ones((n, K))
        E[np.arange(n), yk] = 0.0
        return 0.5 * (W ** 2).sum() + Ci @ (E + Z - Z[np.arange(n), yk][:, None]).max(1)

    f0 = primal(W)
    rng = np.random.RandomState(0)
    for _ in range(200):
        assert primal(W + 1e-3 * rng.randn(*W.shape)) >= f0 - 1e-9
