"""Thread counts are an argument: no race between estimators with different
n_jobs, bounded counts with clear errors, and kernels that finish in a forked
child after the parent ran threaded kernels."""
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import fastml
from fastml._kernels import COMPILED, _threads
from fastml.neighbors import KNeighborsClassifier

# where the fastml this process imported lives (src/ or site-packages)
SRC = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))


def test_scopes_are_per_python_thread():
    barrier = threading.Barrier(4)
    seen = {}

    def work(n):
        with _threads.scope(n):
            barrier.wait()  # all four scopes are open at once
            seen[n] = _threads.current()
            barrier.wait()

    ts = [threading.Thread(target=work, args=(n,)) for n in (1, 2, 3, 4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert seen == {1: 1, 2: 2, 3: 3, 4: 4}
    assert _threads.current() == fastml.get_num_threads()


def test_estimators_with_different_n_jobs_do_not_race(rng):
    X = rng.standard_normal((3000, 8))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    Q = rng.standard_normal((2000, 8))
    models = [KNeighborsClassifier(n_neighbors=7, algorithm=a, n_jobs=j).fit(X, y)
              for a in ("brute", "kd_tree") for j in (1, 3)]
    expected = models[0].predict(Q)
    start = fastml.get_num_threads()
    for _ in range(5):
        out, errors = {}, []

        def run(i, m):
            try:
                out[i] = m.predict(Q)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        ts = [threading.Thread(target=run, args=(i, m)) for i, m in enumerate(models)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert not errors
        for i in range(len(models)):
            np.testing.assert_array_equal(out[i], expected)
        assert fastml.get_num_threads() == start


def test_thread_counts_are_bounded():
    with pytest.raises(ValueError, match="n=3000 is out of range"):
        fastml.set_num_threads(3000)
    # an estimator's n_jobs is capped (scikit-learn accepts any positive n_jobs)
    assert fastml._config.resolve_n_jobs(3000) == 4 * (os.cpu_count() or 1)
    with pytest.raises(ValueError, match="n_jobs"):
        fastml._config.resolve_n_jobs(0)
    assert fastml._config.resolve_n_jobs(-1) == (os.cpu_count() or 1)
    assert fastml._config.resolve_n_jobs(np.int64(1)) == 1
    prev = fastml.get_num_threads()
    try:
        fastml.set_num_threads(np.int32(1))
        assert fastml.get_num_threads() == 1
    finally:
        fastml.set_num_threads(prev)


def test_cli_rejects_huge_thread_count():
    r = subprocess.run([sys.executable, "-m", "fastml", "demo", "--threads",
                        "99999999999999999999"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": SRC})
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "--threads" in r.stderr


_FORK_SCRIPT = """
import multiprocessing as mp
import numpy as np
import fastml
from fastml.metrics import pairwise_distances
from fastml.neighbors import NearestNeighbors
from fastml.nn import functional as F
from fastml import nn

fastml.set_num_threads(2)
rng = np.random.default_rng(0)
X = rng.standard_normal((3000, 64)).astype(np.float32)
x = nn.Tensor(rng.standard_normal((8, 16, 32, 32)).astype(np.float32))
w = nn.Tensor(rng.standard_normal((16, 16, 3, 3)).astype(np.float32))

def work():
    d = pairwise_distances(X[:1500], X, metric="manhattan")
    i = NearestNeighbors(n_neighbors=5, algorithm="brute").fit(X).kneighbors(X[:500])[1]
    y = F.max_pool2d(F.conv2d(x, w, padding=1), 2)
    return float(d.sum()), int(i.sum()), float(y.data.sum())

def child(q):
    q.put(work())

if __name__ == "__main__":
    parent = work()  # threaded kernels run in the parent first
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=child, args=(q,))
    p.start()
    got = q.get(timeout=120)
    p.join(60)
    assert p.exitcode == 0, p.exitcode
    np.testing.assert_allclose(got, parent, rtol=1e-5)
    with ctx.Pool(2) as pool:
        for r in pool.starmap(pairwise_distances, [(X[:200], X[:300])] * 2):
            assert r.shape == (200, 300)
    print("ok")
"""


@pytest.mark.skipif(not COMPILED, reason="fork safety concerns the compiled kernels")
@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_forked_child_runs_kernels_after_threaded_parent(tmp_path):
    script = tmp_path / "fork_child.py"
    script.write_text(textwrap.dedent(_FORK_SCRIPT))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "PYTHONPATH": SRC})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip().endswith("ok")
