"""Run scikit-learn's own test files against fastml.

    python -m tests.conformance.run                 # all files in manifest.txt
    python -m tests.conformance.run --subset ci     # the bounded CI subset
    python -m tests.conformance.run --files tests/test_naive_bayes.py
    python tools/conformance.py ...                 # same thing

Each file listed in ``manifest.txt`` (paths relative to the installed ``sklearn``
package) is copied into a work directory with its ``from sklearn.<module> import``
statements rewritten so that the public names fastml provides come from fastml
(see ``_cf_rewrite.py``); scikit-learn's ``conftest.py`` is copied next to them so
its fixtures (``global_random_seed``, ``global_dtype`` ...) work unchanged. pytest
runs each file in its own subprocess with ``_cf_support`` as a plugin, which logs
one JSON line per test: outcome, whether the test called into fastml, and the
exception. A process that hangs or dies is restarted without the tests already
run, the culprit recorded as timeout/crash.

``deselected.txt`` lists reviewed deselections, one ``node id | reason`` a line;
an entry without a reason is refused. Results go to ``--json`` (machine
readable) and ``--markdown`` (the compatibility page, docs/compatibility.md).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import _cf_classify  # noqa: E402
import _cf_report  # noqa: E402
import _cf_rewrite  # noqa: E402

REPO = HERE.parent.parent
MANIFEST = HERE / "manifest.txt"
DESELECTED = HERE / "deselected.txt"
OVERRIDES = HERE / "overrides.toml"
CI_SUBSET = HERE / "ci_subset.txt"


class ConfigError(ValueError):
    pass


def read_manifest(path=MANIFEST):
    files = []
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            files.append(line)
    return files


def read_reasoned(path):
    """``pattern | reason`` lines; raise ConfigError on an entry without a reason."""
    entries, bad = [], []
    if not Path(path).exists():
        return entries
    for lineno, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pattern, sep, reason = line.partition("|")
        if not sep or not reason.strip() or not pattern.strip():
            bad.append(f"{path}:{lineno}: {line!r}")
            continue
        entries.append((pattern.strip(), reason.strip()))
    if bad:
        raise ConfigError("entries without a one-line reason ('node id | reason'):\n  "
                          + "\n  ".join(bad))
    return entries


def read_ci_subset(path=CI_SUBSET):
    """``[select]`` patterns and ``[expected-failures]`` (pattern, reason) pairs."""
    select, xfail, section = [], [], None
    for lineno, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]") and "::" not in line:
            section = line[1:-1]
            continue
        if section == "select":
            select.append(line)
        elif section == "expected-failures":
            pattern, sep, reason = line.partition("|")
            if not sep or not reason.strip():
                raise ConfigError(f"{path}:{lineno}: expected failure without a reason")
            xfail.append((pattern.strip(), reason.strip()))
        else:
            raise ConfigError(f"{path}:{lineno}: entry outside [select]/[expected-failures]")
    return select, xfail


def write_ci_subset(report, path=CI_SUBSET):
    """Rewrite [expected-failures] of ci_subset.txt from a CI-subset report: every
    selected test that failed, with its classified cause as the reason."""
    select, _ = read_ci_subset(path)
    head = [ln for ln in Path(path).read_text().splitlines()
            if ln.startswith("#") and not ln.startswith(("# expected", "# regenerate"))]
    lines = head + ["[select]"] + select + [
        "", "[expected-failures]",
        "# expected: known failures of the selected tests, `node id | cause :: detail`;",
        "# regenerate with `python -m tests.conformance.run --subset ci --update-ci-expected`"]
    for tests in report["tests"].values():
        for nodeid, rec in sorted(tests.items()):
            if rec["outcome"] in ("failed", "error", "timeout", "crash"):
                cause, detail = rec.get("cause"), rec.get("cause_detail")
                if cause is None:
                    cause, detail = _cf_classify.classify(rec)
                lines.append(f"{nodeid} | known failure: {cause} :: {detail}")
    Path(path).write_text("\n".join(lines) + "\n")


def sklearn_dir():
    import sklearn
    return Path(sklearn.__file__).resolve().parent


def prepare_workdir(workdir, files, name_map):
    """Copy and rewrite the test files; return {file: sorted swapped names}."""
    workdir = Path(workdir)
    sk = sklearn_dir()
    shutil.copy(sk / "conftest.py", workdir / "conftest.py")
    shutil.copy(HERE / "_cf_support.py", workdir / "_conformance_support.py")
    (workdir / "_conformance_map.json").write_text(json.dumps(
        {"names": name_map, "modules": sorted(name_map)}, indent=1, sort_keys=True))
    (workdir / "pytest.ini").write_text(
        "[pytest]\naddopts = --import-mode=importlib -p no:cacheprovider\n"
        "python_files = test_*.py\n")
    swapped = {}
    for rel in files:
        src = sk / rel
        if not src.exists():
            raise ConfigError(f"{rel}: not found in the installed scikit-learn ({sk})")
        text, names = _cf_rewrite.rewrite_source(src.read_text(), name_map)
        dest = workdir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
        swapped[rel] = sorted(names)
    return swapped


def _read_log(path):
    events = []
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a line cut short by a kill
    return events


def _finished_log(log):
    """Results of a completed earlier run of this file in the work dir, or None."""
    events = _read_log(log)
    collected = next((e for e in events if e.get("event") == "collected"), None)
    if collected is None or not any(e.get("event") == "finished" for e in events):
        return None
    return {"collected": collected["nodeids"], "deselected": collected.get("deselected", []),
            "results": {e["nodeid"]: e for e in events if e.get("event") == "result"},
            "collect_errors": [e for e in events if e.get("event") == "collect_error"]}


def run_file(workdir, rel, deselect, select, timeout, file_timeout, env, max_restarts=8,
             resume=False):
    """Run one file, restarting past hangs/crashes. Returns a per-file dict."""
    workdir = Path(workdir)
    tag = rel.replace("/", "__")
    log = workdir / f"{tag}.log.jsonl"
    desel_file = workdir / f"{tag}.deselect"
    sel_file = workdir / f"{tag}.select"
    sel_file.write_text("\n".join(select) + "\n")
    if resume and (done := _finished_log(log)) is not None:
        return {"file": rel, "seconds": None, **done}
    log.unlink(missing_ok=True)
    results, collected, deselected, extra_drop = {}, None, [], []
    collect_errors, stderr_tail, t0 = [], "", time.perf_counter()
    for attempt in range(max_restarts + 1):
        desel_file.write_text("\n".join([p for p, _ in deselect] + list(results)
                                        + extra_drop) + "\n")
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "_conformance_support",
               "-p", "no:benchmark", "--cf-log", str(log), "--cf-timeout", str(timeout),
               "--cf-deselect", str(desel_file), "-o", "console_output_style=classic", rel]
        if select:
            cmd[-1:-1] = ["--cf-select", str(sel_file)]
        try:
            proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True,
                                  timeout=file_timeout)
            died = proc.returncode not in (0, 1, 5)
            stderr_tail = (proc.stdout[-1500:] + proc.stderr[-1500:]) if died else ""
            verdict = "crash"
        except subprocess.TimeoutExpired:
            died, verdict = True, "timeout"
        current, before = None, len(results)
        for ev in _read_log(log):
            kind = ev.get("event")
            if kind == "collected" and collected is None:
                collected = ev["nodeids"]
                deselected = ev.get("deselected", [])
            elif kind == "collect_error":
                if ev not in collect_errors:
                    collect_errors.append(ev)
            elif kind == "start":
                current = ev["nodeid"]
            elif kind == "result":
                results[ev["nodeid"]] = ev
                current = None if current == ev["nodeid"] else current
        if not died or (collected is not None and set(collected) <= set(results)):
            break  # every test has its result (a non-zero exit after the last one is moot)
        if current is None or current in results:
            if len(results) > before:
                continue  # cut off between tests (file time limit): go on with the rest
            # died outside a test (collection, interpreter start): nothing to skip past
            collect_errors.append({"nodeid": rel, "message": f"process {verdict}: {stderr_tail}"})
            break
        results[current] = {"nodeid": current, "outcome": verdict, "touched": True,
                            "exc_type": None, "message": f"process {verdict}",
                            "duration": None}
        with open(log, "a") as fh:  # the log keeps every attempt; restarts append
            fh.write(json.dumps({**results[current], "event": "result"}) + "\n")
    with open(log, "a") as fh:  # a complete record for --resume
        fh.write(json.dumps({"event": "collected", "nodeids": collected or [],
                             "deselected": deselected}) + "\n")
        for rec in results.values():
            fh.write(json.dumps({**rec, "event": "result"}) + "\n")
        for err in collect_errors:
            fh.write(json.dumps({**err, "event": "collect_error"}) + "\n")
        fh.write(json.dumps({"event": "finished"}) + "\n")
    return {"file": rel, "collected": collected or [], "deselected": deselected,
            "results": results, "collect_errors": collect_errors,
            "seconds": round(time.perf_counter() - t0, 1)}


def subprocess_env(workdir):
    import fastml
    env = dict(os.environ)
    fastml_root = str(Path(fastml.__file__).resolve().parent.parent)
    parts = [str(workdir), fastml_root] + [p for p in env.get("PYTHONPATH", "").split(
        os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    # one thread per file, whatever the caller's environment says (benchmarks/conftest.py
    # sets 2 in a whole-suite run): scikit-learn's routing tests read the call stack, which
    # only sees the meta-estimator's fit when sub-fits run on the calling thread
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env.setdefault("SKLEARN_SKIP_NETWORK_TESTS", "1")
    # fastml keeps float32 end to end: run scikit-learn's float32 parametrizations too
    env.setdefault("SKLEARN_RUN_FLOAT32_TESTS", "1")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _count(x):
    return x if isinstance(x, int) else len(x)


def summarize(file_runs, deselect_entries):
    """Attach a cause to every failure; per-file and total counts."""
    import _cf_support
    files, causes = [], Counter()
    details = defaultdict(Counter)
    examples = {}
    reasons = Counter()
    for run in file_runs:
        counts = Counter()
        file_causes = Counter()
        # results of tests deselected since they ran (a re-summarized report) leave the count
        late = [nid for nid in run["results"]
                if any(_cf_support.matches(nid, p) for p, _ in deselect_entries)]
        if late:
            run["results"] = {k: v for k, v in run["results"].items() if k not in late}
            run["deselected"] = list(run["deselected"]) + late
            if isinstance(run["collected"], int):
                run["collected"] -= len(late)
            else:
                run["collected"] = [n for n in run["collected"] if n not in set(late)]
        for nodeid in run["deselected"]:
            for pattern, reason in deselect_entries:
                if _cf_support.matches(nodeid, pattern):
                    reasons[reason] += 1
                    break
        for rec in run["results"].values():
            outcome = rec["outcome"]
            # a module-scoped fixture that failed inside fastml fails every later test of
            # the module from its cache: the traceback still runs through fastml
            touched = bool(rec.get("touched")) or (
                outcome in ("failed", "error") and bool(rec.get("fastml_frame")))
            rec["touched"] = touched
            counts["run"] += 1
            if not touched:
                counts[f"untouched_{'passed' if outcome == 'passed' else 'other'}"] += 1
                continue
            counts["touched"] += 1
            if outcome in ("passed", "xpassed"):
                counts["passed"] += 1
            elif outcome in ("skipped", "xfailed"):
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
                cat, detail = _cf_classify.classify(rec)
                rec["cause"], rec["cause_detail"] = cat, detail
                file_causes[cat] += 1
                causes[cat] += 1
                details[cat][detail] += 1
                examples.setdefault((cat, detail), rec["nodeid"])
        files.append({"file": run["file"], "collected": _count(run["collected"]),
                      "deselected": _count(run["deselected"]),
                      "exercising_fastml": counts["touched"], "passed": counts["passed"],
                      "failed": counts["failed"], "skipped": counts["skipped"],
                      "not_exercising_fastml": counts["run"] - counts["touched"],
                      "collect_errors": len(run["collect_errors"]),
                      "seconds": run["seconds"],
                      "failed_by_cause": dict(file_causes.most_common())})
    return {"files": files, "causes": dict(causes.most_common()),
            "cause_details": {c: dict(d.most_common()) for c, d in details.items()},
            "examples": {f"{c} :: {d}": n for (c, d), n in examples.items()},
            "deselection_reasons": dict(reasons.most_common())}


def _print(line):
    print(line, flush=True)


def run(files=None, subset=None, timeout=60.0, file_timeout=1800.0, workdir=None,
        log=_print, jobs=1, resume=False):
    """Run the harness; return the report dict (see summarize)."""
    import fastml
    import sklearn
    deselect = read_reasoned(DESELECTED)
    select, expected_failures = [], []
    if subset == "ci":
        select, expected_failures = read_ci_subset()
        ci_files = sorted({p.split("::")[0] for p in select})
        files = files or ci_files
    files = files or read_manifest()
    overrides = _cf_rewrite.load_overrides(OVERRIDES)
    name_map = _cf_rewrite.build_name_map(overrides)
    own_tmp = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="fastml-conformance-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        swapped = prepare_workdir(workdir, files, name_map)
        env = subprocess_env(workdir)
        def one(rel):
            per_file_select = [p for p in select if p.split("::")[0] == rel]
            r = run_file(workdir, rel, deselect, per_file_select, timeout, file_timeout, env,
                         resume=resume)
            n = len(r["results"])
            touched = sum(1 for x in r["results"].values() if x.get("touched"))
            passed = sum(1 for x in r["results"].values()
                         if x.get("touched") and x["outcome"] in ("passed", "xpassed"))
            log(f"{rel}: {n} run, {touched} exercise fastml, {passed} of those pass "
                f"({r['seconds']} s)")
            return r

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            runs = list(pool.map(one, files))  # each file is its own pytest process
    finally:
        if own_tmp:
            shutil.rmtree(workdir, ignore_errors=True)
    report = summarize(runs, deselect)
    report.update({
        "sklearn_version": sklearn.__version__, "fastml_version": fastml.__version__,
        "subset": subset or "full", "files_run": files, "swapped_names": swapped,
        "name_map": name_map, "expected_failures": expected_failures,
        "tests": {r["file"]: r["results"] for r in runs},
        "collected": {r["file"]: len(r["collected"]) for r in runs},
        "deselected": {r["file"]: r["deselected"] for r in runs},
        "collect_errors": {r["file"]: r["collect_errors"] for r in runs if r["collect_errors"]},
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    })
    return report


def resummarize(report):
    """Recount a saved report with the current classifier and deselection list."""
    rows = {f["file"]: f for f in report["files"]}
    runs = [{"file": f, "collected": report.get("collected", {}).get(f, rows[f]["collected"]),
             "deselected": report.get("deselected", {}).get(f, []), "results": tests,
             "collect_errors": report["collect_errors"].get(f, []),
             "seconds": rows[f]["seconds"]} for f, tests in report["tests"].items()]
    fresh = summarize(runs, read_reasoned(DESELECTED))
    report.update(fresh)
    report["tests"] = {r["file"]: r["results"] for r in runs}
    report["deselected"] = {r["file"]: list(r["deselected"]) for r in runs}
    report["collected"] = {r["file"]: _count(r["collected"]) for r in runs}
    return report


def _matches(nodeid, pattern):
    import _cf_support
    return _cf_support.matches(nodeid, pattern)


def report_from_logs(workdirs):
    """A report from the per-file logs in one or more work directories (a file's
    log in a later directory wins over an earlier one unless it is less complete).
    Files whose run did not finish are included with what ran, flagged partial."""
    import fastml
    import sklearn
    manifest = read_manifest()
    found = {}
    for wd in workdirs:
        for log in sorted(Path(wd).glob("*.log.jsonl")):
            rel = log.name[:-len(".log.jsonl")].replace("__", "/")
            if rel not in manifest:
                continue
            events = _read_log(log)
            coll = next((e for e in events if e.get("event") == "collected"), None)
            results = {e["nodeid"]: e for e in events if e.get("event") == "result"}
            done = any(e.get("event") == "finished" for e in events)
            ids = (coll["nodeids"] + coll.get("deselected", [])) if coll else list(results)
            reviewed = read_reasoned(DESELECTED)
            # a restart deselects tests already run: only reviewed entries count as such
            desel = [n for n in ids if any(_matches(n, p) for p, _ in reviewed)]
            collected = [n for n in ids if n not in set(desel)]
            complete = set(collected) <= set(results)
            done = done or complete
            if complete:  # a process cut off after its last test is no collection error
                events = [e for e in events if not (e.get("event") == "collect_error" and
                                                    e.get("message", "").startswith("process"))]
            entry = {"file": rel, "collected": collected, "deselected": desel,
                     "results": results, "seconds": None, "partial": not done,
                     "collect_errors": [e for e in events if e.get("event") == "collect_error"]}
            old = found.get(rel)
            if old is None or done or (old["partial"] and len(results) >= len(old["results"])):
                found[rel] = entry
    runs = [found[f] for f in manifest if f in found]
    report = summarize(runs, read_reasoned(DESELECTED))
    for row, r in zip(report["files"], runs):
        row["partial"] = r["partial"]
        row["ran"] = len(r["results"])
    report.update({
        "sklearn_version": sklearn.__version__, "fastml_version": fastml.__version__,
        "subset": "full", "files_run": [r["file"] for r in runs],
        "not_run": [f for f in manifest if f not in found],
        "tests": {r["file"]: r["results"] for r in runs},
        "collected": {r["file"]: _count(r["collected"]) for r in runs},
        "deselected": {r["file"]: list(r["deselected"]) for r in runs},
        "collect_errors": {r["file"]: r["collect_errors"] for r in runs if r["collect_errors"]},
        "expected_failures": [], "swapped_names": {}, "name_map": {},
        "generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    })
    return report


def merge_reports(reports):
    """One report from several (per-file data of later reports wins), recounted."""
    base = dict(reports[0])
    order = list(reports[0]["tests"])
    for key in ("tests", "collected", "deselected", "collect_errors", "swapped_names"):
        base[key] = dict(reports[0].get(key, {}))
    rows = {f["file"]: f for f in reports[0]["files"]}
    for rep in reports[1:]:
        for key in ("tests", "collected", "deselected", "collect_errors", "swapped_names"):
            for f in rep["tests"]:
                base[key].pop(f, None)
            base[key].update(rep.get(key, {}))
        rows.update({f["file"]: f for f in rep["files"]})
        order += [f for f in rep["tests"] if f not in order]
        base["generated"] = rep["generated"]
    manifest = read_manifest()
    order.sort(key=lambda f: manifest.index(f) if f in manifest else len(manifest))
    base["tests"] = {f: base["tests"][f] for f in order}
    base["files"] = [rows[f] for f in order]
    base["files_run"] = order
    return resummarize(base)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", nargs="+", help="sklearn-relative test files (default: manifest)")
    ap.add_argument("--subset", choices=["ci", "full"], default="full")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-test limit, s")
    ap.add_argument("--file-timeout", type=float, default=1800.0,
                    help="limit for one pytest process, s (a hang is skipped past)")
    ap.add_argument("--workdir", help="keep the rewritten files here (default: a temp dir)")
    ap.add_argument("--json", default=None, help="write the machine-readable report here")
    ap.add_argument("--markdown", default=None,
                    help="write the compatibility page here (full runs: docs/compatibility.md)")
    ap.add_argument("--failures", default=None,
                    help="write the prioritized failure-cause list (markdown) here")
    ap.add_argument("--jobs", "-j", type=int, default=1,
                    help="test files run at once (each its own pytest process)")
    ap.add_argument("--resume", action="store_true",
                    help="with --workdir: reuse files whose run there completed")
    ap.add_argument("--from-json", nargs="+", default=None,
                    help="re-classify and re-render saved --json reports without running "
                         "(several are merged; a later report's file replaces an earlier's)")
    ap.add_argument("--from-logs", nargs="+", default=None,
                    help="build the report from the logs in these --workdir directories "
                         "(unfinished files are reported as partial)")
    ap.add_argument("--update-ci-expected", action="store_true",
                    help="with --subset ci: rewrite ci_subset.txt's [expected-failures]")
    args = ap.parse_args(argv)
    try:
        if args.from_logs:
            report = report_from_logs(args.from_logs)
        elif args.from_json:
            report = merge_reports([json.loads(Path(p).read_text()) for p in args.from_json])
        else:
            report = run(args.files, None if args.subset == "full" else args.subset,
                         args.timeout, args.file_timeout, args.workdir, jobs=args.jobs,
                         resume=args.resume)
    except ConfigError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return 2
    print(_cf_report.text_table(report))
    if args.update_ci_expected and args.subset == "ci":
        write_ci_subset(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, sort_keys=True, default=str))
    if args.markdown:
        Path(args.markdown).write_text(_cf_report.compatibility_markdown(report))
    if args.failures:
        Path(args.failures).write_text(_cf_report.failures_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
