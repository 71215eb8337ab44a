"""LogisticRegression fit: fastml vs scikit-learn vs scikit-learn-intelex.

make_classification data (100k x 50; 2, 5 and 20 classes), C=1, tol=1e-4,
max_iter=100, same thread count for every library (benchmarks/conftest.py;
n_jobs=threads for fastml and sklearnex). Groups per solver: lbfgs (all three
libraries), newton-cg and newton-cholesky (fastml vs scikit-learn). Each fastml
body checks that its penalised objective is not worse than scikit-learn's.
Interleaved ratios over the same cells: `python benchmarks/grid.py --only logistic`.

    python -m pytest benchmarks/bench_logistic.py --benchmark-only \
        --benchmark-columns=min,median,rounds --benchmark-sort=name
"""
import warnings

import numpy as np
import pytest

from fastml.linear_model import LogisticRegression

CLASSES = [2, 5, 20]


@pytest.fixture(scope="module")
def shape(request):
    return (2_000, 10) if request.config.getoption("benchmark_disable") else (100_000, 50)


@pytest.fixture(scope="module")
def data(shape):
    skd = pytest.importorskip("sklearn.datasets")
    cache = {}

    def get(K):
        if K not in cache:
            n, p = shape
            cache[K] = skd.make_classification(n_samples=n, n_features=p, n_informative=p // 2,
                                               n_redundant=p // 5, n_classes=K,
                                               n_clusters_per_class=1, random_state=0)
        return cache[K]
    return get


def _objective(est, X, y, C=1.0):
    P = np.clip(est.predict_proba(X), 1e-300, None)
    idx = np.searchsorted(est.classes_, y)
    return float(-np.log(P[np.arange(len(y)), idx]).mean()
                 + 0.5 * float((est.coef_ ** 2).sum()) / (C * len(y)))


def _peer(lib):
    mod = pytest.importorskip("sklearnex.linear_model" if lib == "sklearnex"
                              else "sklearn.linear_model")
    return mod.LogisticRegression


def _fit(cls, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(C=1.0, tol=1e-4, max_iter=100, **kw).fit(X, y)


@pytest.mark.parametrize("K", CLASSES)
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky"])
def bench_logistic_fastml(benchmark, data, K, solver, bench_threads):
    if solver == "newton-cholesky" and K == 20:
        pytest.skip("dense Hessian of 20 x 51 parameters: not this solver's regime")
    X, y = data(K)
    benchmark.group = f"logistic {solver} {K} classes"
    model = benchmark(_fit, LogisticRegression, X, y, solver=solver, n_jobs=bench_threads)
    ref = _fit(_peer("sklearn"), X, y, solver=solver)
    assert _objective(model, X, y) <= _objective(ref, X, y) * (1 + 1e-4) + 1e-8


@pytest.mark.parametrize("K", CLASSES)
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "newton-cholesky"])
@pytest.mark.parametrize("lib", ["sklearn", "sklearnex"])
def bench_logistic_peer(benchmark, data, K, solver, lib, bench_threads):
    if solver == "newton-cholesky" and K == 20:
        pytest.skip("dense Hessian of 20 x 51 parameters: not this solver's regime")
    if lib == "sklearnex" and solver != "lbfgs":
        pytest.skip("scikit-learn-intelex accelerates lbfgs (others fall back to scikit-learn)")
    cls = _peer(lib)
    X, y = data(K)
    benchmark.group = f"logistic {solver} {K} classes"
    kw = {"n_jobs": bench_threads} if lib == "sklearnex" else {}
    benchmark(_fit, cls, X, y, solver=solver, **kw)
