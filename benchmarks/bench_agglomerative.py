"""AgglomerativeClustering: fastml vs scikit-learn (scikit-learn-intelex has no
agglomerative clustering; SciPy's linkage is what scikit-learn runs without a
connectivity graph).

Data: Gaussian clusters (20 centres in a box of +-10, unit variance), n x d
float64; every library builds the full tree (n_clusters=10: scikit-learn
then builds the full tree too) with the same linkage. Thread count: pinned by
benchmarks/conftest.py (pytest) or --threads (script: OMP_NUM_THREADS,
threadpoolctl and fastml.set_num_threads). scikit-learn's tree builders are
single-threaded.

    python benchmarks/bench_agglomerative.py                  # n=20000, d=10 and 50, ward
    python benchmarks/bench_agglomerative.py --linkage ward,average,complete,single
    python -m pytest benchmarks/bench_agglomerative.py --benchmark-only
"""
import argparse
import os
import sys
import time

import numpy as np
import pytest

LINKAGES = ("ward", "complete", "average", "single")


def make_data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(20, d))
    return centres[rng.integers(0, 20, size=n)] + rng.standard_normal((n, d))


def _fit(cls, X, linkage):
    return cls(n_clusters=10, linkage=linkage).fit(X)


@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("lib", ["fastml", "sklearn"])
def test_agglomerative(benchmark, lib, linkage):
    X = make_data(2000, 10)
    if lib == "fastml":
        from fastml.cluster import AgglomerativeClustering as cls
    else:
        cls = pytest.importorskip("sklearn.cluster").AgglomerativeClustering
    benchmark.group = f"agglomerative-{linkage}-n2000-d10"
    est = benchmark(_fit, cls, X, linkage)
    assert len(np.unique(est.labels_)) == 10


def _time(fn, reps):
    best = np.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--d", default="10,50")
    ap.add_argument("--linkage", default="ward")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import fastml
    from sklearn.cluster import AgglomerativeClustering as SK
    from threadpoolctl import threadpool_limits

    from fastml.cluster import AgglomerativeClustering as FM
    fastml.set_num_threads(args.threads)
    print(f"n={args.n} threads={args.threads} (min of {args.reps}, interleaved)")
    print(f"{'linkage':9s} {'d':>4s} {'fastml s':>9s} {'sklearn s':>10s} {'ratio':>7s} same")
    with threadpool_limits(args.threads):
        for d in [int(v) for v in args.d.split(",")]:
            X = make_data(args.n, d)
            for linkage in args.linkage.split(","):
                tf, ts = np.inf, np.inf
                for _ in range(args.reps):  # interleaved
                    tf = min(tf, _time(lambda: _fit(FM, X, linkage), 1))
                    ts = min(ts, _time(lambda: _fit(SK, X, linkage), 1))
                same = np.array_equal(_fit(FM, X, linkage).labels_, _fit(SK, X, linkage).labels_)
                print(f"{linkage:9s} {d:4d} {tf:9.3f} {ts:10.3f} {ts / tf:6.2f}x {same}",
                      flush=True)


if __name__ == "__main__":
    sys.exit(main())
