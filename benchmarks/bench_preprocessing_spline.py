"""SplineTransformer and KBinsDiscretizer: fastml vs scikit-learn.

scikit-learn-intelex has neither estimator (it patches only its own list),
so scikit-learn is the one peer. Same data (standard normal, 1e6 x 10 by
default), same thread count: fastml.set_num_threads, threadpoolctl for BLAS /
OpenMP, OMP_NUM_THREADS set before NumPy loads. Cells, all warm:

- spline transform: n_knots=5, degree=3 (70 dense float64 output columns),
  extrapolation "constant" and "periodic", dense and sparse_output;
- spline fit (knots "quantile": percentiles of every feature);
- kbins fit (strategy quantile with the default subsample=200_000, and
  uniform) and transform (encode onehot / ordinal).

Each cell: interleaved runs, the minimum of --repeat (default 3) per library,
reported as the ratio sklearn time / fastml time (> 1: fastml is faster).

    OMP_NUM_THREADS=2 python benchmarks/bench_preprocessing_spline.py
    python -m pytest benchmarks/bench_preprocessing_spline.py --benchmark-only
"""
import argparse
import gc
import os
import time

import numpy as np
import pytest


def make_data(n, d, seed=0):
    return np.random.default_rng(seed).standard_normal((n, d))


def _spline(lib, **kw):
    if lib == "fastml":
        from fastml.preprocessing import SplineTransformer
    else:
        from sklearn.preprocessing import SplineTransformer
    return SplineTransformer(**kw)


def _kbins(lib, **kw):
    if lib == "fastml":
        from fastml.preprocessing import KBinsDiscretizer
    else:
        from sklearn.preprocessing import KBinsDiscretizer
    return KBinsDiscretizer(**kw)


def cells(X):
    """name -> {lib: zero-argument callable}; fitted models are built once."""
    out = {}
    for ext in ("constant", "periodic"):
        for sparse in (False, True):
            name = f"spline transform {ext}{' sparse' if sparse else ''}"
            fitted = {lib: _spline(lib, extrapolation=ext, sparse_output=sparse).fit(X[:1000])
                      for lib in ("fastml", "sklearn")}
            out[name] = {lib: (lambda m=m: m.transform(X)) for lib, m in fitted.items()}
    out["spline fit quantile"] = {lib: (lambda lib=lib: _spline(lib, knots="quantile").fit(X))
                                  for lib in ("fastml", "sklearn")}
    for strat in ("quantile", "uniform"):
        out[f"kbins fit {strat}"] = {
            lib: (lambda lib=lib, s=strat: _kbins(lib, strategy=s, random_state=0).fit(X))
            for lib in ("fastml", "sklearn")}
    for enc in ("onehot", "ordinal"):
        fitted = {lib: _kbins(lib, encode=enc, random_state=0).fit(X)
                  for lib in ("fastml", "sklearn")}
        out[f"kbins transform {enc}"] = {lib: (lambda m=m: m.transform(X))
                                         for lib, m in fitted.items()}
    return out


def measure(fn, repeat):
    best = np.inf
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        r = fn()
        best = min(best, time.perf_counter() - t)
        del r
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", 2)))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="", help="run cells whose name contains this")
    args = ap.parse_args(argv)
    import fastml
    from threadpoolctl import threadpool_limits

    fastml.set_num_threads(args.threads)
    X = make_data(args.n, args.d)
    with threadpool_limits(limits=args.threads):
        for name, libs in cells(X[:2000]).items():  # warm up (JIT compile / cache load)
            if args.only in name:
                for fn in libs.values():
                    fn()
        table = cells(X)
        print(f"n={args.n} d={args.d} threads={args.threads} (min of {args.repeat}, "
              "interleaved)")
        for name, libs in table.items():
            if args.only not in name:
                continue
            t = {lib: np.inf for lib in libs}
            for _ in range(args.repeat):
                for lib, fn in libs.items():
                    t[lib] = min(t[lib], measure(fn, 1))
            print(f"  {name:34s} fastml {t['fastml'] * 1e3:9.1f} ms   sklearn "
                  f"{t['sklearn'] * 1e3:9.1f} ms   ratio {t['sklearn'] / t['fastml']:6.2f}x")


# ---- pytest-benchmark groups (smaller data so CI stays quick) -------------------

@pytest.fixture(scope="module")
def X():
    return make_data(200_000, 10)


@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_spline_transform(benchmark, X, lib):
    pytest.importorskip("sklearn")
    benchmark.group = "spline transform 2e5x10"
    m = _spline(lib).fit(X[:1000])
    benchmark(m.transform, X)


@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_spline_transform_sparse(benchmark, X, lib):
    pytest.importorskip("sklearn")
    benchmark.group = "spline transform sparse 2e5x10"
    m = _spline(lib, sparse_output=True).fit(X[:1000])
    benchmark(m.transform, X)


@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_kbins_fit(benchmark, X, lib):
    pytest.importorskip("sklearn")
    benchmark.group = "kbins fit quantile 2e5x10"
    benchmark(lambda: _kbins(lib, random_state=0).fit(X))


@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_kbins_transform(benchmark, X, lib):
    pytest.importorskip("sklearn")
    benchmark.group = "kbins transform onehot 2e5x10"
    m = _kbins(lib, random_state=0).fit(X)
    benchmark(m.transform, X)


if __name__ == "__main__":
    main()
