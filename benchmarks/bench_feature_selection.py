"""Feature selection and bagging: fastml vs scikit-learn (same data, same run,
2 threads for everyone -- benchmarks/conftest.py pins OpenMP/BLAS; n_jobs=2
for both libraries). scikit-learn-intelex patches neither SelectKBest, the
mutual-information estimators nor bagging, so it has no column here.

  kbest-*      SelectKBest(f_classif, k=20), make_classification n=100k x 200
  chi2-*       SelectKBest(chi2, k=20) on sparse counts n=100k x 2000 (1% dense)
  mi-*         mutual_info_classif, n=20k x 10 continuous features, n_jobs=2
  bagging-*    BaggingClassifier (decision trees), 20 estimators, n=20k x 20, n_jobs=2

    PYTHONPATH=src python -m pytest benchmarks/bench_feature_selection.py --benchmark-only \
        --benchmark-columns=min,median --benchmark-sort=name
    PYTHONPATH=src python benchmarks/bench_feature_selection.py   # ratio table (min of 3,
                                                                   # interleaved)
"""
import os
import sys
import time

import numpy as np
import pytest

from fastml.datasets import make_classification
from fastml.ensemble import BaggingClassifier
from fastml.feature_selection import SelectKBest, chi2, f_classif, mutual_info_classif


def _sizes(full):
    return dict(kb=(100_000, 200) if full else (2_000, 20),
                chi=(100_000, 2_000) if full else (2_000, 100),
                mi=(20_000, 10) if full else (1_000, 6),
                bag=(20_000, 20) if full else (1_000, 12))


def _data(full):
    s = _sizes(full)
    X, y = make_classification(*s["kb"], n_informative=10, random_state=0)
    import scipy.sparse as sp
    rng = np.random.RandomState(0)
    Xc = sp.random(*s["chi"], density=0.01, format="csr", random_state=0,
                   data_rvs=lambda k: rng.poisson(3, k) + 1.0)
    yc = rng.randint(0, 5, s["chi"][0])
    Xm, ym = make_classification(*s["mi"], n_informative=4, random_state=1)
    Xb, yb = make_classification(*s["bag"], n_informative=8, random_state=2)
    return dict(kb=(X, y), chi=(Xc, yc), mi=(Xm, ym), bag=(Xb, yb))


def _cases(sk_fs, sk_ens, threads):
    """group -> {library: callable(data)}."""
    out = {
        "kbest": {"fastml": lambda d: SelectKBest(f_classif, k=20).fit(*d["kb"]),
                  "sklearn": lambda d: sk_fs.SelectKBest(sk_fs.f_classif, k=20).fit(*d["kb"])},
        "chi2": {"fastml": lambda d: SelectKBest(chi2, k=20).fit(*d["chi"]),
                 "sklearn": lambda d: sk_fs.SelectKBest(sk_fs.chi2, k=20).fit(*d["chi"])},
        "mi": {"fastml": lambda d: mutual_info_classif(*d["mi"], random_state=0,
                                                       n_jobs=threads),
               "sklearn": lambda d: sk_fs.mutual_info_classif(*d["mi"], random_state=0,
                                                              n_jobs=threads)},
        "bagging": {"fastml": lambda d: BaggingClassifier(n_estimators=20, random_state=0,
                                                          n_jobs=threads).fit(*d["bag"]),
                    "sklearn": lambda d: sk_ens.BaggingClassifier(
                        n_estimators=20, random_state=0, n_jobs=threads).fit(*d["bag"])},
    }
    return out


@pytest.fixture(scope="module")
def data(request):
    return _data(not request.config.getoption("benchmark_disable"))


@pytest.mark.parametrize("group", ["kbest", "chi2", "mi", "bagging"])
@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_feature_selection(benchmark, data, group, lib, bench_threads):
    sk_fs = pytest.importorskip("sklearn.feature_selection")
    sk_ens = pytest.importorskip("sklearn.ensemble")
    fn = _cases(sk_fs, sk_ens, bench_threads)[group][lib]
    benchmark.group = group
    benchmark.pedantic(fn, args=(data,), rounds=3, iterations=1)


def main(threads=2, repeats=3):
    """Interleaved min-of-`repeats` timings and fastml speed-up ratios."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(threads))
    import fastml
    import sklearn.ensemble as sk_ens
    import sklearn.feature_selection as sk_fs
    from threadpoolctl import threadpool_limits

    fastml.set_num_threads(threads)
    d = _data(True)
    cases = _cases(sk_fs, sk_ens, threads)
    with threadpool_limits(limits=threads):
        for group, libs in cases.items():
            best = {lib: np.inf for lib in libs}
            for _ in range(repeats):
                for lib, fn in libs.items():
                    t = time.perf_counter()
                    fn(d)
                    best[lib] = min(best[lib], time.perf_counter() - t)
            print(f"{group:8s} fastml {best['fastml']:8.3f}s  sklearn {best['sklearn']:8.3f}s  "
                  f"speed-up {best['sklearn'] / best['fastml']:5.2f}x", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
