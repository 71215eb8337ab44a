"""KMeans: fastml vs scikit-learn vs scikit-learn-intelex on a grid.

Two timings per cell, same data (make_blobs-like Gaussian clusters), same
thread count (benchmarks/conftest.py pins fastml and BLAS; the script pins
OMP/BLAS through threadpoolctl and fastml.set_num_threads):
- "lloyd": Lloyd iterations from the same initial centres (init=array,
  n_init=1, tol=0, fixed max_iter), so every library does the same work;
- "kpp": k-means++ seeding alone (fastml.cluster.kmeans_plusplus vs
  sklearn.cluster.kmeans_plusplus; scikit-learn-intelex has no separate one).

Grid: d in {2, 10, 100, 400, 1000} x clusters in {8, 20, 256, 1024}, n = 1e5
(the script's --big adds n = 1e6 cells), float32 and float64. Each cell is
reported as the ratio fastml / faster peer (time of peer over time of
fastml: > 1 means fastml is faster) and, for Lloyd, GFLOP/s of the
assignment (2 n k d FLOP per iteration) against ~200 fp32 / ~100 fp64 peak.

    python benchmarks/bench_kmeans.py                 # default grid, table
    python benchmarks/bench_kmeans.py --d 100 --k 20  # one slice
    python -m pytest benchmarks/bench_kmeans.py --benchmark-only   # pytest groups
"""
import argparse
import os
import sys
import time

import numpy as np
import pytest

PEAK = {np.float32: 200.0, np.float64: 100.0}   # GFLOP/s, 2 cores (docs/DESIGN.md)
DIMS = (2, 10, 100, 400, 1000)
CLUSTERS = (8, 20, 256, 1024)
LLOYD_ITERS = 10


def make_data(n, d, k, dtype, seed=0):
    """Gaussian clusters (make_blobs-like: centres in a box of +-10, unit
    variance) and k initial centres drawn from the rows."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(max(k, 20), d))
    lab = rng.integers(0, len(centres), size=n)
    X = (centres[lab] + rng.standard_normal((n, d))).astype(dtype)
    init = X[rng.choice(n, k, replace=False)].copy()
    return X, init


def _peers():
    peers = {}
    try:
        from sklearn.cluster import KMeans as SK
        peers["sklearn"] = SK
    except ImportError:  # pragma: no cover
        pass
    try:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from sklearnex.cluster import KMeans as IK
        peers["sklearnex"] = IK
    except ImportError:  # pragma: no cover
        pass
    return peers


def lloyd_fit(cls, X, init, iters=LLOYD_ITERS):
    return cls(n_clusters=len(init), init=init, n_init=1, max_iter=iters, tol=0.0).fit(X)


# ---- pytest-benchmark groups (one small cell per shape family) -----------------

CELLS = [(20000, 10, 20), (20000, 100, 20), (20000, 400, 256)]


@pytest.fixture(scope="module", params=CELLS, ids=lambda c: f"n{c[0]}-d{c[1]}-k{c[2]}")
def cell(request):
    n, d, k = request.param
    return (n, d, k) + make_data(n, d, k, np.float32)


def bench_kmeans_lloyd_fastml(benchmark, cell):
    from fastml.cluster import KMeans
    n, d, k, X, init = cell
    benchmark.group = f"kmeans-lloyd-n{n}-d{d}-k{k}-f32"
    m = benchmark(lambda: lloyd_fit(KMeans, X, init))
    sk = pytest.importorskip("sklearn.cluster")
    ref = lloyd_fit(sk.KMeans, X, init)
    np.testing.assert_allclose(m.inertia_, ref.inertia_, rtol=1e-4)


@pytest.mark.parametrize("peer", ["sklearn", "sklearnex"])
def bench_kmeans_lloyd_peer(benchmark, cell, peer):
    cls = _peers().get(peer)
    if cls is None:
        pytest.skip(f"{peer} not installed")
    n, d, k, X, init = cell
    benchmark.group = f"kmeans-lloyd-n{n}-d{d}-k{k}-f32"
    benchmark(lambda: lloyd_fit(cls, X, init))


def bench_kmeans_plusplus_fastml(benchmark, cell):
    from fastml.cluster import kmeans_plusplus
    n, d, k, X, _ = cell
    benchmark.group = f"kmeans-plusplus-n{n}-d{d}-k{k}-f32"
    benchmark(lambda: kmeans_plusplus(X, k, random_state=0))


def bench_kmeans_plusplus_sklearn(benchmark, cell):
    sk = pytest.importorskip("sklearn.cluster")
    n, d, k, X, _ = cell
    benchmark.group = f"kmeans-plusplus-n{n}-d{d}-k{k}-f32"
    benchmark(lambda: sk.kmeans_plusplus(X, k, random_state=0))


# ---- the grid script ------------------------------------------------------------

def _best(fn, repeat):
    t = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def run_cell(n, d, k, dtype, repeat, peers):
    """Interleaved min-of-`repeat` times: {"lloyd": {lib: s}, "kpp": {lib: s}}."""
    from fastml.cluster import KMeans, kmeans_plusplus
    X, init = make_data(n, d, k, dtype)
    libs = {"fastml": KMeans, **peers}
    lloyd = {lib: np.inf for lib in libs}
    kpp = {"fastml": np.inf}
    skpp = None
    if "sklearn" in peers:
        from sklearn.cluster import kmeans_plusplus as skpp
        kpp["sklearn"] = np.inf
    for _ in range(repeat):
        for lib, cls in libs.items():
            lloyd[lib] = min(lloyd[lib], _best(lambda: lloyd_fit(cls, X, init), 1))
        kpp["fastml"] = min(kpp["fastml"], _best(lambda: kmeans_plusplus(X, k, random_state=0), 1))
        if skpp is not None:
            kpp["sklearn"] = min(kpp["sklearn"], _best(lambda: skpp(X, k, random_state=0), 1))
    return {"lloyd": lloyd, "kpp": kpp}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--d", type=int, nargs="*", default=list(DIMS))
    ap.add_argument("--k", type=int, nargs="*", default=list(CLUSTERS))
    ap.add_argument("--dtype", nargs="*", default=["float32", "float64"])
    ap.add_argument("--big", action="store_true", help="add n = 1e6 cells (d 10/100, k 20/256)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("FASTML_BENCH_THREADS", 2)))
    a = ap.parse_args(argv)
    import fastml
    from threadpoolctl import threadpool_limits
    fastml.set_num_threads(a.threads)
    peers = _peers()
    cells = [(a.n, d, k) for d in a.d for k in a.k]
    if a.big:
        cells += [(1_000_000, d, k) for d in (10, 100) for k in (20, 256)]
    print(f"threads={a.threads}  peers={sorted(peers)}  Lloyd: {LLOYD_ITERS} iterations "
          "from the same init; ratio = faster peer time / fastml time (> 1: fastml faster)")
    print(f"{'dtype':8}{'n':>9}{'d':>6}{'k':>6} | {'lloyd fm s':>11}{'sk':>9}{'skex':>9}"
          f"{'ratio':>7}{'GF/s':>7}{'%peak':>7} | {'kpp fm s':>9}{'sk':>9}{'ratio':>7}")
    with threadpool_limits(limits=a.threads):
        for dt in a.dtype:
            dtype = np.dtype(dt).type
            for n, d, k in cells:
                r = run_cell(n, d, k, dtype, a.repeat, peers)
                lo, kp = r["lloyd"], r["kpp"]
                peer = min((v for lib, v in lo.items() if lib != "fastml"), default=np.nan)
                gf = 2.0 * n * k * d * LLOYD_ITERS / lo["fastml"] / 1e9
                kpeer = kp.get("sklearn", np.nan)
                print(f"{dt:8}{n:>9}{d:>6}{k:>6} | {lo['fastml']:>11.3f}"
                      f"{lo.get('sklearn', np.nan):>9.3f}{lo.get('sklearnex', np.nan):>9.3f}"
                      f"{peer / lo['fastml']:>7.2f}{gf:>7.1f}{100 * gf / PEAK[dtype]:>6.0f}% | "
                      f"{kp['fastml']:>9.3f}{kpeer:>9.3f}{kpeer / kp['fastml']:>7.2f}",
                      flush=True)


if __name__ == "__main__":
    sys.exit(main())
