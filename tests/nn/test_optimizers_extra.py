"""NAdam, RAdam, Adamax and Rprop against torch.optim: float64 iterates over 50 steps on
random problems (bit for bit with the compiled kernels for Adamax and Rprop; NAdam and
RAdam to ~1e-15, as torch's float64 sqrt is MKL's, not correctly rounded), float32
within tolerance,
param groups, state_dict round trips, argument errors."""
import copy

import numpy as np
import pytest

from fastml import nn
from fastml._kernels import COMPILED
from fastml.nn import optim


def _random_kw(name, rng):
    r = rng.random
    wd = 0.0 if r() < 0.4 else 0.1 * r()
    if name == "NAdam":
        return dict(lr=0.002 + 0.05 * r(), betas=(0.3 + 0.65 * r(), 0.9 + 0.099 * r()),
                    eps=10.0 ** -int(rng.integers(4, 9)), weight_decay=wd,
                    momentum_decay=0.01 * r(), decoupled_weight_decay=bool(r() < 0.5),
                    maximize=bool(r() < 0.2))
    if name == "RAdam":
        return dict(lr=0.001 + 0.05 * r(), betas=(0.3 + 0.65 * r(), 0.8 + 0.19 * r()),
                    eps=10.0 ** -int(rng.integers(4, 9)), weight_decay=wd,
                    decoupled_weight_decay=bool(r() < 0.5), maximize=bool(r() < 0.2))
    if name == "Adamax":
        return dict(lr=0.002 + 0.05 * r(), betas=(0.3 + 0.65 * r(), 0.9 + 0.099 * r()),
                    eps=10.0 ** -int(rng.integers(4, 9)), weight_decay=wd, maximize=bool(r() < 0.2))
    if name == "Rprop":
        return dict(lr=0.001 + 0.05 * r(), etas=(0.3 + 0.6 * r(), 1.05 + 0.5 * r()),
                    step_sizes=(1e-4 * r(), 0.05 + r()), maximize=bool(r() < 0.2))
    raise KeyError(name)


def _problem(rng, shapes):
    """Gradient of a random convex quadratic plus a sine ripple, per parameter."""
    mats = []
    for s in shapes:
        n = int(np.prod(s))
        A = rng.standard_normal((n, n))
        mats.append((A @ A.T / n + np.eye(n), rng.standard_normal(n)))

    def grads(xs):
        return [((A @ x.ravel() - b + np.sin(3 * x.ravel())).reshape(x.shape))
                for x, (A, b) in zip(xs, mats)]
    return grads


NAMES = ["NAdam", "RAdam", "Adamax", "Rprop"]
EXACT = ["Adamax", "Rprop"]  # no square root in the update


def _run_pair(torch, name, kw, rng, dtype, steps=50, groups=False):
    shapes = [tuple(int(v) for v in rng.integers(1, 6, size=int(rng.integers(1, 3))))
              for _ in range(3)]
    x0 = [rng.standard_normal(s).astype(dtype) for s in shapes]
    gf = _problem(rng, shapes)
    fp = [nn.Parameter(x.copy()) for x in x0]
    tp = [torch.nn.Parameter(torch.tensor(x.copy())) for x in x0]
    if groups:  # two groups, the second with its own lr
        lr2 = kw["lr"] * 0.5
        fo = getattr(optim, name)([{"params": fp[:2]}, {"params": fp[2:], "lr": lr2}], **kw)
        to = getattr(torch.optim, name)([{"params": tp[:2]}, {"params": tp[2:], "lr": lr2}],
                                        **kw)
    else:
        fo, to = getattr(optim, name)(fp, **kw), getattr(torch.optim, name)(tp, **kw)
    for _ in range(steps):
        for p, g in zip(fp, gf([p.data for p in fp])):
            p.grad = g.astype(dtype)
        for p, g in zip(tp, gf([p.detach().numpy() for p in tp])):
            p.grad = torch.tensor(g.astype(dtype))
        fo.step()
        to.step()
    return fp, tp, fo, to


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", NAMES)
def test_float64_matches_torch_over_50_steps(name, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1000 * seed + NAMES.index(name))
    kw = _random_kw(name, rng)
    fp, tp, _, _ = _run_pair(torch, name, kw, rng, np.float64, groups=seed % 2 == 1)
    for p, q in zip(fp, tp):
        assert p.data.dtype == np.float64
        if COMPILED and name in EXACT:  # torch's operation order and FMAs, bit for bit
            np.testing.assert_array_equal(p.data, q.detach().numpy())
        else:  # torch's float64 sqrt (MKL) is not correctly rounded: ~1 ulp per sqrt
            np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_float32_matches_torch(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7 + NAMES.index(name))
    kw = _random_kw(name, rng)
    fp, tp, _, _ = _run_pair(torch, name, kw, rng, np.float32, steps=20)
    for p, q in zip(fp, tp):
        assert p.data.dtype == np.float32
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("name", NAMES)
def test_state_matches_torch_and_round_trips(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    kw = _random_kw(name, rng)
    fp, tp, fo, to = _run_pair(torch, name, kw, rng, np.float64, steps=10)
    fsd, tsd = fo.state_dict(), to.state_dict()
    assert set(fsd["state"][0]) == set(tsd["state"][0])
    for k, v in tsd["state"][0].items():
        np.testing.assert_allclose(np.asarray(fsd["state"][0][k], dtype=np.float64),
                                   v.double().numpy(), rtol=1e-6, err_msg=k)
    # a fresh optimizer loaded with the state continues exactly like the original
    clones = [nn.Parameter(p.data.copy()) for p in fp]
    fo2 = getattr(optim, name)(clones, **kw)
    fo2.load_state_dict(copy.deepcopy(fsd))
    gs = [rng.standard_normal(p.data.shape) for p in fp]
    for ps, o in ((fp, fo), (clones, fo2)):
        for p, g in zip(ps, gs):
            p.grad = g.copy()
        o.step()
    for p, q in zip(fp, clones):
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("name", NAMES)
def test_non_contiguous_parameter_uses_the_twin(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    kw = _random_kw(name, rng)
    base = rng.standard_normal((6, 8))
    p = nn.Parameter(base.copy())
    p.data = p.data[:, ::2]  # non-contiguous view
    tp = torch.nn.Parameter(torch.tensor(base[:, ::2].copy()))
    fo, to = getattr(optim, name)([p], **kw), getattr(torch.optim, name)([tp], **kw)
    for _ in range(15):
        g = np.sin(p.data * 2) + p.data
        p.grad = np.ascontiguousarray(g)
        tp.grad = torch.tensor(np.sin(tp.detach().numpy() * 2) + tp.detach().numpy())
        fo.step()
        to.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_radam_switches_to_rectified_steps_as_torch():
    """rho_t <= 5 for the first steps (un-adapted momentum steps), then rectified."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    kw = dict(lr=0.05, betas=(0.9, 0.999))
    fp, tp, _, _ = _run_pair(torch, "RAdam", kw, rng, np.float64, steps=8)
    for p, q in zip(fp, tp):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_rprop_step_sizes_follow_sign_changes():
    p = nn.Parameter(np.zeros(3))
    o = optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(0.01, 0.3))
    for g in ([1.0, -1.0, 0.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]):
        p.grad = np.array(g)
        o.step()
    st = o.state[id(p)]
    # element 0 kept its sign: 0.1 -> 0.2 -> 0.3 (0.4 clamped); element 1 flipped at
    # step 2 (0.1 -> 0.05, no move, gradient forgotten), then had no previous sign
    np.testing.assert_allclose(st["step_size"][:2], [0.3, 0.05])
    np.testing.assert_allclose(p.data[:2], [-0.1 - 0.2 - 0.3, 0.1 - 0.0 - 0.05])
    assert p.data[2] == 0.0 and st["step"] == 3


@pytest.mark.parametrize("name,kw,match", [
    ("NAdam", dict(lr=-1.0), "lr"),
    ("NAdam", dict(betas=(1.0, 0.9)), "beta parameter at index 0"),
    ("NAdam", dict(betas=(0.9, -0.1)), "beta parameter at index 1"),
    ("NAdam", dict(momentum_decay=-1e-3), "momentum_decay"),
    ("RAdam", dict(eps=-1.0), "eps"),
    ("RAdam", dict(weight_decay=-0.5), "weight_decay"),
    ("Adamax", dict(betas=(0.9, 1.5)), "beta parameter at index 1"),
    ("Rprop", dict(etas=(1.5, 1.2)), "eta values"),
    ("Rprop", dict(etas=(0.5, 0.9)), "eta values"),
    ("Rprop", dict(step_sizes=(1.0, 0.1)), "step_sizes"),
    ("Rprop", dict(lr=-0.1), "lr"),
])
def test_bad_arguments_raise(name, kw, match):
    with pytest.raises(ValueError, match=match):
        getattr(optim, name)([nn.Parameter(np.ones(2))], **kw)


def test_defaults_match_torch():
    torch = pytest.importorskip("torch")
    for name in NAMES:
        ours = getattr(optim, name)([nn.Parameter(np.ones(2))]).defaults
        theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(2))]).defaults
        for k, v in ours.items():
            assert theirs[k] == v, (name, k)
