"""The harness itself: a crash, an abort and a hang in the worker are caught
and named; guard pages fault one element past the end and one before the
start; every recipe layout/storage/dtype builds the same values; a crash that
needs a preceding case is attributed to the pair."""
import os

import pytest

import fuzz_harness

# Under tools/sanitize-test.sh the AddressSanitizer runtime catches the fault
# first and ends the worker its own way (abort or exit code 1 after its report),
# so only "the worker died and was caught" can be asserted there, not the signal.
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "")


def _run(what, timeout=None):
    return fuzz_harness.runner().run({"target": "selftest", "what": what}, timeout)


@pytest.mark.parametrize("what, status, detail", [
    ("segv", "crash", "SIGSEGV"), ("abort", "crash", "SIGABRT"),
    ("guard_after", "crash", "SIGSEGV"), ("guard_before", "crash", "SIGSEGV"),
])
def test_crash_is_caught_and_reproduced_alone(what, status, detail):
    out = _run(what)
    assert out["status"] == status
    assert SANITIZED or detail in out["detail"], out["detail"]
    assert out["reproduced"] == "alone in a fresh worker"


def test_hang_is_caught():
    out = _run("hang", timeout=3)
    assert out["status"] == "hang"


def test_recipes_and_unclean_exception():
    assert _run("guard_ok")["status"] == "ok"
    out = _run("raise")
    assert out["status"] == "violation" and "KeyError" in out["kind"]


def test_history_dependent_crash_is_attributed():
    _run("poison")
    out = _run("after_poison")
    assert out["status"] == "crash"
    assert "preceding" in out["reproduced"] and out["preceding"][-1]["what"] == "poison"


def test_check_message_names_reproducer():
    findings = fuzz_harness.runner().findings
    n = len(findings)
    with pytest.raises(AssertionError, match="reproducer: python tests/fuzz/fuzz_worker.py"):
        fuzz_harness.check({"target": "selftest", "what": "segv"})
    del findings[n:]      # the harness's own crash is not a finding
