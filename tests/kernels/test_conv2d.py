"""conv2d kernels (csrc/conv2d*.c) against the im2col NumPy twin at every SIMD
level: float32 and float64, widths around every vector length, the narrow /
row / wide stride-1 kernels and the packed strided path, backward subsets,
read-only inputs, non-finite values, and thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import conv2d as kc
from fastml._kernels.reference import conv2d as ref
from fastml.utils._testing import CONV2D_CONFIGS

CONFIGS = CONV2D_CONFIGS  # (N, C, H, W, K, R, S, stride, padding, dilation, groups)
# output widths around the vector lengths (4, 8, 16 floats; panels of 2 vectors)
WIDTHS = [1, 7, 8, 9, 15, 16, 17, 31, 33]
# filters per group: 1..4 take the narrow kernel, more the MR-row kernel
FILTERS = [1, 4, 5, 9]


def _data(rng, cfg, dtype):
    N, C, H, W, K, R, S, st, pd, dl, g = cfg
    x = rng.standard_normal((N, C, H, W)).astype(dtype)
    w = rng.standard_normal((K, C // g, R, S)).astype(dtype)
    b = rng.standard_normal(K).astype(dtype)
    return x, w, b


def _tol(dtype, n):
    if dtype == np.float32:
        return dict(rtol=1e-4, atol=2e-6 * n)
    return dict(rtol=1e-10, atol=1e-12 * n)


def _check(rng, cfg, dtype):
    x, w, b = _data(rng, cfg, dtype)
    st, pd, dl, g = cfg[7:]
    y = kc.conv2d_forward(x, w, b, st, pd, dl, g)
    yr = ref.conv2d_forward(x, w, b, st, pd, dl, g)
    assert y.dtype == dtype and y.shape == yr.shape
    np.testing.assert_allclose(y, yr, **_tol(dtype, w[0].size))
    dy = rng.standard_normal(y.shape).astype(dtype)
    got = kc.conv2d_backward(dy, x, w, st, pd, dl, g)
    exp = ref.conv2d_backward(dy, x, w, st, pd, dl, g)
    for a, e, m in zip(got, exp, (w.shape[0] * w[0, 0].size, dy[:, 0].size, dy[:, 0].size)):
        assert a.dtype == dtype and a.shape == e.shape
        np.testing.assert_allclose(a, e, **_tol(dtype, m))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cfg", CONFIGS)
def test_kernels_match_reference(rng, cfg, dtype, cpu_level):
    _check(rng, cfg, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride", [(1, 1), (2, 2)])
@pytest.mark.parametrize("K", FILTERS)
def test_tail_widths(rng, cpu_level, dtype, stride, K):
    for OW in WIDTHS:
        W = (OW - 1) * stride[1] + 1  # 3x3, padding 1: OW outputs per row
        _check(rng, (2, 3, 5, W, K, 3, 3, stride, (1, 1), (1, 1), 1), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cfg", [CONFIGS[0], CONFIGS[1]])
def test_backward_subsets(rng, dtype, cfg):
    x, w, b = _data(rng, cfg, dtype)
    args = cfg[7:]
    dy = rng.standard_normal(kc.conv2d_forward(x, w, b, *args).shape).astype(dtype)
    full = kc.conv2d_backward(dy, x, w, *args)
    for need in [(True, False, False), (False, True, False), (False, False, True)]:
        part = kc.conv2d_backward(dy, x, w, *args, *need)
        for p, f, n in zip(part, full, need):
            if n:
                np.testing.assert_array_equal(p, f)
            else:
                assert p is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_read_only_inputs(rng, dtype):
    cfg = CONFIGS[0]
    x, w, b = _data(rng, cfg, dtype)
    args = cfg[7:]
    y = kc.conv2d_forward(x, w, b, *args)
    dy = rng.standard_normal(y.shape).astype(dtype)
    for a in (x, w, b, dy):
        a.flags.writeable = False
    np.testing.assert_array_equal(kc.conv2d_forward(x, w, b, *args), y)
    got = kc.conv2d_backward(dy, x, w, *args)
    exp = ref.conv2d_backward(dy, x, w, *args)
    for a, e in zip(got, exp):
        np.testing.assert_allclose(a, e, **_tol(dtype, 100))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("where", ["x", "w"])
def test_nonfinite_stays_local(cpu_level, dtype, where):
    # issue 11 item 19: an inf in x (or w) reaches dw (or dx) only where
    # torch's im2col products put it: x=[[[[inf]]]], w=ones(1,1,1,3),
    # padding (0, 1) gives dw = [0, inf, 0], not [nan, inf, 0]
    x = np.ones((1, 1, 1, 1), dtype)
    w = np.ones((1, 1, 1, 3), dtype)
    (x if where == "x" else w).flat[0] = np.inf
    args = ((1, 1), (0, 1), (1, 1), 1)
    dy = np.ones((1, 1, 1, 1), dtype)
    with np.errstate(all="ignore"):
        exp = ref.conv2d_backward(dy, x, w, *args)
    got = kc.conv2d_backward(dy, x, w, *args)
    for a, e in zip(got, exp):
        np.testing.assert_array_equal(a, e)
    if where == "x":
        np.testing.assert_array_equal(got[1].ravel(), [0, np.inf, 0])
    else:
        np.testing.assert_array_equal(got[0].ravel(), [1])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("stride, padding", [((1, 1), (1, 1)), ((1, 1), (0, 2)),
                                             ((2, 2), (1, 1))])
def test_nonfinite_matches_reference(rng, cpu_level, dtype, stride, padding):
    # a few inf / NaN among many images, in x and (separately) in w
    x = rng.standard_normal((10, 3, 9, 21)).astype(dtype)
    w = rng.standard_normal((6, 3, 3, 3)).astype(dtype)
    x[2, 1, 4, 0], x[7, 0, 8, 20], x[7, 2, 0, 5] = np.inf, -np.inf, np.nan
    args = (stride, padding, (1, 1), 1)
    with np.errstate(all="ignore"):
        for xx, ww in ((x, w), (np.nan_to_num(x), np.where(w > 1.5, np.inf, w))):
            y = kc.conv2d_forward(xx, ww, None, *args)
            np.testing.assert_array_equal(np.isnan(y), np.isnan(
                ref.conv2d_forward(xx, ww, None, *args)))
            dy = rng.standard_normal(y.shape).astype(dtype)
            got = kc.conv2d_backward(dy, xx, ww, *args)
            exp = ref.conv2d_backward(dy, xx, ww, *args)
            for a, e in zip(got, exp):
                np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
                np.testing.assert_array_equal(np.isinf(a), np.isinf(e))
                fin = np.isfinite(e)
                np.testing.assert_allclose(a[fin], e[fin], **_tol(dtype, 400))


def _run_threads(x, w, b, args, threads=(1, 2, 3)):
    out = []
    for n in threads:
        with _threads.scope(n):
            y = kc.conv2d_forward(x, w, b, *args)
            out.append((y,) + kc.conv2d_backward(y, x, w, *args))
    return out


@pytest.mark.parametrize("shape, args", [
    ((4, 8, 20, 21, 16), ((1, 1), (1, 1), (1, 1), 1)),
    ((11, 3, 30, 31, 5), ((1, 1), (1, 1), (1, 1), 1)),
    ((1, 6, 40, 41, 8), ((1, 1), (1, 1), (1, 1), 1)),
    ((2, 16, 8, 300, 8), ((1, 1), (1, 1), (1, 1), 1)),      # wide image
    ((9, 8, 40, 41, 16), ((2, 2), (1, 1), (1, 1), 1)),      # packed path
    ((3, 8, 30, 33, 12), ((1, 2), (2, 1), (1, 1), 2)),      # packed, groups
])
def test_thread_count_independent_float32(rng, shape, args):
    N, C, H, W, K = shape
    x, w, b = _data(rng, (N, C, H, W, K, 3, 3) + args, np.float32)
    out = _run_threads(x, w, b, args)
    for o in out[1:]:
        for a, e in zip(o, out[0]):
            np.testing.assert_array_equal(a, e)


def test_thread_count_float64_last_bits(rng):
    # float64 runs on the borrowed BLAS, split into one block per thread; the
    # BLAS's summation order depends on the block shape, so results may differ
    # between thread counts in the last bits (documented in conv2d's docstring)
    args = ((2, 2), (1, 1), (1, 1), 1)
    x, w, b = _data(rng, (2, 16, 60, 60, 16, 3, 3) + args, np.float64)
    out = _run_threads(x, w, b, args)
    for o in out[1:]:
        for a, e in zip(o, out[0]):
            np.testing.assert_allclose(a, e, rtol=1e-13, atol=1e-13 * np.abs(e).max())


def test_large_batch_bounded_padding(rng):
    # 32 images of 64 x 90 x 90: the padded copy (~70 MB) is made in two batches
    # in the forward pass and dw runs its chunks in sub-batches of images; both
    # must give the float64 (im2col + BLAS) answer
    x = rng.standard_normal((32, 64, 90, 90)).astype(np.float32)
    w = (rng.standard_normal((8, 64, 3, 3)) / 24).astype(np.float32)
    args = ((1, 1), (1, 1), (1, 1), 1)
    y = kc.conv2d_forward(x, w, None, *args)
    y64 = kc.conv2d_forward(x.astype(np.float64), w.astype(np.float64), None, *args)
    np.testing.assert_allclose(y, y64, rtol=1e-4, atol=1e-4)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    _, dw, _ = kc.conv2d_backward(dy, x, w, *args, need_dx=False, need_db=False)
    _, dw64, _ = kc.conv2d_backward(dy.astype(np.float64), x.astype(np.float64),
                                    w.astype(np.float64), *args, need_dx=False, need_db=False)
    np.testing.assert_allclose(dw, dw64, rtol=1e-4, atol=2e-6 * np.abs(dw64).max() + 1e-3)


# stride 2 on small images: several images per GEMM (a block of nb images, the
# last block shorter) and the paired-tap gathers / col2im (adjacent kernel
# columns), with padding that clips one tap of a pair but not the other
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cfg", [
    (13, 5, 14, 14, 7, 4, 4, (2, 2), (1, 1), (1, 1), 1),
    (9, 6, 7, 9, 4, 3, 5, (2, 2), (2, 0), (1, 1), 2),
    (5, 3, 6, 5, 8, 2, 2, (1, 2), (0, 1), (1, 1), 1),
    (7, 4, 9, 8, 3, 5, 4, (2, 2), (3, 3), (1, 1), 1),
    (3, 2, 4, 4, 2, 4, 4, (2, 2), (3, 2), (1, 1), 1),
])
def test_small_images_stride2_blocks(rng, cpu_level, dtype, cfg):
    _check(rng, cfg, dtype)


# 4x4 / stride 2 / padding 1 (transposed-conv decoders, conv2d_phase.c): dx
# with its four taps summed per element, dw on x's phase planes; even and odd
# sizes (odd: the planes' pitch grows by one column), one channel, several
# images per block, image chunks and channel blocks with remainders
PHASE_CONFIGS = [
    (9, 3, 15, 13, 70, 4, 4, (2, 2), (1, 1), (1, 1), 1),
    (3, 1, 8, 9, 2, 4, 4, (2, 2), (1, 1), (1, 1), 1),
    (2, 40, 32, 30, 9, 4, 4, (2, 2), (1, 1), (1, 1), 1),
    (1, 2, 2, 3, 3, 4, 4, (2, 2), (1, 1), (1, 1), 1),
    (11, 17, 6, 6, 33, 4, 4, (2, 2), (1, 1), (1, 1), 1),   # panels across images
    (7, 9, 11, 13, 5, 4, 4, (2, 2), (1, 1), (1, 1), 1),    # ... odd sizes
    (3, 8, 40, 20, 6, 4, 4, (2, 2), (1, 1), (1, 1), 1),    # panels within images
]


@pytest.mark.parametrize("cfg", PHASE_CONFIGS)
def test_phase_path_matches_reference(rng, cpu_level, cfg):
    _check(rng, cfg, np.float32)
    x, w, b = _data(rng, cfg, np.float32)
    args = cfg[7:]
    y = kc.conv2d_forward(x, w, b, *args)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    got = kc.conv2d_backward(dy, x, w, *args)
    with _threads.scope(1):
        one = kc.conv2d_backward(dy, x, w, *args)
    for a, e in zip(got, one):  # the same bits for any thread count
        np.testing.assert_array_equal(a, e)


def test_phase_path_nonfinite(rng, cpu_level):
    # the phase planes' pitch column meets dy's zeros: an inf or NaN in x takes
    # the generic path, so dw holds inf/NaN exactly where the reference has them
    x = rng.standard_normal((5, 3, 10, 11)).astype(np.float32)
    w = rng.standard_normal((4, 3, 4, 4)).astype(np.float32)
    x[1, 2, 3, 10], x[4, 0, 9, 0] = np.inf, np.nan
    args = ((2, 2), (1, 1), (1, 1), 1)
    dy = rng.standard_normal((5, 4, 5, 5)).astype(np.float32)
    dy[0, 1, 2, 4] = -np.inf
    with np.errstate(all="ignore"):
        got = kc.conv2d_backward(dy, x, w, *args)
        exp = ref.conv2d_backward(dy, x, w, *args)
    for a, e in zip(got, exp):
        np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
        np.testing.assert_array_equal(np.isinf(a), np.isinf(e))
        fin = np.isfinite(e)
        np.testing.assert_allclose(a[fin], e[fin], **_tol(np.float32, 400))


@pytest.mark.parametrize("cfg", [
    (13, 64, 7, 7, 32, 4, 4, (2, 2), (1, 1), (0, 0), (1, 1), 1),
    (5, 6, 5, 6, 4, 3, 4, (2, 2), (1, 2), (1, 1), (1, 1), 2),
    (5, 6, 7, 5, 4, 4, 4, (2, 2), (1, 1), (1, 1), (1, 1), 1),   # phase path, odd output
    (4, 9, 6, 6, 5, 4, 4, (2, 2), (1, 1), (0, 1), (1, 1), 1),
])
def test_conv_transpose_matches_twin(rng, cpu_level, cfg):
    N, C, H, W, K, R, S, st, pd, op, dl, g = cfg
    x = rng.standard_normal((N, C, H, W)).astype(np.float32)
    w = rng.standard_normal((C, K // g, R, S)).astype(np.float32)
    b = rng.standard_normal(K).astype(np.float32)
    y = kc.conv_transpose2d_forward(x, w, b, st, pd, op, dl, g)
    np.testing.assert_allclose(y, ref.conv_transpose2d_forward(x, w, b, st, pd, op, dl, g),
                               **_tol(np.float32, C * R * S))
    dy = rng.standard_normal(y.shape).astype(np.float32)
    got = kc.conv_transpose2d_backward(dy, x, w, st, pd, op, dl, g)
    exp = ref.conv_transpose2d_backward(dy, x, w, st, pd, op, dl, g)
    for a, e in zip(got, exp):
        np.testing.assert_allclose(a, e, **_tol(np.float32, dy[:, 0].size))
    with _threads.scope(1):
        one = kc.conv_transpose2d_backward(dy, x, w, st, pd, op, dl, g)
    for a, e in zip(got, one):  # float32: the same bits for any thread count
        np.testing.assert_array_equal(a, e)


# kernel dims multiples of the stride, no dilation: float32 runs the forward
# pass (and dw when C/groups*R*S is small) as a stride-1 conv of the
# space-to-depth image; padding beyond the kernel, uneven sizes, groups,
# mixed strides and a narrow dw (C/groups*R*S = 16) against the twin
S2D_CONFIGS = [
    (3, 1, 14, 13, 32, 4, 4, (2, 2), (1, 1), (1, 1), 1),    # narrow dw: s2d dot kernel
    (4, 6, 11, 9, 10, 6, 3, (3, 3), (2, 1), (1, 1), 2),
    (9, 5, 8, 7, 7, 4, 3, (2, 1), (1, 2), (1, 1), 1),
    (2, 2, 5, 5, 3, 4, 4, (2, 2), (3, 3), (1, 1), 1),
    (10, 33, 7, 9, 40, 4, 4, (2, 2), (1, 1), (1, 1), 1),
    (2, 4, 9, 9, 6, 2, 2, (2, 2), (0, 0), (1, 1), 2),
]


@pytest.mark.parametrize("cfg", S2D_CONFIGS)
def test_space_to_depth_matches_reference(rng, cpu_level, cfg):
    _check(rng, cfg, np.float32)


@pytest.mark.parametrize("cfg", [S2D_CONFIGS[0], S2D_CONFIGS[1]])
def test_space_to_depth_nonfinite_and_threads(rng, cfg):
    x, w, b = _data(rng, cfg, np.float32)
    x[1, 0, 2, 3], x[2, -1, 5, 0] = np.inf, np.nan
    args = cfg[7:]
    with np.errstate(all="ignore"):
        y = kc.conv2d_forward(x, w, b, *args)
        yr = ref.conv2d_forward(x, w, b, *args)
        dy = rng.standard_normal(y.shape).astype(np.float32)
        got, exp = kc.conv2d_backward(dy, x, w, *args), ref.conv2d_backward(dy, x, w, *args)
    for a, e in zip((y,) + got, (yr,) + exp):
        np.testing.assert_array_equal(np.isnan(a), np.isnan(e))
        np.testing.assert_array_equal(np.isinf(a), np.isinf(e))
        fin = np.isfinite(e)
        np.testing.assert_allclose(a[fin], e[fin], **_tol(np.float32, 400))
    out = _run_threads(np.nan_to_num(x), w, b, args)
    for o in out[1:]:
        for a, e in zip(o, out[0]):
            np.testing.assert_array_equal(a, e)
