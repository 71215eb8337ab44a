"""Timing helper shared by the demos."""
import time


def best_of(fn, repeat=3):
    """Best wall time of `repeat` calls of fn(), in seconds, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out
