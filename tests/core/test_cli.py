"""The command line (python -m fastml): help texts, pass-through of pytest
arguments to `bench`, one-line errors for bad arguments, and the benchmark
suite found from an installed package."""
import os
import subprocess
import sys

import pytest

import fastml
from fastml import __main__ as cli
from fastml import demos


def _run(*args, cwd=None):
    env = dict(os.environ)
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pkg_parent, env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "fastml", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600)


def test_demo_help_lists_every_demo(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["demo", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.split("demos (default: all")[1].splitlines()[1:]
              if line.strip()]
    assert listed == demos.DEMOS


def test_bench_help(capsys):
    assert cli.main(["bench", "--help"]) == 0
    out = capsys.readouterr().out
    assert "python -m fastml bench -k pairwise" in out and "bench grid" in out


@pytest.mark.parametrize("args, message", [
    (["demo", "--threads", "99999999999999999999"], "--threads"),
    (["demo", "--threads", "0"], "--threads"),
    (["demo", "--threads", "abc"], "invalid int value"),
    (["demo", "no_such_demo"], "unknown demo(s) no_such_demo"),
    (["no_such_command"], "invalid choice"),
    (["docs", "--no-such-option"], "unrecognized arguments"),
])
def test_bad_arguments_give_one_line_errors(args, message):
    r = _run(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and message in errors[0], r.stderr


def test_bench_passes_pytest_arguments_through():
    """`-k` reaches pytest (it used to be refused as an unrecognised argument)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if not os.path.isfile(os.path.join(root, "benchmarks", "conftest.py")):
        pytest.skip("needs a source checkout")
    r = _run("bench", "-k", "test_threads_pinned", "--benchmark-disable", cwd=root)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout


def test_bench_runs_from_the_installed_package(tmp_path):
    """An installed fastml carries its benchmark suite (fastml/benchmarks), so
    `python -m fastml bench` works outside a checkout."""
    pytest.importorskip("pytest_benchmark")
    installed = os.path.join(os.path.dirname(os.path.abspath(fastml.__file__)), "benchmarks")
    if not os.path.isfile(os.path.join(installed, "conftest.py")):
        # a developer build imports fastml from src/, where the suite is ./benchmarks
        r = _run("bench", "-k", "x", cwd=tmp_path)
        assert r.returncode == 2 and "no benchmark suite found" in r.stderr
        pytest.skip("fastml imported from a source tree, not an installed package")
    r = _run("bench", "-k", "test_threads_pinned", "--benchmark-disable", cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "1 passed" in r.stdout
    assert os.path.isfile(os.path.join(installed, "..", "examples", "mlp_blobs.py"))


def test_docs_outside_a_checkout_is_a_one_line_error(tmp_path, monkeypatch):
    """From an installed package (no docs/ beside it) and another directory, `docs`
    names what is missing instead of a traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "docs_dir", lambda: None)
    with pytest.raises(SystemExit) as e:
        cli.main(["docs"])
    assert e.value.code == 2


def test_docs_finds_the_checkout_sources_and_builds(tmp_path):
    """`python -m fastml docs --out DIR` from the checkout's root builds the site
    (Sphinx, warnings as errors), gallery included."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if not os.path.isfile(os.path.join(root, "docs", "conf.py")):
        pytest.skip("needs a source checkout")
    if os.environ.get("CI"):
        pytest.skip("tests/docs builds the site in CI; this second build is for local runs")
    out = tmp_path / "html"
    r = _run("docs", "--out", str(out), cwd=root)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert (out / "index.html").is_file() and (out / "gallery" / "index.html").is_file()
    assert f"documentation built: {out / 'index.html'}" in r.stdout
