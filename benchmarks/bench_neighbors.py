"""Nearest-neighbour benchmarks: fastml vs pykdtree, cKDTree, faiss,
scikit-learn, scikit-learn-intelex and the NumPy reference, same data, same
run, 2 threads.

The estimator grid (test_knn_grid, bottom) times KNeighborsClassifier
fit + predict for fastml, scikit-learn and scikit-learn-intelex on every cell
(make_classification data, n_train 100k); a default subset runs unless
FASTML_BENCH_FULL=1 (d in 2..128, k in 1/10/100, p in 1/2, kd_tree / brute /
auto, float32 / float64, 1 / 1k / 100k queries). The table of ratios to the
faster peer (interleaved, min of 3, thread-pinned):

    python benchmarks/bench_neighbors.py [--full]

Data: 64 Gaussian clusters (centres N(0, 25 I), unit-variance points), k=10.

    python -m pytest benchmarks/bench_neighbors.py --benchmark-only \
        --benchmark-columns=min,median --benchmark-sort=name

With --benchmark-disable (CI) every body runs once at tiny sizes. Peak memory
of brute force for q = 1M queries: benchmarks/mem_neighbors.py.
"""
import numpy as np
import pytest

import fastml
from fastml._kernels import knn as _kn
from fastml.neighbors import KDTree, KNeighborsClassifier

K = 10
FULL = {"d3": (3, 200_000, 100_000), "d8": (8, 100_000, 20_000),
        "d16": (16, 100_000, 10_000), "d128": (128, 50_000, 2_000)}
TINY = {"d3": (3, 2_000, 500), "d8": (8, 2_000, 300), "d16": (16, 2_000, 200),
        "d128": (128, 1_000, 50)}
NUMPY_Q = 200  # queries for the NumPy reference (it is ~1000x slower)


@pytest.fixture(scope="module")
def sizes(request):
    return TINY if request.config.getoption("benchmark_disable") else FULL


@pytest.fixture(scope="module")
def data(sizes, clustered):
    cache = {}

    def get(name, dtype=np.float64):
        key = (name, dtype)
        if key not in cache:
            d, n, q = sizes[name]
            cache[key] = (clustered(n, d, seed=0, dtype=dtype),
                          clustered(q, d, seed=1, dtype=dtype))
        return cache[key]
    return get


def numpy_knn(X, Q, k):
    """The NumPy reference: full distance rows + argpartition, in row blocks."""
    out = np.empty((len(Q), k), dtype=np.int64)
    xx = (X * X).sum(1)
    for i0 in range(0, len(Q), 64):
        q = Q[i0:i0 + 64]
        d2 = xx[None, :] - 2 * q @ X.T
        part = np.argpartition(d2, k, axis=1)[:, :k]
        out[i0:i0 + 64] = np.take_along_axis(
            part, np.argsort(np.take_along_axis(d2, part, 1), 1), 1)
    return out


def _check(ind, X, Q):
    ref = numpy_knn(X, Q[:20], K)
    assert (np.sort(ind[:20], 1) == np.sort(ref, 1)).mean() > 0.99


# ---- k-d tree query: d=3 and d=8 ---------------------------------------------
@pytest.mark.parametrize("name", ["d3", "d8"])
@pytest.mark.parametrize("lib", ["fastml", "fastml_f32", "pykdtree", "pykdtree_f32",
                                 "ckdtree", "numpy_ref"])
def test_tree_query(benchmark, data, name, lib, bench_threads):
    benchmark.group = f"tree query {name}"
    dtype = np.float32 if lib.endswith("f32") else np.float64
    X, Q = data(name, dtype)
    if lib.startswith("fastml"):
        t = KDTree(X)
        ind = benchmark(t.query, Q, k=K)[1]
    elif lib.startswith("pykdtree"):
        pk = pytest.importorskip("pykdtree.kdtree")
        t = pk.KDTree(X, leafsize=16)
        ind = benchmark(t.query, Q, k=K)[1]
    elif lib == "ckdtree":
        sp = pytest.importorskip("scipy.spatial")
        t = sp.cKDTree(X)
        ind = benchmark(t.query, Q, k=K, workers=bench_threads)[1]
    else:
        Q = Q[:NUMPY_Q]
        ind = benchmark(numpy_knn, X, Q, K)
    _check(ind, X, Q)


@pytest.mark.parametrize("name", ["d3", "d8"])
@pytest.mark.parametrize("lib", ["fastml", "pykdtree", "ckdtree"])
def test_tree_build(benchmark, data, name, lib):
    benchmark.group = f"tree build {name}"
    X, _ = data(name)
    if lib == "fastml":
        benchmark(KDTree, X)
    elif lib == "pykdtree":
        pk = pytest.importorskip("pykdtree.kdtree")
        benchmark(pk.KDTree, X, leafsize=16)
    else:
        sp = pytest.importorskip("scipy.spatial")
        benchmark(sp.cKDTree, X)


# ---- d=16: estimator with algorithm="auto" -------------------------------------
@pytest.mark.parametrize("lib", ["fastml_auto", "fastml_auto_f32", "faiss", "sklearn",
                                 "numpy_ref"])
def test_kneighbors_d16(benchmark, data, lib, bench_threads):
    benchmark.group = "kneighbors d16"
    dtype = np.float32 if lib in ("fastml_auto_f32", "faiss") else np.float64
    X, Q = data("d16", dtype)
    y = np.arange(len(X)) % 3
    if lib.startswith("fastml"):
        clf = KNeighborsClassifier(n_neighbors=K).fit(X, y)
        ind = benchmark(clf.kneighbors, Q)[1]
    elif lib == "faiss":
        faiss = pytest.importorskip("faiss")
        faiss.omp_set_num_threads(bench_threads)

        def run():
            index = faiss.IndexFlatL2(X.shape[1])
            index.add(X)
            return index.search(Q, K)
        ind = benchmark(run)[1]
    elif lib == "sklearn":
        skn = pytest.importorskip("sklearn.neighbors")
        clf = skn.KNeighborsClassifier(n_neighbors=K, n_jobs=bench_threads).fit(X, y)
        ind = benchmark(clf.kneighbors, Q)[1]
    else:
        Q = Q[:NUMPY_Q]
        ind = benchmark(numpy_knn, X, Q, K)
    _check(ind, X, Q)


# ---- d=128 float32 brute force ---------------------------------------------------
@pytest.mark.parametrize("lib", ["fastml_brute", "faiss", "numpy_ref"])
def test_brute_d128(benchmark, data, lib, bench_threads):
    benchmark.group = "brute d128 float32"
    X, Q = data("d128", np.float32)
    if lib == "fastml_brute":
        ind = benchmark(_kn.brute_knn, X, Q, K, "euclidean")[1]
    elif lib == "faiss":
        faiss = pytest.importorskip("faiss")
        faiss.omp_set_num_threads(bench_threads)

        def run():
            index = faiss.IndexFlatL2(X.shape[1])
            index.add(X)
            return index.search(Q, K)
        ind = benchmark(run)[1]
    else:
        Q = Q[:NUMPY_Q]
        ind = benchmark(numpy_knn, X, Q, K)
    _check(ind, X, Q)


# ---- estimator grid: fit + predict vs scikit-learn and scikit-learn-intelex ---------
GRID_N = 100_000


def grid_cells(full=None):
    """(d, k, p, algorithm, dtype, n_queries) cells: the whole grid with
    FASTML_BENCH_FULL=1 (or full=True), else a subset that runs in minutes."""
    import itertools
    import os

    if full is None:
        full = os.environ.get("FASTML_BENCH_FULL", "") not in ("", "0")
    if full:
        return list(itertools.product([2, 4, 8, 16, 32, 64, 128], [1, 10, 100], [1, 2],
                                      ["kd_tree", "brute", "auto"], ["float32", "float64"],
                                      [1, 1_000, 100_000]))
    cells = [(d, k, 2, "kd_tree", "float64", 1_000) for d in (4, 8, 16) for k in (10, 100)]
    cells += [(18, k, p, "brute", "float64", 1_000) for k in (10, 100) for p in (1, 2)]
    cells += [(d, 10, 2, "auto", "float32", 1_000) for d in (2, 32, 128)]
    cells += [(8, 10, 2, "kd_tree", "float32", 100_000), (8, 10, 2, "kd_tree", "float64", 1)]
    return cells


def grid_data(d, dtype, nq, n=GRID_N):
    from sklearn.datasets import make_classification

    X, y = make_classification(n + nq, d, n_informative=max(2, d // 2), n_redundant=0,
                               random_state=0)
    X = X.astype(dtype)
    return X[:n], y[:n], X[n:]


GRID_LIBS = ("fastml", "sklearn", "sklearnex")


def grid_estimator(lib, k, p, algorithm, threads):
    """The library's KNeighborsClassifier, or None when it is not installed."""
    if lib == "fastml":
        cls = KNeighborsClassifier
    else:
        try:
            mod = __import__("sklearn.neighbors" if lib == "sklearn" else "sklearnex.neighbors",
                             fromlist=["KNeighborsClassifier"])
        except ImportError:
            return None
        cls = mod.KNeighborsClassifier
    return cls(n_neighbors=k, p=p, algorithm=algorithm, n_jobs=threads)


def _cell_id(c):
    d, k, p, alg, dt, nq = c
    return f"d{d}-k{k}-p{p}-{alg}-{dt}-q{nq}"


@pytest.mark.parametrize("lib", GRID_LIBS)
@pytest.mark.parametrize("cell", grid_cells(), ids=_cell_id)
def test_knn_grid(benchmark, cell, lib, bench_threads, request):
    d, k, p, alg, dt, nq = cell
    benchmark.group = f"knn grid {_cell_id(cell)}"
    if request.config.getoption("benchmark_disable"):  # CI: tiny, correctness only
        X, y, Q = grid_data(d, dt, min(nq, 50), n=600)
    else:
        X, y, Q = grid_data(d, dt, nq)
    if lib == "sklearnex":
        pytest.importorskip("sklearnex")
    est = grid_estimator(lib, k, p, alg, bench_threads)
    if est is None:
        pytest.skip(f"{lib} is not installed")

    def run():
        return est.fit(X, y).predict(Q)

    pred = benchmark(run)
    ref = KNeighborsClassifier(n_neighbors=k, p=p, algorithm="brute").fit(X, y)
    assert (pred == ref.predict(Q)).mean() > 0.99


def run_grid(full=False, repeats=3, threads=2, out=print):
    """Interleaved min-of-`repeats` fit + predict times of every installed
    library per cell; prints and returns rows (cell, {lib: seconds}, ratio)
    with ratio = the faster peer's time / fastml's (> 1: fastml faster)."""
    import time

    from threadpoolctl import threadpool_limits

    fastml.set_num_threads(threads)
    rows = []
    with threadpool_limits(threads):
        for cell in grid_cells(full):
            d, k, p, alg, dt, nq = cell
            X, y, Q = grid_data(d, dt, nq)
            t = {}
            for _ in range(repeats):
                for lib in GRID_LIBS:
                    est = grid_estimator(lib, k, p, alg, threads)
                    if est is None:
                        continue
                    t0 = time.perf_counter()
                    est.fit(X, y).predict(Q)
                    t[lib] = min(t.get(lib, np.inf), time.perf_counter() - t0)
            peers = [v for lib, v in t.items() if lib != "fastml"]
            ratio = min(peers) / t["fastml"] if peers else float("nan")
            rows.append((cell, t, ratio))
            out(f"{_cell_id(cell):34s} " + " ".join(f"{lib}={v * 1e3:9.1f}ms"
                                                    for lib, v in t.items())
                + f"  ratio={ratio:5.2f}")
    ratios = [r for _, _, r in rows if np.isfinite(r)]
    if ratios:
        out(f"geometric mean ratio {np.exp(np.mean(np.log(ratios))):.2f} over {len(ratios)} "
            f"cells; min {min(ratios):.2f}")
    return rows


def test_threads_pinned(bench_threads):
    assert fastml.get_num_threads() == bench_threads


if __name__ == "__main__":
    import sys

    run_grid(full="--full" in sys.argv)
