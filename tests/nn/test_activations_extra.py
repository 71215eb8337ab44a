"""GELU, SiLU, Softplus, Mish, Hardswish, PReLU, SELU, Softsign, LogSigmoid and
Hardtanh (modules and functionals) agree with torch: values and gradients in
float64 over random shapes and parameters, float32 within tolerance, gradcheck,
repr / state_dict / init, errors."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import fastml.nn as nn
import fastml.nn.functional as F
from fastml.nn import gradcheck

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CASES = [
    ("gelu", lambda f, x: f.gelu(x)),
    ("gelu_tanh", lambda f, x: f.gelu(x, approximate="tanh")),
    ("silu", lambda f, x: f.silu(x)),
    ("softplus", lambda f, x: f.softplus(x)),
    ("softplus_b", lambda f, x: f.softplus(x, beta=2.5, threshold=3.0)),
    ("softplus_neg", lambda f, x: f.softplus(x, beta=0.5, threshold=-1.0)),
    ("mish", lambda f, x: f.mish(x)),
    ("hardswish", lambda f, x: f.hardswish(x)),
    ("selu", lambda f, x: f.selu(x)),
    ("softsign", lambda f, x: f.softsign(x)),
    ("logsigmoid", lambda f, x: f.logsigmoid(x)),
    ("hardtanh", lambda f, x: f.hardtanh(x)),
    ("hardtanh_p", lambda f, x: f.hardtanh(x, -0.3, 2.0)),
]


def _x(seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(1, 9, int(rng.integers(1, 4))))
    x = rng.standard_normal(shape) * rng.uniform(0.5, 12)
    x.flat[0] = 0.0
    return x.astype(dtype)


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("seed", range(4))
def test_functional_matches_torch_float64(name, call, seed):
    x = _x(seed)
    # keep away from the kinks of hardswish/hardtanh where the one-sided
    # derivatives differ (the random draws never hit them exactly)
    xa = nn.Tensor(x.copy(), requires_grad=True)
    xb = torch.tensor(x.copy(), requires_grad=True)
    out, ref = call(F, xa), call(TF, xb)
    assert out.dtype == np.float64
    assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    w = np.random.default_rng(seed + 100).standard_normal(x.shape)
    (out * nn.Tensor(w)).sum().backward()
    (ref * torch.tensor(w)).sum().backward()
    assert_allclose(xa.grad, xb.grad.numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_functional_float32_within_tolerance(name, call):
    x = np.linspace(-12, 12, 4001).astype(np.float32)
    xa = nn.Tensor(x.copy(), requires_grad=True)
    xb = torch.tensor(x.copy(), requires_grad=True)
    out, ref = call(F, xa), call(TF, xb)
    assert out.dtype == np.float32
    assert_allclose(out.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    out.backward(np.ones(x.shape, np.float32))
    ref.backward(torch.ones(x.shape))
    # 5e-6: where float32 tanh saturates one side rounds to 0, the other to ~1e-6
    assert_allclose(xa.grad, xb.grad.numpy(), rtol=1e-5, atol=5e-6)


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, call):
    x = np.random.default_rng(1).standard_normal((3, 5)) * 3
    x[np.abs(np.abs(x) - 3) < 0.05] += 0.1  # hardswish kinks at +-3
    x[np.abs(np.abs(x) - 1) < 0.05] += 0.1  # hardtanh kinks
    assert gradcheck(lambda t: call(F, t), (nn.Tensor(x, requires_grad=True),))


@pytest.mark.parametrize("num,shape", [(1, (4, 3)), (3, (2, 3, 4)), (5, (2, 5)), (1, (7,)),
                                       (4, (3, 4, 2, 2))])
def test_prelu_matches_torch(num, shape):
    rng = np.random.default_rng(num)
    x = rng.standard_normal(shape)
    m, t = nn.PReLU(num, dtype=np.float64), torch.nn.PReLU(num, dtype=torch.float64)
    w = rng.uniform(-1, 1, num)
    m.weight.data[:] = w
    with torch.no_grad():
        t.weight.copy_(torch.tensor(w))
    xa = nn.Tensor(x.copy(), requires_grad=True)
    xb = torch.tensor(x.copy(), requires_grad=True)
    out, ref = m(xa), t(xb)
    assert_allclose(out.data, ref.detach().numpy(), rtol=1e-13)
    g = rng.standard_normal(shape)
    out.backward(g)
    ref.backward(torch.tensor(g))
    assert_allclose(xa.grad, xb.grad.numpy(), rtol=1e-12)
    assert_allclose(m.weight.grad, t.weight.grad.numpy(), rtol=1e-12)
    xw = nn.Tensor(np.asarray(w), requires_grad=True)
    assert gradcheck(lambda a, b: F.prelu(a, b),
                     (nn.Tensor(x + 0.01, requires_grad=True), xw))


@pytest.mark.parametrize("make,tmake", [
    (lambda: nn.GELU(), lambda: torch.nn.GELU()),
    (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
    (lambda: nn.SiLU(), lambda: torch.nn.SiLU()),
    (lambda: nn.Softplus(), lambda: torch.nn.Softplus()),
    (lambda: nn.Softplus(2, 5), lambda: torch.nn.Softplus(2, 5)),
    (lambda: nn.Mish(), lambda: torch.nn.Mish()),
    (lambda: nn.Hardswish(), lambda: torch.nn.Hardswish()),
    (lambda: nn.PReLU(), lambda: torch.nn.PReLU()),
    (lambda: nn.PReLU(3, init=0.1), lambda: torch.nn.PReLU(3, init=0.1)),
    (lambda: nn.SELU(), lambda: torch.nn.SELU()),
    (lambda: nn.Softsign(), lambda: torch.nn.Softsign()),
    (lambda: nn.LogSigmoid(), lambda: torch.nn.LogSigmoid()),
    (lambda: nn.Hardtanh(), lambda: torch.nn.Hardtanh()),
    (lambda: nn.Hardtanh(-2.0, 3.0), lambda: torch.nn.Hardtanh(-2.0, 3.0)),
])
def test_modules_like_torch(make, tmake):
    m, t = make(), tmake()
    assert repr(m) == repr(t)
    sd, tsd = m.state_dict(), t.state_dict()
    assert list(sd) == list(tsd)
    for k in sd:
        assert_allclose(sd[k], tsd[k].numpy())
    m.load_state_dict({k: v.numpy() for k, v in tsd.items()})
    x = np.random.default_rng(0).standard_normal((4, 3, 5)).astype(np.float32) * 3
    assert_allclose(m(nn.Tensor(x)).data, t(torch.tensor(x)).detach().numpy(), rtol=1e-5,
                    atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(nn.Tensor(np.zeros(3)), approximate="exact")
    with pytest.raises(ValueError, match="max_val"):
        nn.Hardtanh(2.0, 1.0)
    with pytest.raises(ValueError, match="parameter numbers = 3 and channel size = 4"):
        nn.PReLU(3)(nn.Tensor(np.zeros((2, 4), np.float32)))
    with pytest.raises(ValueError, match="parameter numbers = 4 and channel size = 1"):
        nn.PReLU(4)(nn.Tensor(np.zeros(4, np.float32)))
    with pytest.raises(ValueError, match="num_parameters"):
        nn.PReLU(0)
    with pytest.raises(ValueError, match="floating"):
        F.silu(nn.Tensor(np.arange(3)))


def test_extremes_are_finite_and_exact():
    x = nn.Tensor(np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], np.float32))
    for fn in (F.gelu, F.silu, F.mish, F.softplus, F.logsigmoid, F.selu, F.softsign):
        y = fn(x).data
        want = getattr(TF, fn.__name__)(torch.tensor(x.data)).numpy()
        assert_allclose(y, want, rtol=1e-6, atol=1e-30)
