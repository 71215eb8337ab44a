"""Command line: ``python -m fastml {demo,info,bench,docs}`` (also the ``fastml`` script).

demo   run the tours in fastml.demos on the bundled data (no network)
info   print the build and runtime configuration (fastml.show_config())
bench  run the benchmark suite with pytest-benchmark; any pytest argument passes
       through (e.g. -k pairwise). The suite ships with the package, so this
       works from an installed wheel; from a source checkout ./benchmarks is used.
bench grid [--profile quick|full] [--only knn,kmeans] [--threads 2]
       the speed grid vs scikit-learn / scikit-learn-intelex (benchmarks/grid.py)
docs   build the documentation site offline (Sphinx, warnings as errors) from a
       source checkout into docs/_build/html; needs the docs extra
"""
import argparse
import importlib
import os
import sys

_BENCH_USAGE = """usage: python -m fastml bench [pytest arguments ...]
       python -m fastml bench grid [--profile quick|full] [--only FAMILIES] [--threads N]

Runs fastml's benchmark suite (bench_*.py) with pytest-benchmark, every library
pinned to FASTML_BENCH_THREADS threads (default 2). Examples:
  python -m fastml bench -k pairwise
  python -m fastml bench -k "kmeans or pca" --benchmark-columns=min,median
  python -m fastml bench grid --profile quick
Needs the bench extra: pip install "fastml[bench]".
"""


def _demo_epilog():
    from fastml import demos

    lines = ["demos (default: all, in this order):"]
    for name in demos.DEMOS:
        doc = (importlib.import_module(f"fastml.demos.{name}").__doc__ or "").strip()
        first = " ".join(doc.split("\n\n")[0].split())
        lines.append(f"  {name:<10} {first}")
    return "\n".join(lines)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m fastml", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the demos on the bundled data",
                          description="Short, self-checking tours of fastml on the bundled "
                                      "data (no network).",
                          epilog=_demo_epilog(),
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("names", nargs="*", help="subset of demos to run (default: all)")
    demo.add_argument("--threads", type=int, default=None,
                      help="threads for fastml (default: all cores)")
    sub.add_parser("info", help="print the configuration")
    sub.add_parser("bench", help="run the benchmark suite (pytest arguments pass through, "
                                 "e.g. -k pairwise; `bench --help` for more)", add_help=False)
    docs = sub.add_parser("docs", help="build the documentation site (from a source checkout)",
                          description="Build the documentation site offline with Sphinx "
                                      "(warnings are errors) from a source checkout of "
                                      "fastml: the API reference, the user guide and the "
                                      "gallery (examples/gallery run with matplotlib). "
                                      'Needs the docs extra: pip install "fastml[docs]".')
    docs.add_argument("--out", default=None,
                      help="output directory (default: docs/_build/html)")
    docs.add_argument("--clean", action="store_true",
                      help="rebuild every page (sphinx-build -E)")
    return parser


def docs_dir():
    """docs/ of the source checkout: ./docs (run from the checkout's root), else
    the one beside src/ when fastml is imported from a checkout; None otherwise."""
    import fastml

    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))
    for cand in (os.path.join(os.getcwd(), "docs"),
                 os.path.join(os.path.dirname(pkg_parent), "docs")):
        if os.path.isfile(os.path.join(cand, "conf.py")):
            return cand
    return None


def _docs(parser, args):
    import importlib.util
    import subprocess

    path = docs_dir()
    if path is None:
        parser.error("docs: no documentation sources found (docs/conf.py); run this from the "
                     "root of a fastml source checkout")
    missing = [m for m in ("sphinx", "myst_parser") if importlib.util.find_spec(m) is None]
    if missing:
        parser.error(f"docs needs {', '.join(missing)}: pip install \"fastml[docs]\"")
    out = os.path.abspath(args.out or os.path.join(path, "_build", "html"))
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
           *(["-E"] if args.clean else []), path, out]
    rc = subprocess.call(cmd, cwd=os.path.dirname(path))
    if rc == 0:
        print(f"documentation built: {os.path.join(out, 'index.html')}")
    return rc


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if argv[:1] == ["bench"]:
        # everything after `bench` belongs to pytest (or to the grid script)
        return _bench(parser, argv[1:])
    args = parser.parse_args(argv)

    import fastml

    if args.command == "info":
        fastml.show_config()
        return 0
    if args.command == "demo":
        from fastml import demos

        if args.threads is not None:
            try:
                fastml.set_num_threads(args.threads)
            except (ValueError, OverflowError) as e:
                parser.error(f"--threads: {e}")
        unknown = [n for n in args.names if n not in demos.DEMOS]
        if unknown:
            parser.error(f"unknown demo(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(demos.DEMOS)}")
        fastml.show_config()
        demos.run_all(args.names or None)
        return 0
    if args.command == "docs":
        return _docs(parser, args)
    return 1  # pragma: no cover - argparse requires a command


def bench_dir():
    """The benchmark suite to run: ./benchmarks in a source checkout (the
    working directory holds benchmarks/conftest.py), else the copy installed
    with the package (fastml/benchmarks), or None when neither exists."""
    here = os.path.join(os.getcwd(), "benchmarks")
    if os.path.isfile(os.path.join(here, "conftest.py")):
        return here
    import fastml

    installed = os.path.join(os.path.dirname(os.path.abspath(fastml.__file__)), "benchmarks")
    if os.path.isfile(os.path.join(installed, "conftest.py")):
        return installed
    return None


def _bench(parser, rest):
    if rest[:1] in (["-h"], ["--help"]):
        print(_BENCH_USAGE, end="")
        return 0
    path = bench_dir()
    if path is None:
        parser.error("bench: no benchmark suite found (neither ./benchmarks nor the copy "
                     "installed with fastml)")
    if rest[:1] == ["grid"]:
        return _bench_grid(path, rest[1:])
    try:
        import pytest
        import pytest_benchmark  # noqa: F401
    except ImportError as e:
        parser.error(f"bench needs pytest and pytest-benchmark ({e.name} is missing): "
                     'pip install "fastml[bench]"')
    # the settings the checkout's pyproject.toml gives, explicit so that an
    # installed copy (no ini file above it) collects the same way
    opts = ["-o", "python_files=bench_*.py", "-o", "python_functions=bench_* test_*",
            "--import-mode=importlib", "-p", "no:cacheprovider", "--rootdir", path,
            "-W", "ignore::pytest_benchmark.logger.PytestBenchmarkWarning"]
    # --benchmark-disable (each body once, a smoke run) excludes --benchmark-only
    only = [] if "--benchmark-disable" in rest else ["--benchmark-only"]
    return pytest.main([path, *opts, *only, "--benchmark-columns=min,median,mean",
                        "--benchmark-sort=name", *rest])


def _bench_grid(path, grid_args):
    """benchmarks/grid.py in a fresh process: its thread variables must be set
    before NumPy loads a BLAS, which this process has already done."""
    import subprocess

    import fastml

    env = dict(os.environ)
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pkg_parent, env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, os.path.join(path, "grid.py"), *grid_args]
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
