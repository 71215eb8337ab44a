"""Recall / speed curve of fastml.neighbors.LSH next to fastml.neighbors.HNSW.

LSH is the KNN tutorial's teaching baseline for approximate search (random
projections for cosine, p-stable hashes for euclidean); HNSW is what to use.
Same data as benchmarks/bench_hnsw.py (Gaussian clusters or uniform, float32),
k = 10, ground truth by exact brute force, every library at
FASTML_BENCH_THREADS threads (default 2). For each LSH setting (n_tables x
n_bits) and each HNSW ef it prints recall@10, queries/s (min of --reps passes)
and the build time:

    python benchmarks/bench_lsh.py                    # 100k x 128 clustered
    python benchmarks/bench_lsh.py --n 20000          # quicker
    python benchmarks/bench_lsh.py --metric cosine

Under pytest (CI: --benchmark-disable) a tiny case runs once.

Measured (clustered 20k x 128, 1000 queries, 2 threads, a heavily shared
machine: rates are several times below a quiet run, recall is exact):

    method                  recall@10  queries/s
    LSH tables=8  bits=8        0.812       1526
    LSH tables=16 bits=8        0.960       1372
    LSH tables=32 bits=8        0.998        856
    LSH tables=32 bits=12       0.922        833
    LSH tables=16 bits=16       0.474        273
    HNSW M=16 ef=16             0.986       8250
    HNSW M=16 ef=32             0.999       5896
    HNSW M=16 ef=64             1.000       3563

At equal recall HNSW answers 6-7x more queries per second (0.998-0.999:
5896 vs 856 q/s). Many bits make buckets so small that queries with fewer than
k candidates fall back to exact brute force, which is why recall and speed are
not monotone in n_bits (tables=4, bits=16: 0.784 at 24 q/s).
"""
import argparse
import os
import sys
import time

THREADS = int(os.environ.get("FASTML_BENCH_THREADS", "2"))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_hnsw import ground_truth, make_data, recall  # noqa: E402

TABLES = (4, 8, 16, 32)
BITS = (8, 12, 16)
EFS = (16, 32, 64, 128)


def _timed(fn, reps):
    best, out = np.inf, None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def run(kind="clustered", n=100_000, d=128, nq=1000, k=10, metric="euclidean",
        tables=TABLES, bits=BITS, efs=EFS, reps=2, out=sys.stdout):
    import fastml
    from fastml.neighbors import HNSW, LSH

    fastml.set_num_threads(THREADS)
    X, Q = make_data(kind, n, nq, d)
    if metric == "cosine":
        from fastml.neighbors import NearestNeighbors
        truth = NearestNeighbors(n_neighbors=k, algorithm="brute", metric="cosine",
                                 n_jobs=THREADS).fit(X).kneighbors(Q, return_distance=False)
    else:
        truth = ground_truth(X, Q, k, THREADS)
    rows = []
    print(f"{kind} {n} x {d}, {nq} queries, k={k}, metric={metric}, {THREADS} threads",
          file=out)
    print(f"{'method':28s} {'build s':>8s} {'recall@10':>9s} {'queries/s':>10s}", file=out)
    for t in tables:
        for b in bits:
            est = LSH(n_neighbors=k, metric=metric, n_tables=t, n_bits=b, random_state=0)
            tb, _ = _timed(lambda: est.fit(X), 1)
            tq, ind = _timed(lambda: est.kneighbors(Q, k, return_distance=False), reps)
            r = recall(ind, truth)
            rows.append(("lsh", t, b, tb, r, nq / tq))
            print(f"{f'LSH tables={t} bits={b}':28s} {tb:8.2f} {r:9.3f} {nq / tq:10.0f}",
                  file=out)
    hnsw_metric = "cosine" if metric == "cosine" else "euclidean"
    est = HNSW(n_neighbors=k, metric=hnsw_metric, M=16, ef_construction=200, n_jobs=THREADS,
               random_state=0)
    tb, _ = _timed(lambda: est.fit(X), 1)
    for ef in efs:
        est.set_params(ef_search=max(ef, k))
        tq, ind = _timed(lambda: est.kneighbors(Q, k, return_distance=False), reps)
        r = recall(ind, truth)
        rows.append(("hnsw", ef, None, tb, r, nq / tq))
        print(f"{f'HNSW M=16 ef={ef}':28s} {tb:8.2f} {r:9.3f} {nq / tq:10.0f}", file=out)
    return rows


def test_lsh_curve_smoke():
    """CI: the whole pipeline on a tiny case (runs once under --benchmark-disable)."""
    import io

    rows = run(n=2000, d=16, nq=100, tables=(8,), bits=(8,), efs=(64,), reps=1,
               out=io.StringIO())
    lsh = [r for r in rows if r[0] == "lsh"][0]
    hnsw = [r for r in rows if r[0] == "hnsw"][0]
    assert 0.0 < lsh[4] <= 1.0 and hnsw[4] > 0.9


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", choices=("clustered", "uniform"), default="clustered")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--nq", type=int, default=1000)
    ap.add_argument("--metric", choices=("euclidean", "cosine"), default="euclidean")
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args()
    run(a.data, a.n, a.d, a.nq, metric=a.metric, reps=a.reps)


if __name__ == "__main__":
    main()
