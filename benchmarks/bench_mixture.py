"""GaussianMixture and MeanShift: fastml vs scikit-learn (scikit-learn-intelex
has neither estimator), same data, same run, same thread count.

GaussianMixture: EM from the same initial parameters (weights_init,
means_init, precisions_init given, so no k-means runs), tol=0 so every
library makes the same number of iterations (max_iter); the time per
iteration is the fit time over the iterations (it includes the final E-step
both libraries make). Data: k Gaussian clusters with random covariances.
MeanShift: blobs in 2-D/3-D with a fixed bandwidth, bin seeding off and on.

    python benchmarks/bench_mixture.py                      # table, 2 threads
    python benchmarks/bench_mixture.py --n 100000 --d 20 --k 10 --repeat 3
    python -m pytest benchmarks/bench_mixture.py --benchmark-only
"""
import argparse
import time
import warnings

import numpy as np
import pytest

GMM_ITERS = 10


def gmm_data(n, d, k, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-8, 8, size=(k, d))
    lab = rng.integers(0, k, size=n)
    A = rng.standard_normal((k, d, d)) * 0.3 + np.eye(d)
    X = centres[lab] + np.einsum("nd,nde->ne", rng.standard_normal((n, d)), A[lab])
    X = X.astype(dtype)
    means = X[rng.choice(n, k, replace=False)].astype(np.float64)
    prec = np.linalg.inv(np.cov(X.T.astype(np.float64)) + 0.1 * np.eye(d))
    init = dict(weights_init=np.full(k, 1.0 / k), means_init=means,
                precisions_init=np.repeat(prec[None], k, 0))
    return X, init


def gmm_fit(cls, X, init, iters=GMM_ITERS, cov_type="full"):
    k = len(init["weights_init"])
    kw = dict(init)
    if cov_type != "full":
        p = init["precisions_init"][0]
        kw["precisions_init"] = {"tied": p, "diag": np.repeat(np.diag(p)[None], k, 0),
                                 "spherical": np.full(k, np.diag(p).mean())}[cov_type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(k, covariance_type=cov_type, tol=0.0, max_iter=iters, **kw).fit(X)


def ms_data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(8, d))
    return centres[rng.integers(0, 8, n)] + rng.standard_normal((n, d))


# ---- pytest-benchmark groups -------------------------------------------------
GMM_CELLS = [(20000, 20, 10, "full"), (20000, 10, 8, "diag")]
MS_CELLS = [(5000, 2, False), (50000, 3, True)]


@pytest.fixture(scope="module", params=GMM_CELLS, ids=lambda c: "n{}-d{}-k{}-{}".format(*c))
def gcell(request):
    n, d, k, ct = request.param
    return (n, d, k, ct) + gmm_data(n, d, k)


@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_gmm_fit(benchmark, gcell, lib):
    n, d, k, ct, X, init = gcell
    if lib == "fastml":
        from fastml.mixture import GaussianMixture as cls
    else:
        cls = pytest.importorskip("sklearn.mixture").GaussianMixture
    benchmark.group = f"gmm-fit-n{n}-d{d}-k{k}-{ct}"
    m = benchmark(lambda: gmm_fit(cls, X, init, cov_type=ct))
    assert np.isfinite(m.lower_bound_)


@pytest.fixture(scope="module", params=MS_CELLS, ids=lambda c: "n{}-d{}-bins{}".format(*c))
def mcell(request):
    n, d, bins = request.param
    return n, d, bins, ms_data(n, d)


@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def bench_mean_shift(benchmark, mcell, lib, bench_threads):
    n, d, bins, X = mcell
    if lib == "fastml":
        from fastml.cluster import MeanShift as cls
    else:
        cls = pytest.importorskip("sklearn.cluster").MeanShift
    benchmark.group = f"mean-shift-n{n}-d{d}-bins{bins}"
    benchmark(lambda: cls(bandwidth=2.0, bin_seeding=bins, n_jobs=bench_threads).fit(X))


# ---- script mode: interleaved, min of --repeat runs ----------------------------
def _interleaved(fns, repeat):
    best = {name: np.inf for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--d", type=int, default=20)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--iters", type=int, default=GMM_ITERS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cov", default="full,tied,diag,spherical")
    ap.add_argument("--mean-shift", default="20000x2,100000x3b",
                    help="n x d cells, suffix b for bin seeding ('' to skip)")
    a = ap.parse_args(argv)
    from threadpoolctl import threadpool_limits

    import fastml
    from fastml.cluster import MeanShift as FMS
    from fastml.mixture import GaussianMixture as FGM
    from sklearn.cluster import MeanShift as SMS
    from sklearn.mixture import GaussianMixture as SGM
    fastml.set_num_threads(a.threads)
    print(f"threads={a.threads} (fastml.set_num_threads, threadpoolctl BLAS limit, n_jobs); "
          f"min of {a.repeat} interleaved runs")
    with threadpool_limits(limits=a.threads):
        X, init = gmm_data(a.n, a.d, a.k)
        for ct in [c for c in a.cov.split(",") if c]:
            f = gmm_fit(FGM, X, init, a.iters, ct)
            s = gmm_fit(SGM, X, init, a.iters, ct)
            rel = abs(f.lower_bound_ - s.lower_bound_) / abs(s.lower_bound_)
            t = _interleaved({"fastml": lambda: gmm_fit(FGM, X, init, a.iters, ct),
                              "sklearn": lambda: gmm_fit(SGM, X, init, a.iters, ct)}, a.repeat)
            print(f"GaussianMixture {ct:9s} n={a.n} d={a.d} k={a.k} iters={a.iters}: "
                  f"fastml {t['fastml']:.3f}s ({1e3 * t['fastml'] / a.iters:.1f} ms/iter)  "
                  f"sklearn {t['sklearn']:.3f}s ({1e3 * t['sklearn'] / a.iters:.1f} ms/iter)  "
                  f"speedup {t['sklearn'] / t['fastml']:.2f}x  lower-bound rel diff {rel:.1e}")
        for cell in [c for c in a.mean_shift.split(",") if c]:
            bins = cell.endswith("b")
            n, d = (int(v) for v in cell.rstrip("b").split("x"))
            Xm = ms_data(n, d)
            kw = dict(bandwidth=2.0, bin_seeding=bins, n_jobs=a.threads)
            f, s = FMS(**kw).fit(Xm), SMS(**kw).fit(Xm)
            same = f.cluster_centers_.shape == s.cluster_centers_.shape and \
                np.abs(f.cluster_centers_ - s.cluster_centers_).max() <= 1e-6
            t = _interleaved({"fastml": lambda: FMS(**kw).fit(Xm),
                              "sklearn": lambda: SMS(**kw).fit(Xm)}, a.repeat)
            print(f"MeanShift n={n} d={d} bin_seeding={bins}: fastml {t['fastml']:.3f}s  "
                  f"sklearn {t['sklearn']:.3f}s  speedup {t['sklearn'] / t['fastml']:.2f}x  "
                  f"same centres (1e-6): {same}")


if __name__ == "__main__":
    main()
