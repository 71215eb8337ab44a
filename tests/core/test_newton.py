"""fastml._optimize.newton: exact Newton reaches a tight gradient tolerance even
when the objective's value is known only to rounding near the optimum (the
Armijo test cannot tell f + 1e-4 g.d from f there)."""
import numpy as np

from fastml._optimize.newton import newton_cholesky


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
