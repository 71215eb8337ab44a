"""Property-based checks of pairwise_distances over shapes, strides and values."""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from fastml._kernels.reference import distance as ref  # noqa: E402
from fastml.metrics import pairwise_distances  # noqa: E402

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def pairs(draw):
    d = draw(st.integers(1, 40))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    X = draw(hnp.arrays(dtype, (draw(st.integers(1, 20)), d), elements=finite))
    Y = draw(hnp.arrays(dtype, (draw(st.integers(1, 20)), d), elements=finite))
    if draw(st.booleans()):          # non-contiguous view of a bigger array
        X = np.repeat(X, 2, axis=1)[:, ::2]
    return X, Y


@settings(max_examples=60, deadline=None)
@given(pairs(), st.sampled_from(["euclidean", "sqeuclidean", "manhattan", "chebyshev",
                                 "hamming", "minkowski"]))
def test_agrees_with_reference(xy, metric):
    X, Y = xy
    got = pairwise_distances(X, Y, metric=metric, p=3)
    want = ref.pairwise_distances(X.astype(np.float64), Y.astype(np.float64), metric, 3.0)
    assert got.dtype == X.dtype and got.shape == (len(X), len(Y))
    scale = float(np.max(np.abs(want))) + 1.0
    tol = (1e-5 if X.dtype == np.float32 else 1e-11) * scale * np.sqrt(X.shape[1])
    if metric == "sqeuclidean":
        tol *= scale
    np.testing.assert_allclose(got, want, atol=tol, rtol=1e-5)
    assert np.all(got >= 0)
