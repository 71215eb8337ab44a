"""Density clustering: fastml DBSCAN / HDBSCAN vs scikit-learn (and
scikit-learn-intelex's DBSCAN), same data, same run, same thread count.

Data: Gaussian blobs (20 centres in a box of +-10, unit variance) plus 5%
uniform noise over the data's box. DBSCAN's eps is the median distance to the
min_samples-th neighbour (about half of the points are core); HDBSCAN uses
min_cluster_size=25. Every timing checks that the labels equal scikit-learn's
(DBSCAN: identical; HDBSCAN: the same partition).

    OMP_NUM_THREADS=2 python benchmarks/bench_cluster_density.py          # table
    OMP_NUM_THREADS=2 python benchmarks/bench_cluster_density.py --hdbscan-n 20000
    python -m pytest benchmarks/bench_cluster_density.py --benchmark-only  # pytest groups

Script mode pins every library to --threads (fastml.set_num_threads, n_jobs,
threadpoolctl) and reports the minimum of --repeats interleaved runs.
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np
import pytest

MIN_SAMPLES = 10
MIN_CLUSTER = 25


def make_data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-10, 10, size=(20, d))
    m = n - n // 20
    X = centres[rng.integers(0, 20, size=m)] + rng.standard_normal((m, d))
    noise = rng.uniform(X.min(0), X.max(0), size=(n - m, d))
    return rng.permutation(np.vstack([X, noise]))


def pick_eps(X, k=MIN_SAMPLES):
    from fastml.neighbors import NearestNeighbors
    dist, _ = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X)
    return float(np.median(dist[:, -1]))


def _peers():
    peers = {}
    try:
        from sklearn.cluster import DBSCAN as SD, HDBSCAN as SH
        peers["sklearn"] = (SD, SH)
    except ImportError:  # pragma: no cover
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from sklearnex.cluster import DBSCAN as ID
        peers["sklearnex"] = (ID, None)
    except ImportError:  # pragma: no cover
        pass
    return peers


def same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if not np.array_equal(a < 0, b < 0):
        return False
    pairs = set(zip(a[a >= 0].tolist(), b[b >= 0].tolist()))
    return len(pairs) == len(set(a[a >= 0].tolist())) == len(set(b[b >= 0].tolist()))


# ---- pytest-benchmark groups --------------------------------------------------------

CELLS = [(20000, 2), (20000, 10)]


@pytest.fixture(scope="module", params=CELLS, ids=lambda c: f"n{c[0]}-d{c[1]}")
def cell(request):
    n, d = request.param
    X = make_data(n, d)
    return X, pick_eps(X)


def bench_dbscan_fastml(benchmark, cell, bench_threads):
    from fastml.cluster import DBSCAN
    X, eps = cell
    benchmark.group = "dbscan"
    est = benchmark(lambda: DBSCAN(eps=eps, min_samples=MIN_SAMPLES, n_jobs=bench_threads).fit(X))
    sk = pytest.importorskip("sklearn.cluster")
    ref = sk.DBSCAN(eps=eps, min_samples=MIN_SAMPLES).fit(X)
    np.testing.assert_array_equal(est.labels_, ref.labels_)


def bench_dbscan_sklearn(benchmark, cell, bench_threads):
    sk = pytest.importorskip("sklearn.cluster")
    X, eps = cell
    benchmark.group = "dbscan"
    benchmark(lambda: sk.DBSCAN(eps=eps, min_samples=MIN_SAMPLES, n_jobs=bench_threads).fit(X))


def bench_dbscan_sklearnex(benchmark, cell, bench_threads):
    pytest.importorskip("sklearnex")
    X, eps = cell
    ID = _peers()["sklearnex"][0]
    benchmark.group = "dbscan"
    benchmark(lambda: ID(eps=eps, min_samples=MIN_SAMPLES, n_jobs=bench_threads).fit(X))


@pytest.fixture(scope="module")
def small():
    return make_data(5000, 3)


def bench_hdbscan_fastml(benchmark, small, bench_threads):
    from fastml.cluster import HDBSCAN
    benchmark.group = "hdbscan"
    est = benchmark(lambda: HDBSCAN(min_cluster_size=MIN_CLUSTER, n_jobs=bench_threads,
                                    copy=False).fit(small))
    sk = pytest.importorskip("sklearn.cluster")
    assert same_partition(est.labels_, sk.HDBSCAN(min_cluster_size=MIN_CLUSTER,
                                                  copy=False).fit(small).labels_)


def bench_hdbscan_sklearn(benchmark, small, bench_threads):
    sk = pytest.importorskip("sklearn.cluster")
    benchmark.group = "hdbscan"
    benchmark(lambda: sk.HDBSCAN(min_cluster_size=MIN_CLUSTER, n_jobs=bench_threads,
                                 copy=False).fit(small))


# ---- script mode -------------------------------------------------------------------

def _time(fn, repeats):
    best, out = np.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--d", type=int, nargs="+", default=[2, 3, 5, 10])
    ap.add_argument("--hdbscan-n", type=int, default=20_000)
    ap.add_argument("--hdbscan-d", type=int, nargs="+", default=[2, 5, 10])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-dbscan", action="store_true")
    ap.add_argument("--skip-hdbscan", action="store_true")
    a = ap.parse_args(argv)
    import fastml
    from fastml.cluster import DBSCAN, HDBSCAN
    from threadpoolctl import threadpool_limits
    fastml.set_num_threads(a.threads)
    peers = _peers()
    t = a.threads
    print(f"threads={t} (fastml.set_num_threads, n_jobs, threadpoolctl; "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}) repeats={a.repeats} (min)")
    with threadpool_limits(limits=t), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not a.skip_dbscan:
            for d in a.d:
                X = make_data(a.n, d)
                eps = pick_eps(X)
                runs = {"fastml": lambda: DBSCAN(eps=eps, min_samples=MIN_SAMPLES,
                                                 n_jobs=t).fit(X)}
                for name, (D, _) in peers.items():
                    runs[name] = (lambda D=D: D(eps=eps, min_samples=MIN_SAMPLES,
                                                n_jobs=t).fit(X))
                best = {k: np.inf for k in runs}
                labels = {}
                for _ in range(a.repeats):  # interleaved
                    for k, fn in runs.items():
                        s, est = _time(fn, 1)
                        best[k] = min(best[k], s)
                        labels[k] = est.labels_
                ok = all(same_partition(labels["fastml"], v) for v in labels.values())
                line = f"DBSCAN  n={a.n} d={d:2d} eps={eps:.3f}: fastml {best['fastml']:.3f}s"
                for k in runs:
                    if k != "fastml":
                        line += f" | {k} {best[k]:.3f}s ({best[k] / best['fastml']:.2f}x)"
                print(line + f" | labels agree: {ok}", flush=True)
        if not a.skip_hdbscan and "sklearn" in peers:
            SH = peers["sklearn"][1]
            for d in a.hdbscan_d:
                X = make_data(a.hdbscan_n, d)
                mk = {"fastml": lambda: HDBSCAN(min_cluster_size=MIN_CLUSTER, n_jobs=t,
                                                copy=False).fit(X),
                      "sklearn": lambda: SH(min_cluster_size=MIN_CLUSTER, n_jobs=t,
                                            copy=False).fit(X)}
                best, labels = {k: np.inf for k in mk}, {}
                reps = {"fastml": a.repeats, "sklearn": max(1, min(a.repeats, 2))}
                for r in range(a.repeats):
                    for k, fn in mk.items():
                        if r < reps[k]:
                            s, est = _time(fn, 1)
                            best[k] = min(best[k], s)
                            labels[k] = est.labels_
                ok = same_partition(labels["fastml"], labels["sklearn"])
                print(f"HDBSCAN n={a.hdbscan_n} d={d:2d}: fastml {best['fastml']:.3f}s | "
                      f"sklearn {best['sklearn']:.3f}s ({best['sklearn'] / best['fastml']:.2f}x)"
                      f" | same partition: {ok}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
