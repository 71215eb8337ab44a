"""Linear models: fastml vs its NumPy reference twin vs scikit-learn.

Same data, same run, same thread count (benchmarks/conftest.py pins it).
Issue targets:
- LogisticRegression (multinomial, lbfgs) on digits: fit >= 1.0x scikit-learn's
  lbfgs at equal accuracy (same max_iter and tol, standardised features).
- every compiled path >= 5x the plain NumPy implementation of the same
  algorithm: SGD epochs (per-sample, hinge + L2) and elastic-net coordinate
  descent, against the twins fastml._kernels.reference.sgd / .enet on the same
  arrays, same number of epochs / sweeps.
Peers in the same groups: scikit-learn's SGDClassifier (fixed epochs) and Lasso.
"""
import warnings

import numpy as np
import pytest

from fastml._kernels import enet as kenet
from fastml._kernels import sgd as ksgd
from fastml._kernels.reference import enet as renet
from fastml._kernels.reference import sgd as rsgd
from fastml.datasets import load_digits
from fastml.linear_model import Lasso, LogisticRegression, SGDClassifier


@pytest.fixture(scope="module")
def small(request):
    return request.config.getoption("benchmark_disable")


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    sd = X.std(0)
    return (X - X.mean(0)) / np.where(sd > 0, sd, 1.0), y


# ---- logistic regression, multinomial, digits -----------------------------------

def bench_logistic_digits_fastml(benchmark, digits):
    X, y = digits
    benchmark.group = "logistic-digits-lbfgs"
    model = benchmark(lambda: LogisticRegression(max_iter=100, tol=1e-4).fit(X, y))
    skl = pytest.importorskip("sklearn.linear_model")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_acc = skl.LogisticRegression(max_iter=100, tol=1e-4).fit(X, y).score(X, y)
    assert abs(model.score(X, y) - ref_acc) <= 0.01


def bench_logistic_digits_sklearn(benchmark, digits):
    skl = pytest.importorskip("sklearn.linear_model")
    X, y = digits
    benchmark.group = "logistic-digits-lbfgs"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark(lambda: skl.LogisticRegression(max_iter=100, tol=1e-4).fit(X, y))


# ---- SGD epochs -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sgd_data(small):
    n, d = (300, 8) if small else (20000, 50)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d))
    y = np.sign(X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(n))
    return X, y, rng.permutation(n).astype(np.int64)


def _sgd_args(X, y, order):
    d = X.shape[1]
    return (np.zeros(d), np.zeros(d), np.array([1.0, 0.0, 1.0, 0.0]), X, y, np.ones(len(y)),
            order)


N_EPOCHS = 5


def bench_sgd_epochs_fastml(benchmark, sgd_data):
    X, y, order = sgd_data
    benchmark.group = "sgd-hinge-l2-5-epochs"

    def run():
        args = _sgd_args(X, y, order)
        for _ in range(N_EPOCHS):
            ksgd.sgd_epoch(*args, "hinge", 0.1, "l2", 1e-4, 0.15, "optimal", 0.0, 0.5, 1e4, True)
        return args

    args = benchmark(run)
    twin = _sgd_args(X, y, order)
    for _ in range(N_EPOCHS):
        rsgd.sgd_epoch(*twin, 0, 0.1, 1, 1e-4, 0.15, 1, 0.0, 0.5, 1e4, True)
    np.testing.assert_allclose(args[0] * args[2][0], twin[0] * twin[2][0], rtol=1e-8,
                               atol=1e-10)


def bench_sgd_epochs_numpy_reference(benchmark, sgd_data):
    X, y, order = sgd_data
    benchmark.group = "sgd-hinge-l2-5-epochs"

    def run():
        args = _sgd_args(X, y, order)
        for _ in range(N_EPOCHS):
            rsgd.sgd_epoch(*args, 0, 0.1, 1, 1e-4, 0.15, 1, 0.0, 0.5, 1e4, True)

    benchmark.pedantic(run, rounds=3, iterations=1)


def bench_sgd_classifier_fastml(benchmark, sgd_data):
    X, y, _ = sgd_data
    benchmark.group = "sgd-classifier-fit-5-epochs"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark(lambda: SGDClassifier(max_iter=N_EPOCHS, tol=None, random_state=0).fit(X, y))


def bench_sgd_classifier_sklearn(benchmark, sgd_data):
    skl = pytest.importorskip("sklearn.linear_model")
    X, y, _ = sgd_data
    benchmark.group = "sgd-classifier-fit-5-epochs"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark(lambda: skl.SGDClassifier(max_iter=N_EPOCHS, tol=None,
                                            random_state=0).fit(X, y))


# ---- coordinate descent -----------------------------------------------------------

@pytest.fixture(scope="module")
def cd_data(small):
    n, p = (100, 20) if small else (2000, 200)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, p))
    y = X[:, :20] @ rng.standard_normal(20) + rng.standard_normal(n)
    X -= X.mean(0)
    y -= y.mean()
    return X, y, np.ascontiguousarray(X.T)


N_SWEEPS = 30
ALPHA = 0.05


def bench_lasso_cd_fastml(benchmark, cd_data):
    X, y, XT = cd_data
    benchmark.group = "lasso-cd-30-sweeps"
    l1 = ALPHA * len(y)

    def run():
        w = np.zeros(XT.shape[0])
        kenet.enet_cd(w, XT, y, l1, 0.0, N_SWEEPS, 0.0)  # tol 0: exactly N_SWEEPS sweeps
        return w

    w = benchmark(run)
    w_ref = np.zeros(XT.shape[0])
    renet.enet_cd(w_ref, XT, y, l1, 0.0, N_SWEEPS, 0.0)
    np.testing.assert_allclose(w, w_ref, rtol=1e-9, atol=1e-12)


def bench_lasso_cd_numpy_reference(benchmark, cd_data):
    X, y, XT = cd_data
    benchmark.group = "lasso-cd-30-sweeps"
    l1 = ALPHA * len(y)
    benchmark.pedantic(lambda: renet.enet_cd(np.zeros(XT.shape[0]), XT, y, l1, 0.0, N_SWEEPS, 0.0),
                       rounds=3, iterations=1)


def bench_lasso_fit_fastml(benchmark, cd_data):
    X, y, _ = cd_data
    benchmark.group = "lasso-fit"
    model = benchmark(lambda: Lasso(alpha=ALPHA, tol=1e-6).fit(X, y))
    skl = pytest.importorskip("sklearn.linear_model")
    np.testing.assert_allclose(model.coef_, skl.Lasso(alpha=ALPHA, tol=1e-6).fit(X, y).coef_,
                               atol=1e-4)


def bench_lasso_fit_sklearn(benchmark, cd_data):
    skl = pytest.importorskip("sklearn.linear_model")
    X, y, _ = cd_data
    benchmark.group = "lasso-fit"
    benchmark(lambda: skl.Lasso(alpha=ALPHA, tol=1e-6).fit(X, y))


# ---- LinearRegression / Ridge grid vs scikit-learn and scikit-learn-intelex ------
# tall (10^6 x 50, 500k x 50), square-ish (10^4 x 10^3), wide (10^3 x 10^4);
# float32 and float64. Each cell: the three fits interleaved (min of 3), the ratio
# to the faster peer (above 1 = fastml faster) and fastml's GFLOP/s for the
# normal equations (n p^2 for n >= p, the kernel n^2 p otherwise) vs the peak.
# Run for real: python -m pytest benchmarks/bench_linear.py -k grid --benchmark-only -s

import os as _os  # noqa: E402
import sys as _sys  # noqa: E402

_sys.path.insert(0, _os.path.dirname(_os.path.abspath(__file__)))  # --import-mode=importlib
from _peer_grid import SHAPES_FULL, SHAPES_SMALL, best_of, regression_data, report  # noqa: E402

from fastml.linear_model import LinearRegression, Ridge  # noqa: E402


def _sklearnex_linear():
    try:
        from sklearnex.linear_model import LinearRegression as XLR
        from sklearnex.linear_model import Ridge as XRidge
    except ImportError:
        return None
    return {"linear": XLR, "ridge": XRidge}


@pytest.mark.parametrize("model", ["linear", "ridge"])
@pytest.mark.parametrize("cell", range(8), ids=lambda i: f"cell{i}")
def bench_linear_grid(benchmark, small, model, cell):
    skl = pytest.importorskip("sklearn.linear_model")
    cells = [(s, dt) for s in (SHAPES_SMALL if small else SHAPES_FULL)
             for dt in (np.float64, np.float32)]
    if cell >= len(cells):
        pytest.skip("grid has fewer cells in this mode")
    (n, p), dtype = cells[cell]
    benchmark.group = f"{model}-{n}x{p}-{np.dtype(dtype).name}"
    X, y = regression_data(n, p, dtype)
    ours_cls, sk_cls = ((LinearRegression, skl.LinearRegression) if model == "linear"
                        else (Ridge, skl.Ridge))
    fns = {"fastml": lambda: ours_cls().fit(X, y), "sklearn": lambda: sk_cls().fit(X, y)}
    xl = _sklearnex_linear()
    if xl is not None:
        fns["sklearnex"] = lambda: xl[model]().fit(X, y)
    ours = benchmark.pedantic(fns["fastml"], rounds=1, iterations=1)
    ref = sk_cls().fit(X, y)
    tol = 1e-3 if dtype == np.float32 else 1e-8
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=tol * np.abs(ref.coef_).max())
    times = best_of(fns, repeats=1 if small else 3)
    flops = n * p * p if n >= p else n * n * p
    ratio = report(benchmark, times, flops, dtype)
    print(f"\n{model} {n}x{p} {np.dtype(dtype).name} "
          + " ".join(f"{name}={t * 1e3:.1f}ms" for name, t in times.items())
          + f" ratio_vs_best_peer={ratio:.2f} fastml_gflops="
          + f"{benchmark.extra_info['fastml_gflops']}")
