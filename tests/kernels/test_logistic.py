"""Logistic family (csrc/logistic*.c): the fused binary objective against its
NumPy twin and against finite differences, at every SIMD level, float32 /
float64 rows, tail sizes (rows and features around the vector widths and the
4-row unrolls), extreme logits, zero weights, read-only inputs and
thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import logistic as K
from fastml._kernels.reference import logistic as R
from fastml.utils._testing import read_only, same_under_thread_counts


def _problem(rng, n, p, dtype, scale=1.0):
    X = (rng.standard_normal((n, p)) * scale).astype(dtype)
    ypm = np.where(rng.random(n) < 0.4, 1.0, -1.0)
    sn = rng.random(n)
    sn[rng.random(n) < 0.1] = 0.0
    sn /= max(sn.sum(), 1e-300)
    w = rng.standard_normal(p)
    return X, ypm, sn, w


def _close(got, want, rtol=1e-12):
    loss, gw, gb, curv = got
    rl, rgw, rgb, rcurv = want
    assert np.isfinite(loss) and np.isfinite(gw).all() and np.isfinite(gb)
    np.testing.assert_allclose(loss, rl, rtol=rtol, atol=rtol)
    scale = max(1.0, float(np.abs(rgw).max()))
    np.testing.assert_allclose(gw / scale, rgw / scale, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(gb, rgb, rtol=rtol, atol=rtol)
    assert (curv is None) == (rcurv is None)
    if curv is not None:
        np.testing.assert_allclose(curv, rcurv, rtol=1e-11, atol=1e-17)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,p", [(1, 1), (3, 2), (7, 7), (8, 9), (63, 17), (64, 8), (65, 50),
                                 (1025, 3), (3001, 33), (2000, 1031)])
def test_binary_matches_twin(rng, cpu_level, dtype, n, p):
    X, ypm, sn, w = _problem(rng, n, p, dtype)
    for need_curv in (False, True):
        got = K.binary(X, ypm, sn, w, 0.25, need_curv)
        want = R.binary(X, ypm, sn, w, 0.25, need_curv)
        _close(got, want)


def test_extreme_logits_stay_finite(rng, cpu_level):
    # |z| up to ~1e4: exp(-|t|) underflows to 0, the loss is -t (no overflow)
    X, ypm, sn, w = _problem(rng, 300, 12, np.float64, scale=300.0)
    got = K.binary(X, ypm, sn, w, -5.0, True)
    _close(got, R.binary(X, ypm, sn, w, -5.0, True), rtol=1e-11)
    assert got[0] > 1.0  # misclassified rows at huge margins cost about |t| each


def test_gradient_is_the_derivative_of_the_loss(rng):
    X, ypm, sn, w = _problem(rng, 500, 6, np.float64)
    b, h = 0.3, 1e-6
    loss, gw, gb, _ = K.binary(X, ypm, sn, w, b)
    for j in range(6):
        e = np.zeros(6)
        e[j] = h
        fd = (K.binary(X, ypm, sn, w + e, b)[0] - K.binary(X, ypm, sn, w - e, b)[0]) / (2 * h)
        np.testing.assert_allclose(gw[j], fd, rtol=1e-6, atol=1e-9)
    fd = (K.binary(X, ypm, sn, w, b + h)[0] - K.binary(X, ypm, sn, w, b - h)[0]) / (2 * h)
    np.testing.assert_allclose(gb, fd, rtol=1e-6, atol=1e-9)


def test_curvature_is_the_derivative_of_the_gradient_weights(rng):
    # d_i = -ypm_i sn_i q_i with q = sigmoid(-ypm z): dd_i/dz_i = curv_i
    X, ypm, sn, w = _problem(rng, 200, 4, np.float64)
    h = 1e-6
    _, _, _, curv = K.binary(X, ypm, sn, w, 0.0, True)

    def d_of(b):
        t = (X @ w + b) * ypm
        return -ypm * sn / (1.0 + np.exp(t))
    np.testing.assert_allclose(curv, (d_of(h) - d_of(-h)) / (2 * h), rtol=1e-5, atol=1e-12)


def test_read_only_inputs(rng):
    X, ypm, sn, w = _problem(rng, 130, 10, np.float64)
    Xr, yr, sr, wr = read_only(X, ypm, sn, w)
    _close(K.binary(Xr, yr, sr, wr, 0.1, True), R.binary(X, ypm, sn, w, 0.1, True))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_thread_count_independent(rng, dtype):
    X, ypm, sn, w = _problem(rng, 70_001, 21, dtype)

    def run():
        loss, gw, gb, curv = K.binary(X, ypm, sn, w, 0.5, True)
        return np.array([loss, gb]), gw, curv
    same_under_thread_counts(run)
