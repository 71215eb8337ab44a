"""Benchmark setup: every library runs with the same thread count.

FASTML_BENCH_THREADS (default 2) pins fastml (set_num_threads), BLAS
(threadpoolctl when installed, else the *_NUM_THREADS variables set here
before NumPy loads its BLAS) and torch (torch.set_num_threads in the torch
benchmarks). Run for real with, e.g.:

    python -m pytest benchmarks/bench_pairwise.py --benchmark-only \
        --benchmark-columns=min,median,mean --benchmark-sort=name

In CI the files run with --benchmark-disable (each body runs once, so they
stay correct).
"""
import os

THREADS = int(os.environ.get("FASTML_BENCH_THREADS", "2"))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import fastml  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _pin_threads():
    fastml.set_num_threads(THREADS)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        yield
        return
    with threadpool_limits(limits=THREADS):
        yield


@pytest.fixture(scope="session")
def bench_threads():
    return THREADS


def make_clustered(n, d, *, n_clusters=64, seed=0, dtype=np.float64):
    """64 Gaussian clusters: centres N(0, 25 I), unit-variance points."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 5.0, size=(n_clusters, d))
    labels = rng.integers(0, n_clusters, size=n)
    return (centres[labels] + rng.standard_normal((n, d))).astype(dtype)


@pytest.fixture(scope="session")
def clustered():
    """Factory fixture: clustered(n, d, seed=0, dtype=np.float32)."""
    return make_clustered
