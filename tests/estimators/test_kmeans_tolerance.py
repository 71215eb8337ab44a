"""KMeans' convergence tolerance: tol times the mean column variance, computed
without np.var's temporaries (shifted Gram kernel for few columns, blocked
centred squares for more), against np.var."""
import numpy as np
import pytest

from fastml.cluster._kmeans_common import _GRAM_VAR_MAX_D, mean_variance, tolerance


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,d", [(1, 3), (2, 1), (1000, 10), (3001, _GRAM_VAR_MAX_D),
                                 (3001, _GRAM_VAR_MAX_D + 1), (500, 200)])
def test_mean_variance_matches_np_var(rng, dtype, n, d):
    # offsets far from the spread: a naive E[x^2] - E[x]^2 would cancel
    X = (rng.standard_normal((n, d)) * 0.5 + 1e3).astype(dtype)
    want = float(np.mean(np.var(X, axis=0, dtype=np.float64)))
    got = mean_variance(X)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert tolerance(X, 1e-4) == pytest.approx(1e-4 * want, rel=1e-9, abs=1e-16)
    assert tolerance(X, 0) == 0.0


def test_mean_variance_strided_input(rng):
    X = rng.standard_normal((400, 24))[:, ::2]
    np.testing.assert_allclose(mean_variance(X), np.mean(np.var(X, axis=0)), rtol=1e-12)
    F = np.asfortranarray(rng.standard_normal((300, 5)))
    np.testing.assert_allclose(mean_variance(F), np.mean(np.var(F, axis=0)), rtol=1e-12)
