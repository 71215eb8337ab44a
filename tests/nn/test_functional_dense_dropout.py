"""linear (BLAS + fused epilogues) and dropout (counter-based RNG): gradient
checks, twins, torch, seeding, mask reuse, bad input."""
import numpy as np
import pytest

import fastml.nn as nn
from fastml._kernels import dense as KD
from fastml._kernels import dropout as KDr
from fastml._kernels.reference import dense as RD
from fastml._kernels.reference import dropout as RDr
from fastml.nn import F, Tensor, gradcheck


@pytest.mark.parametrize("xshape", [(5, 7), (2, 3, 7), (7,)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("act", [None, "relu"])
def test_linear_gradcheck(rng, xshape, bias, act):
    x = Tensor(rng.standard_normal(xshape), requires_grad=True)
    w = Tensor(rng.standard_normal((4, 7)), requires_grad=True)
    ins = (x, w)
    if bias:
        ins += (Tensor(rng.standard_normal(4), requires_grad=True),)
    assert gradcheck(lambda *a: F.linear(*a, activation=act), ins)


def test_linear_fused_relu_equals_unfused(rng):
    x = Tensor(rng.standard_normal((6, 5)), requires_grad=True)
    w = Tensor(rng.standard_normal((3, 5)), requires_grad=True)
    b = Tensor(rng.standard_normal(3), requires_grad=True)
    y1 = F.linear(x, w, b, activation="relu")
    y2 = F.relu(F.linear(x, w, b))
    np.testing.assert_allclose(y1.numpy(), y2.numpy(), rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
# (2500, 2, 5), (37, 5, 3), (1100, 9, 7): tiny-weight row loops (in * out <= 64;
# literal and generic in, several row blocks, a partial block).
@pytest.mark.parametrize("n,i,o", [(1, 1, 1), (3, 17, 9), (64, 100, 33), (257, 64, 10),
                                   (2500, 2, 5), (37, 5, 3), (1100, 9, 7)])
@pytest.mark.parametrize("act", [-1, 0])
def test_dense_kernels_match_twins(rng, dtype, n, i, o, act):
    x = rng.standard_normal((n, i)).astype(dtype)
    w = rng.standard_normal((o, i)).astype(dtype)
    b = rng.standard_normal(o).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    y = KD.linear_forward(x, w, b, act)
    assert y.dtype == dtype
    yr = RD.linear_forward(x.astype(np.float64), w.astype(np.float64), b.astype(np.float64), act)
    np.testing.assert_allclose(y, yr, rtol=tol, atol=tol * np.sqrt(i))
    dy = rng.standard_normal((n, o)).astype(dtype)
    got = KD.linear_backward(dy, x, w, True, True, True, y, act)
    want = RD.linear_backward(dy.astype(np.float64), x.astype(np.float64), w.astype(np.float64),
                              True, True, True, yr, act)
    for g, r, k in zip(got, want, (o, n, n)):
        np.testing.assert_allclose(g, r, rtol=tol, atol=tol * np.sqrt(k))
    dx, dw, db = KD.linear_backward(dy, x, w, False, True, False)
    assert dx is None and db is None and dw.shape == w.shape


def test_linear_against_torch(rng):
    torch = pytest.importorskip("torch")
    xn, wn, bn = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 6)), rng.standard_normal(3)
    x, w, b = (Tensor(a, requires_grad=True) for a in (xn, wn, bn))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (xn, wn, bn))
    y, ty = F.linear(x, w, b), torch.nn.functional.linear(tx, tw, tb)
    g = rng.standard_normal(y.shape)
    y.backward(g)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12)
    for ours, theirs in ((x, tx), (w, tw), (b, tb)):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-12)


def test_linear_bad_input(rng):
    x = Tensor(rng.standard_normal((4, 5)))
    with pytest.raises(ValueError, match="in_features"):
        F.linear(x, Tensor(rng.standard_normal((3, 4))))
    with pytest.raises(ValueError, match="2-D"):
        F.linear(x, Tensor(rng.standard_normal(5)))
    with pytest.raises(ValueError, match="bias"):
        F.linear(x, Tensor(rng.standard_normal((3, 5))), Tensor(np.ones(4)))
    with pytest.raises(ValueError, match="dtype"):
        F.linear(x, Tensor(rng.standard_normal((3, 5)).astype(np.float32)))
    with pytest.raises(ValueError, match="activation"):
        F.linear(x, Tensor(rng.standard_normal((3, 5))), activation="gelu")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 17, 1023, 70001])
def test_dropout_kernel_matches_twin_bitwise(rng, cpu_level, dtype, n):
    x = rng.standard_normal(n).astype(dtype)
    for p, key in ((0.5, 1), (0.1, 2 ** 63 + 12345), (0.93, 987654321)):
        np.testing.assert_array_equal(KDr.dropout(x, p, key), RDr.dropout(x, p, key))


def test_dropout_statistics_and_scale():
    x = np.ones(200_000, np.float32)
    for p in (0.1, 0.5, 0.8):
        y = F.dropout(Tensor(x), p).numpy()
        kept = y != 0
        assert abs(kept.mean() - (1 - p)) < 0.005
        np.testing.assert_allclose(y[kept], np.float32(1) / np.float32(1 - p))
        assert y.dtype == np.float32


def test_dropout_mask_reused_in_backward(rng):
    x = Tensor(rng.standard_normal((50, 40)), requires_grad=True)
    y = F.dropout(x, 0.3)
    y.backward(np.ones(y.shape))
    np.testing.assert_array_equal(x.grad != 0, y.numpy() != 0)
    np.testing.assert_allclose(x.grad[x.grad != 0], 1 / 0.7)


def test_dropout_gradcheck(rng):
    x = Tensor(rng.standard_normal((4, 9)), requires_grad=True)

    def f(x):
        nn.manual_seed(7)
        return F.dropout(x, 0.4)
    assert gradcheck(f, (x,))


def test_dropout_seeding_and_modes(rng):
    x = Tensor(rng.standard_normal(1000))
    nn.manual_seed(123)
    a, b = F.dropout(x, 0.5).numpy(), F.dropout(x, 0.5).numpy()
    nn.manual_seed(123)
    np.testing.assert_array_equal(F.dropout(x, 0.5).numpy(), a)
    assert not np.array_equal(a, b)  # a fresh key per call
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    z = Tensor(np.ones(5), requires_grad=True)
    out = F.dropout(z, 1.0)
    np.testing.assert_array_equal(out.numpy(), 0)
    out.sum().backward()
    np.testing.assert_array_equal(z.grad, 0)


@pytest.mark.parametrize("p", [-0.1, 1.5, "0.5", None, float("nan")])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match="p must be in"):
        F.dropout(Tensor(np.ones(3)), p)


def test_manual_seed_validation():
    with pytest.raises(ValueError):
        nn.manual_seed(-1)
    with pytest.raises(ValueError):
        nn.manual_seed(1.5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tiny_dense_without_bias_matches_twin(rng, cpu_level, dtype):
    x = rng.standard_normal((1031, 3)).astype(dtype)
    w = rng.standard_normal((4, 3)).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    y = KD.linear_forward(x, w, None)
    np.testing.assert_allclose(y, RD.linear_forward(x.astype(np.float64), w.astype(np.float64)),
                               rtol=tol, atol=tol)
    dy = rng.standard_normal(y.shape).astype(dtype)
    got = KD.linear_backward(dy, x, w, True, True, False)
    want = RD.linear_backward(dy.astype(np.float64), x.astype(np.float64), w.astype(np.float64),
                              True, True, False)
    assert got[2] is None
    for g, r in zip(got[:2], want[:2]):
        np.testing.assert_allclose(g, r, rtol=tol, atol=tol * 40)
    x[7, 1] = np.nan
    assert np.isnan(KD.linear_forward(x, w, None)[7]).all()


def test_results_independent_of_thread_count(rng):
    import fastml
    from fastml._kernels import activation as KA
    from fastml._kernels import loss as KL
    x = rng.standard_normal(300_001).astype(np.float32)
    y = rng.standard_normal(300_001).astype(np.float32)
    xs = rng.standard_normal((8, 2048)).astype(np.float32)
    w = rng.standard_normal((2048, 2048)).astype(np.float32)
    g = rng.standard_normal((8, 2048)).astype(np.float32)
    logits = rng.standard_normal((3000, 100)).astype(np.float32)
    t = rng.integers(0, 100, 3000)
    # tiny-weight dense path and few-class row kernels, above their parallel thresholds
    x3 = rng.standard_normal((70000, 5)).astype(np.float32)
    w3 = rng.standard_normal((3, 5)).astype(np.float32)
    g3 = rng.standard_normal((70000, 3)).astype(np.float32)
    t3 = rng.integers(0, 3, 70000)

    def run():
        return [KDr.dropout(x, 0.3, 99), KA.forward(KA.TANH, x), KA.softmax(logits),
                np.float64(KL.pointwise_sum(KL.BCE_LOGITS, x, y)), KL.cross_entropy(logits, t)[0],
                KD.linear_forward(xs, w, None), *KD.linear_backward(g, xs, w)[:2],
                KA.softmax(g3), KL.cross_entropy(g3, t3)[0],
                KD.linear_forward(x3, w3, None), *KD.linear_backward(g3, x3, w3)]
    prev = fastml.get_num_threads()
    try:
        fastml.set_num_threads(1)
        one = run()
        fastml.set_num_threads(2)
        two = run()
    finally:
        fastml.set_num_threads(prev)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)
