"""embedding family: the weight gradient (scatter-add of gradient rows) against
the NumPy twin (bitwise: both sum every row in token order) and np.add.at;
float32/float64, tail widths, repeats, padding row, empty input, read-only
and thread-count independence."""
import numpy as np
import pytest

from fastml._kernels import _threads, embedding
from fastml._kernels.reference import embedding as ref


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("V,D,ntok", [(1, 1, 1), (7, 9, 15), (17, 8, 1023), (1000, 17, 7),
                                      (50, 16, 3000)])
def test_matches_twin_and_add_at(rng, dtype, V, D, ntok):
    idx = rng.integers(0, V, ntok).astype(np.int64)
    g = rng.standard_normal((ntok, D)).astype(dtype)
    got = embedding.embedding_backward(g, idx, V)
    assert got.dtype == dtype and got.shape == (V, D)
    np.testing.assert_array_equal(got, ref.embedding_backward(g, idx, V))
    want = np.zeros((V, D), dtype)
    np.add.at(want, idx, g)
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


def test_many_repeats_padding_row_and_empty(rng):
    V, D = 40, 5
    idx = np.r_[np.full(30, 3), rng.integers(0, V, 200)].astype(np.int64)  # > 8 repeats
    g = rng.standard_normal((idx.size, D))
    for pad in (None, 0, 3, V - 1):
        got = embedding.embedding_backward(g, idx, V, pad)
        np.testing.assert_array_equal(got, ref.embedding_backward(g, idx, V, pad))
        if pad is not None:
            assert (got[pad] == 0).all()
    assert np.abs(got[3]).sum() > 0  # the repeated row (pad V - 1 last)
    empty = embedding.embedding_backward(np.empty((0, D)), np.empty(0, np.int64), V)
    assert empty.shape == (V, D) and not empty.any()
    assert embedding.embedding_backward(np.empty((0, 0)), np.empty(0, np.int64), V).shape \
        == (V, 0)


def test_read_only_inputs(rng):
    idx = rng.integers(0, 30, 100).astype(np.int64)
    g = rng.standard_normal((100, 7)).astype(np.float32)
    idx.setflags(write=False)
    g.setflags(write=False)
    np.testing.assert_array_equal(embedding.embedding_backward(g, idx, 30),
                                  ref.embedding_backward(g, idx, 30))


def test_thread_count_independent(rng):
    V, D = 50_000, 33
    idx = rng.integers(0, 500, 20_000).astype(np.int64) * 100  # repeats across blocks
    g = rng.standard_normal((idx.size, D)).astype(np.float32)
    outs = []
    for n in (1, 2, 3):
        with _threads.scope(n):
            outs.append(embedding.embedding_backward(g, idx, V, 700))
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])
