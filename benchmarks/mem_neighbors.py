"""Peak extra memory of fastml's brute-force kNN for q = 1M queries (issue 3).

Runs the search in a fresh process and reports the growth of the peak RSS
(VmHWM) beyond inputs and outputs. Not a timed test:

    python benchmarks/mem_neighbors.py [n_queries] [n] [d]
"""
import sys

import numpy as np


def vm_hwm_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main(q=1_000_000, n=10_000, d=16, k=10):
    import fastml
    from fastml._kernels import ensure_blas, neighbors as kn

    fastml.set_num_threads(2)
    ensure_blas()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d)).astype(np.float32)
    Q = rng.standard_normal((q, d)).astype(np.float32)
    kn.brute_knn(X, Q[:100], k, "euclidean")  # warm up (BLAS pools, imports)
    dist = np.zeros((q, k), np.float32)
    ind = np.zeros((q, k), np.int64)  # outputs touched before the baseline
    base = vm_hwm_mb()
    d2, i2 = kn.brute_knn(X, Q, k, "euclidean")
    peak = vm_hwm_mb()
    extra = peak - base - (dist.nbytes + ind.nbytes) / 2**20  # the returned outputs
    print(f"q={q} n={n} d={d} k={k}: peak RSS {peak:.0f} MB, extra beyond inputs and "
          f"outputs {max(extra, 0):.0f} MB")
    return extra


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
