"""fastml.dask on a distributed.LocalCluster: scaling, overhead, peers.

Script mode (the measurements of docs/dask.md):

    python benchmarks/bench_dask.py [--quick]

- strong scaling: the same data (8 partitions) on 1 and on 2 worker
  processes (1 thread each; dask's nanny starts workers with
  OMP_NUM_THREADS=1, so fastml's kernels run one thread per worker);
- weak scaling: 4 partitions of m rows per worker (1 worker: 4 m rows,
  2 workers: 8 m rows);
- overhead: single-machine fastml at the same total thread count (2) vs
  fastml.dask on 2 workers x 1 thread;
- peers on the same 2-worker cluster: dask-ml KMeans (same initial centres,
  same iterations), LinearRegression and LogisticRegression configured to
  solve the same problem as fastml (dask-glm's objective is sum(loss) +
  ||beta||^2 / (2 C) with the intercept penalised, on standardised columns
  unless normalize=False; compared: OLS, the unpenalised logistic MLE, and
  the l2 problem with the intercept penalised, fastml fitting [X, 1] without
  intercept), coefficients checked against each other and against
  single-machine fastml's exact solve; for kNN a dask map_blocks brute force
  written with NumPy;
- per-task costs (an empty task's round trip, a wide graph's throughput)
  for the estimates at 100 workers.
Both clusters live side by side and the runs are interleaved (min of 3);
data is persisted on each cluster before timing.

pytest mode: ``bench_*`` functions (pytest-benchmark; with
--benchmark-disable a small correctness run on a 2-worker cluster).
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np

try:
    import pytest
except ImportError:  # script mode without pytest
    pytest = None


def _clustered(n, d, seed=0, k=32):
    rng = np.random.default_rng(seed)
    C = rng.standard_normal((k, d)) * 5.0
    return C[rng.integers(0, k, n)] + rng.standard_normal((n, d))


def _cluster(n_workers):
    from distributed import Client, LocalCluster

    cl = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0")
    return Client(cl, set_as_default=False)


def _best(fn, reps):
    best = float("inf")
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


# ---- baseline: brute-force kNN with NumPy in map_blocks ------------------------------

def _np_topk(Xb, Q, k, off):
    d = (Q * Q).sum(1)[:, None] - 2.0 * Q @ Xb.T + (Xb * Xb).sum(1)[None, :]
    kk = min(k, Xb.shape[0])
    part = np.argpartition(d, kk - 1, axis=1)[:, :kk]
    dd = np.take_along_axis(d, part, 1)
    o = np.argsort(dd, axis=1)
    return np.take_along_axis(dd, o, 1), np.take_along_axis(part, o, 1) + off


def numpy_map_blocks_knn(Xd, Q, k, block=1000):
    """The kNN a dask user writes without fastml: per query block,
    Xd.map_blocks of a NumPy brute force (norm expansion + argpartition),
    then the global top-k of the stacked candidates."""
    import dask

    offs = np.concatenate([[0], np.cumsum(Xd.chunks[0])[:-1]])
    out = []
    for s in range(0, Q.shape[0], block):
        q = Q[s:s + block]
        nb = len(Xd.chunks[0])
        cand = Xd.map_blocks(
            lambda b, q=q, block_info=None: np.stack(_np_topk(
                b, q, k, offs[block_info[0]["chunk-location"][0]]), axis=0)[None],
            dtype=np.float64, chunks=((1,) * nb, (2,), (q.shape[0],), (k,)),
            new_axis=[2, 3])
        out.append(cand)
    res = dask.compute(*out)
    D, I = [], []
    for c in res:
        d = np.concatenate(list(c[:, 0]), axis=1)
        i = np.concatenate(list(c[:, 1]), axis=1)
        o = np.argsort(d, axis=1)[:, :k]
        D.append(np.sqrt(np.maximum(np.take_along_axis(d, o, 1), 0)))
        I.append(np.take_along_axis(i, o, 1).astype(np.int64))
    return np.concatenate(D), np.concatenate(I)


# ---- the study -----------------------------------------------------------------------

def _workloads(fd, X, Xd, yr, yc, Q, C0):
    return {
        "kNN fit+query": lambda: fd.NearestNeighbors(n_neighbors=10).fit(Xd).kneighbors(Q),
        "KMeans fit (10 it)": lambda: fd.KMeans(C0.shape[0], init=C0, max_iter=10,
                                               tol=0).fit(Xd),
        "LinearRegression fit": lambda: fd.LinearRegression().fit(Xd, yr),
        "LogisticRegression fit": lambda: fd.LogisticRegression(tol=1e-6,
                                                                max_iter=200).fit(Xd, yc),
    }


def _single(X, y_r, y_c, Q, C0, threads):
    import fastml
    from fastml.cluster import KMeans
    from fastml.linear_model import LinearRegression, LogisticRegression
    from fastml.neighbors import NearestNeighbors

    fastml.set_num_threads(threads)
    return {
        "kNN fit+query": lambda: NearestNeighbors(n_neighbors=10).fit(X).kneighbors(Q),
        "KMeans fit (10 it)": lambda: KMeans(C0.shape[0], init=C0, n_init=1, max_iter=10,
                                             tol=0).fit(X),
        "LinearRegression fit": lambda: LinearRegression(n_jobs=threads).fit(X, y_r),
        "LogisticRegression fit": lambda: LogisticRegression(
            tol=1e-6, max_iter=200, n_jobs=threads).fit(X, y_c),
    }


def _data(n, d, nq, seed=0):
    rng = np.random.default_rng(seed)
    X = _clustered(n, d, seed)
    w = rng.standard_normal(d)
    y_r = X @ w + 0.5 * rng.standard_normal(n)
    y_c = (X @ w + rng.standard_normal(n) > 0).astype(np.int64)
    Q = _clustered(nq, d, seed + 1)
    C0 = X[rng.choice(n, 8, replace=False)]
    return X, y_r, y_c, Q, C0


def _persisted(client, X, y_r, y_c, nparts):
    import dask.array as da

    rows = -(-X.shape[0] // nparts)
    arrs = [da.from_array(a, chunks=(rows,) + a.shape[1:]) for a in (X, y_r, y_c)]
    arrs = client.persist(arrs)
    from distributed import wait

    with client.as_current():
        wait(arrs)
    return arrs


def task_costs(client, n_tasks=2000):
    """(round trip of one empty task, seconds per task of a wide graph)."""
    import dask
    from dask import delayed

    t1, _ = _best(lambda: client.submit(int, 1, pure=False).result(), 20)
    tasks = [delayed(int, pure=False)(i) for i in range(n_tasks)]
    tw, _ = _best(lambda: dask.compute(*tasks, scheduler=client.get), 3)
    return t1, tw / n_tasks


def study(quick=False, reps=3):
    import dask
    from threadpoolctl import threadpool_limits

    import fastml.dask as fd

    n, d, nq = (200_000, 8, 10_000) if quick else (800_000, 8, 20_000)
    X, y_r, y_c, Q, C0 = _data(n, d, nq)
    c1, c2 = _cluster(1), _cluster(2)
    rows = {}
    try:
        data = {c: _persisted(c, X, y_r, y_c, 8) for c in (c1, c2)}
        single = {}
        for name in _workloads(fd, X, *data[c1], Q, C0):
            rows[name] = {}
        # strong scaling + overhead, interleaved
        for _ in range(reps):
            for label, c in (("1 worker", c1), ("2 workers", c2)):
                with c.as_current(), dask.config.set(scheduler=c.get):
                    for name, fn in _workloads(fd, X, *data[c], Q, C0).items():
                        t, _ = _best(fn, 1)
                        rows[name][label] = min(rows[name].get(label, 1e9), t)
            with threadpool_limits(2):
                for name, fn in _single(X, y_r, y_c, Q, C0, 2).items():
                    t, _ = _best(fn, 1)
                    single[name] = min(single.get(name, 1e9), t)
        print(f"\n## Strong scaling and overhead ({n} x {d}, 8 partitions; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print("| workload | 1 worker | 2 workers | speed-up | fastml 2 threads | dask/fastml |")
        print("|---|---|---|---|---|---|")
        for name, r in rows.items():
            print(f"| {name} | {r['1 worker']:.2f} s | {r['2 workers']:.2f} s | "
                  f"{r['1 worker'] / r['2 workers']:.2f}x | {single[name]:.2f} s | "
                  f"{r['2 workers'] / single[name]:.2f}x |")
        # weak scaling: 4 partitions of m rows per worker
        m = n // 8
        Xw, yrw, ycw, Qw, C0w = _data(8 * m, d, nq // 2, seed=3)
        weak = {}
        dw = {c1: _persisted(c1, Xw[:4 * m], yrw[:4 * m], ycw[:4 * m], 4),
              c2: _persisted(c2, Xw, yrw, ycw, 8)}
        for _ in range(reps):
            for label, c in (("1 worker, 4 m rows", c1), ("2 workers, 8 m rows", c2)):
                with c.as_current(), dask.config.set(scheduler=c.get):
                    for name, fn in _workloads(fd, None, *dw[c], Qw, C0w).items():
                        t, _ = _best(fn, 1)
                        weak.setdefault(name, {})
                        weak[name][label] = min(weak[name].get(label, 1e9), t)
        print(f"\n## Weak scaling (4 partitions of {m} rows per worker; ideal efficiency 1.0)")
        print("| workload | 1 worker, 4 m rows | 2 workers, 8 m rows | efficiency |")
        print("|---|---|---|---|")
        for name, r in weak.items():
            a, b = r["1 worker, 4 m rows"], r["2 workers, 8 m rows"]
            print(f"| {name} | {a:.2f} s | {b:.2f} s | {a / b:.2f} |")
        peers(c2, data[c2], X, y_r, y_c, Q, C0, reps)
        t1, tw = task_costs(c2)
        print(f"\n## Per-task costs (2 workers): empty task round trip {t1 * 1e3:.2f} ms; "
              f"wide graph {tw * 1e6:.0f} us per task")
    finally:
        for c in (c1, c2):
            cl = c.cluster
            c.close()
            cl.close()
    return rows


def peers_study(quick=False, reps=3):
    n, d, nq = (200_000, 8, 10_000) if quick else (800_000, 8, 20_000)
    X, y_r, y_c, Q, C0 = _data(n, d, nq)
    c2 = _cluster(2)
    try:
        data = _persisted(c2, X, y_r, y_c, 8)
        t1, tw = task_costs(c2)
        print(f"\n## Per-task costs (2 workers): empty task round trip {t1 * 1e3:.2f} ms; "
              f"wide graph {tw * 1e6:.0f} us per task", flush=True)
        peers(c2, data, X, y_r, y_c, Q, C0, reps)
    finally:
        cl = c2.cluster
        c2.close()
        cl.close()


def peers(client, data, X, y_r, y_c, Q, C0, reps):
    """fastml.dask vs dask-ml (and kNN vs a NumPy map_blocks brute force) on
    the same cluster, each pair interleaved (min of reps); one table row is
    printed as soon as its pair is measured."""
    import dask

    import fastml.dask as fd

    Xd, yr, yc = data
    try:
        import dask_ml.cluster as dmc
        import dask_ml.linear_model as dml
    except ImportError:
        dmc = dml = None

    def rel(a, b):
        a, b = np.ravel(a), np.ravel(b)
        return float(np.abs(a - b).max() / np.abs(b).max())

    def theta(est):
        """(coefficients, intercept last if fitted) -- dask-ml keeps that vector as _coef."""
        if hasattr(est, "_coef"):
            return np.ravel(est._coef)
        if not est.fit_intercept:
            return np.ravel(est.coef_)
        return np.append(np.ravel(est.coef_), np.ravel(est.intercept_))

    def agree(a, b, optimum):
        """Coefficients (with intercepts) of both against each other and against
        the optimum (single-machine fastml's exact solve of the same problem)."""
        ta, tb = theta(a), theta(b)
        return (f"coef rel diff {rel(ta, tb):.1e}; vs optimum: fastml.dask "
                f"{rel(ta, optimum):.1e}, dask-ml {rel(tb, optimum):.1e}")

    def pair(name, ours, theirs, agree):
        t_a = t_b = float("inf")
        for _ in range(reps):
            t, a = _best(ours, 1)
            t_a = min(t_a, t)
            t, b = _best(theirs, 1)
            t_b = min(t_b, t)
        print(f"| {name} | {t_a:.2f} s | {t_b:.2f} s | {t_b / t_a:.2f}x | {agree(a, b)} |",
              flush=True)

    print("\n## fastml.dask vs dask-ml / NumPy baseline (same 2-worker cluster, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("| workload | fastml.dask | peer | peer time / ours | agreement |")
    print("|---|---|---|---|---|", flush=True)
    with client.as_current(), dask.config.set(scheduler=client.get), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dmc is not None:
            pair("KMeans fit (same init, 10 iterations)",
                 lambda: fd.KMeans(8, init=C0, max_iter=10, tol=0).fit(Xd),
                 lambda: dmc.KMeans(8, init=C0, max_iter=10, tol=0).fit(Xd),
                 lambda a, b: "centres rel diff "
                              f"{rel(a.cluster_centers_, b.cluster_centers_):.1e}")
            # the same problems: dask-ml (dask-glm) minimises sum(loss) + ||beta||^2 / (2 C)
            # with the intercept inside beta (penalised) on standardised columns by
            # default; normalize=False and the matching fastml settings make the two
            # objectives equal (the optimum is checked against single-machine exact
            # Newton on the same problem)
            import dask.array as da

            from fastml.linear_model import LinearRegression as LR1
            from fastml.linear_model import LogisticRegression as LogR1
            raw = {"normalize": False}
            ols = LR1().fit(X, y_r)
            ols = np.append(ols.coef_, ols.intercept_)
            pair("LinearRegression fit (OLS; dask-ml solver='newton', normalize=False)",
                 lambda: fd.LinearRegression().fit(Xd, yr),
                 lambda: dml.LinearRegression(solver="newton", tol=1e-10,
                                              solver_kwargs=raw).fit(Xd, yr),
                 lambda a, b: agree(a, b, ols))
            mle = LogR1(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y_c)
            mle = np.append(mle.coef_, mle.intercept_)
            pair("LogisticRegression fit (unpenalised MLE; both Newton: fastml.dask C=inf "
                 "solver='newton-cholesky' tol 1e-10; dask-ml solver='newton' tol 1e-10, "
                 "normalize=False)",
                 lambda: fd.LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10,
                                               max_iter=100).fit(Xd, yc),
                 lambda: dml.LogisticRegression(solver="newton", tol=1e-10, max_iter=100,
                                                solver_kwargs=raw).fit(Xd, yc),
                 lambda a, b: agree(a, b, mle))
            n = X.shape[0]
            Xd1 = da.hstack([Xd, da.ones((n, 1), chunks=(Xd.chunks[0], (1,)))]).persist()
            X1 = np.hstack([X, np.ones((n, 1))])
            l2 = LogR1(C=1.0, fit_intercept=False, solver="newton-cholesky",
                       tol=1e-12).fit(X1, y_c).coef_.ravel()
            for solver in ("lbfgs", "newton-cholesky"):
                pair(f"LogisticRegression fit (l2, C=1, intercept penalised as dask-ml does: "
                     f"fastml.dask fit_intercept=False on [X, 1], solver={solver!r} tol 1e-10; "
                     f"dask-ml solver='lbfgs' tol 1e-6, normalize=False)",
                     lambda: fd.LogisticRegression(C=1.0, fit_intercept=False, tol=1e-10,
                                                   solver=solver, max_iter=500).fit(Xd1, yc),
                     lambda: dml.LogisticRegression(C=1.0, solver="lbfgs", tol=1e-6,
                                                    max_iter=1000,
                                                    solver_kwargs=raw).fit(Xd, yc),
                     lambda a, b: agree(a, b, l2))
        # 2,000 of the queries: the NumPy baseline materialises a 1000 x rows distance
        # block per partition and takes ~20 min for all 20,000 on 800k rows
        Qk = Q[:2000]
        pair(f"kNN fit+query (k=10, {Qk.shape[0]} queries) vs map_blocks NumPy brute force",
             lambda: fd.NearestNeighbors(n_neighbors=10).fit(Xd).kneighbors(Qk),
             lambda: numpy_map_blocks_knn(Xd, Qk, 10),
             lambda a, b: f"{float((a[1] == b[1]).mean()):.4f} of indices equal")


# ---- pytest-benchmark entry points -----------------------------------------------------

if pytest is not None and "pytest" in sys.modules:
    @pytest.fixture(scope="module")
    def _client():
        pytest.importorskip("distributed")
        c = _cluster(2)
        yield c
        cl = c.cluster
        c.close()
        cl.close()

    @pytest.fixture(scope="module")
    def _small(request):
        return request.config.getoption("benchmark_disable")

    def bench_dask_knn(benchmark, _client, _small):
        import dask

        import fastml.dask as fd
        from fastml.neighbors import NearestNeighbors

        n = 20_000 if _small else 400_000
        X, _, _, Q, _ = _data(n, 8, 2000)
        Xd = _persisted(_client, X, X[:, 0], X[:, 0], 8)[0]
        with _client.as_current(), dask.config.set(scheduler=_client.get):
            d1, i1 = benchmark(lambda: fd.NearestNeighbors(n_neighbors=10).fit(Xd)
                               .kneighbors(Q))
            d2, i2 = numpy_map_blocks_knn(Xd, Q, 10)
        d0, i0 = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(Q)
        assert np.array_equal(d0, d1) and np.array_equal(i0, i1)
        np.testing.assert_allclose(d2, d0, rtol=1e-6, atol=1e-6)

    def bench_dask_kmeans(benchmark, _client, _small):
        import dask

        import fastml.dask as fd
        from fastml.cluster import KMeans

        n = 20_000 if _small else 400_000
        X, _, _, _, C0 = _data(n, 8, 10)
        Xd = _persisted(_client, X, X[:, 0], X[:, 0], 8)[0]
        with _client.as_current(), dask.config.set(scheduler=_client.get):
            est = benchmark(lambda: fd.KMeans(8, init=C0, max_iter=10, tol=0).fit(Xd))
        ref = KMeans(8, init=C0, n_init=1, max_iter=10, tol=0).fit(X)
        assert abs(est.inertia_ - ref.inertia_) <= 1e-10 * ref.inertia_


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200k rows instead of 800k")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--peers-only", action="store_true",
                    help="only the dask-ml / NumPy comparison and the per-task costs")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    if args.peers_only:
        peers_study(args.quick, args.reps)
    else:
        study(args.quick, args.reps)
