"""Parent side of the fuzz suite: runs cases in a worker subprocess.

One long-lived worker (tests/fuzz/fuzz_worker.py) runs case after case, so the
interpreter start-up and the import of fastml are paid once per worker, not
per case; a spare worker is started in the background so a crash costs no
start-up wait. A case that kills the worker (signal) or exceeds its timeout is
re-run alone in a fresh worker; if it does not fail alone, the worker's recent
history is replayed and cut down to the shortest run of preceding cases that
still fails, so the failure message always names a reproducer.

`run(case)` returns the outcome dict; `check(case)` also turns every property
violation, crash, hang and unclean exception into an AssertionError whose
message carries a reproducer and, for the bugs already filed, the item of
issue 11 it is.
"""
import collections
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# the directory holding the fastml package this process imported (src/ in a
# developer build, site-packages when installed): the worker imports the same one
import fastml  # noqa: E402
SRC = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))
WORKER = os.path.join(HERE, "fuzz_worker.py")
LONG = os.environ.get("FASTML_FUZZ", "").lower() == "long"
CASE_TIMEOUT = float(os.environ.get("FASTML_FUZZ_TIMEOUT", "120" if LONG else "60"))
MAX_MAPPED = 256 << 20
MAX_CASES_PER_WORKER = 3000
HISTORY = 48


class WorkerDied(Exception):
    pass


class Worker:
    def __init__(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, HERE, env.get("PYTHONPATH")) if p)
        env.setdefault("PYTHONFAULTHANDLER", "1")  # a crash prints the Python stack
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, WORKER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        self.ready = False
        self.n_cases = 0
        self.mapped = 0

    def _read(self, n, timeout):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + timeout
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                raise TimeoutError
            chunk = os.read(fd, n - len(buf))
            if not chunk:
                raise WorkerDied
            buf += chunk
        return buf

    def wait_ready(self):
        if not self.ready:
            try:
                self._read(8, 300)
            except (WorkerDied, TimeoutError):
                raise RuntimeError("fuzz worker failed to start:\n" + self.stderr_tail())
            self.ready = True

    def stderr_tail(self, n=3000):
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace")[-n:]
        except (OSError, ValueError):
            return ""

    def run(self, case, timeout):
        self.wait_ready()
        blob = pickle.dumps(case)
        try:
            self.proc.stdin.write(struct.pack("<Q", len(blob)) + blob)
            self.proc.stdin.flush()
            (n,) = struct.unpack("<Q", self._read(8, timeout))
            out = pickle.loads(self._read(n, timeout))
        except TimeoutError:
            self.kill()
            return {"status": "hang", "detail": f"no answer within {timeout:.0f} s"}
        except (WorkerDied, BrokenPipeError):
            rc = self.proc.wait()
            sig = -rc if rc < 0 else None
            name = signal.Signals(sig).name if sig else f"exit code {rc}"
            return {"status": "crash", "detail": name, "stderr": self.stderr_tail()}
        self.n_cases += 1
        self.mapped = out.pop("mapped", 0)
        return out

    def alive(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
        self.stderr.close()


class Runner:
    def __init__(self):
        self.worker = None
        self.spare = None
        self.history = collections.deque(maxlen=HISTORY)
        self.stats = collections.Counter()          # (family, status) -> n
        self.findings = []                          # (family, message) of every failure
        self.start = time.monotonic()
        self._lock = threading.Lock()

    # -- worker management -------------------------------------------------
    def _fresh(self):
        w, self.spare = self.spare, None
        if w is None or not w.alive():
            w = Worker()
        self.spare = Worker()                        # warm spare for the next restart
        return w

    def _current(self):
        if (self.worker is None or not self.worker.alive()
                or self.worker.mapped > MAX_MAPPED or self.worker.n_cases > MAX_CASES_PER_WORKER):
            if self.worker is not None:
                self.worker.close()
            self.worker = self._fresh()
            self.history.clear()
        return self.worker

    def close(self):
        for w in (self.worker, self.spare):
            if w is not None:
                w.kill()
                w.close()
        self.worker = self.spare = None

    def _run_alone(self, cases, timeout):
        """Runs cases in order in a fresh worker; returns the last outcome."""
        w = self._fresh()
        try:
            out = None
            for c in cases:
                out = w.run(c, timeout)
                if out["status"] in ("crash", "hang"):
                    return out, c
            return out, cases[-1]
        finally:
            w.kill()
            w.close()

    # -- running -------------------------------------------------------------
    def run(self, case, timeout=None):
        timeout = timeout or case.get("timeout", CASE_TIMEOUT)
        with self._lock:
            w = self._current()
            out = w.run(case, timeout)
            history = list(self.history)
            self.history.append(case)
            if out["status"] in ("crash", "hang"):
                out = self._attribute(case, out, history, timeout)
                self.worker.close()
                self.worker = None
            self.stats[(case_family(case), out["status"])] += 1
            return out

    def _attribute(self, case, out, history, timeout):
        alone, _ = self._run_alone([case], timeout)
        if alone["status"] in ("crash", "hang"):
            alone["reproduced"] = "alone in a fresh worker"
            return alone
        # history-dependent: find the shortest suffix of the history that fails
        for k in (1, 2, 4, 8, 16, 32, len(history)):
            k = min(k, len(history))
            seq = history[len(history) - k:] + [case]
            again, _ = self._run_alone(seq, timeout)
            if again["status"] in ("crash", "hang"):
                again["reproduced"] = f"after the {k} preceding case(s) in one worker"
                again["preceding"] = history[len(history) - k:]
                return again
            if k == len(history):
                break
        out["reproduced"] = "NOT reproducible (neither alone nor after its history)"
        return out


_RUNNER = None


def runner():
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = Runner()
    return _RUNNER


def case_family(case):
    t = case["target"]
    if t == "estimator":
        return "estimator:" + case["name"]
    if t == "kernel":
        return "kernel:" + case["op"]
    if t == "nn":
        return "nn:" + case["op"]
    return t


# -- known bugs (issue 11 items 1-4): named in failure messages -----------------
def _max_abs(case):
    m = 0.0
    for key in ("X", "Q", "Y", "X_test"):
        r = case.get(key)
        if isinstance(r, dict):
            vals = [abs(v) for v in (r.get("values") or []) if v == v and abs(v) != float("inf")]
            vals.append(abs(r.get("scale", 1.0)))
            vals += [abs(v) for _, v in r.get("special", ()) if v == v and abs(v) != float("inf")]
            m = max(m, max(vals))
    return m


def known_issue(case, out):
    """'issue 11 item N: ...' when the failure looks like a filed bug, else ''."""
    if out["status"] == "ok":
        return ""
    msg = out.get("detail", "") + " " + out.get("kind", "")
    t = case["target"]
    algo = (out.get("algorithm") or (case.get("params") or {}).get("algorithm")
            or case.get("algorithm") or "")
    if "[brute]" in msg:
        algo = "brute"
    elif "[kd_tree]" in msg:
        algo = "kd_tree"
    big = _max_abs(case) >= 1e18
    neigh = t in ("kdtree", "estimator") or (t == "kernel" and case.get("op", "").startswith(
        ("brute_knn", "tree_")))
    index_bug = "index" in msg or out["status"] == "crash" or "neighbour" in msg
    if neigh and index_bug:
        if "brute" in algo or case.get("op") == "brute_knn":
            return ("issue 11 item 1: brute-force kNN INT64_MAX index / crash for large "
                    "finite values")
        if t == "kdtree" or "kd_tree" in algo or case.get("op", "").startswith("tree_"):
            return "issue 11 item 2: k-d tree INT64_MAX index for a far query / large values"
    if t == "kdtree" and "radius" in msg:
        return "issue 11 item 2: k-d tree query_radius misses points for a far query"
    if t == "kernel" and case.get("op") == "softmax" and case.get("log") and \
            "mismatch" in msg:
        return "issue 11 item 20: log_softmax loses ~ulp(max logit) absolute accuracy"
    blas = case.get("metric") in ("euclidean", "l2", "sqeuclidean", "cosine")
    if (t == "pairwise" or case.get("op") == "pairwise") and big and blas and (
            "non-finite" in msg or "NaN" in msg):
        return "issue 11 item 4: NaN/inf distance from finite input (BLAS expansion overflow)"
    if t == "estimator" and big and "non-finite" in msg and "neighbor" in case["name"].lower():
        return "issue 11 item 4: NaN distance from finite input"
    return ""


def describe(case, out):
    lines = [f"{out['status'].upper()}: {out.get('kind', '')} {out.get('detail', '')}".rstrip()]
    tag = known_issue(case, out)
    if tag:
        lines.insert(0, "KNOWN BUG -> " + tag)
    if out.get("reproduced"):
        lines.append(f"reproduced {out['reproduced']}")
    if out.get("preceding"):
        lines.append("preceding cases: " + repr(out["preceding"]))
    lines.append("reproducer: python tests/fuzz/fuzz_worker.py --case " + repr(repr(case)))
    if out.get("stderr"):
        lines.append("worker stderr (tail):\n" + out["stderr"][-1500:])
    return "\n".join(lines)


def check(case, timeout=None):
    """Runs case; fails (AssertionError) on a crash, hang, property violation
    or unclean exception; returns the outcome otherwise."""
    r = runner()
    out = r.run(case, timeout)
    if out["status"] in ("crash", "hang", "violation"):
        text = describe(case, out)
        r.findings.append((case_family(case), text))
        raise AssertionError(text)
    return out


def summary_lines():
    if _RUNNER is None:
        return []
    r = _RUNNER
    by_status = collections.Counter()
    fams = collections.defaultdict(collections.Counter)
    for (fam, st), n in r.stats.items():
        by_status[st] += n
        fams[fam.split(":")[0]][st] += n
    total = sum(by_status.values())
    lines = [f"fastml fuzz ({'long' if LONG else 'short'} profile): {total} cases in "
             f"{time.monotonic() - r.start:.0f} s; outcomes: "
             + ", ".join(f"{k}={v}" for k, v in sorted(by_status.items()))]
    for fam, c in sorted(fams.items()):
        lines.append(f"  {fam:10s} " + ", ".join(f"{k}={v}" for k, v in sorted(c.items())))
    seen = set()
    for fam, text in r.findings:
        head = text.splitlines()[0]
        if (fam, head) not in seen:
            seen.add((fam, head))
            lines.append(f"  finding [{fam}] {head[:200]}")
    return lines
