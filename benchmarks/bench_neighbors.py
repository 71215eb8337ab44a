"""Nearest-neighbour benchmarks (issue 3): fastml vs pykdtree, cKDTree,
faiss, scikit-learn and the NumPy reference, same data, same run, 2 threads.

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


def test_threads_pinned(bench_threads):
    assert fastml.get_num_threads() == bench_threads
