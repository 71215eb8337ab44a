"""Fuzz-suite configuration: Hypothesis profiles, the `fuzz` marker, the worker
subprocess shared by the session, and the summary printed at the end.

Profiles (applied to the fuzz tests only, through FUZZ_SETTINGS; the global
Hypothesis profile of the rest of the test suite is left alone):
  fastml-fuzz-short  default, what CI runs: derandomized (fixed seeds, no
                     example database), a few examples per target; the whole
                     directory runs in ~2-3 minutes on 2 busy cores.
  fastml-fuzz-long   FASTML_FUZZ=long: 50x more examples (~47,000 cases), random seeds;
                     the whole profile takes many hours. The one-hour run caps the
                     examples per test (60: ~6,900 cases in ~58 min on 2 busy cores):
      FASTML_FUZZ=long FASTML_FUZZ_EXAMPLES=60 PYTHONPATH=src python -m pytest tests/fuzz \
          -p no:cacheprovider --benchmark-disable -q -rA
Knobs: FASTML_FUZZ_EXAMPLES=<n> overrides the examples per test (either profile);
FASTML_FUZZ_TIMEOUT=<s> the per-case hang timeout (60 s short, 120 s long);
FASTML_FUZZ_SUMMARY=<path> also writes the summary and every failure message there.
"""
import os
import sys

import pytest
from hypothesis import HealthCheck, Phase, settings


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # --import-mode=importlib
import fuzz_harness  # noqa: E402

LONG = fuzz_harness.LONG
_HC = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
       HealthCheck.function_scoped_fixture]
settings.register_profile("fastml-fuzz-short", deadline=None, derandomize=True, database=None,
                          suppress_health_check=_HC, max_examples=10, print_blob=True,
                          phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink])
settings.register_profile("fastml-fuzz-long", deadline=None, suppress_health_check=_HC,
                          max_examples=1000, print_blob=True)
PROFILE = settings.get_profile("fastml-fuzz-long" if LONG else "fastml-fuzz-short")


def fuzz_settings(short, long=None):
    """Hypothesis settings of a fuzz test: `short` examples in the short
    profile, `long` (default 50 x short) with FASTML_FUZZ=long."""
    n = int(os.environ.get("FASTML_FUZZ_EXAMPLES", 0)) or (long or 50 * short if LONG else short)
    return settings(PROFILE, max_examples=n)


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: generative no-crash fuzz tests (tests/fuzz)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/fuzz/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.fuzz)


def pytest_sessionfinish(session, exitstatus):
    if fuzz_harness._RUNNER is not None:
        fuzz_harness._RUNNER.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    lines = fuzz_harness.summary_lines()
    if not lines:
        return
    terminalreporter.section("fastml fuzz summary")
    for line in lines:
        terminalreporter.write_line(line)
    path = os.environ.get("FASTML_FUZZ_SUMMARY")
    if path:
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n\n")
            for fam, text in fuzz_harness._RUNNER.findings:
                f.write(f"[{fam}]\n{text}\n\n")
