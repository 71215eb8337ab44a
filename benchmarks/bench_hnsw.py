"""Approximate nearest neighbours: fastml.neighbors.HNSW vs hnswlib and faiss
IndexHNSWFlat (both optional, skipped when absent), same data, same process,
same thread count (FASTML_BENCH_THREADS, default 2: fastml n_jobs, hnswlib
num_threads, faiss.omp_set_num_threads, OMP_NUM_THREADS and threadpoolctl).

Data: Gaussian clusters (centres N(0, 25 I), unit-variance points) or uniform
[0, 1)^d, float32; k = 10, M = 16, ef_construction = 200. Ground truth by
exact brute force. Builds and query passes are interleaved across libraries
and repeated (--reps, default 3); the minimum time counts. Prints recall@10
and queries/s for ef in {16, 32, 64, 128, 256}, build time, index memory, and
fastml's speed ratio to hnswlib at every recall level hnswlib reaches (fastml's
fastest setting with at least that recall):

    python benchmarks/bench_hnsw.py                      # 100k x 128 clustered
    python benchmarks/bench_hnsw.py --n 20000            # quicker
    python benchmarks/bench_hnsw.py --data uniform --d 32
    python benchmarks/bench_hnsw.py --peers hnswlib --reps 2 --query-reps 5

Under pytest (CI: --benchmark-disable) a tiny case runs once.

Measured (2 threads; hnswlib 0.8.0 built from source; a 2-core machine shared
with other jobs at load 11-17, so absolute rates are 3-10x below a quiet run
and jump between passes; ratios come from passes interleaved in one process,
min of repeats). fastml's kernels: lane sums in registers, greedy descent that
skips measured nodes and prefetches rows, next-expansion list prefetch, one-sift
result heap, level-0 link distances cached during the build. Command (faiss
left out for time): bench_hnsw.py --peers hnswlib --reps R --query-reps Q
[--fastml-extra-ef 320,384]; "at recall" = fastml's q/s at hnswlib's recall,
interpolated on fastml's curve; "fastml only" rows extend fastml's curve.

Quiet machine (load < 1, nothing else running), 2 threads each:

    clustered 100k x 128: --peers hnswlib --reps 2 --query-reps 5
      at hnswlib's recall 0.9037 / 0.9808 / 0.9980 / 0.9998 / 1.0000 (ef 16..256):
      1.65x / 1.57x / 1.53x / 1.46x / 1.35x q/s (104597 vs 63127 q/s at ef=16);
      build 4.59 s / 6.09 s (0.75x); index 65,753,424 / 66,049,440 bytes
    uniform 100k x 32: --data uniform --d 32 --reps 2 --query-reps 5 --fastml-extra-ef 320,384
      at recall 0.53 / 0.71 / 0.87 / 0.96 / 0.99: 2.26x / 2.04x / 1.84x / 1.60x / 1.39x;
      build 6.64 s / 7.43 s (0.89x); index 27,353,424 / 27,649,372 bytes
    uniform 100k x 960, 1000 queries: --data uniform --d 960 --n 100000 --nq 1000 --reps 1
      --query-reps 3 --fastml-extra-ef 320,384
      at recall 0.06 / 0.11 / 0.18 / 0.27 / 0.40: 1.64x / 1.67x / 1.67x / 1.65x / 1.66x;
      build 50.4 s / 83.3 s (0.60x); index 398,553,424 / 398,849,372 bytes

Loaded machine (the runs above were repeated there while the kernels were tuned):

    clustered 100k x 128, 2000 queries, --reps 2 --query-reps 10
      ef   recall fastml / hnswlib   q/s fastml / hnswlib   at recall
      16   0.9029 / 0.9033           10359 /  8145          1.28x
      32   0.9795 / 0.9793           14907 / 10699          1.39x
      64   0.9982 / 0.9976            8911 /  7052          1.29x
      128  0.9998 / 0.9998            6653 /  4927          1.35x
      256  1.0000 / 1.0000            4996 /  3382          1.48x
      build 57.4 s / 74.6 s (0.77x); index 65,753,424 / 66,049,372 bytes (0.996x)
    two earlier runs (--query-reps 6): at recall 1.05x 1.38x 1.46x 1.66x 1.32x,
      build 0.75x (--reps 3); and, without the greedy skip, 1.46x 1.80x 1.54x
      1.54x 1.31x, build 1.03x (32.7 s / 31.8 s; other runs of that code 0.74x,
      0.80x)

    uniform 100k x 32, 2000 queries, --reps 2 --query-reps 8 --fastml-extra-ef 320,384
      ef   recall fastml / hnswlib   q/s fastml / hnswlib   at recall
      16   0.5309 / 0.5298           22671 / 14732          1.54x
      32   0.7135 / 0.7126           11125 /  5379          2.08x
      64   0.8694 / 0.8679            4854 /  2734          1.80x
      128  0.9574 / 0.9577            2487 /  1323          1.87x
      256  0.9925 / 0.9924            1667 /  1166          1.43x
      320  0.9965                     1014  (fastml only)
      384  0.9982                      898  (fastml only)
      build 66.4 s / 114.8 s (0.58x); index 27,353,424 / 27,649,372 bytes (0.989x)
    the run before it (--query-reps 6, without the greedy skip): at recall
      1.12x 1.82x 1.89x 1.54x 1.72x, build 0.70x

    uniform 10k x 960, 1000 queries, --reps 2 --query-reps 8 --fastml-extra-ef 320,384
      ef   recall fastml / hnswlib   q/s fastml / hnswlib   at recall
      16   0.2153 / 0.2179            2872 /  1738          1.64x
      32   0.3402 / 0.3390            1518 /   989          1.55x
      64   0.5027 / 0.5026             912 /   599          1.52x
      128  0.6964 / 0.6916             694 /   377          1.86x
      256  0.8493 / 0.8505             944 /   430          2.20x (via ef 320)
      320  0.8870                      993  (fastml only)
      384  0.9130                      871  (fastml only)
      build 21.0 s / 44.7 s (0.47x); index 39,854,948 / 39,883,956 bytes (0.999x)
    the run before it (--query-reps 6, without the greedy skip): at recall
      1.47x 1.81x 2.21x 1.95x 1.84x (via ef 320), build 0.61x

At d=960 fastml's recall at ef=256 is 0.001-0.003 below hnswlib's in every run
(seed 0: 0.8493/0.8505 and 0.8482/0.8509; seeds 1, 2: 0.8501/0.8507,
0.8483/0.8501; the same algorithm, different random graphs), so its curve
needs the ef=320 point to reach hnswlib's top recall. The low-ef points are
the least stable: a 2000-query pass at ef=16 lasts ~0.1 s, and one scheduler
stall of a worker thread (tens of ms on this machine, either library) moves
the ratio by 0.3x; on one thread, where
no barrier waits, hnswlib spends 1.43x fastml's CPU time per query at ef=16
(20k x 32; before these kernels fastml was the slower one, 0.82x).

Index bytes: per node a d * 4-byte vector and a 132-byte level-0 list in two
arrays, no padding, a one-byte level, an 8-byte offset, plus the upper levels;
hnswlib's count is its serialised index. (Before the level 0 was split into two
arrays: 68.7 MiB at 100k x 128, 704-byte padded records.) faiss's index at
100k x 128: 62.6 MiB.
"""
import argparse
import os
import sys
import time

THREADS = int(os.environ.get("FASTML_BENCH_THREADS", "2"))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

import numpy as np  # noqa: E402

EFS = (16, 32, 64, 128, 256)


def make_data(kind, n, nq, d, n_clusters=256, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return (rng.random((n, d), dtype=np.float32), rng.random((nq, d), dtype=np.float32))
    centres = rng.normal(0.0, 5.0, size=(n_clusters, d))
    pts = centres[rng.integers(0, n_clusters, n + nq)] + rng.standard_normal((n + nq, d))
    pts = pts.astype(np.float32)
    return pts[:n], pts[n:]


def ground_truth(X, Q, k, threads):
    from fastml.neighbors import NearestNeighbors

    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", n_jobs=threads).fit(X)
    return nn.kneighbors(Q, return_distance=False)


def recall(ind, truth):
    k = truth.shape[1]
    hits = sum(len(np.intersect1d(a[:k], b)) for a, b in zip(ind, truth))
    return hits / truth.size


class FastML:
    name = "fastml"

    def __init__(self, M, efc, threads):
        from fastml.neighbors import HNSW

        self.est = HNSW(n_neighbors=10, M=M, ef_construction=efc, n_jobs=threads,
                        random_state=0)

    def build(self, X):
        self.est.fit(X)

    def query(self, Q, k, ef):
        self.est.set_params(ef_search=max(ef, k))
        return self.est.kneighbors(Q, k, return_distance=False)

    def nbytes(self):
        return self.est.index_nbytes()


class Hnswlib:
    name = "hnswlib"

    def __init__(self, M, efc, threads):
        import hnswlib

        self.mod, self.M, self.efc, self.threads = hnswlib, M, efc, threads

    def build(self, X):
        self.index = self.mod.Index(space="l2", dim=X.shape[1])
        self.index.init_index(max_elements=X.shape[0], M=self.M, ef_construction=self.efc,
                              random_seed=0)
        self.index.set_num_threads(self.threads)
        self.index.add_items(X, np.arange(X.shape[0]), num_threads=self.threads)

    def query(self, Q, k, ef):
        self.index.set_ef(max(ef, k))
        return self.index.knn_query(Q, k=k, num_threads=self.threads)[0]

    def nbytes(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:  # the serialised index (a lower bound)
            path = os.path.join(tmp, "index.bin")
            self.index.save_index(path)
            return os.path.getsize(path)


class Faiss:
    name = "faiss"

    def __init__(self, M, efc, threads):
        import faiss

        self.faiss, self.M, self.efc = faiss, M, efc
        faiss.omp_set_num_threads(threads)

    def build(self, X):
        self.index = self.faiss.IndexHNSWFlat(X.shape[1], self.M)
        self.index.hnsw.efConstruction = self.efc
        self.index.add(X)

    def query(self, Q, k, ef):
        self.index.hnsw.efSearch = max(ef, k)
        return self.index.search(Q, k)[1]

    def nbytes(self):
        return self.faiss.serialize_index(self.index).nbytes


def available(M, efc, threads, peers=("hnswlib", "faiss")):
    libs = [FastML(M, efc, threads)]
    for cls in (Hnswlib, Faiss):
        if cls.name not in peers:
            continue
        try:
            libs.append(cls(M, efc, threads))
        except ImportError:
            print(f"# {cls.name} not installed: skipped")
    return libs


def run(kind="clustered", n=100_000, d=128, nq=2000, k=10, M=16, efc=200, efs=EFS, reps=3,
        threads=THREADS, out=sys.stdout, query_reps=None, peers=("hnswlib", "faiss"),
        fastml_extra_efs=()):
    """Measure every library; returns {lib: {"build": s, "bytes": b, ef: (recall, qps)}}.
    reps: interleaved builds; query_reps (default reps): interleaved query passes per ef;
    fastml_extra_efs: beam widths measured for fastml alone, extending its curve past
    the shared ones (so a peer's top recall can be compared when fastml's ef=256
    falls just short of it)."""
    X, Q = make_data(kind, n, nq, d)
    truth = ground_truth(X, Q, k, threads)
    libs = available(M, efc, threads, peers)
    res = {lib.name: {"build": np.inf} for lib in libs}
    for _ in range(reps):  # builds, interleaved
        for lib in libs:
            t = time.perf_counter()
            lib.build(X)
            res[lib.name]["build"] = min(res[lib.name]["build"], time.perf_counter() - t)
    for lib in libs:
        res[lib.name]["bytes"] = lib.nbytes()
    for ef in efs:
        for lib in libs:
            res[lib.name][ef] = (recall(lib.query(Q, k, ef), truth), 0.0)
        for _ in range(query_reps or reps):  # query passes, interleaved
            for lib in libs:
                t = time.perf_counter()
                lib.query(Q, k, ef)
                qps = nq / (time.perf_counter() - t)
                r, best = res[lib.name][ef]
                res[lib.name][ef] = (r, max(best, qps))
    f = res["fastml"]
    for ef in fastml_extra_efs:
        f[ef] = (recall(libs[0].query(Q, k, ef), truth), 0.0)
        for _ in range(query_reps or reps):
            t = time.perf_counter()
            libs[0].query(Q, k, ef)
            f[ef] = (f[ef][0], max(f[ef][1], nq / (time.perf_counter() - t)))
    f["extra"] = tuple(fastml_extra_efs)
    report(res, kind, n, d, nq, k, M, efc, efs, threads, out)
    return res


def report(res, kind, n, d, nq, k, M, efc, efs, threads, out):
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"\n## {kind} n={n} d={d} queries={nq} k={k} M={M} ef_construction={efc} "
      f"threads={threads} (min of repeats)")
    names = list(res)
    p("build s      " + "".join(f"{nm:>22}" for nm in names))
    p("             " + "".join(f"{res[nm]['build']:>22.2f}" for nm in names))
    p("index MB     " + "".join(f"{res[nm]['bytes'] / 2**20:>22.1f}" for nm in names))
    p("index bytes  " + "".join(f"{res[nm]['bytes']:>22,d}" for nm in names))
    p("ef   " + "".join(f"{nm + ' recall / q/s':>30}" for nm in names))
    for ef in efs:
        p(f"{ef:<5}" + "".join(f"{res[nm][ef][0]:>18.4f} {res[nm][ef][1]:>11.0f}"
                               for nm in names))
    f = res["fastml"]
    for ef in f["extra"]:
        p(f"{ef:<5}{f[ef][0]:>18.4f} {f[ef][1]:>11.0f}   (fastml only)")
    if "hnswlib" in res:
        h = res["hnswlib"]
        p(f"build time fastml / hnswlib: {f['build'] / h['build']:.2f}x")
        for ef in efs:
            r, q = h[ef]
            at = qps_at(f, tuple(efs) + f["extra"], r)
            ratio = f"{at / q:.2f}x" if at else "not reached"
            p(f"  hnswlib recall {r:.4f} at {q:.0f} q/s -> fastml q/s at that recall: {ratio} "
              f"(same ef: recall {f[ef][0]:.4f}, {f[ef][1] / q:.2f}x)")


def qps_at(curve, efs, r):
    """Queries/s of a (recall, q/s) curve at recall r, linear between its points
    (its fastest point when that already reaches r; None when no point does)."""
    pts = sorted((curve[e][0], curve[e][1]) for e in efs)
    if pts[0][0] >= r:
        return max(q for _, q in pts)
    for (r0, q0), (r1, q1) in zip(pts, pts[1:]):
        if r0 <= r <= r1:
            return q0 if r1 == r0 else q0 + (q1 - q0) * (r - r0) / (r1 - r0)
    return None


def test_hnsw_curve_smoke():
    """CI: the whole pipeline on a tiny case (runs once under --benchmark-disable)."""
    import io

    res = run(n=2000, d=16, nq=100, efs=(16, 64), reps=1, out=io.StringIO())
    assert res["fastml"][64][0] > 0.9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="clustered", choices=("clustered", "uniform"))
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--nq", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--M", type=int, default=16)
    ap.add_argument("--efc", type=int, default=200)
    ap.add_argument("--query-reps", type=int, default=None,
                    help="interleaved query passes per ef (default: --reps)")
    ap.add_argument("--peers", default="hnswlib,faiss",
                    help="comma-separated peers to measure (default: hnswlib,faiss)")
    ap.add_argument("--fastml-extra-ef", default="",
                    help="comma-separated ef values measured for fastml alone (e.g. 320,384)")
    a = ap.parse_args()
    import fastml

    fastml.set_num_threads(THREADS)
    try:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(limits=THREADS)
    except ImportError:  # pragma: no cover
        limits = None
    run(a.data, a.n, a.d, a.nq, 10, a.M, a.efc, EFS, a.reps, THREADS,
        query_reps=a.query_reps, peers=tuple(a.peers.split(",")),
        fastml_extra_efs=tuple(int(e) for e in a.fastml_extra_ef.split(",") if e))
    del limits


if __name__ == "__main__":
    main()
