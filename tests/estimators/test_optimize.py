"""Optimisers reach the minimisers SciPy finds (Rosenbrock, quadratics)."""
import numpy as np
import pytest

from fastml import optimize as O

so = pytest.importorskip("scipy.optimize")

X0 = np.array([-1.2, 1.0, -0.5, 0.8, 1.3])


def _rosen(x):
    return so.rosen(x), so.rosen_der(x)


def _quadratic(n=20, cond=50.0, seed=0):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T
    b = rng.normal(size=n)
    return A, b, np.linalg.solve(A, b)


@pytest.mark.parametrize("solver", ["lbfgs", "bfgs", "cg"])
def test_rosenbrock_matches_scipy(solver):
    r = getattr(O, f"minimize_{solver}")(_rosen, X0, tol=1e-8, max_iter=5000)
    ref = so.minimize(so.rosen, X0, jac=so.rosen_der, method="BFGS", options={"gtol": 1e-8})
    assert r.converged
    np.testing.assert_allclose(r.x, ref.x, atol=1e-4)
    assert r.fun < 1e-9
    assert len(r.history) == r.n_iter + 1
    assert np.all(np.diff(r.history) <= 1e-12)  # Wolfe steps never increase f


def test_newton_matches_scipy_newton_cg():
    r = O.minimize_newton(_rosen, X0, so.rosen_hess, tol=1e-8)
    ref = so.minimize(so.rosen, X0, jac=so.rosen_der, hess=so.rosen_hess, method="Newton-CG",
                      options={"xtol": 1e-12})
    assert r.converged
    np.testing.assert_allclose(r.x, ref.x, atol=1e-6)
    r2 = O.minimize_newton(_rosen, np.full(3, -0.5), so.rosen_hess, tol=1e-10)
    np.testing.assert_allclose(r2.x, np.ones(3), atol=1e-8)


@pytest.mark.parametrize("solver", ["gd", "momentum", "nesterov", "newton", "bfgs", "lbfgs",
                                    "cg"])
def test_quadratic(solver):
    A, b, xstar = _quadratic()

    def fg(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    x0 = np.zeros(len(b))
    if solver in ("gd", "momentum", "nesterov"):
        mom = 0.0 if solver == "gd" else 0.9
        r = O.minimize_gd(fg, x0, learning_rate=1.0 / 50.0, momentum=mom,
                          nesterov=solver == "nesterov", tol=1e-8, max_iter=20000)
    elif solver == "newton":
        r = O.minimize_newton(fg, x0, lambda x: A, tol=1e-10)
        assert r.n_iter == 1  # exact on a quadratic
    else:
        r = getattr(O, f"minimize_{solver}")(fg, x0, tol=1e-7, ftol=0.0, max_iter=1000)
    assert r.converged, r.message
    np.testing.assert_allclose(r.x, xstar, atol=1e-6)


def test_momentum_beats_plain_gd():
    A, b, _ = _quadratic(cond=200.0)

    def fg(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    x0 = np.zeros(len(b))
    plain = O.minimize_gd(fg, x0, learning_rate=1 / 200, tol=1e-6, max_iter=100000)
    nest = O.minimize_gd(fg, x0, learning_rate=1 / 200, momentum=0.9, nesterov=True, tol=1e-6,
                         max_iter=100000)
    assert plain.converged and nest.converged
    assert nest.n_iter < plain.n_iter / 3


def test_gd_divergence_and_bad_args():
    def fg(x):
        return float(x @ x), 2 * x

    with np.errstate(over="ignore", invalid="ignore"):
        r = O.minimize_gd(fg, np.ones(2), learning_rate=2.0, max_iter=5000)
    assert not r.converged and "diverged" in r.message
    with pytest.raises(ValueError, match="learning_rate"):
        O.minimize_gd(fg, np.ones(2), learning_rate=0.0)
    with pytest.raises(ValueError, match="x0"):
        O.minimize_lbfgs(fg, np.array([np.nan]))
    with pytest.raises(ValueError, match="momentum"):
        O.minimize_gd(fg, np.ones(2), momentum=1.0)


def test_line_search_wolfe_conditions():
    A, b, _ = _quadratic(n=5)

    def fg(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    x = np.ones(5)
    f0, g0 = fg(x)
    a, f, g = O.line_search_wolfe(fg, x, f0, g0, -g0)
    assert f <= f0 + 1e-4 * a * (g0 @ -g0)
    assert abs(g @ -g0) <= 0.9 * abs(g0 @ -g0)
    assert O.line_search_wolfe(fg, x, f0, g0, g0) is None  # ascent direction


def test_strong_wolfe_bisects_past_non_finite_values():
    """A trial step where f is inf or NaN counts as too far: the search
    brackets it and returns a finite point meeting sufficient decrease."""
    def fg(x):
        if x[0] > 3.0:
            return np.nan, np.full(1, np.nan)
        if x[0] > 2.0:
            return np.inf, np.full(1, np.inf)
        return float((x[0] - 1.5) ** 2), 2 * (x - 1.5)

    x = np.zeros(1)
    f0, g0 = fg(x)
    for a0 in (10.0, 2.5):
        a, f, g = O.line_search_wolfe(fg, x, f0, g0, np.ones(1), alpha0=a0)
        assert np.isfinite(f) and 0 < a <= 2.0
        assert f <= f0 + 1e-4 * a * float(g0 @ np.ones(1))


def test_lbfgs_step_keeps_state_between_calls():
    """Closure-style L-BFGS over a flat vector: calls continue one run."""
    A, b, xstar = _quadratic(n=6, cond=10.0)

    def fg(x):
        return 0.5 * x @ A @ x - b @ x, A @ x - b

    x, state = np.zeros(6), {}
    for _ in range(5):
        x = O.lbfgs_step(fg, x, state, max_iter=4, line_search_fn="strong_wolfe",
                         tolerance_grad=1e-12, tolerance_change=1e-15)
    assert state["n_iter"] >= 6
    np.testing.assert_allclose(x, xstar, atol=1e-8)
    with pytest.raises(ValueError, match="strong_wolfe"):
        O.lbfgs_step(fg, x + 1, {}, line_search_fn="armijo")
