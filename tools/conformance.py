#!/usr/bin/env python
"""Run scikit-learn's own test files against fastml (see tests/conformance/run.py).

    python tools/conformance.py --markdown docs/compatibility.md --json conformance.json
    python tools/conformance.py --subset ci
    python tools/conformance.py --files neighbors/tests/test_neighbors.py
"""
import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    run = Path(__file__).resolve().parent.parent / "tests" / "conformance" / "run.py"
    sys.argv[0] = str(run)
    runpy.run_path(str(run), run_name="__main__")
