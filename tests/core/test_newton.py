"""fastml._optimize.newton: exact Newton reaches a tight gradient tolerance even
when the objective's value is known only to rounding near the optimum (the
Armijo test cannot tell f + 1e-4 g.d from f there)."""
import numpy as np

from fastml._optimize.newton import newton_cg, newton_cholesky


def _problem(seed=0, p=6):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((p, p))
    A = M @ M.T + p * np.eye(p)
    b = rng.standard_normal(p)
    x_star = np.linalg.solve(A, b)
    return A, b, x_star


def test_newton_cholesky_converges_with_value_at_rounding_floor():
    A, b, x_star = _problem()
    # start so close that the last Newton step decreases f by ~1e-17, while f at any
    # other point carries a rounding error of 1e-15 (a sum of many float64 terms in
    # another order, or on another thread count): Armijo on f rejects every step
    x0 = x_star + 1e-9 * np.ones_like(x_star)

    def f_of(x):
        exact = 1.0 + 0.5 * x @ A @ x - b @ x
        return float(exact + (0.0 if np.array_equal(x, x0) else 1e-15))

    def fg(x):
        return f_of(x), A @ x - b

    def ghf(x):
        return f_of(x), A @ x - b, A.copy()

    x, n_iter, ok = newton_cholesky(ghf, fg, x0, tol=1e-12, max_iter=50)
    assert ok and n_iter == 1
    assert np.abs(A @ x - b).max() <= 1e-12
    np.testing.assert_allclose(x, x_star, rtol=1e-12, atol=1e-14)


def test_newton_cholesky_plain_quadratic_one_step():
    A, b, x_star = _problem(1)

    def fg(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    x, n_iter, ok = newton_cholesky(lambda x: fg(x) + (A.copy(),), fg, np.zeros_like(b),
                                    tol=1e-10, max_iter=20)
    assert ok and n_iter == 1
    np.testing.assert_allclose(x, x_star, rtol=1e-12)


def test_newton_cg_converges_with_value_at_rounding_floor():
    """The same rounding-floor start for truncated Newton: the strong-Wolfe
    search cannot see a decrease, so the full step is taken when it shrinks
    the gradient (before, the iterations ran to max_iter without moving)."""
    A, b, x_star = _problem(2)
    x0 = x_star + 1e-9 * np.ones_like(x_star)

    def f_of(x):
        exact = 1.0 + 0.5 * x @ A @ x - b @ x
        return float(exact + (0.0 if np.array_equal(x, x0) else 1e-15))

    def fg(x):
        return f_of(x), A @ x - b

    def ghv(x):
        return f_of(x), A @ x - b, lambda v: A @ v

    x, n_iter, ok = newton_cg(fg, ghv, x0, tol=1e-12, max_iter=500)
    assert ok and n_iter <= 3
    assert np.abs(A @ x - b).max() <= 1e-12


def test_weighted_logistic_newton_cg_reaches_a_tight_tol():
    """scikit-learn's test_sample_and_class_weight_equivalence_liblinear case:
    class weights {0: 1, 1: 2} at tol=1e-12 (ran 10000 stalled iterations)."""
    from fastml.linear_model import LogisticRegression

    import pytest

    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_classification(n_samples=300, n_features=5, n_informative=3,
                                        n_classes=2, random_state=42)
    kw = dict(solver="liblinear", fit_intercept=False, l1_ratio=0, max_iter=10000, tol=1e-12)
    a = LogisticRegression(class_weight={0: 1, 1: 2}, **kw).fit(X, y)
    b = LogisticRegression(**kw).fit(X, y, sample_weight=y + 1)
    assert a.n_iter_[0] < 50 and b.n_iter_[0] < 50
    np.testing.assert_allclose(a.coef_, b.coef_, atol=1e-10)
