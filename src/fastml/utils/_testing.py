"""Helpers for fastml's kernel tests (not public API)."""
import numpy as np

from .._kernels import _threads


def same_under_thread_counts(run, counts=(1, 2, 3)):
    """run() under each thread count gives bitwise-equal arrays (a tuple of them)."""
    outs = []
    for n in counts:
        with _threads.scope(n):
            outs.append(run())
    for other in outs[1:]:
        for a, b in zip(outs[0], other):
            np.testing.assert_array_equal(a, b)


def read_only(*arrays):
    """Read-only copies of the arrays (a list)."""
    out = []
    for a in arrays:
        a = a.copy()
        a.flags.writeable = False
        out.append(a)
    return out
