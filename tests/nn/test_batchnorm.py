"""batch_norm: compiled kernels vs the NumPy twin at every SIMD level, running
statistics and gradients vs torch (float64), stability, gradient checks."""
import numpy as np
import pytest

import fastml
from fastml import nn
from fastml._kernels import batchnorm as kb
from fastml._kernels.reference import batchnorm as ref
from fastml.nn import functional as F

SHAPES = [(7, 5), (33, 130), (4, 3, 5, 6), (2, 70, 3, 3), (3, 4, 17), (2, 1, 1, 1)]


def _tol(dtype):
    return dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("affine", [True, False])
def test_kernels_match_reference(cpu_level, rng, dtype, shape, affine):
    C = shape[1]
    x = (rng.standard_normal(shape) * 2 + 3).astype(dtype)
    w = rng.standard_normal(C).astype(dtype) if affine else None
    b = rng.standard_normal(C).astype(dtype) if affine else None
    rm, rv = rng.standard_normal(C).astype(dtype), (rng.random(C) + 0.5).astype(dtype)
    rm2, rv2 = rm.copy(), rv.copy()
    y, mean, inv = kb.forward_train(x, rm, rv, w, b, 0.1, 1e-5)
    yr, meanr, invr = ref.forward_train(x, rm2, rv2, w, b, 0.1, 1e-5)
    assert mean.dtype == inv.dtype == np.float64
    for got, exp in ((y, yr), (mean, meanr), (inv, invr), (rm, rm2), (rv, rv2)):
        assert got.dtype == exp.dtype
        np.testing.assert_allclose(got, exp, **_tol(dtype))
    dy = rng.standard_normal(shape).astype(dtype)
    for training in (True, False):
        if not training:
            mean, inv = kb.eval_stats(rm, rv, 1e-5, dtype)
            np.testing.assert_allclose(kb.forward_eval(x, mean, inv, w, b),
                                       ref.forward_eval(x, mean, inv, w, b), **_tol(dtype))
        got = kb.backward(dy, x, mean, inv, w, training)
        exp = ref.backward(dy, x, mean, inv, w, training)
        for a, e in zip(got, exp):
            np.testing.assert_allclose(a, e, **_tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_streaming_stores_match_reference(cpu_level, rng, dtype):
    # one thread and 3 x 8.4 MB (float32) past BN_STREAM_BYTES: y and dx leave
    # through streaming stores; odd run lengths move the aligned body within
    # each run. Two threads (cached stores) must give the same bits.
    shape = (2, 3, 701, 499)
    x = (rng.standard_normal(shape) * 2 + 3).astype(dtype)
    w, b = rng.standard_normal(3).astype(dtype), rng.standard_normal(3).astype(dtype)
    dy = rng.standard_normal(shape).astype(dtype)
    prev = fastml.get_num_threads()
    outs = []
    try:
        for n in (1, 2):
            fastml.set_num_threads(n)
            y, mean, inv = kb.forward_train(x, None, None, w, b, 0.1, 1e-5)
            outs.append([y, mean, inv, *kb.backward(dy, x, mean, inv, w, True)])
    finally:
        fastml.set_num_threads(prev)
    y, mean, inv, *grads = outs[0]
    yr, meanr, invr = ref.forward_train(x, None, None, w, b, 0.1, 1e-5)
    np.testing.assert_allclose(y, yr, **_tol(dtype))
    np.testing.assert_allclose(inv, invr, **_tol(dtype))
    for got, exp in zip(grads, ref.backward(dy, x, mean, inv, w, True)):
        np.testing.assert_allclose(got, exp, **_tol(dtype))
    for got, exp in zip(outs[1], outs[0]):
        np.testing.assert_array_equal(got, exp)


def test_stable_statistics_float32(cpu_level, rng):
    # mean 1e4, std 1e-2: a float32 one-pass E[x^2] - E[x]^2 has no digits left
    x = (1e4 + 1e-2 * rng.standard_normal((64, 3, 8, 8))).astype(np.float32)
    y, mean, inv = kb.forward_train(x, None, None, None, None, 0.1, 1e-9)
    yr, meanr, invr = ref.forward_train(x, None, None, None, None, 0.1, 1e-9)
    np.testing.assert_allclose(inv, invr, rtol=1e-4)
    np.testing.assert_allclose(y, yr, atol=2e-3)


def test_near_float32_max_statistics(cpu_level, rng):
    # float32 block partials of these overflow: the channel falls back to
    # float64 sums and still matches the twin
    x = (rng.standard_normal((4, 3, 9, 9)) * 1e37).astype(np.float32)
    x[:, 1] += np.float32(3e38)
    dy = rng.standard_normal(x.shape).astype(np.float32) * np.float32(1e30)
    y, mean, inv = kb.forward_train(x, None, None, None, None, 0.1, 1e-5)
    yr, meanr, invr = ref.forward_train(x, None, None, None, None, 0.1, 1e-5)
    np.testing.assert_allclose(mean, meanr, rtol=1e-6)
    np.testing.assert_allclose(inv, invr, rtol=1e-6)
    np.testing.assert_allclose(y, yr, rtol=1e-5, atol=1e-5)
    _, dw, db = kb.backward(dy, x, mean, inv, None, True)
    _, dwr, dbr = ref.backward(dy, x, mean, inv, None, True)
    np.testing.assert_allclose(dw, dwr, rtol=1e-5)
    np.testing.assert_allclose(db, dbr, rtol=1e-5)


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


def test_thread_count_independent(rng):
    x = rng.standard_normal((16, 12, 20, 20)).astype(np.float32)
    xs = rng.standard_normal((4000, 100)).astype(np.float32)
    prev = fastml.get_num_threads()
    out = []
    try:
        for n in (1, 2, 3):
            fastml.set_num_threads(n)
            res = []
            for a in (x, xs):
                y, m, i = kb.forward_train(a, None, None, None, None, 0.1, 1e-5)
                res += [y, m, i, *kb.backward(y, a, m, i, None, True)]
            out.append(res)
    finally:
        fastml.set_num_threads(prev)
    for o in out[1:]:
        for got, exp in zip(o, out[0]):
            np.testing.assert_array_equal(got, exp)


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
