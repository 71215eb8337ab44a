"""fastml.nn core vs its NumPy reference twins vs PyTorch CPU (float32, same
thread count, warm).

Groups: dropout forward+backward on 4M floats; MLP 784-256(ReLU)-10
cross-entropy training step (forward, backward, plain SGD) at batch 256 and 8;
one group per op (forward+backward) at 1M elements / 256x1000 logits /
256x784->256 linear.

    PYTHONPATH=src python3 -m pytest benchmarks/bench_nn_core.py --benchmark-only \
        --benchmark-columns=min,median --benchmark-sort=name
"""
import numpy as np
import pytest

from fastml._kernels import activation as KA
from fastml._kernels import dense as KD
from fastml._kernels import dropout as KDr
from fastml._kernels import loss as KL
from fastml._kernels.reference import activation as RA
from fastml._kernels.reference import dense as RD
from fastml._kernels.reference import dropout as RDr
from fastml._kernels.reference import loss as RL
from fastml.nn import F, Parameter, Tensor


@pytest.fixture
def full(request):
    """Full sizes when benchmarking, tiny ones under --benchmark-disable (CI)."""
    return not request.config.getoption("benchmark_disable")


def _torch(bench_threads):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(bench_threads)
    return torch


# ---- dropout ------------------------------------------------------------------
@pytest.mark.parametrize("impl", ["fastml", "numpy", "torch"])
def test_dropout_fwd_bwd(benchmark, impl, full, bench_threads):
    benchmark.group = "dropout fwd+bwd 4M f32"
    n = 4 * 1024 * 1024 if full else 1000
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal(n).astype(np.float32)
    g_np = rng.standard_normal(n).astype(np.float32)
    if impl == "fastml":
        x = Tensor(x_np, requires_grad=True)

        def step():
            x.grad = None
            F.dropout(x, 0.5).backward(g_np)
            return x.grad
    elif impl == "numpy":
        def step():
            return RDr.dropout_backward(g_np, 0.5, 7), RDr.dropout(x_np, 0.5, 7)
    else:
        torch = _torch(bench_threads)
        x = torch.tensor(x_np, requires_grad=True)
        g = torch.tensor(g_np)

        def step():
            x.grad = None
            torch.nn.functional.dropout(x, 0.5, True).backward(g)
            return x.grad
    out = benchmark(step)
    assert out is not None


# ---- MLP training step -----------------------------------------------------------
def _mlp_data(batch):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((batch, 784)).astype(np.float32)
    t = rng.integers(0, 10, batch)
    w1 = (rng.standard_normal((256, 784)) / 28).astype(np.float32)
    b1 = np.zeros(256, np.float32)
    w2 = (rng.standard_normal((10, 256)) / 16).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    return x, t, [w1, b1, w2, b2]


@pytest.mark.parametrize("impl", ["fastml", "numpy", "torch"])
@pytest.mark.parametrize("batch", [8, 256])
def test_mlp_step(benchmark, impl, batch, bench_threads):
    benchmark.group = f"MLP 784-256-10 train step batch {batch}"
    x_np, t_np, params = _mlp_data(batch)
    lr = 0.01
    if impl == "fastml":
        ps = [Parameter(p.copy()) for p in params]
        x = Tensor(x_np)

        def step():
            w1, b1, w2, b2 = ps
            h = F.relu(F.linear(x, w1, b1))
            loss = F.cross_entropy(F.linear(h, w2, b2), t_np)
            for p in ps:
                p.grad = None
            loss.backward()
            for p in ps:
                p.data -= lr * p.grad
            return loss.item()
    elif impl == "numpy":
        ps = [p.copy() for p in params]

        def step():
            w1, b1, w2, b2 = ps
            h = RD.linear_forward(x_np, w1, b1, RD.RELU)
            z = RD.linear_forward(h, w2, b2)
            rows, lse = RL.cross_entropy(z, t_np)
            dz = RL.cross_entropy_backward(1.0 / batch, z, lse, t_np)
            dh, dw2, db2 = RD.linear_backward(dz, h, w2)
            _, dw1, db1 = RD.linear_backward(dh, x_np, w1, False, True, True, h, RD.RELU)
            for p, g in zip(ps, (dw1, db1, dw2, db2)):
                p -= lr * g
            return float(rows.mean())
    else:
        torch = _torch(bench_threads)
        ps = [torch.tensor(p.copy(), requires_grad=True) for p in params]
        x = torch.tensor(x_np)
        t = torch.tensor(t_np)
        tf = torch.nn.functional

        def step():
            w1, b1, w2, b2 = ps
            loss = tf.cross_entropy(tf.linear(tf.relu(tf.linear(x, w1, b1)), w2, b2), t)
            for p in ps:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in ps:
                    p -= lr * p.grad
            return loss.item()
    loss = benchmark(step)
    assert np.isfinite(loss)


# ---- one group per op: forward + backward ------------------------------------------
ACT_KINDS = {"relu": KA.RELU, "sigmoid": KA.SIGMOID, "tanh": KA.TANH, "elu": KA.ELU,
             "leaky_relu": KA.LEAKY_RELU}
TORCH_ACT = {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "elu": "elu",
             "leaky_relu": "leaky_relu"}


@pytest.mark.parametrize("impl", ["fastml", "numpy", "torch"])
@pytest.mark.parametrize("op", list(ACT_KINDS))
def test_activation(benchmark, op, impl, full, bench_threads):
    benchmark.group = f"op {op} fwd+bwd 1M f32"
    n = 1 << 20 if full else 999
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(n) * 3).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    kind = ACT_KINDS[op]
    alpha = 0.01 if op == "leaky_relu" else 1.0
    if impl in ("fastml", "numpy"):
        mod = KA if impl == "fastml" else RA

        def step():
            y = mod.forward(kind, x, alpha)
            return mod.backward(kind, g, x, y, alpha)
    else:
        torch = _torch(bench_threads)
        tx = torch.tensor(x, requires_grad=True)
        tg = torch.tensor(g)
        fn = getattr(torch.nn.functional, TORCH_ACT[op])

        def step():
            tx.grad = None
            fn(tx).backward(tg)
            return tx.grad
    assert benchmark(step) is not None


@pytest.mark.parametrize("impl", ["fastml", "numpy", "torch"])
@pytest.mark.parametrize("op", ["softmax", "log_softmax", "cross_entropy"])
def test_rowwise(benchmark, op, impl, full, bench_threads):
    benchmark.group = f"op {op} fwd+bwd 256x1000 f32"
    shape = (256, 1000) if full else (3, 7)
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    g = rng.standard_normal(shape).astype(np.float32)
    t = rng.integers(0, shape[1], shape[0])
    if impl in ("fastml", "numpy"):
        mod, lmod = (KA, KL) if impl == "fastml" else (RA, RL)
        if op == "cross_entropy":
            def step():
                rows, lse = lmod.cross_entropy(x, t)
                return lmod.cross_entropy_backward(1.0 / shape[0], x, lse, t)
        else:
            log = op == "log_softmax"

            def step():
                return mod.softmax_backward(g, mod.softmax(x, log), log)
    else:
        torch = _torch(bench_threads)
        tf = torch.nn.functional
        tx = torch.tensor(x, requires_grad=True)
        tg, tt = torch.tensor(g), torch.tensor(t)
        if op == "cross_entropy":
            def fwd_bwd():
                tf.cross_entropy(tx, tt).backward()
        else:
            fn = getattr(tf, op)

            def fwd_bwd():
                fn(tx, 1).backward(tg)

        def step():
            tx.grad = None
            fwd_bwd()
            return tx.grad
    assert benchmark(step) is not None


LOSSES = {"mse": (KL.MSE, "mse_loss"), "l1": (KL.L1, "l1_loss"), "huber": (KL.HUBER, "huber_loss"),
          "bce_logits": (KL.BCE_LOGITS, "binary_cross_entropy_with_logits")}


@pytest.mark.parametrize("impl", ["fastml", "numpy", "torch"])
@pytest.mark.parametrize("op", list(LOSSES))
def test_pointwise_loss(benchmark, op, impl, full, bench_threads):
    benchmark.group = f"op {op} loss (mean) fwd+bwd 1M f32"
    n = 1 << 20 if full else 999
    rng = np.random.default_rng(4)
    x = rng.standard_normal(n).astype(np.float32)
    y = (rng.uniform(0, 1, n) if op == "bce_logits" else rng.standard_normal(n)).astype(np.float32)
    kind, tname = LOSSES[op]
    if impl in ("fastml", "numpy"):
        mod = KL if impl == "fastml" else RL

        def step():
            s = mod.pointwise_sum(kind, x, y, 1.0) / n
            return s, mod.pointwise_backward(kind, 1.0 / n, x, y, 1.0)
    else:
        torch = _torch(bench_threads)
        tx = torch.tensor(x, requires_grad=True)
        ty = torch.tensor(y)
        fn = getattr(torch.nn.functional, tname)

        def step():
            tx.grad = None
            fn(tx, ty).backward()
            return tx.grad
    assert benchmark(step) is not None


@pytest.mark.parametrize("impl", ["fastml", "numpy", "torch"])
def test_linear(benchmark, impl, full, bench_threads):
    benchmark.group = "op linear fwd+bwd 256x784->256 f32"
    n, i, o = (256, 784, 256) if full else (3, 5, 4)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((n, i)).astype(np.float32)
    w = rng.standard_normal((o, i)).astype(np.float32)
    b = rng.standard_normal(o).astype(np.float32)
    g = rng.standard_normal((n, o)).astype(np.float32)
    if impl in ("fastml", "numpy"):
        mod = KD if impl == "fastml" else RD

        def step():
            mod.linear_forward(x, w, b)
            return mod.linear_backward(g, x, w)
    else:
        torch = _torch(bench_threads)
        tx = torch.tensor(x, requires_grad=True)
        tw = torch.tensor(w, requires_grad=True)
        tb = torch.tensor(b, requires_grad=True)
        tg = torch.tensor(g)

        def step():
            tx.grad = tw.grad = tb.grad = None
            torch.nn.functional.linear(tx, tw, tb).backward(tg)
            return tw.grad
    assert benchmark(step) is not None

