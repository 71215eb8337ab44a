"""fastml.plot imports without matplotlib; drawing without it names the extra."""
import os
import pathlib
import subprocess
import sys
import textwrap

import fastml

# the fastml this test process imported (src/ in a developer build, site-packages
# in CI), so the subprocess runs the same build
SRC = pathlib.Path(fastml.__file__).resolve().parents[1]


def _run(code):
    env = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_importing_fastml_plot_does_not_import_matplotlib():
    res = _run("""
        import sys
        import fastml
        import fastml.plot
        from fastml.plot import DecisionBoundaryDisplay, plot_tree  # noqa: F401
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib")
        print("LOADED", loaded)
        """)
    assert res.returncode == 0, res.stderr
    assert "LOADED []" in res.stdout


def test_drawing_without_matplotlib_names_the_extra():
    res = _run("""
        import sys
        sys.modules["matplotlib"] = None  # as if it were not installed
        sys.modules["matplotlib.pyplot"] = None
        from fastml.plot import LossCurveDisplay
        try:
            LossCurveDisplay.from_history([1.0, 0.5])
        except ImportError as exc:
            print("ERROR", exc)
        """)
    assert res.returncode == 0, res.stderr
    assert "ERROR" in res.stdout and "fastml[plot]" in res.stdout
