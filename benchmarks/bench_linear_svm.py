"""LinearSVC fit: fastml vs scikit-learn (liblinear), same data, same thread
count (benchmarks/conftest.py pins fastml and BLAS).

Data: iris, breast cancer, digits (standardised) and make_classification
100k x 100 (binary and 5 classes); C=1, tol=1e-4, default loss
(squared hinge) with dual="auto" (primal for n > p) and dual=True, plus hinge.
scikit-learn-intelex has no LinearSVC (sklearnex.patch_sklearn() leaves it to
liblinear), so it is the scikit-learn row. Each fastml body checks that its
training accuracy is within 0.5 points of scikit-learn's.

    python -m pytest benchmarks/bench_linear_svm.py --benchmark-only \
        --benchmark-columns=min,median,rounds --benchmark-sort=name

Interleaved ratios (min of 3 per library, same process):
    OMP_NUM_THREADS=2 python benchmarks/bench_linear_svm.py [--repeats 3] [--quick]
"""
import os
import sys
import time
import warnings

import numpy as np
import pytest

CONFIGS = {"primal": dict(), "dual": dict(dual=True), "hinge": dict(dual=True, loss="hinge"),
           "l1": dict(penalty="l1", dual=False)}


def load(name, quick=False):
    from sklearn import datasets
    if name == "iris":
        X, y = datasets.load_iris(return_X_y=True)
    elif name == "breast_cancer":
        X, y = datasets.load_breast_cancer(return_X_y=True)
    elif name == "digits":
        X, y = datasets.load_digits(return_X_y=True)
    else:
        k = 2 if name == "clf100k_2" else 5
        n = 10_000 if quick else 100_000
        X, y = datasets.make_classification(n_samples=n, n_features=100, n_informative=40,
                                            n_redundant=10, n_classes=k, class_sep=0.8,
                                            random_state=0)
    X = (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1.0)
    return np.ascontiguousarray(X), y


def fit(cls, X, y, cfg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(C=1.0, tol=1e-4, random_state=0, **CONFIGS[cfg]).fit(X, y)


DATASETS = ["iris", "breast_cancer", "digits", "clf100k_2", "clf100k_5"]


@pytest.fixture(scope="module")
def data(request):
    quick = request.config.getoption("benchmark_disable")
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = load(name, quick)
        return cache[name]
    return get


@pytest.mark.parametrize("cfg", list(CONFIGS))
@pytest.mark.parametrize("name", DATASETS)
def bench_linear_svc_fastml(benchmark, data, name, cfg):
    from fastml.svm import LinearSVC
    sk = pytest.importorskip("sklearn.svm")
    X, y = data(name)
    benchmark.group = f"LinearSVC {cfg} {name}"
    model = benchmark(fit, LinearSVC, X, y, cfg)
    ref = fit(sk.LinearSVC, X, y, cfg)
    assert model.score(X, y) >= ref.score(X, y) - 0.005


@pytest.mark.parametrize("cfg", list(CONFIGS))
@pytest.mark.parametrize("name", DATASETS)
def bench_linear_svc_sklearn(benchmark, data, name, cfg):
    sk = pytest.importorskip("sklearn.svm")
    X, y = data(name)
    benchmark.group = f"LinearSVC {cfg} {name}"
    benchmark(fit, sk.LinearSVC, X, y, cfg)


def _ratios(repeats, quick):
    from sklearn.svm import LinearSVC as SkSVC
    from threadpoolctl import threadpool_limits

    import fastml
    from fastml.svm import LinearSVC
    threads = int(os.environ.get("FASTML_BENCH_THREADS", "2"))
    fastml.set_num_threads(threads)
    fit(LinearSVC, *load("iris"), "dual")  # compile the kernels once
    fit(LinearSVC, *load("iris"), "l1")
    print(f"threads={threads} (fastml.set_num_threads, threadpool_limits); min of {repeats}")
    print(f"{'data':14s} {'config':7s} {'fastml s':>9s} {'sklearn s':>9s} {'speedup':>8s} "
          f"{'acc fastml':>10s} {'acc sklearn':>11s} {'max|dcoef|':>10s}")
    with threadpool_limits(threads):
        for name in DATASETS:
            X, y = load(name, quick)
            for cfg in CONFIGS:
                tf, ts = [], []
                for _ in range(repeats):  # interleaved
                    t0 = time.perf_counter()
                    a = fit(LinearSVC, X, y, cfg)
                    tf.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    b = fit(SkSVC, X, y, cfg)
                    ts.append(time.perf_counter() - t0)
                print(f"{name:14s} {cfg:7s} {min(tf):9.4f} {min(ts):9.4f} "
                      f"{min(ts) / min(tf):7.2f}x {a.score(X, y):10.4f} {b.score(X, y):11.4f} "
                      f"{np.abs(a.coef_ - b.coef_).max():10.2e}", flush=True)


if __name__ == "__main__":
    reps = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    _ratios(reps, "--quick" in sys.argv)
