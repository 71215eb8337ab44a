"""PCA: fastml vs scikit-learn vs scikit-learn-intelex over a grid.

Grid: tall (10^6 x 50, 500k x 50), square-ish (10^4 x 10^3), wide (10^3 x 10^4);
float32 and float64; n_components 20 and 2 ("small"); svd_solver="auto" for all
three libraries (scikit-learn's policy: covariance eigendecomposition for tall
data, randomized SVD for few components of wide data). Each cell records the
three times (interleaved, min of 3), the ratio to the faster peer and fastml's
GFLOP/s (the covariance product n p^2 or the randomized passes) vs the peak.
Threads: benchmarks/conftest.py pins every library (FASTML_BENCH_THREADS,
default 2). Run for real with

    python -m pytest benchmarks/bench_decomposition.py --benchmark-only -s

With --benchmark-disable (CI) the cells are small and only correctness runs.
"""
import numpy as np
import pytest

from fastml.decomposition import PCA

import os as _os  # noqa: E402
import sys as _sys  # noqa: E402

_sys.path.insert(0, _os.path.dirname(_os.path.abspath(__file__)))  # --import-mode=importlib
from _peer_grid import SHAPES_FULL, SHAPES_SMALL, best_of, low_rank_data, report

sk = pytest.importorskip("sklearn.decomposition")


def _sklearnex_pca():
    try:
        from sklearnex.decomposition import PCA as XPCA
    except ImportError:
        return None
    return XPCA


def _cells(small):
    shapes = SHAPES_SMALL if small else SHAPES_FULL
    return [(s, dt, k) for s in shapes for dt in (np.float64, np.float32) for k in (20, 2)]


@pytest.fixture(scope="module")
def small(request):
    return request.config.getoption("benchmark_disable")


def _flops(n, p, k, solver):
    if solver == "covariance_eigh":
        return n * p * p  # SYRK (half of 2 n p^2)
    # randomized: (2 + 2 iters) passes of 2 n p (k + 10) plus the final projection
    iters = 7 if k < 0.1 * min(n, p) else 4
    return 2 * n * p * (k + 10) * (2 * iters + 2)


@pytest.mark.parametrize("cell", range(24), ids=lambda i: f"cell{i}")
def bench_pca_grid(benchmark, small, cell):
    cells = _cells(small)
    if cell >= len(cells):
        pytest.skip("grid has fewer cells in this mode")
    (n, p), dtype, k = cells[cell]
    benchmark.group = f"pca-{n}x{p}-{np.dtype(dtype).name}-k{k}"
    X = low_rank_data(n, p, dtype)
    XPCA = _sklearnex_pca()
    fns = {"fastml": lambda: PCA(k, random_state=0).fit(X),
           "sklearn": lambda: sk.PCA(k, random_state=0).fit(X)}
    if XPCA is not None:
        fns["sklearnex"] = lambda: XPCA(k, random_state=0).fit(X)
    ours = benchmark.pedantic(fns["fastml"], rounds=1, iterations=1)
    ref = sk.PCA(k, random_state=0).fit(X)
    assert ours._fit_svd_solver == ref._fit_svd_solver
    # same subspace: the top components agree up to the solver's accuracy
    tol = 1e-3 if dtype == np.float32 else 1e-6
    np.testing.assert_allclose(np.abs(ours.components_[:2]), np.abs(ref.components_[:2]),
                               atol=tol)
    times = best_of(fns, repeats=1 if small else 3)
    ratio = report(benchmark, times, _flops(n, p, k, ours._fit_svd_solver), dtype)
    print(f"\npca {n}x{p} {np.dtype(dtype).name} k={k} [{ours._fit_svd_solver}] "
          + " ".join(f"{name}={t * 1e3:.1f}ms" for name, t in times.items())
          + f" ratio_vs_best_peer={ratio:.2f} fastml_gflops="
          + f"{benchmark.extra_info['fastml_gflops']}")
