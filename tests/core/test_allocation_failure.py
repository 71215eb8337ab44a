"""A kernel whose work memory cannot be allocated raises MemoryError; it never
returns an unsearched (all-zero) result. The address-space cap leaves room for
the outputs NumPy allocates but not for the k-d tree query's order buffer."""
import os
import subprocess
import sys
import textwrap

import pytest

import fastml

from fastml._kernels import COMPILED

# where the fastml this process imported lives (src/ or site-packages)
SRC = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))


@pytest.mark.skipif(not COMPILED or sys.platform != "linux", reason="compiled, Linux rlimit")
def test_kdtree_query_without_memory_for_its_order_buffer_raises_memoryerror():
    code = textwrap.dedent("""
        import resource
        import numpy as np
        from fastml.neighbors import KDTree
        rng = np.random.default_rng(0)
        tree = KDTree(rng.random((1000, 1)), leaf_size=8)
        Q = rng.random((20_000_000, 1))           # 160 MB; outputs 2 x 160 MB
        def vm():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[0]) * resource.getpagesize()
        # room for both outputs (+ slack), not for the 480 MB order buffer
        resource.setrlimit(resource.RLIMIT_AS, (vm() + 420 * 2**20, resource.RLIM_INFINITY))
        try:
            tree.query(Q, k=1)
        except MemoryError:
            print("MemoryError")
        else:
            print("no error")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1"})
    assert r.stdout.strip().endswith("MemoryError"), (r.stdout, r.stderr[-1500:])
