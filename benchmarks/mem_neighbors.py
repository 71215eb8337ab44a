"""Peak extra memory of fastml's brute-force kNN for q = 1M queries (issue 3).

Resets the peak RSS (VmHWM) right before the search and reports its growth
beyond the returned outputs. Not a timed test:

    python benchmarks/mem_neighbors.py [n_queries] [n] [d]
"""
import sys

import numpy as np


def _status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def reset_peak():
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def main(q=1_000_000, n=10_000, d=16, k=10):
    import fastml
    from fastml._kernels import ensure_blas, knn as kn

    fastml.set_num_threads(2)
    ensure_blas()
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, d)).astype(np.float32)
    Q = rng.standard_normal((q, d)).astype(np.float32)
    kn.brute_knn(X, Q[:100], k, "euclidean")  # warm up (BLAS pools, imports)
    reset_peak()
    base = _status_mb("VmRSS:")
    dist, ind = kn.brute_knn(X, Q, k, "euclidean")
    peak = _status_mb("VmHWM:")
    outputs = (dist.nbytes + ind.nbytes) / 2**20
    extra = peak - base - outputs
    print(f"q={q} n={n} d={d} k={k}: peak RSS grew by {peak - base:.0f} MB during the call, "
          f"of which {outputs:.0f} MB are the returned dist/ind arrays; extra working "
          f"memory {extra:.0f} MB")
    return extra


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
