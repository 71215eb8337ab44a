"""init.orthogonal_ (orthogonality, gain, shapes, sign convention, torch's errors) and
init.trunc_normal_ (bounds, moments of the truncated normal, KS test, far tails)."""
import math

import numpy as np
import pytest

from fastml import nn
from fastml.nn import init


@pytest.mark.parametrize("shape", [(5, 5), (3, 8), (8, 3), (4, 2, 3, 3), (1, 6), (6, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, dtype):
    nn.manual_seed(1)
    w = nn.Parameter(np.zeros(shape, dtype))
    assert init.orthogonal_(w, gain=2.0) is w
    assert w.data.dtype == dtype
    m = w.data.reshape(shape[0], -1).astype(np.float64) / 2.0
    rows, cols = m.shape
    gram = m @ m.T if rows <= cols else m.T @ m
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5 if dtype == np.float32
                               else 1e-12)


def test_orthogonal_is_haar_distributed():
    """Uniform over O(n): E[Q_ij] = 0 and E[Q_ij^2] = 1 / n for every entry."""
    nn.manual_seed(2)
    n, reps = 4, 3000
    qs = np.stack([init.orthogonal_(np.zeros((n, n))) for _ in range(reps)])
    np.testing.assert_allclose(qs.mean(axis=0), 0, atol=4 / math.sqrt(reps * n))
    np.testing.assert_allclose((qs ** 2).mean(axis=0), 1 / n, atol=0.03)
    dets = np.linalg.det(qs)
    assert abs((dets > 0).mean() - 0.5) < 0.05  # both components of O(n)


def test_orthogonal_errors():
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(np.zeros(4))
    init.orthogonal_(np.zeros((0, 3)))  # empty: nothing to fill


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.5, 0.2, 0.0, 1.0),
                                          (0.0, 0.02, -0.04, 0.04), (1.0, 1.0, 1.5, 4.0)])
def test_trunc_normal_moments_and_ks(mean, std, a, b):
    stats = pytest.importorskip("scipy.stats")
    nn.manual_seed(3)
    x = init.trunc_normal_(np.zeros(200_000), mean=mean, std=std, a=a, b=b)
    assert x.min() >= a and x.max() <= b
    ref = stats.truncnorm((a - mean) / std, (b - mean) / std, loc=mean, scale=std)
    assert x.mean() == pytest.approx(ref.mean(), abs=4 * ref.std() / math.sqrt(x.size))
    assert x.std() == pytest.approx(ref.std(), rel=0.01)
    assert stats.kstest(x, ref.cdf).pvalue > 1e-3


def test_trunc_normal_far_tail_and_matches_torch_distribution():
    torch = pytest.importorskip("torch")
    stats = pytest.importorskip("scipy.stats")
    nn.manual_seed(4)
    with pytest.warns(UserWarning, match="more than 2 std"):  # as torch warns
        x = init.trunc_normal_(np.zeros(50_000), a=8.0, b=9.0)  # Phi(9) - Phi(8) < 1e-14
    assert np.isfinite(x).all() and x.min() >= 8.0 and x.max() <= 9.0
    assert stats.kstest(x, stats.truncnorm(8.0, 9.0).cdf).pvalue > 1e-3
    t = torch.nn.init.trunc_normal_(torch.empty(50_000, dtype=torch.float64), std=0.5, a=-0.3,
                                    b=1.0)
    y = init.trunc_normal_(np.zeros(50_000), std=0.5, a=-0.3, b=1.0)
    assert stats.ks_2samp(y, t.numpy()).pvalue > 1e-3


def test_trunc_normal_generator_float32_and_errors():
    w = nn.Parameter(np.zeros((100, 100), np.float32))
    init.trunc_normal_(w, std=0.02, generator=np.random.default_rng(0))
    assert w.data.dtype == np.float32 and np.abs(w.data).max() <= 2.0
    a = init.trunc_normal_(np.zeros(10), generator=np.random.default_rng(5))
    b = init.trunc_normal_(np.zeros(10), generator=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="more than 2 std"):
        init.trunc_normal_(np.zeros(10), mean=10.0, a=-1.0, b=1.0)
    with pytest.raises(ValueError, match="std"):
        init.trunc_normal_(np.zeros(3), std=0.0)
    with pytest.raises(ValueError, match="a < b"):
        init.trunc_normal_(np.zeros(3), a=1.0, b=0.0)
