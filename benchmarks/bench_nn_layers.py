"""conv2d, pooling and batch norm: fastml vs PyTorch CPU vs the NumPy
reference twins (float32, NCHW, same thread count, warm).

Groups (forward+backward through autograd for fastml and torch, the twin's
forward+backward functions for numpy; x, weights and bias all need grad):
  conv2d (32,16,32,32)->32, (64,3,28,28)->16, (8,64,56,56)->64, 3x3 pad 1
  conv2d forward alone on the same shapes (GFLOP/s against ~200 fp32 peak)
  max_pool2d 2x2 on (32,32,32,32) and 3x3/s2/p1 on (8,64,112,112)
  batch_norm training on (32,32,32,32) and (8,64,56,56)
GFLOP/s and GB/s are in each benchmark's extra_info (fastml rows).

    PYTHONPATH=src python3 -m pytest benchmarks/bench_nn_layers.py --benchmark-only \
        --benchmark-columns=min,median --benchmark-sort=name

On a busy machine add OMP_WAIT_POLICY=PASSIVE (for fastml's and torch's
OpenMP alike): spinning workers otherwise cost a scheduler tick (~4 ms) per
two-thread region. fastml's float32 conv2d runs on its own GEMM kernels inside
its OpenMP team (no BLAS thread pool involved).
"""
import numpy as np
import pytest

from fastml._kernels.reference import batchnorm as RB
from fastml._kernels.reference import conv2d as RC
from fastml._kernels.reference import pool2d as RP
from fastml.nn import F, Tensor

CONV = {"c16": (32, 16, 32, 32, 32), "c3": (64, 3, 28, 28, 16), "c64": (8, 64, 56, 56, 64)}
POOL = {"2x2": ((32, 32, 32, 32), 2, 2, 0), "3x3s2p1": ((8, 64, 112, 112), 3, 2, 1)}
BN = {"32x32": (32, 32, 32, 32), "64x56": (8, 64, 56, 56)}
IMPLS = ["fastml", "numpy", "torch"]


@pytest.fixture
def full(request):
    """Full sizes when benchmarking, tiny ones under --benchmark-disable (CI)."""
    return not request.config.getoption("benchmark_disable")


def _torch(bench_threads):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(bench_threads)
    return torch


def _rate(benchmark, key, amount):
    stats = getattr(benchmark, "stats", None)
    if stats is not None and stats.stats.min > 0:
        benchmark.extra_info[key] = round(amount / stats.stats.min / 1e9, 1)


# ---- conv2d -------------------------------------------------------------------
def _conv_data(name, full):
    N, C, H, W, K = CONV[name] if full else (2, CONV[name][1], 6, 5, 4)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    w = (rng.standard_normal((K, C, 3, 3)) / np.sqrt(9 * C)).astype(np.float32)
    b = rng.standard_normal(K).astype(np.float32)
    g = rng.standard_normal((N, K, H, W)).astype(np.float32)
    return x, w, b, g, 2.0 * N * K * C * 9 * H * W


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("shape", list(CONV))
def test_conv2d_fwd_bwd(benchmark, impl, shape, full, bench_threads):
    benchmark.group = f"conv2d fwd+bwd {CONV[shape]} 3x3 p1"
    x_np, w_np, b_np, g_np, flops = _conv_data(shape, full)
    args = ((1, 1), (1, 1), (1, 1), 1)
    if impl == "fastml":
        x, w, b = (Tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))

        def step():
            x.grad = w.grad = b.grad = None
            F.conv2d(x, w, b, padding=1).backward(g_np)
            return w.grad
    elif impl == "numpy":
        def step():
            RC.conv2d_forward(x_np, w_np, b_np, *args)
            return RC.conv2d_backward(g_np, x_np, w_np, *args)[1]
    else:
        torch = _torch(bench_threads)
        x, w, b = (torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
        g = torch.tensor(g_np)

        def step():
            x.grad = w.grad = b.grad = None
            torch.nn.functional.conv2d(x, w, b, padding=1).backward(g)
            return w.grad
    out = benchmark(step)
    assert out is not None and tuple(out.shape) == w_np.shape
    _rate(benchmark, "GFLOP/s", 3 * flops)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("shape", list(CONV))
def test_conv2d_fwd(benchmark, impl, shape, full, bench_threads):
    benchmark.group = f"conv2d fwd {CONV[shape]} 3x3 p1"
    x_np, w_np, b_np, _, flops = _conv_data(shape, full)
    if impl == "fastml":
        def step():
            return F.conv2d(x_np, w_np, b_np, padding=1).data
    elif impl == "numpy":
        def step():
            return RC.conv2d_forward(x_np, w_np, b_np, (1, 1), (1, 1), (1, 1), 1)
    else:
        torch = _torch(bench_threads)
        x, w, b = (torch.tensor(a) for a in (x_np, w_np, b_np))

        def step():
            with torch.no_grad():
                return torch.nn.functional.conv2d(x, w, b, padding=1)
    out = benchmark(step)
    assert tuple(out.shape) == (x_np.shape[0], w_np.shape[0]) + x_np.shape[2:]
    _rate(benchmark, "GFLOP/s", flops)
    if impl == "fastml" and full:
        stats = getattr(benchmark, "stats", None)
        if stats is not None and stats.stats.min > 0:
            benchmark.extra_info["% of 200 GFLOP/s"] = round(
                100 * flops / stats.stats.min / 200e9, 1)


# ---- max_pool2d ---------------------------------------------------------------
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case", list(POOL))
def test_max_pool2d_fwd_bwd(benchmark, impl, case, full, bench_threads):
    shape, k, s, p = POOL[case]
    benchmark.group = f"max_pool2d fwd+bwd {shape} k{k} s{s} p{p}"
    if not full:
        shape = (2, 3, 9, 10)
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    oh, ow = ((d + 2 * p - k) // s + 1 for d in shape[2:])
    g_np = rng.standard_normal(shape[:2] + (oh, ow)).astype(np.float32)
    if impl == "fastml":
        x = Tensor(x_np, requires_grad=True)

        def step():
            x.grad = None
            F.max_pool2d(x, k, s, p).backward(g_np)
            return x.grad
    elif impl == "numpy":
        def step():
            _, a = RP.max_pool2d_forward(x_np, (k, k), (s, s), (p, p))
            return RP.max_pool2d_backward(g_np, a, x_np.shape)
    else:
        torch = _torch(bench_threads)
        x = torch.tensor(x_np, requires_grad=True)
        g = torch.tensor(g_np)

        def step():
            x.grad = None
            torch.nn.functional.max_pool2d(x, k, s, p).backward(g)
            return x.grad
    out = benchmark(step)
    assert tuple(out.shape) == shape
    # DRAM traffic: read x, write y + int32 argmax; read dy + argmax, write dx
    _rate(benchmark, "GB/s", 2 * x_np.nbytes + 4 * g_np.nbytes)


# ---- batch_norm ---------------------------------------------------------------
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case", list(BN))
def test_batch_norm_fwd_bwd(benchmark, impl, case, full, bench_threads):
    shape = BN[case] if full else (4, 3, 5, 6)
    benchmark.group = f"batch_norm train fwd+bwd {BN[case]}"
    C = shape[1]
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    g_np = rng.standard_normal(shape).astype(np.float32)
    w_np, b_np = np.ones(C, np.float32), np.zeros(C, np.float32)
    rm, rv = np.zeros(C, np.float32), np.ones(C, np.float32)
    if impl == "fastml":
        x, w, b = (Tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))

        def step():
            x.grad = w.grad = b.grad = None
            F.batch_norm(x, rm, rv, w, b, training=True).backward(g_np)
            return x.grad
    elif impl == "numpy":
        def step():
            _, m, i = RB.forward_train(x_np, rm, rv, w_np, b_np, 0.1, 1e-5)
            return RB.backward(g_np, x_np, m, i, w_np, True)[0]
    else:
        torch = _torch(bench_threads)
        x, w, b = (torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
        rmt, rvt = torch.tensor(rm), torch.tensor(rv)
        g = torch.tensor(g_np)

        def step():
            x.grad = w.grad = b.grad = None
            torch.nn.functional.batch_norm(x, rmt, rvt, w, b, True).backward(g)
            return x.grad
    out = benchmark(step)
    assert tuple(out.shape) == shape
    # read x; read dy, x; write y, dx (the second statistics pass hits cache)
    _rate(benchmark, "GB/s", 5 * x_np.nbytes)


# ---- conv_transpose2d, interpolate, adaptive pooling (float32, fwd+bwd) --------
# the conv VAE's decoder layers: (N, Cin, H, W, Cout, k, stride, padding)
DECONV = {"dec64to32": (64, 64, 7, 7, 32, 4, 2, 1), "dec32to1": (64, 32, 14, 14, 1, 4, 2, 1),
          "dec128to64": (32, 128, 16, 16, 64, 4, 2, 1)}


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case", list(DECONV))
def test_conv_transpose2d_fwd_bwd(benchmark, impl, case, full, bench_threads):
    N, C, H, W, K, k, s, p = DECONV[case] if full else (2,) + DECONV[case][1:]
    benchmark.group = f"conv_transpose2d fwd+bwd {DECONV[case]}"
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((N, C, H, W)).astype(np.float32)
    w_np = (rng.standard_normal((C, K, k, k)) / np.sqrt(C * k * k)).astype(np.float32)
    b_np = rng.standard_normal(K).astype(np.float32)
    Ho, Wo = (H - 1) * s - 2 * p + k, (W - 1) * s - 2 * p + k
    g_np = rng.standard_normal((N, K, Ho, Wo)).astype(np.float32)
    args = ((s, s), (p, p), (0, 0), (1, 1), 1)
    if impl == "fastml":
        x, w, b = (Tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))

        def step():
            x.grad = w.grad = b.grad = None
            F.conv_transpose2d(x, w, b, s, p).backward(g_np)
            return w.grad
    elif impl == "numpy":
        def step():
            RC.conv_transpose2d_forward(x_np, w_np, b_np, *args)
            return RC.conv_transpose2d_backward(g_np, x_np, w_np, *args)[1]
    else:
        torch = _torch(bench_threads)
        x, w, b = (torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
        g = torch.tensor(g_np)

        def step():
            x.grad = w.grad = b.grad = None
            torch.nn.functional.conv_transpose2d(x, w, b, s, p).backward(g)
            return w.grad
    out = benchmark(step)
    assert out is not None and tuple(out.shape) == w_np.shape
    _rate(benchmark, "GFLOP/s", 3 * 2.0 * N * C * K * k * k * H * W)


RESAMPLE = {"bilinear_x2": ((32, 32, 28, 28), "bilinear"), "nearest_x2": ((32, 32, 28, 28),
                                                                          "nearest"),
            "adaptive_avg_7": ((32, 64, 30, 30), "adaptive")}


@pytest.mark.parametrize("impl", ["fastml", "torch"])
@pytest.mark.parametrize("case", list(RESAMPLE))
def test_resample_fwd_bwd(benchmark, impl, case, full, bench_threads):
    shape, mode = RESAMPLE[case]
    benchmark.group = f"resample fwd+bwd {case} {shape}"
    if not full:
        shape = (2, 3, 9, 10)
    x_np = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    if impl == "fastml":
        x, lib = Tensor(x_np, requires_grad=True), F
    else:
        torch = _torch(bench_threads)
        x, lib = torch.tensor(x_np, requires_grad=True), torch.nn.functional

    def op(v):
        if mode == "adaptive":
            return lib.adaptive_avg_pool2d(v, 7)
        return lib.interpolate(v, scale_factor=2, mode=mode)

    def step():
        x.grad = None
        op(x).sum().backward()
        return x.grad
    out = benchmark(step)
    assert tuple(out.shape) == shape
# ---- recurrent layers and Embedding -----------------------------------
# GRU and bidirectional LSTM, T=50 B=32 input 128 hidden 128, fwd+bwd through
# autograd (loss = sum(output * g)); Embedding with 50k rows, dim 128, batch
# 64 x 50 tokens, lookup + backward into the dense (50k, 128) gradient.
def _seq_data(full, I=128):
    T, B = (50, 32) if full else (3, 2)
    rng = np.random.default_rng(0)
    return rng.standard_normal((T, B, I)).astype(np.float32), rng


@pytest.mark.parametrize("impl", ["fastml", "torch"])
@pytest.mark.parametrize("kind", ["GRU", "LSTM-bidirectional"])
def test_recurrent_fwd_bwd(benchmark, impl, kind, full, bench_threads):
    H = 128 if full else 8
    x_np, rng = _seq_data(full)
    name, bidir = kind.split("-")[0], kind.endswith("bidirectional")
    benchmark.group = f"{kind} fwd+bwd T,B,I,H={x_np.shape + (H,)}"
    g_np = rng.standard_normal(x_np.shape[:2] + (H * (2 if bidir else 1),)).astype(np.float32)
    if impl == "fastml":
        from fastml import nn
        mod = getattr(nn, name)(x_np.shape[2], H, bidirectional=bidir)
        x = Tensor(x_np, requires_grad=True)
        g = Tensor(g_np)
    else:
        torch = _torch(bench_threads)
        mod = getattr(torch.nn, name)(x_np.shape[2], H, bidirectional=bidir)
        x = torch.tensor(x_np, requires_grad=True)
        g = torch.tensor(g_np)
    params = list(mod.parameters())

    def step():
        x.grad = None
        for p in params:
            p.grad = None
        y, _ = mod(x)
        (y * g).sum().backward()
        return x.grad

    out = benchmark(step)
    assert tuple(out.shape) == x_np.shape


@pytest.mark.parametrize("impl", ["fastml", "torch"])
def test_embedding_fwd_bwd(benchmark, impl, full, bench_threads):
    V, D, (B, T) = (50_000, 128, (64, 50)) if full else (100, 8, (4, 5))
    benchmark.group = f"Embedding fwd+bwd V={V} D={D} tokens {B}x{T}"
    rng = np.random.default_rng(0)
    idx_np = rng.integers(0, V, (B, T))
    g_np = rng.standard_normal((B, T, D)).astype(np.float32)
    if impl == "fastml":
        from fastml import nn
        emb = nn.Embedding(V, D)
        idx, g = Tensor(idx_np), Tensor(g_np)
    else:
        torch = _torch(bench_threads)
        emb = torch.nn.Embedding(V, D)
        idx, g = torch.tensor(idx_np), torch.tensor(g_np)

    def step():
        emb.weight.grad = None
        (emb(idx) * g).sum().backward()
        return emb.weight.grad

    out = benchmark(step)
    assert tuple(out.shape) == (V, D)


# ---- layer_norm and activations (fwd+bwd) -------------------------------
LN = {"32x128x512": (32, 128, 512)}
ACTS = ["gelu", "silu", "gelu_tanh", "mish"]


def _act(lib, name):
    if name == "gelu_tanh":
        return lambda x: lib.gelu(x, approximate="tanh")
    return getattr(lib, name)


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case", list(LN))
def test_layer_norm_fwd_bwd(benchmark, impl, case, full, bench_threads):
    from fastml._kernels.reference import layernorm as RL
    shape = LN[case] if full else (2, 3, 8)
    n = shape[-1]
    benchmark.group = f"layer_norm fwd+bwd {LN[case]}"
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    g_np = rng.standard_normal(shape).astype(np.float32)
    w_np, b_np = rng.standard_normal(n).astype(np.float32), np.zeros(n, np.float32)
    if impl == "fastml":
        x, w, b = (Tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))

        def step():
            x.grad = w.grad = b.grad = None
            F.layer_norm(x, (n,), w, b).backward(g_np)
            return x.grad
    elif impl == "numpy":
        def step():
            x2 = x_np.reshape(-1, n)
            _, m, r = RL.layer_norm(x2, w_np, b_np, 1e-5)
            return RL.layer_norm_backward(g_np.reshape(-1, n), x2, m, r, w_np)[0].reshape(shape)
    else:
        torch = _torch(bench_threads)
        x, w, b = (torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
        g = torch.tensor(g_np)

        def step():
            x.grad = w.grad = b.grad = None
            torch.nn.functional.layer_norm(x, (n,), w, b).backward(g)
            return x.grad
    out = benchmark(step)
    assert tuple(out.shape) == shape
    _rate(benchmark, "GB/s", 5 * x_np.nbytes)


@pytest.mark.parametrize("impl", ["fastml", "torch"])
@pytest.mark.parametrize("name", ACTS)
def test_activation_fwd_bwd(benchmark, impl, name, full, bench_threads):
    shape = (64, 1024, 128) if full else (2, 3, 5)
    benchmark.group = f"{name} fwd+bwd {shape}"
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    g_np = rng.standard_normal(shape).astype(np.float32)
    if impl == "fastml":
        x, fn = Tensor(x_np, requires_grad=True), _act(F, name)

        def step():
            x.grad = None
            fn(x).backward(g_np)
            return x.grad
    else:
        torch = _torch(bench_threads)
        x, g = torch.tensor(x_np, requires_grad=True), torch.tensor(g_np)
        fn = _act(torch.nn.functional, name)

        def step():
            x.grad = None
            fn(x).backward(g)
            return x.grad
    out = benchmark(step)
    assert tuple(out.shape) == shape
    _rate(benchmark, "GB/s", 4 * x_np.nbytes)


# ---- optimizer steps (NAdam, RAdam, Adamax, Rprop) ------------------------------
# One step over the parameters of a 784-1024-512-10 MLP (1.33M float32 values):
# fastml's fused one-pass kernels (csrc/optim_extra.c) vs torch.optim's default CPU
# path vs the NumPy twin.
OPT_SHAPES = [(1024, 784), (1024,), (512, 1024), (512,), (10, 512), (10,)]
OPTIMIZERS = {"NAdam": {}, "RAdam": {}, "Adamax": {}, "Rprop": {}}


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_step(benchmark, impl, name, full, bench_threads):
    from fastml import nn
    from fastml.nn import optim

    shapes = OPT_SHAPES if full else [(3, 4), (3,)]
    benchmark.group = f"{name} step, MLP 784-1024-512-10 parameters"
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    gs = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    if impl == "torch":
        torch = _torch(bench_threads)
        ps = [torch.nn.Parameter(torch.tensor(x)) for x in xs]
        for p, g in zip(ps, gs):
            p.grad = torch.tensor(g)
        opt = getattr(torch.optim, name)(ps, **OPTIMIZERS[name])
    else:
        ps = [nn.Parameter(x) for x in xs]
        for p, g in zip(ps, gs):
            p.grad = g
        opt = getattr(optim, name)(ps, **OPTIMIZERS[name])
        if impl == "numpy":  # force the twin (the facade's non-contiguous path)
            from fastml.nn.optim import adaptive
            orig = adaptive._kernels
            adaptive._kernels = lambda p, g: adaptive._twin
            benchmark.extra_info["twin"] = True
    try:
        benchmark(opt.step)
    finally:
        if impl == "numpy":
            adaptive._kernels = orig
    n = sum(x.size for x in xs)
    _rate(benchmark, "Gparam/s", n)


# ---- layer_norm (64, 64, 256) and group_norm (fwd+bwd) ---------------------
LN["64x64x256"] = (64, 64, 256)
GN = {"32x64x32x32_g8": ((32, 64, 32, 32), 8), "32x64x32x32_g32": ((32, 64, 32, 32), 32)}


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("case", list(GN))
def test_group_norm_fwd_bwd(benchmark, impl, case, full, bench_threads):
    from fastml._kernels.reference import layernorm as RL
    shape, G = GN[case]
    if not full:
        shape = (2, G, 3, 4)
    benchmark.group = f"group_norm fwd+bwd {GN[case]}"
    C = shape[1]
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(shape).astype(np.float32)
    g_np = rng.standard_normal(shape).astype(np.float32)
    w_np, b_np = rng.standard_normal(C).astype(np.float32), np.zeros(C, np.float32)
    if impl == "fastml":
        x, w, b = (Tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))

        def step():
            x.grad = w.grad = b.grad = None
            F.group_norm(x, G, w, b).backward(g_np)
            return x.grad
    elif impl == "numpy":
        x3, g3 = x_np.reshape(shape[0], C, -1), g_np.reshape(shape[0], C, -1)

        def step():
            _, m, r = RL.group_norm(x3, G, w_np, b_np, 1e-5)
            return RL.group_norm_backward(g3, x3, m, r, w_np, G)[0].reshape(shape)
    else:
        torch = _torch(bench_threads)
        x, w, b = (torch.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
        g = torch.tensor(g_np)

        def step():
            x.grad = w.grad = b.grad = None
            torch.nn.functional.group_norm(x, G, w, b).backward(g)
            return x.grad
    out = benchmark(step)
    assert tuple(out.shape) == shape
    _rate(benchmark, "GB/s", 5 * x_np.nbytes)


@pytest.mark.parametrize("impl", IMPLS)
def test_layer_norm_64x64x256_fwd_bwd(benchmark, impl, full, bench_threads):
    test_layer_norm_fwd_bwd(benchmark, impl, "64x64x256", full, bench_threads)


# ---- interleaved torch/fastml ratios ------------------------------------------
# python benchmarks/bench_nn_layers.py [rounds]: every layer the nn issue's "Done
# when" names, fwd+bwd, fastml and torch alternating in one process (each round
# times 3 calls of each), both pinned to FASTML_BENCH_THREADS (default 2)
# threads; prints min times and torch/fastml (> 1: fastml faster).
# FASTML_BENCH_CLOCK=process times the process's CPU time instead of wall time:
# with FASTML_BENCH_THREADS=1 on a loaded machine it does not count the time
# the process waited for a core (at 2 threads it would add both threads' time,
# spinning included, so keep wall time there).
def _pair_steps(lib, case):
    """One fwd+bwd step for lib in {"fastml", "torch"}; the same data for both."""
    import torch
    from fastml import nn as fnn
    is_t = lib == "torch"
    T = torch.tensor if is_t else Tensor
    nn_, F_ = (torch.nn, torch.nn.functional) if is_t else (fnn, F)
    rng = np.random.default_rng(0)
    kind, shape = case

    def randn(*sh, scale=1.0):
        return (rng.standard_normal(sh) * scale).astype(np.float32)
    if kind == "deconv":
        N, C, H, W, K, k, s, p = shape
        x, w, b = (T(a, requires_grad=True) for a in (
            randn(N, C, H, W), randn(C, K, k, k, scale=(C * k * k) ** -0.5), randn(K)))
        Ho, Wo = (H - 1) * s - 2 * p + k, (W - 1) * s - 2 * p + k
        g, leaves = T(randn(N, K, Ho, Wo)), (x, w, b)
        fwd = lambda: F_.conv_transpose2d(x, w, b, s, p)  # noqa: E731
    elif kind == "layer_norm":
        x, w, b = (T(a, requires_grad=True) for a in (randn(*shape), randn(shape[-1]),
                                                      randn(shape[-1])))
        g, leaves = T(randn(*shape)), (x, w, b)
        fwd = lambda: F_.layer_norm(x, (shape[-1],), w, b)  # noqa: E731
    elif kind == "embedding":
        V, D, B, L = shape
        mod = nn_.Embedding(V, D)
        idx, g, leaves = T(rng.integers(0, V, (B, L))), T(randn(B, L, D)), (mod.weight,)
        fwd = lambda: mod(idx)  # noqa: E731
    else:  # "GRU" / "LSTM-bidirectional", shape (T, B, I, H)
        L, B, I, H = shape
        bi = kind.endswith("bidirectional")
        mod = getattr(nn_, kind.split("-")[0])(I, H, bidirectional=bi)
        x = T(randn(L, B, I), requires_grad=True)
        g, leaves = T(randn(L, B, H * (2 if bi else 1))), (x,) + tuple(mod.parameters())
        fwd = lambda: mod(x)[0]  # noqa: E731

    def step():
        for t in leaves:
            t.grad = None
        fwd().backward(g)
    return step


RATIO_CASES = [("deconv", v) for v in DECONV.values()] + [
    ("GRU", (50, 32, 128, 128)), ("LSTM-bidirectional", (50, 32, 128, 128)),
    ("layer_norm", (32, 128, 512)), ("layer_norm", (64, 64, 256)),
    ("embedding", (50_000, 128, 64, 50))]


def main(rounds=7, calls=3):
    import os
    import time

    import torch
    from threadpoolctl import threadpool_limits

    import fastml
    threads = int(os.environ.get("FASTML_BENCH_THREADS", "2"))
    cpu = os.environ.get("FASTML_BENCH_CLOCK", "wall") == "process"
    clock = time.process_time if cpu else time.perf_counter
    fastml.set_num_threads(threads)
    torch.set_num_threads(threads)
    with threadpool_limits(limits=threads):
        for case in RATIO_CASES:
            steps = {lib: _pair_steps(lib, case) for lib in ("fastml", "torch")}
            best = dict.fromkeys(steps, float("inf"))
            for _ in range(rounds + 1):  # the first round warms up
                for lib, step in steps.items():
                    t0 = clock()
                    for _ in range(calls):
                        step()
                    best[lib] = min(best[lib], (clock() - t0) / calls)
            print(f"{case[0]:20s} {str(case[1]):30s} fastml {best['fastml'] * 1e3:8.2f} ms  "
                  f"torch {best['torch'] * 1e3:8.2f} ms  torch/fastml "
                  f"{best['torch'] / best['fastml']:.2f}  ({threads} threads"
                  f"{', CPU time' if cpu else ''})", flush=True)


if __name__ == "__main__":
    import sys
    main(*(int(a) for a in sys.argv[1:2]))
