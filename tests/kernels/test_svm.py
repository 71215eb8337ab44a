"""svm family: kernel matrices and the SMO solver against their NumPy twin at
every SIMD level (dense and CSR points, every kernel, tails of the vector
width), the dual's optimality conditions, the solver with and without
shrinking and with a tiny cache, the nu solver and the 2m-variable regression
dual, and thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import _threads, svm
from fastml._kernels.reference import svm as ref

sp = pytest.importorskip("scipy.sparse")

KERNELS = [("linear", 3, 1.0, 0.0), ("rbf", 3, 0.3, 0.0), ("poly", 3, 0.2, 1.0),
           ("sigmoid", 3, 0.05, -0.5)]


@pytest.mark.parametrize("kernel,degree,gamma,coef0", KERNELS)
@pytest.mark.parametrize("d", [1, 3, 7, 8, 9, 17])
def test_kernel_matrix_matches_twin(cpu_level, rng, kernel, degree, gamma, coef0, d):
    A = rng.standard_normal((13, d))
    B = rng.standard_normal((9, d))
    got = svm.kernel_matrix(A, B, kernel, degree, gamma, coef0)
    want = ref.kernel_matrix(A, B, kernel, degree, gamma, coef0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    As, Bs = sp.csr_matrix(A * (rng.random(A.shape) < 0.5)), sp.csr_matrix(B)
    got = svm.kernel_matrix(As, Bs, kernel, degree, gamma, coef0)
    want = ref.kernel_matrix(As, Bs, kernel, degree, gamma, coef0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _binary(rng, n=60, d=4):
    X = rng.standard_normal((n, d))
    y = np.where(X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.standard_normal(n) > 0, 1, -1)
    return X, y.astype(np.int8)


def _kkt_gap(X, kernel, degree, gamma, coef0, y, p, C, a):
    K = ref.kernel_matrix(X, X, kernel, degree, gamma, coef0) if kernel != "precomputed" else X
    # the solver's Q: kernel rows are cached in float32, as in libsvm
    K = K.astype(np.float32).astype(np.float64)
    yf = y.astype(float)
    m = len(X)
    pt = np.arange(len(y)) % m
    G = p + yf * (K[np.ix_(pt, pt)] @ (a * yf))
    up = np.where(yf > 0, a < C, a > 0)
    low = np.where(yf > 0, a > 0, a < C)
    return (-yf * G)[up].max() - (-yf * G)[low].min()


@pytest.mark.parametrize("kernel,degree,gamma,coef0", KERNELS[:3])
@pytest.mark.parametrize("shrinking", [0, 1])
def test_c_solver_matches_twin(cpu_level, rng, kernel, degree, gamma, coef0, shrinking):
    X, y = _binary(rng)
    n = len(y)
    args = (kernel, degree, gamma, coef0, np.arange(n), y, -np.ones(n), np.full(n, 2.0),
            np.zeros(n), False, 1e-6, shrinking, 200.0, -1)
    a, rho, r, obj, it, hit = svm.solve(X, *args)
    a2, rho2, _, obj2, it2, _ = ref.solve(X, *args)
    assert not hit and it > 0
    assert _kkt_gap(X, kernel, degree, gamma, coef0, y, -np.ones(n), np.full(n, 2.0), a) < 1e-6
    np.testing.assert_allclose(obj, obj2, rtol=1e-7)
    np.testing.assert_allclose(rho, rho2, atol=1e-4)
    np.testing.assert_allclose(a, a2, atol=1e-3)
    assert abs(a @ y) < 1e-9
    # iteration counts are not compared: after a step on two free variables their
    # gradients tie exactly in exact arithmetic, so rounding picks the next pair


def test_tiny_cache_and_row_subset(rng):
    X, y = _binary(rng, n=150, d=5)
    Xbig = np.vstack([rng.standard_normal((50, 5)), X])
    rows = np.arange(50, 200)
    n = 150
    args = ("rbf", 3, 0.5, 0.0, rows, y, -np.ones(n), np.full(n, 1.0), np.zeros(n), False,
            1e-5, 1, 0.001, -1)
    a, rho, *_ = svm.solve(Xbig, *args)
    a2, rho2, *_ = svm.solve(X, "rbf", 3, 0.5, 0.0, np.arange(n), *args[5:12], 200.0, -1)
    np.testing.assert_allclose(a, a2, atol=1e-10)
    assert rho == pytest.approx(rho2, abs=1e-10)


def test_sparse_and_precomputed_points(rng):
    X, y = _binary(rng, n=80, d=6)
    X[rng.random(X.shape) < 0.4] = 0
    n = len(y)
    common = (np.arange(n), y, -np.ones(n), np.full(n, 1.0), np.zeros(n), False, 1e-6, 1,
              200.0, -1)
    a, rho, *_ = svm.solve(X, "rbf", 3, 0.2, 0.0, *common)
    a_s, rho_s, *_ = svm.solve(sp.csr_matrix(X), "rbf", 3, 0.2, 0.0, *common)
    K = ref.kernel_matrix(X, X, "rbf", 3, 0.2, 0.0)
    a_k, rho_k, *_ = svm.solve(K, "precomputed", 3, 0.0, 0.0, *common)
    np.testing.assert_allclose(a_s, a, atol=1e-8)
    np.testing.assert_allclose(a_k, a, atol=1e-8)
    assert rho_s == pytest.approx(rho, abs=1e-8) and rho_k == pytest.approx(rho, abs=1e-8)


def test_nu_solver_and_regression_dual(cpu_level, rng):
    X = rng.standard_normal((70, 3))
    t = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(70)
    n = len(t)
    y2 = np.concatenate([np.ones(n), -np.ones(n)]).astype(np.int8)
    C = np.full(2 * n, 1.0)
    p = np.concatenate([0.1 - t, 0.1 + t])  # epsilon-SVR
    args = ("rbf", 3, 0.5, 0.0, np.arange(n), y2, p, C, np.zeros(2 * n), False, 1e-7, 1,
            200.0, -1)
    a, rho, *_ = svm.solve(X, *args)
    a2, rho2, *_ = ref.solve(X, *args)
    np.testing.assert_allclose(a[:n] - a[n:], a2[:n] - a2[n:], atol=1e-4)
    assert rho == pytest.approx(rho2, abs=1e-4)
    # nu-SVR: start at the nu / 2 split, nu solver
    alpha = np.zeros(2 * n)
    rem = 0.4 * n / 2
    for i in range(n):
        alpha[i] = alpha[i + n] = min(rem, 1.0)
        rem -= alpha[i]
    p = np.concatenate([-t, t])
    args = ("rbf", 3, 0.5, 0.0, np.arange(n), y2, p, C, alpha, True, 1e-7, 1, 200.0, -1)
    a, rho, r, obj, *_ = svm.solve(X, *args)
    a2, rho2, r2, obj2, *_ = ref.solve(X, *args)
    assert obj == pytest.approx(obj2, rel=1e-7)
    assert rho == pytest.approx(rho2, abs=1e-4) and r == pytest.approx(r2, abs=1e-4)
    assert a.sum() == pytest.approx(alpha.sum(), rel=1e-12)


def test_max_iter_reported(rng):
    X, y = _binary(rng, n=100)
    n = len(y)
    a, rho, r, obj, it, hit = svm.solve(X, "rbf", 3, 1.0, 0.0, np.arange(n), y, -np.ones(n),
                                        np.full(n, 10.0), np.zeros(n), False, 1e-8, 1, 200.0, 3)
    assert it == 3 and hit


def test_thread_count_independent(rng):
    X, y = _binary(rng, n=3000, d=40)
    n = len(y)
    outs = []
    for t in (1, 2, 3):
        with _threads.scope(t):
            outs.append(svm.solve(X, "rbf", 3, 0.02, 0.0, np.arange(n), y, -np.ones(n),
                                  np.full(n, 1.0), np.zeros(n), False, 1e-3, 1, 1.0, -1))
            K = svm.kernel_matrix(X[:300], X, "rbf", 3, 0.02, 0.0)
            outs[-1] = outs[-1] + (K,)
    for o in outs[1:]:
        np.testing.assert_array_equal(o[0], outs[0][0])
        assert o[1] == outs[0][1]
        np.testing.assert_array_equal(o[-1], outs[0][-1])


# ---- the working-set solver (svm_block.c): >= 4096 dense points of >= 64 features -------

def _exact_gradient(X, gamma, rows, y, p, a):
    """G = p + Q a with the float64 kernel (only the nonzero alphas' columns)."""
    m = len(rows)
    pts = np.arange(len(y)) % m
    nz = np.flatnonzero(a)
    Xp = X[rows]
    coef = np.zeros(m)
    np.add.at(coef, pts[nz], a[nz] * y[nz])
    sv = np.flatnonzero(coef)
    G = p.astype(np.float64).copy()
    sq = (Xp * Xp).sum(1)
    for s in range(0, m, 1024):
        d2 = sq[s:s + 1024, None] + sq[None, sv] - 2.0 * (Xp[s:s + 1024] @ Xp[sv].T)
        kq = np.exp(-gamma * np.maximum(d2, 0.0)) @ coef[sv]
        for off in range(0, len(y), m):
            G[off + s:off + s + len(kq)] += y[off + s:off + s + len(kq)] * kq
    return G


def _mvp_gap(y, a, C, G):
    f = -y * G
    up = np.where(y == 1, a < C, a > 0)
    low = np.where(y == 1, a > 0, a < C)
    return f[up].max() - f[low].min()


_BD = 64  # features: the working-set solver takes >= 4096 points of >= 64 features
_BG = 1.0 / _BD  # RBF gamma on those features


def _big_binary(rng, n=4500, d=_BD):
    X = rng.standard_normal((n, d))
    y = np.where(X[:, 0] * X[:, 1] + 0.3 * rng.standard_normal(n) > 0, 1, -1).astype(np.int8)
    return X, y


def test_block_solver_optimal_and_agrees_with_smo(rng):
    X, y = _big_binary(rng)
    n = len(y)
    rows = np.arange(n)
    C = np.full(n, 1.0)
    a, rho, r, obj, it, hit = svm.solve(X, "rbf", 3, _BG, 0.0, rows, y, -np.ones(n), C,
                                        np.zeros(n), False, 1e-3, 1, 200.0, -1)
    assert not hit and it > 0
    assert np.all(a >= 0) and np.all(a <= C) and abs(a @ y) < 1e-9
    G = _exact_gradient(X, _BG, rows, y.astype(float), -np.ones(n), a)
    assert _mvp_gap(y, a, C, G) < 2e-3
    # 4000 points run SMO; the same 4000 plus 200 copies whose C (1e-12) pins their
    # alphas near 0 run the working-set solver: both reach the same optimum
    sub = rows[:4000]
    ys = y[:4000]
    a_b, rho_b, *_ = svm.solve(X, "rbf", 3, _BG, 0.0, np.concatenate([sub, sub[:200]]),
                               np.concatenate([ys, ys[:200]]), -np.ones(4200),
                               np.concatenate([np.ones(4000), np.full(200, 1e-12)]),
                               np.zeros(4200), False, 1e-6, 1, 200.0, -1)
    a_s, rho_s, *_ = svm.solve(X, "rbf", 3, _BG, 0.0, sub, ys, -np.ones(4000), np.ones(4000),
                               np.zeros(4000), False, 1e-6, 1, 200.0, -1)
    assert rho_b == pytest.approx(rho_s, abs=1e-4)
    np.testing.assert_allclose(a_b[:4000], a_s, atol=1e-3)
    dec = lambda aa, rr: (_exact_gradient(X, _BG, sub, ys.astype(float), np.zeros(4000),  # noqa
                                          aa[:4000]) * ys) - rr
    np.testing.assert_allclose(dec(a_b, rho_b), dec(a_s, rho_s), atol=1e-4)


@pytest.mark.parametrize("d", [_BD, 300])  # the subproblem kernel: small GEMM / gathered rows
def test_block_solver_levels_and_wide_points(cpu_level, rng, d):
    # every SIMD level (the float exp of the kernel rows, the gradient's row sums)
    X, y = _big_binary(rng, n=4100, d=d)
    n = len(y)
    C = np.full(n, 1.0)
    g = 1.0 / d
    a, rho, r, obj, it, hit = svm.solve(X, "rbf", 3, g, 0.0, np.arange(n), y, -np.ones(n), C,
                                        np.zeros(n), False, 1e-3, 1, 200.0, -1)
    assert not hit and it > 0
    assert np.all(a >= 0) and np.all(a <= C) and abs(a @ y) < 1e-9
    G = _exact_gradient(X, g, np.arange(n), y.astype(float), -np.ones(n), a)
    assert _mvp_gap(y, a, C, G) < 2e-3
    assert obj == pytest.approx(0.5 * a @ (G - 1.0), rel=1e-6)


def test_block_solver_row_subset_and_regression_dual(rng):
    X, y = _big_binary(rng, n=9000)
    rows = np.arange(0, 9000, 2)  # every other point, through the gathered copy
    m = len(rows)
    t = np.sin(X[rows, 0]) + 0.1 * rng.standard_normal(m)
    y2 = np.concatenate([np.ones(m), -np.ones(m)]).astype(np.int8)
    p = np.concatenate([0.1 - t, 0.1 + t])
    C = np.full(2 * m, 1.0)
    a, rho, r, obj, it, hit = svm.solve(X, "rbf", 3, _BG, 0.0, rows, y2, p, C, np.zeros(2 * m),
                                        False, 1e-3, 1, 200.0, -1)
    assert not hit and np.all(a >= 0) and np.all(a <= 1.0)
    assert abs(a[:m].sum() - a[m:].sum()) < 1e-9
    G = _exact_gradient(X, _BG, rows, y2.astype(float), p, a)
    assert _mvp_gap(y2, a, C, G) < 2e-3
    assert obj == pytest.approx(0.5 * a @ (G + p), rel=1e-6)


def test_block_solver_nonzero_start_threads_and_max_iter(rng):
    # the one-class dual starts from a nonzero alpha; y = +1, p = 0
    X, _ = _big_binary(rng, n=5000)
    n = len(X)
    a0 = np.zeros(n)
    a0[: int(0.2 * n)] = 1.0
    outs = []
    for th in (1, 2, 3):
        with _threads.scope(th):
            outs.append(svm.solve(X, "rbf", 3, 2 * _BG, 0.0, np.arange(n), np.ones(n, np.int8),
                                  np.zeros(n), np.ones(n), a0, False, 1e-3, 1, 200.0, -1))
    for o in outs[1:]:
        np.testing.assert_array_equal(o[0], outs[0][0])
        assert o[1] == outs[0][1] and o[4] == outs[0][4]
    a = outs[0][0]
    assert a.sum() == pytest.approx(a0.sum(), rel=1e-12)
    G = _exact_gradient(X, 2 * _BG, np.arange(n), np.ones(n), np.zeros(n), a)
    assert _mvp_gap(np.ones(n), a, np.ones(n), G) < 2e-3
    *_, it, hit = svm.solve(X, "rbf", 3, 2 * _BG, 0.0, np.arange(n), np.ones(n, np.int8),
                            np.zeros(n), np.ones(n), a0, False, 1e-9, 1, 200.0, 7)
    assert it == 7 and hit


def _nu_start(y, nu):
    """libsvm's nu start: each sign class holds nu * l / 2, filled from the front."""
    a = np.zeros(len(y))
    for s in (1, -1):
        rem = nu * len(y) / 2
        for i in np.flatnonzero(y == s):
            a[i] = min(rem, 1.0)
            rem -= a[i]
    return a


def _nu_gap(y, a, C, G):
    """The nu solver's stopping gap: the larger of the two sign classes' gaps."""
    return max(_mvp_gap(y[y == s], a[y == s], C[y == s], G[y == s]) for s in (1, -1))


def test_block_solver_nu_agrees_with_smo(rng):
    # nu-SVC: 4000 points run SMO; the same 4000 plus 200 copies pinned near 0
    # (C = 1e-12) run the working-set solver's nu rounds
    X, y = _big_binary(rng)
    sub, ys = np.arange(4000), y[:4000]
    a0 = _nu_start(ys, 0.3)
    a_s, rho_s, r_s, *_ = svm.solve(X, "rbf", 3, _BG, 0.0, sub, ys, np.zeros(4000),
                                    np.ones(4000), a0.copy(), True, 1e-6, 1, 200.0, -1)
    rows = np.concatenate([sub, sub[:200]])
    yb = np.concatenate([ys, ys[:200]])
    Cb = np.concatenate([np.ones(4000), np.full(200, 1e-12)])
    a_b, rho_b, r_b, obj, it, hit = svm.solve(X, "rbf", 3, _BG, 0.0, rows, yb, np.zeros(4200),
                                              Cb, np.concatenate([a0, np.zeros(200)]), True,
                                              1e-6, 1, 200.0, -1)
    assert not hit and it > 0
    for s in (1, -1):  # each class keeps its sum
        assert a_b[yb == s].sum() == pytest.approx(a0[ys == s].sum(), rel=1e-12)
    assert np.all(a_b >= 0) and np.all(a_b <= Cb)
    G = _exact_gradient(X, _BG, rows, yb.astype(float), np.zeros(4200), a_b)
    assert _nu_gap(yb, a_b, Cb, G) < 2e-5
    assert rho_b == pytest.approx(rho_s, abs=1e-4) and r_b == pytest.approx(r_s, abs=1e-4)
    np.testing.assert_allclose(a_b[:4000], a_s, atol=1e-3)


def test_block_solver_nu_regression(rng):
    # nu-SVR: 2 m variables on 4200 points of 64 features
    X, _ = _big_binary(rng, n=4200)
    m = len(X)
    t = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(m)
    y2 = np.concatenate([np.ones(m), -np.ones(m)]).astype(np.int8)
    alpha = np.zeros(2 * m)
    rem = 0.4 * m / 2
    for i in range(m):
        alpha[i] = alpha[i + m] = min(rem, 1.0)
        rem -= alpha[i]
    p = np.concatenate([-t, t])
    C = np.ones(2 * m)
    a, rho, r, obj, it, hit = svm.solve(X, "rbf", 3, _BG, 0.0, np.arange(m), y2, p, C,
                                        alpha.copy(), True, 1e-3, 1, 200.0, -1)
    assert not hit and it > 0
    assert a[:m].sum() == pytest.approx(alpha[:m].sum(), rel=1e-12)
    assert a[m:].sum() == pytest.approx(alpha[m:].sum(), rel=1e-12)
    G = _exact_gradient(X, _BG, np.arange(m), y2.astype(float), p, a)
    assert _nu_gap(y2, a, C, G) < 2e-3
    assert obj == pytest.approx(0.5 * a @ (G + p), rel=1e-6)
