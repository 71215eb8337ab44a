"""Dropout family (csrc/dropout*.c): the compiled kernel is bit-identical to
the NumPy twin at every SIMD level (float32/float64, tail sizes, 64-bit keys),
backward regenerates the mask, read-only inputs, thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import dropout as KDr
from fastml._kernels.reference import dropout as RDr
from fastml.utils._testing import same_under_thread_counts, read_only


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 17, 1023, 70001])
def test_dropout_kernel_matches_twin_bitwise(rng, cpu_level, dtype, n):
    x = rng.standard_normal(n).astype(dtype)
    for p, key in ((0.5, 1), (0.1, 2 ** 63 + 12345), (0.93, 987654321)):
        np.testing.assert_array_equal(KDr.dropout(x, p, key), RDr.dropout(x, p, key))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_regenerates_the_mask(rng, cpu_level, dtype):
    dy = rng.standard_normal((33, 5)).astype(dtype)
    y = KDr.dropout(np.ones_like(dy), 0.4, 77)
    dx = KDr.dropout_backward(dy, 0.4, 77)
    np.testing.assert_array_equal(dx != 0, y != 0)
    np.testing.assert_array_equal(dx, RDr.dropout_backward(dy, 0.4, 77))


def test_read_only_input(rng):
    x, = read_only(rng.standard_normal(1031).astype(np.float32))
    np.testing.assert_array_equal(KDr.dropout(x, 0.3, 5), RDr.dropout(x, 0.3, 5))


def test_thread_count_independent(rng):
    x = rng.standard_normal(300_001).astype(np.float32)
    same_under_thread_counts(lambda: [KDr.dropout(x, 0.3, 99), KDr.dropout_backward(x, 0.6, 3)])
