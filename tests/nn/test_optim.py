"""Optimizers against torch.optim (float64, same gradients), schedulers,
LBFGS / conjugate gradients on a convex problem, regularisation helpers."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import optim

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    ("Adadelta", dict(lr=1.0, rho=0.8, weight_decay=0.02)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01, amsgrad=True)),
]


def _grad_fn(rng):
    """Gradient of a fixed quadratic plus a sine term: depends on the iterate."""
    A = rng.standard_normal((6, 6))
    A = A @ A.T / 6 + np.eye(6)
    b = rng.standard_normal(6)
    return lambda x: (A @ x.ravel() - b + np.sin(3 * x.ravel())).reshape(x.shape)


@pytest.mark.parametrize("name,kw", CASES)
def test_matches_torch(name, kw, rng):
    torch = pytest.importorskip("torch")
    x0 = rng.standard_normal((2, 3))
    gf = _grad_fn(rng)
    p = nn.Parameter(x0.copy())
    opt = getattr(optim, name)([p], **kw)
    tp = torch.nn.Parameter(torch.tensor(x0.copy()))
    topt = getattr(torch.optim, name)([tp], **kw)
    for _ in range(8):
        p.grad = gf(p.data)
        opt.step()
        tp.grad = torch.tensor(gf(tp.detach().numpy()))
        topt.step()
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert p.data.dtype == np.float64


def test_state_dict_roundtrip_continues_identically(rng):
    gf = _grad_fn(rng)
    x0 = rng.standard_normal((2, 3))
    a, b = nn.Parameter(x0.copy()), nn.Parameter(x0.copy())
    oa = optim.Adam([a], lr=0.05)
    for _ in range(3):
        a.grad = gf(a.data)
        oa.step()
    b.data[...] = a.data
    ob = optim.Adam([b], lr=0.5)
    ob.load_state_dict(oa.state_dict())
    assert ob.param_groups[0]["lr"] == 0.05
    for _ in range(3):
        a.grad = gf(a.data)
        b.grad = gf(b.data)
        oa.step()
        ob.step()
    np.testing.assert_array_equal(a.data, b.data)


def test_param_groups_and_zero_grad(rng):
    w, v = nn.Parameter(np.ones(3)), nn.Parameter(np.ones(2))
    opt = optim.SGD([{"params": [w]}, {"params": [v], "lr": 1.0}], lr=0.1)
    w.grad, v.grad = np.ones(3), np.ones(2)
    opt.step()
    np.testing.assert_allclose(w.data, 0.9)
    np.testing.assert_allclose(v.data, 0.0)
    opt.zero_grad()
    assert w.grad is None and v.grad is None
    # a parameter without a gradient is skipped
    opt.step()
    np.testing.assert_allclose(w.data, 0.9)


def test_float32_stays_float32():
    p = nn.Parameter(np.ones(4, np.float32))
    opt = optim.Adam([p], lr=0.1)
    p.grad = np.ones(4, np.float32)
    opt.step()
    assert p.data.dtype == np.float32


@pytest.mark.parametrize("bad", [
    lambda p: optim.SGD([p], lr=-1),
    lambda p: optim.SGD([p], lr=0.1, nesterov=True),
    lambda p: optim.Adam([p], betas=(0.9, 1.5)),
    lambda p: optim.Adam([p], lr=0.1, foo=1),
    lambda p: optim.SGD([{"params": [p], "bogus": 3}], lr=0.1),
    lambda p: optim.SGD([], lr=0.1),
    lambda p: optim.LBFGS([p], line_search_fn="armijo"),
    lambda p: optim.RMSprop([p], momentum=-0.5),
])
def test_bad_options_raise(bad):
    p = nn.Parameter(np.ones(2))
    with pytest.raises((ValueError, TypeError)):
        bad(p)


@pytest.mark.parametrize("name,kw", [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
])
def test_schedulers_match_torch(name, kw):
    torch = pytest.importorskip("torch")
    p = nn.Parameter(np.ones(2))
    opt = optim.SGD([p], lr=0.1)
    sch = getattr(optim, name)(opt, **kw)
    tp = torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
    topt = torch.optim.SGD([tp], lr=0.1)
    tsch = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    for _ in range(10):
        np.testing.assert_allclose(sch.get_last_lr(), tsch.get_last_lr(), rtol=1e-12)
        opt.step()
        topt.step()
        sch.step()
        tsch.step()


def _logreg_problem(rng):
    X = rng.standard_normal((80, 4))
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.3 * rng.standard_normal(80) > 0)
    y = y.astype(np.int64)
    return X, y


def _closure_for(model, opt, X, y):
    def closure():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(nn.Tensor(X)), y) \
            + 0.05 * sum((p * p).sum() for p in model.parameters())
        loss.backward()
        return loss
    return closure


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_matches_torch(line_search, rng):
    torch = pytest.importorskip("torch")
    X, y = _logreg_problem(rng)
    W0 = rng.standard_normal((2, 4)) * 0.1
    W = nn.Parameter(W0.copy())
    opt = optim.LBFGS([W], lr=1, max_iter=15, history_size=5, line_search_fn=line_search)

    def closure():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(nn.Tensor(X) @ W.T, y) + 0.05 * (W * W).sum()
        loss.backward()
        return loss

    tW = torch.nn.Parameter(torch.tensor(W0.copy()))
    topt = torch.optim.LBFGS([tW], lr=1, max_iter=15, history_size=5,
                             line_search_fn=line_search)
    tX, ty = torch.tensor(X), torch.tensor(y)

    def tclosure():
        topt.zero_grad()
        loss = torch.nn.functional.cross_entropy(tX @ tW.T, ty) + 0.05 * (tW * tW).sum()
        loss.backward()
        return loss

    for _ in range(2):
        l1 = opt.step(closure)
        l2 = topt.step(tclosure)
        assert float(l1.item()) == pytest.approx(float(l2.item()), rel=1e-9)
    np.testing.assert_allclose(W.data, tW.detach().numpy(), rtol=1e-7, atol=1e-9)


def test_conjugate_gradient_converges_like_lbfgs(rng):
    X, y = _logreg_problem(rng)
    sols = []
    for cls, kw in ((optim.LBFGS, dict(max_iter=200, line_search_fn="strong_wolfe",
                                       tolerance_grad=1e-10, tolerance_change=1e-14)),
                    (optim.ConjugateGradient, dict(max_iter=200, tolerance_grad=1e-10,
                                                   tolerance_change=1e-14))):
        W = nn.Parameter(np.zeros((2, 4)))
        opt = cls([W], **kw)

        def closure():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(nn.Tensor(X) @ W.T, y) + 0.05 * (W * W).sum()
            loss.backward()
            return loss

        opt.step(closure)
        closure()
        assert np.abs(W.grad).max() < 1e-6
        sols.append(W.data.copy())
    np.testing.assert_allclose(sols[0], sols[1], atol=1e-6)


def test_clip_grad_norm_and_l1_penalty():
    torch = pytest.importorskip("torch")
    g1, g2 = np.arange(6.0).reshape(2, 3), -np.ones(4)
    a, b = nn.Parameter(np.zeros((2, 3))), nn.Parameter(np.zeros(4))
    a.grad, b.grad = g1.copy(), g2.copy()
    ta, tb = torch.zeros((2, 3), dtype=torch.float64), torch.zeros(4, dtype=torch.float64)
    ta.grad, tb.grad = torch.tensor(g1), torch.tensor(g2)
    for norm_type in (2.0, 1.0, np.inf):
        a.grad, b.grad = g1.copy(), g2.copy()
        ta.grad, tb.grad = torch.tensor(g1), torch.tensor(g2)
        n1 = optim.clip_grad_norm_([a, b], 3.0, norm_type)
        n2 = torch.nn.utils.clip_grad_norm_([ta, tb], 3.0, norm_type)
        assert n1 == pytest.approx(float(n2))
        np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-10)
        np.testing.assert_allclose(b.grad, tb.grad.numpy(), rtol=1e-10)
    w = nn.Parameter(np.array([1.0, -2.0, 3.0]))
    pen = optim.l1_penalty([w], 0.5)
    assert pen.item() == pytest.approx(3.0)
    pen.backward()
    np.testing.assert_allclose(w.grad, [0.5, -0.5, 0.5])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name,kw", [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.5, dampening=0.2)),
    ("SGD", dict(lr=0.1, maximize=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
])
def test_fused_update_matches_numpy_path(dt, name, kw, rng):
    """Contiguous parameters take the compiled fused update, non-contiguous
    gradients the NumPy path: same trajectory."""
    gf = _grad_fn(rng)
    x0 = rng.standard_normal((2, 3)).astype(dt)
    a, b = nn.Parameter(x0.copy()), nn.Parameter(x0.copy())
    oa, ob = getattr(optim, name)([a], **kw), getattr(optim, name)([b], **kw)
    for _ in range(6):
        g = gf(a.data.astype(np.float64)).astype(dt)
        a.grad = g.copy()
        b.grad = np.asfortranarray(g)  # not C-contiguous: NumPy fallback
        oa.step()
        ob.step()
        tol = 1e-5 if dt == np.float32 else 1e-13
        np.testing.assert_allclose(a.data, b.data, rtol=tol, atol=tol)
        b.data[...] = a.data  # keep the two paths on one trajectory
    assert a.data.dtype == dt


def _rosenbrock(w, data):
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] * w[0]) ** 2


def _quartic_least_squares(w, data):
    X, y = data
    r = X @ w - y
    return (r * r).mean() + 0.1 * ((w * w) * (w * w)).sum()


def _lbfgs_pair(torch, loss_fn, w0, data=(), **kw):
    """fastml and torch LBFGS on loss_fn(w, data) from w0; closures count calls."""
    W = nn.Parameter(np.array(w0, dtype=np.float64))
    opt = optim.LBFGS([W], **kw)
    tW = torch.nn.Parameter(torch.tensor(np.array(w0, dtype=np.float64)))
    topt = torch.optim.LBFGS([tW], **kw)
    fdata = tuple(nn.Tensor(d) for d in data)
    tdata = tuple(torch.tensor(d) for d in data)
    calls = [0, 0]

    def closure():
        calls[0] += 1
        opt.zero_grad()
        loss = loss_fn(W, fdata)
        loss.backward()
        return loss

    def tclosure():
        calls[1] += 1
        topt.zero_grad()
        loss = loss_fn(tW, tdata)
        loss.backward()
        return loss

    return (opt, closure, W), (topt, tclosure, tW), calls


def test_lbfgs_strong_wolfe_same_iterates_as_torch(rng):
    """Every step (line searches included) lands on torch's iterate to ~1e-10,
    with the same closure calls and state counters."""
    torch = pytest.importorskip("torch")
    data = (rng.standard_normal((40, 5)), rng.standard_normal(40))
    (opt, closure, W), (topt, tclosure, tW), calls = _lbfgs_pair(
        torch, _quartic_least_squares, rng.standard_normal(5), data, lr=1, max_iter=4,
        history_size=3, line_search_fn="strong_wolfe")
    for _ in range(6):
        l1, l2 = opt.step(closure), topt.step(tclosure)
        assert l1.item() == pytest.approx(l2.item(), rel=1e-10, abs=1e-14)
        np.testing.assert_allclose(W.data, tW.detach().numpy(), rtol=1e-10, atol=1e-12)
        assert calls[0] == calls[1]
        assert opt.state[id(W)]["func_evals"] == topt.state[tW]["func_evals"]
        assert opt.state[id(W)]["n_iter"] == topt.state[tW]["n_iter"]


@pytest.mark.parametrize("max_eval", [1, 3, 5])
def test_lbfgs_strong_wolfe_honours_max_eval(max_eval):
    """The line search gets only the evaluations left in max_eval (issue 11,
    item 22), as torch.optim.LBFGS: a step makes the same closure calls as
    torch, at most max_eval + 1 (the line search always evaluates its first
    trial step, even with no budget left). lr=100 makes long line searches."""
    torch = pytest.importorskip("torch")
    (opt, closure, W), (topt, tclosure, tW), calls = _lbfgs_pair(
        torch, _rosenbrock, [-1.2, 1.0], lr=100, max_iter=50, max_eval=max_eval,
        line_search_fn="strong_wolfe")
    for _ in range(4):
        before = calls[0]
        opt.step(closure)
        topt.step(tclosure)
        assert calls[0] - before <= max_eval + 1
        assert calls[0] == calls[1]
        assert opt.state[id(W)]["func_evals"] == topt.state[tW]["func_evals"]
        np.testing.assert_allclose(W.data, tW.detach().numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name,kw", [
    ("Adagrad", dict(lr=0.1, weight_decay=0.3)),
    ("Adadelta", dict(lr=1.0, weight_decay=0.3)),
    ("RMSprop", dict(lr=0.01, weight_decay=0.3)),
    ("RMSprop", dict(lr=0.01, weight_decay=0.3, momentum=0.9, centered=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.3, momentum=0.9)),
    ("Adam", dict(lr=0.01, weight_decay=0.3)),
])
def test_maximize_negates_grad_before_weight_decay_like_torch(name, kw, rng):
    """maximize=True with weight_decay > 0: torch uses g = -grad + wd p, not
    -(grad + wd p) (issue 11, item 17)."""
    torch = pytest.importorskip("torch")
    x0 = rng.standard_normal((2, 3))
    gf = _grad_fn(rng)
    p = nn.Parameter(x0.copy())
    opt = getattr(optim, name)([p], maximize=True, **kw)
    tp = torch.nn.Parameter(torch.tensor(x0.copy()))
    topt = getattr(torch.optim, name)([tp], maximize=True, **kw)
    for _ in range(5):
        p.grad = gf(p.data)
        opt.step()
        tp.grad = torch.tensor(gf(tp.detach().numpy()))
        topt.step()
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("norm_type", [2.0, 1.0, np.inf])
@pytest.mark.parametrize("max_norm", [1.0, 1e6])
def test_clip_grad_norm_with_nonfinite_gradient_matches_torch(bad, norm_type, max_norm):
    """Issue 11, item 22: a NaN anywhere makes the total norm NaN and every
    gradient NaN (torch scales by clamp(coef, max=1)); inf zeroes the finite
    entries. The bad value sits in the second parameter so that an
    order-dependent max() would miss it for the inf norm."""
    torch = pytest.importorskip("torch")
    g1, g2 = np.array([1.0, 2.0, 3.0]), np.array([3.0, bad])
    a, b = nn.Parameter(np.zeros(3)), nn.Parameter(np.zeros(2))
    a.grad, b.grad = g1.copy(), g2.copy()
    ta, tb = torch.zeros(3, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    ta.grad, tb.grad = torch.tensor(g1), torch.tensor(g2)
    n1 = optim.clip_grad_norm_([a, b], max_norm, norm_type)
    n2 = torch.nn.utils.clip_grad_norm_([ta, tb], max_norm, norm_type)
    np.testing.assert_array_equal(n1, float(n2))
    np.testing.assert_array_equal(a.grad, ta.grad.numpy())
    np.testing.assert_array_equal(b.grad, tb.grad.numpy())


def test_clip_grad_norm_error_if_nonfinite():
    a = nn.Parameter(np.zeros(2))
    a.grad = np.array([1.0, np.nan])
    with pytest.raises(RuntimeError, match="non-finite"):
        optim.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(a.grad, [1.0, np.nan])  # untouched
    a.grad = np.array([3.0, 4.0])
    assert optim.clip_grad_norm_([a], 1.0, error_if_nonfinite=True) == pytest.approx(5.0)
