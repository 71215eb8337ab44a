"""verbose progress: the reporter itself, and forests / boosting / Trainer /
linear models through it, in a terminal (a pty) and in a log (a pipe)."""
import io
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from fastml.utils._progress import _Null, _Plain, progress



def test_silent_levels_make_no_reporter():
    assert isinstance(progress(10, "x", 0), _Null)
    assert isinstance(progress(10, "x", False), _Null)
    assert isinstance(progress(10, "x", 2), _Null)  # callers print their own lines
    assert isinstance(progress(0, "x", 1), _Null)


def test_plain_log_lines_every_tenth_and_final():
    buf = io.StringIO()  # not a terminal: periodic lines
    with progress(100, "Forest", 1, file=buf) as bar:
        assert isinstance(bar, _Plain) and not bar.live
        for _ in range(100):
            bar.update()
    text = buf.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert len(lines) == 10  # 10%, 20%, ..., 90%, then the final 100% from close()
    assert [int(ln.split(":")[1].split("%")[0]) for ln in lines] == list(range(10, 101, 10))
    assert lines[-1].startswith("Forest: 100%|") and "100/100" in lines[-1]
    assert "it/s" in lines[-1] or "s/it" in lines[-1]


def test_plain_live_bar_redraws_in_place():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    buf = Tty()
    os.environ["FASTML_PROGRESS"] = "plain"
    try:
        bar = progress(5, "HGB", 1, file=buf)
    finally:
        del os.environ["FASTML_PROGRESS"]
    assert isinstance(bar, _Plain) and bar.live
    for _ in range(5):
        bar.update()
    bar.close()
    text = buf.getvalue()
    assert text.startswith("\r") and text.endswith("\n")
    assert text.count("\n") == 1  # one line, redrawn
    assert "HGB: 100%|" in text and "5/5" in text


def test_thread_safe_counting():
    buf = io.StringIO()
    bar = progress(8000, "t", 1, file=buf)
    threads = [threading.Thread(target=lambda: [bar.update() for _ in range(1000)])
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert bar.n == 8000
    bar.close()
    assert "8000/8000" in buf.getvalue().splitlines()[-1]


_FOREST = """
import numpy as np
from fastml.ensemble import RandomForestClassifier
rng = np.random.RandomState(0)
X = rng.rand(400, 5); y = (X[:, 0] > 0.5).astype(int)
RandomForestClassifier(n_estimators=30, verbose=1, n_jobs=2, random_state=0).fit(X, y)
"""


def _env(**extra):
    import fastml
    root = os.path.dirname(os.path.dirname(fastml.__file__))  # the fastml under test
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def test_forest_verbose_in_a_pipe_prints_periodic_lines():
    r = subprocess.run([sys.executable, "-c", _FOREST], capture_output=True, text=True,
                       env=_env(), timeout=300)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert "\r" not in r.stderr
    assert lines and all(ln.startswith("RandomForestClassifier: ") for ln in lines)
    assert "100%" in lines[-1] and "30/30" in lines[-1]
    assert 2 <= len(lines) <= 11


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pty")
@pytest.mark.parametrize("mode", ["plain", "auto"])
def test_forest_verbose_in_a_terminal_shows_a_live_bar(mode):
    master, slave = os.openpty()
    env = _env(FASTML_PROGRESS=mode, COLUMNS="100")
    try:
        proc = subprocess.Popen([sys.executable, "-c", _FOREST], stdin=slave, stdout=slave,
                                stderr=slave, env=env, close_fds=True)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=300) == 0
    finally:
        os.close(master)
    out = b"".join(chunks).decode(errors="replace")
    assert "\r" in out  # redrawn in place
    assert "100%" in out and "30/30" in out
    assert "RandomForestClassifier" in out


def test_forest_verbose_2_prints_a_line_per_tree(capsys):
    from fastml.ensemble import RandomForestRegressor
    rng = np.random.RandomState(0)
    X, y = rng.rand(200, 4), rng.rand(200)
    RandomForestRegressor(n_estimators=7, verbose=2, n_jobs=2, random_state=0).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == sorted(f"building tree {i} of 7" for i in range(1, 8))


def test_forest_result_does_not_depend_on_verbose():
    from fastml.ensemble import RandomForestClassifier
    rng = np.random.RandomState(1)
    X, y = rng.rand(300, 4), rng.randint(0, 3, 300)
    a = RandomForestClassifier(n_estimators=10, random_state=0, n_jobs=2).fit(X, y)
    b = RandomForestClassifier(n_estimators=10, random_state=0, n_jobs=2,
                               verbose=1).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_hgb_verbose_levels(capsys):
    from fastml.ensemble import HistGradientBoostingRegressor
    rng = np.random.RandomState(0)
    X, y = rng.rand(300, 4), rng.rand(300)
    HistGradientBoostingRegressor(max_iter=12, verbose=1, early_stopping=False).fit(X, y)
    cap = capsys.readouterr()
    assert cap.out == ""
    assert "HistGradientBoostingRegressor: 100%" in cap.err and "12/12" in cap.err
    HistGradientBoostingRegressor(max_iter=12, verbose=2, early_stopping=False).fit(X, y)
    cap = capsys.readouterr()
    lines = cap.out.splitlines()
    assert len(lines) == 12 and lines[0].startswith("[1/12]") and lines[-1].startswith("[12/12]")
    assert cap.err == ""


def test_trainer_prints_epochs_when_not_a_terminal():
    import fastml.nn as nn
    from fastml.nn.training import Trainer
    nn.manual_seed(0)
    rng = np.random.RandomState(0)
    X = rng.rand(64, 3).astype(np.float32)
    y = (X[:, 0] > 0.5).astype(np.int64)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    buf = io.StringIO()  # not a terminal
    Trainer(model, nn.CrossEntropyLoss(), opt).fit((X, y), epochs=3, batch_size=16,
                                                    verbose=1, file=buf)
    lines = buf.getvalue().splitlines()
    assert [ln.split()[1] for ln in lines] == ["1/3", "2/3", "3/3"]
    assert all("loss" in ln for ln in lines)


def test_logistic_and_linear_svm_report_their_fit(capsys):
    from fastml.datasets import load_iris
    from fastml.linear_model import LogisticRegression
    from fastml.svm import LinearSVC
    X, y = load_iris(return_X_y=True)
    LogisticRegression(max_iter=500, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "LogisticRegression (solver='lbfgs')" in out and "converged" in out
    LogisticRegression(max_iter=500, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("iteration") >= 3 and "objective" in out
    LinearSVC(verbose=1, max_iter=5000).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all("#iter = " in ln for ln in out)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_hnsw_verbose_build_reports_and_builds_the_same_graph(metric):
    from fastml.neighbors import HNSW
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1500, 12)).astype(np.float32)
    quiet = HNSW(metric=metric, M=8, ef_construction=40, n_jobs=1, random_state=0).fit(X)
    buf = io.StringIO()
    import contextlib
    with contextlib.redirect_stderr(buf):
        loud = HNSW(metric=metric, M=8, ef_construction=40, n_jobs=1, random_state=0,
                    verbose=1).fit(X)
    lines = buf.getvalue().splitlines()
    assert lines[-1].startswith("HNSW build: 100%|") and "1500/1500" in lines[-1]
    # inserted in slices, in the same order, one repair pass at the end: same graph
    from fastml._kernels import hnsw as hn
    np.testing.assert_array_equal(hn.links0(quiet._graph), hn.links0(loud._graph))
    np.testing.assert_array_equal(quiet._graph["levels"], loud._graph["levels"])
    d0, i0 = quiet.kneighbors(X[:200], 10)
    d1, i1 = loud.kneighbors(X[:200], 10)
    np.testing.assert_array_equal(i0, i1)
    np.testing.assert_array_equal(d0, d1)


def test_no_estimator_accepts_verbose_and_ignores_it():
    """Every public estimator with a verbose parameter prints something at
    verbose=1 during fit (to stdout or stderr)."""
    import contextlib
    import inspect
    import warnings
    from fastml.datasets import load_iris
    from fastml.utils import all_estimators
    X, y = load_iris(return_X_y=True)
    yr = X[:, 0].copy()
    silent = []
    for name, cls in all_estimators():
        if "verbose" not in inspect.signature(cls).parameters:
            continue
        try:
            est = cls(verbose=1)
        except TypeError:  # meta-estimators need their members: covered by their members
            continue
        target = yr if getattr(est, "_estimator_type", None) == "regressor" else y
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, target)
        if not (out.getvalue() or err.getvalue()):
            silent.append(name)
    assert not silent, f"verbose=1 printed nothing for {silent}"
