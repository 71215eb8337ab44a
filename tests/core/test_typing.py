"""Types: fastml ships a py.typed marker and `mypy` is clean on src/fastml at the
strictness configured in pyproject.toml ([tool.mypy]). Skips without mypy."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"


def test_py_typed_marker_is_in_the_package():
    import fastml
    assert (Path(fastml.__file__).parent / "py.typed").is_file()


def test_every_compiled_module_has_a_stub():
    """Type checkers cannot read extension modules: each _kernels/_<family>.pyx
    has a _<family>.pyi next to it (so no fastml module is ignored wholesale)."""
    kernels = ROOT / "src" / "fastml" / "_kernels"
    compiled = {p.stem for p in kernels.glob("_*.pyx")}
    stubs = {p.stem for p in kernels.glob("_*.pyi")}
    assert compiled == stubs, {"missing": sorted(compiled - stubs),
                               "stale": sorted(stubs - compiled)}


@pytest.mark.slow
def test_mypy_is_clean_on_src_fastml():
    pytest.importorskip("mypy")
    env = dict(os.environ)
    env.pop("MYPYPATH", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(PYPROJECT)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, env=env)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert "Success" in proc.stdout
