"""batch_norm as a module: running statistics and gradients vs torch (float64),
gradient checks, bad input (the kernels vs their twin: tests/kernels/test_batchnorm.py)."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import functional as F


@pytest.mark.parametrize("shape", [(6, 4), (3, 2, 4, 5)])
@pytest.mark.parametrize("training", [True, False])
def test_matches_torch_float64(rng, shape, training):
    torch = pytest.importorskip("torch")
    C = shape[1]
    x = rng.standard_normal(shape) * 3 + 1
    w, b = rng.standard_normal(C), rng.standard_normal(C)
    rm, rv = rng.standard_normal(C), rng.random(C) + 0.5
    rmt, rvt = torch.tensor(rm), torch.tensor(rv)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    yt = torch.nn.functional.batch_norm(xt, rmt, rvt, wt, bt, training, 0.2, 1e-4)
    dy = rng.standard_normal(shape)
    yt.backward(torch.tensor(dy))
    rmf = nn.Tensor(rm.copy())  # a Tensor's data is updated in place too
    rvf = rv.copy()
    xf, wf, bf = (nn.Tensor(a, requires_grad=True) for a in (x, w, b))
    y = F.batch_norm(xf, rmf, rvf, wf, bf, training, 0.2, 1e-4)
    y.backward(dy)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rmf.data, rmt.numpy(), rtol=1e-12)
    np.testing.assert_allclose(rvf, rvt.numpy(), rtol=1e-12)
    for a, t in ((xf, xt), (wf, wt), (bf, bt)):
        np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 3, 4)])
def test_gradcheck(rng, training, shape):
    C = shape[1]
    x = nn.Tensor(rng.standard_normal(shape), requires_grad=True)
    w = nn.Tensor(rng.standard_normal(C), requires_grad=True)
    b = nn.Tensor(rng.standard_normal(C), requires_grad=True)
    rm, rv = np.zeros(C), np.ones(C)
    fn = lambda x, w, b: F.batch_norm(x, rm.copy(), rv.copy(), w, b, training)  # noqa: E731
    assert nn.gradcheck(fn, (x, w, b))


def test_running_stats_update_and_dtype(rng):
    x = rng.standard_normal((10, 3, 4, 4)).astype(np.float32)
    rm, rv = np.zeros(3, np.float32), np.ones(3, np.float32)
    y = F.batch_norm(x, rm, rv, training=True, momentum=0.5)
    assert y.dtype == np.float32
    xd = x.astype(np.float64)
    mean = xd.mean(axis=(0, 2, 3))
    var = xd.var(axis=(0, 2, 3), ddof=1)
    np.testing.assert_allclose(rm, 0.5 * mean, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(rv, 0.5 + 0.5 * var, rtol=1e-5)
    y2 = F.batch_norm(x, rm, rv, training=False)  # eval uses the running stats
    np.testing.assert_allclose(y2.data, (x - rm[None, :, None, None]) /
                               np.sqrt(rv[None, :, None, None] + 1e-5), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("call, match", [
    (lambda x: F.batch_norm(x[0, 0, 0], None, None, training=True), "x must be"),
    (lambda x: F.batch_norm(x[:1, :, :1, :1], None, None, training=True), "more than 1 value"),
    (lambda x: F.batch_norm(x, None, None, training=False), "required when training=False"),
    (lambda x: F.batch_norm(x, np.zeros(4), np.ones(4), training=True), "running_mean must"),
    (lambda x: F.batch_norm(x, None, None, np.ones(2), training=True), "weight must have"),
    (lambda x: F.batch_norm(x, None, None, training=True, eps=0), "eps must"),
    (lambda x: F.batch_norm(x, np.zeros(3), None, training=True), "both"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.zeros((2, 3, 4, 4)))


@pytest.mark.parametrize("cls", ["BatchNorm1d", "BatchNorm2d"])
def test_batchnorm_momentum_none_is_cumulative_average_like_torch(rng, cls):
    """momentum=None: running stats are the plain average over the batches seen
    (factor 1 / num_batches_tracked), as torch (issue 11, item 22)."""
    torch = pytest.importorskip("torch")
    shape = (6, 3) if cls == "BatchNorm1d" else (4, 3, 2, 5)
    m = getattr(nn, cls)(3, momentum=None, dtype=np.float64)
    tm = getattr(torch.nn, cls)(3, momentum=None, dtype=torch.float64)
    for _ in range(4):
        x = rng.standard_normal(shape) * 3 + 1
        y = m(nn.Tensor(x))
        ty = tm(torch.tensor(x))
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(m.running_mean, tm.running_mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(m.running_var, tm.running_var.numpy(), rtol=1e-12)
        assert int(m.num_batches_tracked) == int(tm.num_batches_tracked)
    m.eval()
    tm.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(m(nn.Tensor(x)).data, tm(torch.tensor(x)).detach().numpy(),
                               rtol=1e-11, atol=1e-12)
