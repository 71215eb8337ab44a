"""hist family: gradient histograms against the NumPy twin (bitwise: both sum
in row order), row subsets, tail sizes, read-only input, thread counts."""
import numpy as np
import pytest

from fastml._kernels import _threads, hist
from fastml._kernels.reference import hist as ref


def _data(rng, d, n, nbins):
    codes = rng.integers(0, nbins, size=(d, n), dtype=np.uint8)
    return codes, rng.standard_normal(n), rng.random(n)


@pytest.mark.parametrize("d,n", [(1, 1), (7, 9), (8, 17), (3, 1023), (17, 15)])
@pytest.mark.parametrize("nbins", [1, 7, 255, 256])
def test_matches_twin(rng, d, n, nbins):
    codes, g, h = _data(rng, d, n, nbins)
    for hh in (h, None):
        np.testing.assert_array_equal(hist.build_histograms(codes, g, hh, None, nbins),
                                      ref.build_histograms(codes, g, hh, None, nbins))


def test_row_subsets_and_empty(rng):
    codes, g, h = _data(rng, 5, 300, 64)
    for rows in (np.arange(0, 300, 3), rng.permutation(300)[:77], np.empty(0, np.int64),
                 np.array([5, 5, 9])):
        rows = rows.astype(np.int64)
        got = hist.build_histograms(codes, g, h, rows, 64)
        np.testing.assert_array_equal(got, ref.build_histograms(codes, g, h, rows, 64))
        np.testing.assert_array_equal(got[:, :, 2].sum(axis=1), len(rows))
    empty = hist.build_histograms(np.empty((0, 10), np.uint8), g[:10], None, None, 8)
    assert empty.shape == (0, 8, 3)


def test_read_only_inputs(rng):
    codes, g, h = _data(rng, 4, 100, 16)
    for a in (codes, g, h):
        a.setflags(write=False)
    np.testing.assert_array_equal(hist.build_histograms(codes, g, h, None, 16),
                                  ref.build_histograms(codes, g, h, None, 16))


def test_thread_count_independent(rng):
    codes, g, h = _data(rng, 33, 20000, 255)
    outs = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            outs.append(hist.build_histograms(codes, g, h, None, 255))
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])
