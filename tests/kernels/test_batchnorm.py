"""Batch-norm kernels (csrc/batchnorm*.c) vs the NumPy twin (reference/batchnorm.py)
at every SIMD level: float32/float64, (N, C) and (N, C, L) layouts, run lengths
around the vector length and the 16-vector partial-sum block, the streaming
store path, stability of the statistics, read-only input, and bitwise
thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import batchnorm as kb
from fastml._kernels._threads import scope
from fastml._kernels.reference import batchnorm as ref


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
    outs = []
    for n in (1, 2):
        with scope(n):
            y, mean, inv = kb.forward_train(x, None, None, w, b, 0.1, 1e-5)
            outs.append([y, mean, inv, *kb.backward(dy, x, mean, inv, w, True)])
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


def test_thread_count_independent(cpu_level, rng):
    x = rng.standard_normal((16, 12, 20, 20)).astype(np.float32)
    xs = rng.standard_normal((4000, 100)).astype(np.float32)
    out = []
    for n in (1, 2, 3):
        res = []
        with scope(n):
            for a in (x, xs):
                y, m, i = kb.forward_train(a, None, None, None, None, 0.1, 1e-5)
                res += [y, m, i, *kb.backward(y, a, m, i, None, True)]
                mean, inv = kb.eval_stats(m, 1.0 / i ** 2, 1e-5, a.dtype)
                res.append(kb.forward_eval(a, mean, inv, None, None))
        out.append(res)
    for o in out[1:]:
        for got, exp in zip(o, out[0]):
            np.testing.assert_array_equal(got, exp)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("L", [1, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 255, 257, 513])
def test_run_length_tails(cpu_level, rng, dtype, L):
    """L around VL (2..16 lanes) and the 16 x VL block; C = 67 crosses the
    64-column task of the (N, C) path when L == 1."""
    C = 67 if L == 1 else 3
    x = (rng.standard_normal((5, C, L)) + 2).astype(dtype)
    w, b = rng.standard_normal(C).astype(dtype), rng.standard_normal(C).astype(dtype)
    dy = rng.standard_normal(x.shape).astype(dtype)
    y, mean, inv = kb.forward_train(x, None, None, w, b, 0.1, 1e-5)
    yr, meanr, invr = ref.forward_train(x, None, None, w, b, 0.1, 1e-5)
    np.testing.assert_allclose(y, yr, **_tol(dtype))
    np.testing.assert_allclose(mean, meanr, **_tol(dtype))
    for training in (True, False):
        for got, exp in zip(kb.backward(dy, x, mean, inv, w, training),
                            ref.backward(dy, x, mean, inv, w, training)):
            np.testing.assert_allclose(got, exp, **_tol(dtype))


@pytest.mark.parametrize("shape", [(9, 5), (3, 4, 6, 7)])
def test_read_only_input_and_partial_outputs(cpu_level, rng, shape):
    C = shape[1]
    x = rng.standard_normal(shape)
    w, b = rng.standard_normal(C), rng.standard_normal(C)
    dy = rng.standard_normal(shape)
    for a in (x, w, b, dy):
        a.flags.writeable = False
    y, mean, inv = kb.forward_train(x, None, None, w, b, 0.1, 1e-5)
    yr, _, _ = ref.forward_train(x, None, None, w, b, 0.1, 1e-5)
    np.testing.assert_allclose(y, yr, **_tol(np.float64))
    for need in ((True, False, False), (False, True, True), (False, False, True)):
        got = kb.backward(dy, x, mean, inv, w, True, *need)
        exp = ref.backward(dy, x, mean, inv, w, True, *need)
        for g, e, n in zip(got, exp, need):
            assert (g is None) == (not n)
            if n:
                np.testing.assert_allclose(g, e, **_tol(np.float64))
