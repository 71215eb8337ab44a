"""Shared grid helpers for the linear-model and decomposition benchmarks.

Each cell fits fastml, scikit-learn and scikit-learn-intelex (when installed) on
the same data in the same process, interleaved, each repeated (min taken); the
ratio is (faster peer's time) / (fastml's time): above 1 = fastml faster.
GFLOP/s is measured against the machine's peaks (~100 fp64 / ~200 fp32 GFLOP/s
on 2 cores, DESIGN.md).
"""
import time

import numpy as np

PEAK_GFLOPS = {np.dtype(np.float64): 100.0, np.dtype(np.float32): 200.0}

# (n, p): tall, square-ish, wide (issue grid); small cells for --benchmark-disable
SHAPES_FULL = [(1_000_000, 50), (500_000, 50), (10_000, 1_000), (1_000, 10_000)]
SHAPES_SMALL = [(2_000, 20), (300, 40), (40, 300)]


def best_of(fns, repeats=3):
    """Interleaved timings: {name: min seconds over repeats}."""
    best = {k: np.inf for k in fns}
    for _ in range(repeats):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - t)
    return best


def report(benchmark, times, flops, dtype):
    peers = [times[k] for k in ("sklearn", "sklearnex") if k in times]
    ratio = min(peers) / times["fastml"] if peers else float("nan")
    gflops = flops / times["fastml"] / 1e9
    benchmark.extra_info.update({f"{k}_s": round(v, 5) for k, v in times.items()})
    benchmark.extra_info["ratio_vs_best_peer"] = round(ratio, 3)
    benchmark.extra_info["fastml_gflops"] = round(gflops, 2)
    benchmark.extra_info["pct_of_peak"] = round(100 * gflops / PEAK_GFLOPS[np.dtype(dtype)], 1)
    return ratio


def regression_data(n, p, dtype, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)).astype(dtype)
    y = (X @ rng.standard_normal(p) + rng.standard_normal(n)).astype(dtype)
    return X, y


def low_rank_data(n, p, dtype, rank=30, seed=0):
    """A decaying spectrum (rank directions, scales 10..1) plus small noise."""
    rng = np.random.default_rng(seed)
    r = min(rank, n, p)
    Z = rng.standard_normal((n, r)).astype(dtype) * np.geomspace(10, 1, r).astype(dtype)
    X = Z @ rng.standard_normal((r, p)).astype(dtype)
    X += dtype(0.1) * rng.standard_normal((n, p)).astype(dtype)
    return X
