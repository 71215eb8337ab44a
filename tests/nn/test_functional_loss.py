"""Losses: float64 gradient checks, torch.nn.functional in float64, reductions,
dtype preservation, bad input (the kernels vs their twin are in
tests/kernels/test_loss.py)."""
import numpy as np
import pytest

from fastml._kernels import loss as K
from fastml.nn import F, Tensor, gradcheck


def _targets(rng, kind, shape):
    if kind in (K.BCE, K.BCE_LOGITS, K.KL_DIV):
        return rng.uniform(0.05, 0.95, shape)
    if kind in (K.HINGE, K.HINGE_EMBEDDING):
        return rng.choice([-1.0, 1.0], shape)
    return rng.standard_normal(shape)


def _inputs(rng, kind, shape):
    if kind == K.BCE:
        return rng.uniform(0.05, 0.95, shape)
    return rng.standard_normal(shape) * 2


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_gradcheck(rng, reduction):
    x = Tensor(rng.standard_normal((5, 7)), requires_grad=True)
    t = rng.integers(0, 7, 5)
    assert gradcheck(lambda x: F.cross_entropy(x, t, reduction), (x,))
    x4 = Tensor(rng.standard_normal((2, 3, 2, 3)), requires_grad=True)
    t4 = rng.integers(0, 3, (2, 2, 3))
    assert gradcheck(lambda x: F.cross_entropy(x, t4, reduction), (x4,))


LOSSES = [("mse", lambda x, y, r: F.mse_loss(x, y, r), K.MSE),
          ("l1", lambda x, y, r: F.l1_loss(x, y, r), K.L1),
          ("huber", lambda x, y, r: F.huber_loss(x, y, r, delta=0.8), K.HUBER),
          ("bce", lambda x, y, r: F.binary_cross_entropy(x, y, r), K.BCE),
          ("bcel", lambda x, y, r: F.binary_cross_entropy_with_logits(x, y, r), K.BCE_LOGITS),
          ("hinge", lambda x, y, r: F.hinge_loss(x, y, reduction=r), K.HINGE),
          ("hemb", lambda x, y, r: F.hinge_embedding_loss(x, y, reduction=r), K.HINGE_EMBEDDING),
          ("kl", lambda x, y, r: F.kl_div(x, y, r), K.KL_DIV),
          ("kllog", lambda x, y, r: F.kl_div(x, y, r, log_target=True), K.KL_DIV_LOG)]


@pytest.mark.parametrize("name,fn,kind", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_pointwise_gradcheck(rng, name, fn, kind, reduction):
    shape = (3, 5)
    x = _inputs(rng, kind, shape)
    y = _targets(rng, kind, shape)
    if kind in (K.L1, K.HUBER, K.HINGE, K.HINGE_EMBEDDING):  # stay off the kinks
        x = np.where(np.abs(np.abs(x - y) - 0.8) < 0.05, x + 0.3, x)
        x = np.where(np.abs(x - y) < 0.05, x + 0.3, x)
        x = np.where(np.abs(1 - x * y) < 0.05, x + 0.3, x)
        x = np.where(np.abs(1 - x) < 0.05, x + 0.3, x)
    xt = Tensor(x, requires_grad=True)
    assert gradcheck(lambda xt: fn(xt, y, reduction), (xt,))


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss, F.huber_loss])
def test_target_gradient(rng, fn):
    x = Tensor(rng.standard_normal(6), requires_grad=True)
    y = Tensor(rng.standard_normal(6) + 0.1, requires_grad=True)
    assert gradcheck(lambda x, y: fn(x, y), (x, y))


@pytest.mark.filterwarnings("ignore:reduction")
def test_against_torch(rng):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    shape = (4, 6)
    cases = [
        (F.cross_entropy, tf.cross_entropy, rng.standard_normal(shape), rng.integers(0, 6, 4)),
        (F.mse_loss, tf.mse_loss, rng.standard_normal(shape), rng.standard_normal(shape)),
        (F.l1_loss, tf.l1_loss, rng.standard_normal(shape), rng.standard_normal(shape)),
        (lambda x, y, r: F.huber_loss(x, y, r, 0.7), lambda x, y, reduction: tf.huber_loss(
            x, y, reduction=reduction, delta=0.7), rng.standard_normal(shape),
         rng.standard_normal(shape)),
        (lambda x, y, r: F.smooth_l1_loss(x, y, r, 0.5), lambda x, y, reduction:
         tf.smooth_l1_loss(x, y, reduction=reduction, beta=0.5), rng.standard_normal(shape),
         rng.standard_normal(shape)),
        (F.binary_cross_entropy, tf.binary_cross_entropy, rng.uniform(0.01, 0.99, shape),
         rng.uniform(0, 1, shape)),
        (F.binary_cross_entropy_with_logits, tf.binary_cross_entropy_with_logits,
         rng.standard_normal(shape) * 30, rng.uniform(0, 1, shape)),
        (lambda x, y, r: F.hinge_embedding_loss(x, y, reduction=r), lambda x, y, reduction:
         tf.hinge_embedding_loss(x, y, reduction=reduction), rng.standard_normal(shape),
         rng.choice([-1.0, 1.0], shape)),
        (F.kl_div, tf.kl_div, np.log(rng.uniform(0.1, 1, shape)),
         np.where(rng.uniform(size=shape) < 0.2, 0, rng.uniform(0, 1, shape))),
        (lambda x, y, r: F.kl_div(x, y, r, log_target=True), lambda x, y, reduction: tf.kl_div(
            x, y, reduction=reduction, log_target=True), rng.standard_normal(shape),
         rng.standard_normal(shape)),
    ]
    for ours, theirs, xn, yn in cases:
        for red in ("mean", "sum", "none"):
            x = Tensor(xn.copy(), requires_grad=True)
            tx = torch.tensor(xn, requires_grad=True)
            out = ours(x, yn, red)
            tout = theirs(tx, torch.tensor(yn), reduction=red)
            g = rng.standard_normal(out.shape)
            out.backward(g)
            tout.backward(torch.tensor(g))
            np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=1e-10,
                                       atol=1e-12)
            np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    x = Tensor(rng.standard_normal(shape), requires_grad=True)
    t = rng.uniform(0, 1, shape)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    F.kl_div(x, t, "batchmean").backward()
    tf.kl_div(tx, torch.tensor(t), reduction="batchmean").backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-10)


def test_edge_values_match_torch_conventions():
    x = np.array([0.0, 1.0, 0.5, 1e-30, 1 - 1e-7], np.float32)
    y = np.array([1.0, 0.0, 0.5, 0.0, 1.0], np.float32)
    with np.errstate(divide="ignore"):
        want = -(y * np.maximum(np.log(x.astype(np.float64)), -100)
                 + (1 - y) * np.maximum(np.log1p(-x.astype(np.float64)), -100))
    got = F.binary_cross_entropy(x, y, reduction="none").numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert got[0] == 100 and got[1] == 100
    lg = np.array([-200.0, 200.0, 0.0, 1e-8], np.float32)
    got = F.binary_cross_entropy_with_logits(lg, np.ones(4, np.float32), reduction="none")
    np.testing.assert_allclose(got.numpy(), [200, 0, np.log(2), np.log(2) - 5e-9], rtol=1e-6)
    kl = F.kl_div(np.zeros(3, np.float32), np.array([0.0, 1.0, 1e-40], np.float32),
                  reduction="none").numpy()
    np.testing.assert_allclose(kl, [0, 0, 1e-40 * np.log(1e-40)], rtol=1e-3, atol=0)


def test_vector_log_accuracy(cpu_level):
    # kl_div with x = 0 evaluates y * log(y): checks the SIMD log over many decades
    for dtype, tol in ((np.float32, 3e-7), (np.float64, 3e-16)):
        y = np.geomspace(1e-30, 1e30, 20011).astype(dtype)
        got = F.kl_div(np.zeros_like(y), y, reduction="none").numpy()
        want = y.astype(np.float64) * np.log(y.astype(np.float64))
        np.testing.assert_allclose(got, want, rtol=tol * 4)


def test_hinge_loss_values():
    x = np.array([2.0, 0.5, -0.3, -2.0])
    y = np.array([1.0, 1.0, -1.0, 1.0])
    np.testing.assert_allclose(F.hinge_loss(x, y, reduction="none").numpy(), [0, 0.5, 0.7, 3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_preserved(rng, dtype):
    x = Tensor(rng.uniform(0.1, 0.9, (3, 4)).astype(dtype), requires_grad=True)
    y = rng.uniform(0.1, 0.9, (3, 4))
    losses = [F.cross_entropy(x, np.array([0, 3, 1])), F.binary_cross_entropy(x, y),
              F.mse_loss(x, y), F.kl_div(x, y, "batchmean"), F.l1_loss(x, y, "none")]
    for lo in losses:
        assert lo.dtype == dtype
    sum(lo.sum() for lo in losses).backward()
    assert x.grad.dtype == dtype


def test_bad_input(rng):
    x = Tensor(rng.standard_normal((3, 4)))
    with pytest.raises(ValueError, match="out of range"):
        F.cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="out of range"):
        F.cross_entropy(x, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="shape"):
        F.cross_entropy(x, np.array([0, 1]))
    with pytest.raises(ValueError, match="2-D"):
        F.cross_entropy(Tensor(np.ones(4)), np.array([0]))
    with pytest.raises(ValueError, match="integer"):
        F.cross_entropy(x, np.array([0.5, 1, 2]))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(x, x, "avg")
    with pytest.raises(ValueError, match="shape"):
        F.mse_loss(x, np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        F.binary_cross_entropy(x, np.ones((3, 4)))
    with pytest.raises(ValueError, match="-1 or"):
        F.hinge_loss(x, np.zeros((3, 4)))
    with pytest.raises(ValueError, match="delta"):
        F.huber_loss(x, x, delta=0)


# ---- cross_entropy weight= / ignore_index= / label_smoothing= ------------------------
CE_OPTS = [dict(weight=True), dict(ignore_index=2), dict(label_smoothing=0.2),
           dict(weight=True, ignore_index=-100, label_smoothing=0.3),
           dict(weight=True, ignore_index=1, label_smoothing=1.0)]


def _ce_case(rng, shape, opts, ignored_share=3):
    c = shape[1]
    t = rng.integers(0, c, (shape[0],) + shape[2:])
    ig = opts.get("ignore_index", -100)
    t.reshape(-1)[::ignored_share] = ig  # some ignored samples (an index in range or -100)
    kw = dict(opts)
    if kw.get("weight"):
        kw["weight"] = rng.uniform(0.2, 2.0, c)
    return t, kw


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("opts", CE_OPTS)
def test_cross_entropy_options_match_torch_float64(rng, opts, reduction):
    torch = pytest.importorskip("torch")
    # (4, 5): few-class kernels; (3, 37): row kernels with a vector tail; (2, 4, 3, 2): (N, C, d...)
    for shape in [(4, 5), (3, 37), (2, 4, 3, 2)]:
        x = rng.standard_normal(shape) * 3
        t, kw = _ce_case(rng, shape, opts)
        xf = Tensor(x, requires_grad=True)
        out = F.cross_entropy(xf, t, reduction, **kw)
        g = rng.standard_normal(out.shape) if reduction == "none" else None
        out.backward(g)
        tkw = dict(kw)
        if "weight" in tkw:
            tkw["weight"] = torch.tensor(kw["weight"])
        xt = torch.tensor(x, requires_grad=True)
        ot = torch.nn.functional.cross_entropy(xt, torch.tensor(t), reduction=reduction, **tkw)
        ot.backward(None if g is None else torch.tensor(g))
        np.testing.assert_allclose(out.numpy(), ot.detach().numpy(), rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("opts", CE_OPTS[1:4])
def test_cross_entropy_options_gradcheck(rng, opts):
    x = Tensor(rng.standard_normal((5, 7)), requires_grad=True)
    t, kw = _ce_case(rng, (5, 7), opts)
    for reduction in ("mean", "sum", "none"):
        assert gradcheck(lambda x: F.cross_entropy(x, t, reduction, **kw), (x,))


def test_cross_entropy_options_edge_cases(rng):
    x = Tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    out = F.cross_entropy(x, np.array([-100, -100, -100]))  # all ignored: 0/0 like torch
    assert np.isnan(out.item()) and out.dtype == np.float32
    out = F.cross_entropy(x, np.array([-100, -100, -100]), "sum", label_smoothing=0.1)
    out.backward()
    assert out.item() == 0 and not x.grad.any() and x.grad.dtype == np.float32
    w = np.array([1, 2, 3, 4], np.float64)  # weights take the logits' dtype
    assert F.cross_entropy(x, np.array([0, 3, 1]), weight=w).dtype == np.float32
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(x, np.array([0, 3, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="weight"):
        F.cross_entropy(x, np.array([0, 3, 1]), weight=np.ones(3))
    with pytest.raises(ValueError, match="out of range"):
        F.cross_entropy(x, np.array([0, 7, 1]), ignore_index=5)


def _ce_pair(torch, x, t, **kw):
    """(loss, grad) of F.cross_entropy in fastml and in torch (float64)."""
    xf = Tensor(x.copy(), requires_grad=True)
    lf = F.cross_entropy(xf, t, **kw)
    lf.sum().backward()
    tkw = dict(kw)
    if "weight" in tkw:
        tkw["weight"] = torch.tensor(tkw["weight"], dtype=torch.float64)
    xt = torch.tensor(x.copy(), requires_grad=True)
    lt = torch.nn.functional.cross_entropy(xt, torch.tensor(t), **tkw)
    lt.sum().backward()
    return (lf.data, xf.grad), (lt.detach().numpy(), xt.grad.numpy())


@pytest.mark.parametrize("shape", [(3, 4), (2, 4, 3)])
@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.1}, {"weight": [1.0, 2.0, 0.5, 1.0]},
                                {"ignore_index": 2}])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_every_target_ignored_gives_zero_grad_like_torch(rng, shape, kw,
                                                                        reduction):
    """Issue 11, item 18: a batch whose targets are all ignore_index has mean
    loss NaN (0 / 0) but gradient 0, as torch; sum and none give 0."""
    torch = pytest.importorskip("torch")
    x = rng.standard_normal(shape)
    t = np.full((shape[0],) + shape[2:], kw.get("ignore_index", -100), np.int64)
    (lf, gf), (lt, gt) = _ce_pair(torch, x, t, reduction=reduction, **kw)
    np.testing.assert_array_equal(np.isnan(lf), np.isnan(lt))
    np.testing.assert_allclose(lf, lt, rtol=1e-12)
    np.testing.assert_array_equal(gf, gt)
    assert not np.isnan(gf).any()


def test_cross_entropy_zero_total_weight_matches_torch(rng):
    """Counted rows whose class weights are all 0: loss and gradient NaN, as torch."""
    torch = pytest.importorskip("torch")
    x = rng.standard_normal((3, 4))
    t = np.array([0, -100, 0])
    (lf, gf), (lt, gt) = _ce_pair(torch, x, t, weight=[0.0, 1.0, 1.0, 1.0])
    assert np.isnan(lf) and np.isnan(lt)
    np.testing.assert_array_equal(np.isnan(gf), np.isnan(gt))
    np.testing.assert_array_equal(gf[1], gt[1])


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.1}, {"weight": [1.0, 2.0, 0.5, 1.0]}])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_empty_batch_mean_is_nan_like_torch(kw, reduction):
    torch = pytest.importorskip("torch")
    x = np.zeros((0, 4))
    t = np.zeros(0, np.int64)
    (lf, gf), (lt, gt) = _ce_pair(torch, x, t, reduction=reduction, **kw)
    assert lf.shape == lt.shape
    np.testing.assert_array_equal(np.isnan(lf), np.isnan(lt))
    np.testing.assert_allclose(lf, lt)
    assert gf.shape == gt.shape == (0, 4)
