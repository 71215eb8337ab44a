"""Learning-rate schedulers against torch.optim.lr_scheduler: the lr (and momentum)
sequences over many steps for random parameters, chaining, step(epoch),
state_dict round trips, errors."""
import math
import pickle

import numpy as np
import pytest

from fastml import nn
from fastml.nn import optim
from fastml.nn.optim import lr_scheduler as fsched


def _pair(torch, opt_name="SGD", n_groups=2, **opt_kw):
    """A fastml and a torch optimizer with n_groups groups of distinct lrs."""
    lrs = [0.1 * (i + 1) for i in range(n_groups)]
    fps = [nn.Parameter(np.ones(2)) for _ in lrs]
    tps = [torch.nn.Parameter(torch.ones(2, dtype=torch.float64)) for _ in lrs]
    fo = getattr(optim, opt_name)([{"params": [p], "lr": lr} for p, lr in zip(fps, lrs)],
                                  **opt_kw)
    to = getattr(torch.optim, opt_name)([{"params": [p], "lr": lr} for p, lr in zip(tps, lrs)],
                                        **opt_kw)
    return fo, to


def _random_kw(name, rng):
    r = rng.random
    if name == "LambdaLR":
        a = 0.5 + r()
        return dict(lr_lambda=lambda e: a / (1 + 0.1 * e) + 0.01 * (e % 3))
    if name == "StepLR":
        return dict(step_size=int(rng.integers(1, 8)), gamma=0.3 + 0.6 * r())
    if name == "MultiStepLR":
        ms = sorted(int(m) for m in rng.integers(1, 60, size=4))
        return dict(milestones=ms, gamma=0.2 + 0.7 * r())
    if name == "ExponentialLR":
        return dict(gamma=0.9 + 0.09 * r())
    if name == "LinearLR":
        return dict(start_factor=0.05 + 0.9 * r(), end_factor=r(),
                    total_iters=int(rng.integers(1, 30)))
    if name == "CosineAnnealingLR":
        return dict(T_max=int(rng.integers(1, 25)), eta_min=0.01 * r())
    if name == "CosineAnnealingWarmRestarts":
        return dict(T_0=int(rng.integers(1, 10)), T_mult=int(rng.integers(1, 4)),
                    eta_min=0.01 * r())
    raise KeyError(name)


SIMPLE = ["LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "LinearLR",
          "CosineAnnealingLR", "CosineAnnealingWarmRestarts"]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", SIMPLE)
def test_lr_sequence_matches_torch(name, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    kw = _random_kw(name, rng)
    fo, to = _pair(torch)
    fs = getattr(fsched, name)(fo, **kw)
    ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
    assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-13, abs=1e-15)
    for _ in range(120):
        fo.step()
        to.step()
        fs.step()
        ts.step()
        assert fs.last_epoch == ts.last_epoch
        assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12, abs=1e-15)
        assert [g["lr"] for g in fo.param_groups] == fs.get_last_lr()


@pytest.mark.parametrize("seed", range(3))
def test_chained_schedulers_compose_as_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    fo, to = _pair(torch)
    names = ["ExponentialLR", "MultiStepLR", "LinearLR", "CosineAnnealingLR"]
    pick = [names[i] for i in rng.choice(len(names), size=2, replace=False)]
    kws = [_random_kw(n, rng) for n in pick]
    fss = [getattr(fsched, n)(fo, **k) for n, k in zip(pick, kws)]
    tss = [getattr(torch.optim.lr_scheduler, n)(to, **k) for n, k in zip(pick, kws)]
    for _ in range(60):
        fo.step()
        to.step()
        for s in fss + tss:
            s.step()
        assert fss[-1].get_last_lr() == pytest.approx(tss[-1].get_last_lr(), rel=1e-12)


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("anneal", ["cos", "linear"])
@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_onecycle_lr_and_momentum_match_torch(three_phase, anneal, opt_name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(hash((three_phase, anneal, opt_name)) % 2**32)
    extra = dict(momentum=0.9) if opt_name == "SGD" else {}
    fo, to = _pair(torch, opt_name, **extra)
    kw = dict(max_lr=[0.5 + r for r in rng.random(2)], total_steps=int(rng.integers(20, 90)),
              pct_start=float(0.1 + 0.4 * rng.random()), anneal_strategy=anneal,
              div_factor=5 + 30 * rng.random(), final_div_factor=1e2 + 1e4 * rng.random(),
              three_phase=three_phase, base_momentum=0.8, max_momentum=0.97)
    fs = fsched.OneCycleLR(fo, **kw)
    ts = torch.optim.lr_scheduler.OneCycleLR(to, **kw)
    key = "betas" if opt_name == "Adam" else "momentum"
    for _ in range(kw["total_steps"] - 1):
        assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
        for fg, tg in zip(fo.param_groups, to.param_groups):
            assert np.allclose(fg[key], tg[key], rtol=1e-12)
        fo.step()
        to.step()
        fs.step()
        ts.step()
    with pytest.raises(ValueError, match="Tried to step"):
        fs.step()
        fs.step()


def test_onecycle_epochs_and_errors():
    p = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="total_steps OR"):
        fsched.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=1.0)
    with pytest.raises(ValueError, match="pct_start"):
        fsched.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=1.0, total_steps=10, pct_start=2.0)
    with pytest.raises(ValueError, match="anneal_strategy"):
        fsched.OneCycleLR(optim.SGD([p], lr=0.1), max_lr=1.0, total_steps=10,
                          anneal_strategy="exp")
    with pytest.raises(ValueError, match="momentum or beta1"):
        fsched.OneCycleLR(optim.Adagrad([p], lr=0.1), max_lr=1.0, total_steps=10)
    s = fsched.OneCycleLR(optim.SGD([p], lr=0.1, momentum=0.9), max_lr=1.0, epochs=3,
                          steps_per_epoch=4)
    assert s.total_steps == 12


@pytest.mark.parametrize("seed", range(6))
def test_reduce_on_plateau_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    fo, to = _pair(torch)
    kw = dict(mode=["min", "max"][seed % 2], factor=0.2 + 0.6 * rng.random(),
              patience=int(rng.integers(0, 5)), threshold=0.05 * rng.random(),
              threshold_mode=["rel", "abs"][(seed // 2) % 2], cooldown=int(rng.integers(0, 4)),
              min_lr=[0.001, 0.02] if seed % 3 == 0 else 0.005)
    fs = fsched.ReduceLROnPlateau(fo, **kw)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(to, **kw)
    metric = 1.0
    for _ in range(150):
        metric += rng.normal(0.0, 0.05) - 0.004 * (1 if kw["mode"] == "min" else -1)
        fs.step(metric)
        ts.step(metric)
        assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-13)
        assert (fs.num_bad_epochs, fs.cooldown_counter, fs.best) == \
            (ts.num_bad_epochs, ts.cooldown_counter, ts.best)
    assert len(set(fs.get_last_lr())) >= 1 and fs.get_last_lr()[0] < 0.1  # it did reduce


def test_reduce_on_plateau_errors_and_tensor_metric():
    p = nn.Parameter(np.ones(2))
    o = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="Factor"):
        fsched.ReduceLROnPlateau(o, factor=1.5)
    with pytest.raises(ValueError, match="mode"):
        fsched.ReduceLROnPlateau(o, mode="avg")
    with pytest.raises(ValueError, match="threshold mode"):
        fsched.ReduceLROnPlateau(o, threshold_mode="pct")
    s = fsched.ReduceLROnPlateau(o, patience=0)
    s.step(nn.tensor(1.0))
    s.step(nn.tensor(2.0))
    assert o.param_groups[0]["lr"] == pytest.approx(0.01)


@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_fractional_epochs_match_torch(T_mult):
    torch = pytest.importorskip("torch")
    fo, to = _pair(torch)
    fs = fsched.CosineAnnealingWarmRestarts(fo, T_0=3, T_mult=T_mult, eta_min=0.001)
    ts = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(to, T_0=3, T_mult=T_mult,
                                                                eta_min=0.001)
    iters = 7
    for epoch in range(20):
        for i in range(iters):
            e = epoch + i / iters
            fs.step(e)
            ts.step(e)
            assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
            assert (fs.T_i, fs.last_epoch) == (ts.T_i, ts.last_epoch)
            assert fs.T_cur == pytest.approx(ts.T_cur, rel=1e-12, abs=1e-12)
    with pytest.raises(ValueError, match="non-negative epoch"):
        fs.step(-1)


@pytest.mark.parametrize("seed", range(4))
def test_sequential_lr_matches_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    fo, to = _pair(torch)
    names = ["LinearLR", "ExponentialLR", "CosineAnnealingLR", "StepLR", "MultiStepLR"]
    pick = [names[i] for i in rng.choice(len(names), size=3, replace=False)]
    kws = [_random_kw(n, rng) for n in pick]
    ms = sorted(int(m) for m in rng.choice(np.arange(2, 40), size=2, replace=False))
    fs = fsched.SequentialLR(fo, [getattr(fsched, n)(fo, **k) for n, k in zip(pick, kws)], ms)
    ts = torch.optim.lr_scheduler.SequentialLR(
        to, [getattr(torch.optim.lr_scheduler, n)(to, **k) for n, k in zip(pick, kws)], ms)
    assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)
    for _ in range(70):
        fo.step()
        to.step()
        fs.step()
        ts.step()
        assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)


def test_sequential_lr_errors():
    p, q = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(2))
    o, o2 = optim.SGD([p], lr=0.1), optim.SGD([q], lr=0.1)
    a = fsched.ExponentialLR(o, 0.9)
    with pytest.raises(ValueError, match="number of milestone"):
        fsched.SequentialLR(o, [a, fsched.StepLR(o, 2)], milestones=[])
    with pytest.raises(ValueError, match="same optimizer"):
        fsched.SequentialLR(o, [a, fsched.StepLR(o2, 2)], milestones=[3])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        fsched.SequentialLR(o, [a, fsched.ReduceLROnPlateau(o)], milestones=[3])
    with pytest.raises(ValueError, match="at least one"):
        fsched.SequentialLR(o, [], milestones=[])


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "LinearLR",
                                  "CosineAnnealingLR"])
def test_step_with_epoch_uses_closed_form_as_torch(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    kw = _random_kw(name, rng)
    fo, to = _pair(torch)
    fs = getattr(fsched, name)(fo, **kw)
    ts = getattr(torch.optim.lr_scheduler, name)(to, **kw)
    for e in [5, 2, 17, 3]:
        with pytest.warns(UserWarning):
            fs.step(e)
        with pytest.warns(UserWarning):
            ts.step(e)
        assert fs.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-12)


class _Decay:
    def __init__(self, rate):
        self.rate = rate

    def __call__(self, epoch):
        return self.rate ** epoch


def test_state_dict_round_trip_resumes_identically():
    p = nn.Parameter(np.ones(2))
    o = optim.SGD([p], lr=0.1, momentum=0.9)
    s = fsched.OneCycleLR(o, max_lr=1.0, total_steps=50)
    for _ in range(10):
        s.step()
    sd = pickle.loads(pickle.dumps(s.state_dict()))
    ref = [s.step() or s.get_last_lr() for _ in range(5)]
    q = nn.Parameter(np.ones(2))
    o2 = optim.SGD([q], lr=0.1, momentum=0.9)
    s2 = fsched.OneCycleLR(o2, max_lr=1.0, total_steps=50)
    s2.load_state_dict(sd)
    assert [s2.step() or s2.get_last_lr() for _ in range(5)] == ref
    # LambdaLR keeps the state of callable objects, not of plain functions
    o3 = optim.SGD([nn.Parameter(np.ones(1))], lr=1.0)
    f = _Decay(0.5)
    s3 = fsched.LambdaLR(o3, [f])
    sd3 = s3.state_dict()
    assert sd3["lr_lambdas"] == [{"rate": 0.5}]
    f.rate = 0.1
    s3.load_state_dict(sd3)
    assert f.rate == 0.5
    assert fsched.LambdaLR(o3, lambda e: 1.0).state_dict()["lr_lambdas"] == [None]


def test_resume_needs_initial_lr_and_validates():
    o = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        fsched.StepLR(o, 3, last_epoch=4)
    with pytest.raises(ValueError, match="lr_lambdas"):
        fsched.LambdaLR(o, [lambda e: 1, lambda e: 2])
    with pytest.raises(ValueError, match="start_factor"):
        fsched.LinearLR(o, start_factor=0)
    with pytest.raises(ValueError, match="T_0"):
        fsched.CosineAnnealingWarmRestarts(o, T_0=0)
    with pytest.raises(ValueError, match="T_mult"):
        fsched.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0)
    with pytest.raises(TypeError, match="not an Optimizer"):
        fsched.StepLR(object(), 3)
    assert math.isclose(fsched.StepLR(o, 3).get_last_lr()[0], 0.1)
