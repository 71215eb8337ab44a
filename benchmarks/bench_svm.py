"""Kernel SVC / SVR: fastml vs scikit-learn (libsvm) vs scikit-learn-intelex.

Same data (make_classification, standardised), same hyperparameters (rbf,
C=1, gamma="scale", tol=1e-3, cache_size=200), same thread count
(benchmarks/conftest.py pins fastml and BLAS; the script pins OMP/BLAS with
threadpoolctl and fastml.set_num_threads; libsvm itself is single-threaded).
Timings: fit, and predict (decision values) on 10k test rows.

    python benchmarks/bench_svm.py                       # n in {20k, 50k}, d in {20, 100}
    python benchmarks/bench_svm.py --n 20000 --d 20      # one cell
    python benchmarks/bench_svm.py --reps 2 --sklearn-max-d 20   # without scikit-learn's d=100 cells
    python -m pytest benchmarks/bench_svm.py --benchmark-only
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np
import pytest


def make_data(n, d, seed=0, n_test=10000):
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=n + n_test, n_features=d, n_informative=min(d, 10),
                               n_redundant=min(d - min(d, 10), 5), flip_y=0.05,
                               class_sep=1.0, random_state=seed)
    X = (X - X.mean(0)) / X.std(0)
    return X[:n], y[:n], X[n:]


def _peers():
    peers = {}
    from sklearn.svm import SVC as SK
    peers["sklearn"] = SK
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from sklearnex.svm import SVC as IK
        peers["sklearnex"] = IK
    except ImportError:  # pragma: no cover
        pass
    return peers


# ---- pytest-benchmark groups ----------------------------------------------------------

CELLS = [(5000, 20)]


@pytest.fixture(scope="module", params=CELLS, ids=lambda c: f"n{c[0]}-d{c[1]}")
def cell(request):
    return make_data(*request.param, n_test=2000)


def bench_svc_fit_fastml(benchmark, cell):
    from fastml.svm import SVC
    X, y, _ = cell
    benchmark.group = "svc-fit"
    m = benchmark(lambda: SVC().fit(X, y))
    assert m.support_.size > 0


def bench_svc_fit_sklearn(benchmark, cell):
    from sklearn.svm import SVC
    X, y, _ = cell
    benchmark.group = "svc-fit"
    benchmark(lambda: SVC().fit(X, y))


def bench_svc_fit_sklearnex(benchmark, cell):
    peers = _peers()
    if "sklearnex" not in peers:
        pytest.skip("scikit-learn-intelex not installed")
    X, y, _ = cell
    benchmark.group = "svc-fit"
    benchmark(lambda: peers["sklearnex"]().fit(X, y))


def bench_svc_predict_fastml(benchmark, cell):
    from fastml.svm import SVC
    X, y, Xt = cell
    m = SVC().fit(X, y)
    benchmark.group = "svc-predict"
    benchmark(lambda: m.decision_function(Xt))


def bench_svc_predict_sklearn(benchmark, cell):
    from sklearn.svm import SVC
    X, y, Xt = cell
    m = SVC().fit(X, y)
    benchmark.group = "svc-predict"
    benchmark(lambda: m.decision_function(Xt))


# ---- script mode: interleaved ratios ----------------------------------------------------

def _time(fn, reps):
    best = np.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run_cell(n, d, reps, threads, sklearn_max_d=None):
    import fastml
    from fastml.svm import SVC
    X, y, Xt = make_data(n, d)
    libs = {"fastml": SVC, **_peers()}
    if sklearn_max_d is not None and d > sklearn_max_d:
        del libs["sklearn"]  # its d=100 cells take minutes
    fit = {k: np.inf for k in libs}
    pred = {k: np.inf for k in libs}
    models = {}
    for _ in range(reps):  # interleaved: one fit of every library per round
        for name, cls in libs.items():
            fit[name] = min(fit[name], _time(lambda: models.__setitem__(name, cls().fit(X, y)), 1))
        for name in libs:
            if name == "sklearnex":
                continue  # sklearnex predict dispatches to oneDAL; fit is the target here
            pred[name] = min(pred[name], _time(lambda: models[name].decision_function(Xt), 1))
    nsv = {k: int(np.sum(m.n_support_)) for k, m in models.items()}
    line = f"n={n} d={d} threads={threads}: fit fastml {fit['fastml']:.2f}s"
    if "sklearn" in fit:
        line += f", sklearn {fit['sklearn']:.2f}s ({fit['sklearn'] / fit['fastml']:.2f}x)"
    if "sklearnex" in fit:
        line += f", sklearnex {fit['sklearnex']:.2f}s ({fit['sklearnex'] / fit['fastml']:.2f}x)"
    if "sklearn" in fit:
        agree = np.mean(models["fastml"].predict(Xt) == models["sklearn"].predict(Xt))
        line += (f"; predict 10k fastml {pred['fastml']:.3f}s, sklearn {pred['sklearn']:.3f}s "
                 f"({pred['sklearn'] / pred['fastml']:.2f}x); predictions agree {agree:.4f}")
    line += f"; n_SV {nsv}; load {os.getloadavg()[0]:.2f}"
    print(line, flush=True)
    fastml  # noqa: B018


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="*", default=[20000, 50000])
    ap.add_argument("--d", type=int, nargs="*", default=[20, 100])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", 2)))
    ap.add_argument("--sklearn-max-d", type=int, default=None,
                    help="leave scikit-learn out of cells with more features")
    args = ap.parse_args(argv)
    import fastml
    from threadpoolctl import threadpool_limits
    fastml.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        for n in args.n:
            for d in args.d:
                run_cell(n, d, args.reps, args.threads, args.sklearn_max_d)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    sys.exit(main())
