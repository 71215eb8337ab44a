"""k-means, decision trees and random forests: fastml vs scikit-learn vs the
plain NumPy implementation of the same algorithm (same data, same run, 2
threads for everyone -- benchmarks/conftest.py pins OpenMP/BLAS).

Issue targets:
  kmeans-*      KMeans n=100k d=16 k=16, same initial centres, max_iter=50,
                tol=0: >= 1.5x sklearn; >= 5x NumPy Lloyd
  tree-fit-*    DecisionTreeClassifier, make_classification n=50k x 20: >= 1.0x sklearn
  tree-build-*  the compiled split search/growth vs the NumPy twin (same binned
                data, identical tree): >= 5x
  forest-*      RandomForestClassifier 50 trees n_jobs=2: >= 1.0x sklearn, equal
                accuracy (held-out accuracy is stored in extra_info)

    PYTHONPATH=src python3 -m pytest benchmarks/bench_trees.py --benchmark-only \
        --benchmark-columns=min,median --benchmark-sort=name
"""
import numpy as np
import pytest

from fastml._kernels import tree as kt
from fastml._kernels.reference import kmeans as rkm
from fastml._kernels.reference import tree as rtree
from fastml.cluster import KMeans
from fastml.datasets import make_classification
from fastml.ensemble import RandomForestClassifier
from fastml.tree import DecisionTreeClassifier, _binning


def _full(request):
    return not request.config.getoption("benchmark_disable")


# ---- k-means ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def km_data(request, clustered):
    n = 100_000 if _full(request) else 2_000
    X = clustered(n, 16, seed=0, dtype=np.float32)
    init = X[np.random.RandomState(0).choice(n, 16, replace=False)].copy()
    return X, init


def numpy_lloyd(X, C, n_iter):
    """Lloyd's algorithm in plain NumPy, written the fast NumPy way: BLAS for
    the |x|^2 - 2 x.c + |c|^2 expansion, bincount for the centroid sums."""
    C = C.astype(X.dtype).copy()
    k = C.shape[0]
    for _ in range(n_iter):
        d2 = (C * C).sum(1)[None, :] - 2.0 * (X @ C.T)
        lab = np.argmin(d2, axis=1)
        cnt = np.bincount(lab, minlength=k)
        sums = np.stack([np.bincount(lab, weights=X[:, j], minlength=k)
                         for j in range(X.shape[1])], axis=1)
        nz = cnt > 0
        C[nz] = (sums[nz] / cnt[nz, None]).astype(X.dtype)
    return C


def twin_lloyd(X, C, n_iter):
    """The same loop on fastml's NumPy twin of the compiled step (direct distances)."""
    C = C.copy()
    for _ in range(n_iter):
        _, _, _, sums, wsum = rkm.lloyd_step(X, C)
        nz = wsum > 0
        C[nz] = (sums[nz] / wsum[nz, None]).astype(X.dtype)
    return C


def bench_kmeans_fastml(benchmark, km_data):
    X, init = km_data
    benchmark.group = "kmeans-100k-16d-16c-f32"
    km = benchmark(lambda: KMeans(16, init=init, n_init=1, max_iter=50, tol=0).fit(X))
    benchmark.extra_info["n_iter"] = km.n_iter_
    benchmark.extra_info["inertia"] = km.inertia_


def bench_kmeans_sklearn(benchmark, km_data):
    skc = pytest.importorskip("sklearn.cluster")
    X, init = km_data
    benchmark.group = "kmeans-100k-16d-16c-f32"
    km = benchmark(lambda: skc.KMeans(16, init=init, n_init=1, max_iter=50, tol=0).fit(X))
    benchmark.extra_info["n_iter"] = km.n_iter_
    benchmark.extra_info["inertia"] = float(km.inertia_)
    ours = KMeans(16, init=init, n_init=1, max_iter=50, tol=0).fit(X)
    assert ours.n_iter_ == km.n_iter_
    np.testing.assert_allclose(ours.inertia_, km.inertia_, rtol=1e-4)


def bench_kmeans_numpy_lloyd(benchmark, km_data):
    X, init = km_data
    benchmark.group = "kmeans-100k-16d-16c-f32"
    n_iter = KMeans(16, init=init, n_init=1, max_iter=50, tol=0).fit(X).n_iter_
    benchmark.extra_info["n_iter"] = n_iter
    benchmark.pedantic(numpy_lloyd, args=(X, init, n_iter), rounds=3, iterations=1)


def bench_kmeans_numpy_twin(benchmark, km_data):
    X, init = km_data
    benchmark.group = "kmeans-100k-16d-16c-f32"
    n_iter = KMeans(16, init=init, n_init=1, max_iter=50, tol=0).fit(X).n_iter_
    benchmark.pedantic(twin_lloyd, args=(X, init, n_iter), rounds=1, iterations=1)


# ---- decision tree ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def cls_data(request):
    n = 50_000 if _full(request) else 2_000
    X, y = make_classification(n_samples=n, n_features=20, n_informative=10, random_state=0)
    # hold-out: the last 20% of the same draw
    cut = int(0.8 * n)
    return X[:cut], y[:cut], X[cut:], y[cut:]


def bench_tree_fit_fastml(benchmark, cls_data):
    X, y, Xte, yte = cls_data
    benchmark.group = "tree-fit-50k-20f"
    clf = benchmark(lambda: DecisionTreeClassifier(random_state=0).fit(X, y))
    benchmark.extra_info["test_accuracy"] = clf.score(Xte, yte)


def bench_tree_fit_sklearn(benchmark, cls_data):
    sktree = pytest.importorskip("sklearn.tree")
    X, y, Xte, yte = cls_data
    benchmark.group = "tree-fit-50k-20f"
    clf = benchmark(lambda: sktree.DecisionTreeClassifier(random_state=0).fit(X, y))
    benchmark.extra_info["test_accuracy"] = clf.score(Xte, yte)


@pytest.fixture(scope="module")
def binned(cls_data):
    X, y = cls_data[0], cls_data[1]
    return _binning.prepare(X), y.astype(np.float64)


def _build_args(binned, max_depth):
    bn, y = binned
    return (y, np.empty(0), 0, 2, max_depth, 2, 1, 0.0, bn.Xb.shape[0], 0.0, 12345)


def _twin_build(bn, *args):
    return rtree.build(bn, *args)


@pytest.mark.parametrize("depth", [8, 2**31 - 1], ids=["depth8", "full"])
def bench_tree_build_compiled(benchmark, binned, depth):
    benchmark.group = f"tree-build-kernel-{'full' if depth > 100 else depth}"
    raw = benchmark(kt.build, binned[0], *_build_args(binned, depth))
    benchmark.extra_info["nodes"] = len(raw["feature"])


@pytest.mark.parametrize("depth", [8, 2**31 - 1], ids=["depth8", "full"])
def bench_tree_build_numpy_twin(benchmark, binned, depth):
    benchmark.group = f"tree-build-kernel-{'full' if depth > 100 else depth}"
    raw = benchmark.pedantic(_twin_build, args=(binned[0], *_build_args(binned, depth)), rounds=1,
                             iterations=1)
    ref = kt.build(binned[0], *_build_args(binned, depth))
    np.testing.assert_array_equal(raw["feature"], ref["feature"])   # the same tree


# ---- random forest ------------------------------------------------------------------------
def bench_forest_fastml(benchmark, cls_data, bench_threads):
    X, y, Xte, yte = cls_data
    benchmark.group = "forest-50trees-50k-20f"
    rf = benchmark.pedantic(
        lambda: RandomForestClassifier(50, n_jobs=bench_threads, random_state=0).fit(X, y),
        rounds=3, iterations=1)
    benchmark.extra_info["test_accuracy"] = rf.score(Xte, yte)


def bench_forest_sklearn(benchmark, cls_data, bench_threads):
    ske = pytest.importorskip("sklearn.ensemble")
    X, y, Xte, yte = cls_data
    benchmark.group = "forest-50trees-50k-20f"
    rf = benchmark.pedantic(
        lambda: ske.RandomForestClassifier(50, n_jobs=bench_threads, random_state=0).fit(X, y),
        rounds=3, iterations=1)
    acc = rf.score(Xte, yte)
    benchmark.extra_info["test_accuracy"] = acc
    ours = RandomForestClassifier(50, n_jobs=bench_threads, random_state=0).fit(X, y)
    assert abs(ours.score(Xte, yte) - acc) <= 0.01 + 2.0 / len(yte)
