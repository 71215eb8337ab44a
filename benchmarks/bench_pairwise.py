"""Pairwise distances: fastml vs its NumPy reference vs scikit-learn vs SciPy.

Same data, same run, same thread count (benchmarks/conftest.py pins it).
Issue targets (4000 x 4000 x 128, float32): euclidean at least as fast as
sklearn.metrics.pairwise_distances; manhattan >= 3x scipy cdist; both >= 5x
the NumPy reference.
"""
import numpy as np
import pytest

from fastml._kernels.reference import distance as ref
from fastml.metrics import pairwise_distances


@pytest.fixture(scope="module")
def data(request):
    small = request.config.getoption("benchmark_disable")
    n, d = (64, 16) if small else (4000, 128)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d)).astype(np.float32)
    Y = rng.standard_normal((n, d)).astype(np.float32)
    return X, Y


CASES = [("euclidean", "euclidean", "euclidean"), ("manhattan", "manhattan", "cityblock")]


@pytest.mark.parametrize("metric,sk_name,scipy_name", CASES)
def bench_fastml(benchmark, data, metric, sk_name, scipy_name):
    X, Y = data
    benchmark.group = f"pairwise-{metric}-f32"
    D = benchmark(pairwise_distances, X, Y, metric=metric)
    assert D.dtype == np.float32 and D.shape == (X.shape[0], Y.shape[0])


@pytest.mark.parametrize("metric,sk_name,scipy_name", CASES)
def bench_numpy_reference(benchmark, data, metric, sk_name, scipy_name):
    X, Y = data
    benchmark.group = f"pairwise-{metric}-f32"
    benchmark.pedantic(ref.pairwise_distances, args=(X, Y, metric), rounds=3, iterations=1)


@pytest.mark.parametrize("metric,sk_name,scipy_name", CASES)
def bench_sklearn(benchmark, data, metric, sk_name, scipy_name, bench_threads):
    skm = pytest.importorskip("sklearn.metrics")
    X, Y = data
    benchmark.group = f"pairwise-{metric}-f32"
    benchmark(skm.pairwise_distances, X, Y, metric=sk_name, n_jobs=None)


@pytest.mark.parametrize("metric,sk_name,scipy_name", CASES)
def bench_scipy_cdist(benchmark, data, metric, sk_name, scipy_name):
    from scipy.spatial.distance import cdist

    X, Y = data
    benchmark.group = f"pairwise-{metric}-f32"
    benchmark.pedantic(cdist, args=(X, Y), kwargs=dict(metric=scipy_name), rounds=3,
                       iterations=1)
