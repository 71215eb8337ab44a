"""Text, markdown and failure-priority renderings of a conformance report."""


def _error_line(message):
    for line in message.splitlines():
        if line.startswith("E   "):
            return line[4:].strip()
    return message.strip().splitlines()[-1][:200] if message.strip() else "?"


def collection_errors(report):
    """[(file, first error line)] of files pytest could not collect (whole file lost)."""
    return [(f, _error_line(errs[0].get("message", ""))) for f, errs in
            report.get("collect_errors", {}).items() if errs]


def _pct(num, den):
    return f"{100.0 * num / den:.1f}%" if den else "-"


def _totals(report):
    keys = ("collected", "deselected", "exercising_fastml", "passed", "failed", "skipped",
            "not_exercising_fastml", "collect_errors")
    return {k: sum(f[k] for f in report["files"]) for k in keys}


def _rate_den(row):
    return row["passed"] + row["failed"]


def _top_causes(causes, n=3):
    return ", ".join(f"{c} {k}" for c, k in list(causes.items())[:n]) or "-"


def text_table(report):
    head = (f"{'file':48s} {'coll':>5s} {'desel':>5s} {'fastml':>6s} {'pass':>5s} "
            f"{'fail':>5s} {'skip':>5s} {'rate':>6s}  failed by cause")
    lines = [head, "-" * len(head)]
    for f in report["files"]:
        lines.append(
            f"{f['file']:48s} {f['collected']:5d} {f['deselected']:5d} "
            f"{f['exercising_fastml']:6d} {f['passed']:5d} {f['failed']:5d} "
            f"{f['skipped']:5d} {_pct(f['passed'], _rate_den(f)):>6s}  "
            f"{_top_causes({k.replace(' ', '_'): v for k, v in f['failed_by_cause'].items()}, 4)}"
            + (f"  [{f['collect_errors']} collection error(s)]" if f["collect_errors"] else "")
            + (f"  [partial: {f['ran']} ran]" if f.get("partial") else ""))
    t = _totals(report)
    lines.append("-" * len(head))
    lines.append(f"{'total':48s} {t['collected']:5d} {t['deselected']:5d} "
                 f"{t['exercising_fastml']:6d} {t['passed']:5d} {t['failed']:5d} "
                 f"{t['skipped']:5d} {_pct(t['passed'], t['passed'] + t['failed']):>6s}")
    lines.append("failures by cause: " + ", ".join(f"{c}: {n}" for c, n in
                                                   report["causes"].items()))
    if report.get("not_run"):
        lines.append("not run: " + ", ".join(report["not_run"]))
    return "\n".join(lines)


_METHOD = """\
## How this is measured

`python -m tests.conformance.run --markdown docs/compatibility.md --json report.json`
(or `python tools/conformance.py ...`) copies each scikit-learn test file listed in
`tests/conformance/manifest.txt` out of the installed `sklearn` package and rewrites its
`from sklearn.<module> import ...` statements so that every public name fastml provides
(derived from `fastml.<module>.__all__`, exceptions in `tests/conformance/overrides.toml`)
comes from fastml; `from sklearn import neighbors`-style module imports get a proxy
module that answers with fastml's object where fastml has one. scikit-learn's testing
utilities (`sklearn.utils`, `sklearn.datasets`, `sklearn.base`, private modules) are left
alone. Each file runs under pytest in its own process with scikit-learn's `conftest.py`.

- **collected**: tests pytest collected after the reviewed deselections.
- **deselected**: tests removed by `tests/conformance/deselected.txt`; every entry there
  carries its one-line reason (summarised below) and the runner refuses entries without one.
- **exercise fastml**: the test called a fastml function, or a method (including
  `__init__`) of a fastml class, between the start of its setup and the end of its
  teardown. The harness wraps every swapped function and every method defined by a
  fastml class in the MRO of a swapped class to set a flag. Tests that only touch
  scikit-learn (its own helpers, estimators fastml does not ship) are counted apart.
- **pass rate** = passed / (passed + failed) among the tests that exercise fastml
  (skips and scikit-learn's own xfails excluded).
- **failed by cause**: the first matching rule in `tests/conformance/_cf_classify.py`
  (missing parameter, missing attribute, sparse input, different error message or
  warning, numeric mismatch, ...).

Running it: `--jobs N` runs N files at once (each in its own pytest process, BLAS/OpenMP
pinned to one thread), `--timeout` is the per-test limit (SIGALRM; default 60 s), a
process that hangs past `--file-timeout` is restarted after the test it hung in.
`--workdir DIR --resume` keeps the rewritten files and per-file logs and reuses finished
files; `--from-logs DIR...` rebuilds this page from such logs (files cut short are marked
partial). scikit-learn's float32 parametrizations run too (`SKLEARN_RUN_FLOAT32_TESTS=1`).

The normal test command runs a bounded subset (`tests/conformance/ci_subset.txt`, via
`tests/conformance/test_conformance.py`): every selected test must pass or be listed
there as a known failure with its cause. The copied scikit-learn files live in a temporary
directory, so the repository's own pytest run never collects them.
"""


def compatibility_markdown(report):
    t = _totals(report)
    out = [
        "# scikit-learn compatibility",
        "",
        f"scikit-learn {report['sklearn_version']}'s own unit tests, run against fastml "
        f"{report['fastml_version']} with the tested public names swapped for fastml's "
        f"({report['generated']}, {len(report['files'])} files, subset: {report['subset']}).",
        "",
        f"**{t['passed']} of {t['passed'] + t['failed']} tests that exercise fastml pass "
        f"({_pct(t['passed'], t['passed'] + t['failed'])})**; {t['skipped']} more are "
        f"skipped by scikit-learn itself, {t['not_exercising_fastml']} collected tests do "
        f"not reach fastml code, {t['deselected']} are deselected with a reason.",
        "",
        "| file | collected | deselected | exercise fastml | passed | failed | skipped | "
        "pass rate | main failure causes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for f in report["files"]:
        note = _top_causes(f["failed_by_cause"])
        if f["collect_errors"]:
            note += f" (+{f['collect_errors']} collection error)"
        if f.get("partial"):
            note = f"**partial run: {f['ran']} of {f['collected']} tests ran**; " + note
        out.append(f"| `{f['file']}` | {f['collected']} | {f['deselected']} | "
                   f"{f['exercising_fastml']} | {f['passed']} | {f['failed']} | "
                   f"{f['skipped']} | {_pct(f['passed'], _rate_den(f))} | {note} |")
    out.append(f"| **total** | {t['collected']} | {t['deselected']} | "
               f"{t['exercising_fastml']} | {t['passed']} | {t['failed']} | {t['skipped']} | "
               f"{_pct(t['passed'], t['passed'] + t['failed'])} | |")
    errors = collection_errors(report)
    if errors:
        out += ["", "Files pytest could not collect at all (every test in them is lost until "
                "this is fixed):", ""]
        out += [f"- `{f}`: `{e}`" for f, e in errors]
    if report.get("not_run"):
        out += ["", "Not yet measured (listed in the manifest, no run recorded): "
                + ", ".join(f"`{f}`" for f in report["not_run"]) + "."]
    partial = [f for f in report["files"] if f.get("partial")]
    if partial:
        out += ["", f"{len(partial)} file(s) ran only in part (the run was cut short); their "
                "counts cover the tests that ran."]
    out += ["", "## Failures by cause", "", "| cause | tests | most frequent |", "|---|---:|---|"]
    for cause, n in report["causes"].items():
        top = list(report["cause_details"][cause].items())[:4]
        out.append(f"| {cause} | {n} | " + "; ".join(f"`{d}` ({k})" for d, k in top) + " |")
    out += ["", "## Deselected", "",
            "Every deselection has a reason in `tests/conformance/deselected.txt`:", "",
            "| reason | tests |", "|---|---:|"]
    for reason, n in report["deselection_reasons"].items():
        out.append(f"| {reason} | {n} |")
    out += ["", _METHOD]
    return "\n".join(out) + "\n"


def failures_markdown(report, per_cause=15):
    t = _totals(report)
    out = [
        "# Conformance failures, prioritized",
        "",
        f"{t['failed']} failing tests that exercise fastml "
        f"({t['passed']} pass, {_pct(t['passed'], t['passed'] + t['failed'])}); "
        f"scikit-learn {report['sklearn_version']}, {report['generated']}.",
        "Counts are tests; one test can need several features, the first failing one is counted.",
        "",
        "## Causes",
        "",
    ]
    for cause, n in report["causes"].items():
        out.append(f"- **{cause}**: {n}")
    errors = collection_errors(report)
    if errors:
        out += ["", "## Whole files lost to a collection error (fix first: they hide every "
                "test in the file)", ""]
        out += [f"- `{f}`: `{e}`" for f, e in errors]
    ranked = sorted(((n, c, d) for c, ds in report["cause_details"].items()
                     for d, n in ds.items()), reverse=True)
    out += ["", "## Top single features / fixes (cause :: detail, count, example test)", ""]
    for n, c, d in ranked[:60]:
        ex = report["examples"].get(f"{c} :: {d}", "")
        out.append(f"1. {n:4d}  {c} :: `{d}`  e.g. `{ex}`")
    for cause, ds in report["cause_details"].items():
        out += ["", f"## {cause} ({report['causes'][cause]})", ""]
        for d, n in list(ds.items())[:per_cause]:
            out.append(f"- {n:4d}  `{d}`")
    by_file = sorted(report["files"], key=lambda f: -f["failed"])
    out += ["", "## Failing tests per file", ""]
    for f in by_file:
        out.append(f"- `{f['file']}`: {f['failed']} failed / {f['exercising_fastml']} "
                   f"exercising fastml; {_top_causes(f['failed_by_cause'], 5)}")
    return "\n".join(out) + "\n"
