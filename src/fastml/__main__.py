"""Command line: ``python -m fastml {demo,info,bench}``.

demo   run the tours in fastml.demos on the bundled data (no network)
info   print the build and runtime configuration (fastml.show_config())
bench  run the benchmark suite in ./benchmarks with pytest-benchmark
bench grid [--profile quick|full] [--only knn,kmeans] [--threads 2]
       the speed grid vs scikit-learn / scikit-learn-intelex (benchmarks/grid.py)
"""
import argparse
import os
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fastml", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the demos on the bundled data")
    demo.add_argument("names", nargs="*", help="subset of demos to run (default: all)")
    demo.add_argument("--threads", type=int, default=None, help="fastml threads")
    sub.add_parser("info", help="print the configuration")
    bench = sub.add_parser("bench", help="run benchmarks/ with pytest-benchmark")
    bench.add_argument("pytest_args", nargs=argparse.REMAINDER,
                       help="extra arguments for pytest (e.g. -k pairwise)")
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
            except ValueError as e:
                parser.error(f"--threads: {e}")
        unknown = [n for n in args.names if n not in demos.DEMOS]
        if unknown:
            parser.error(f"unknown demo(s) {unknown}; choose from {demos.DEMOS}")
        fastml.show_config()
        demos.run_all(args.names or None)
        return 0
    if args.command == "bench":
        import pytest

        path = os.path.join(os.getcwd(), "benchmarks")
        if not os.path.isdir(path):
            parser.error("run `python -m fastml bench` from a source checkout (needs ./benchmarks)")
        if args.pytest_args[:1] == ["grid"]:
            return _bench_grid(path, args.pytest_args[1:])
        return pytest.main([path, "--benchmark-only", "--benchmark-columns=min,median,mean",
                            "--benchmark-sort=name", *args.pytest_args])
    return 1


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
