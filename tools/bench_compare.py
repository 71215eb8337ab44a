"""A/B timing of fastml's own benchmark rows between two source trees.

    python tools/bench_compare.py BASE_TREE NEW_TREE [-k EXPR] [--rounds N]

Each tree must have its compiled modules in src/ (tools/dev-build.sh). For
every benchmarks/bench_*.py file, the base and the new tree run back to back
(`-k fastml` rows by default, same machine, same thread pinning from
benchmarks/conftest.py), N times alternating; the table gives each row's best
min time per tree and the ratio new / base (below 1: the new tree is faster).
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile


def run(tree, bench, kexpr):
    out = pathlib.Path(tempfile.mkstemp(suffix=".json")[1])
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(tree) / "src")}
    subprocess.run([sys.executable, "-m", "pytest", str(pathlib.Path(tree) / "benchmarks" / bench),
                    "--benchmark-only", "-q", "-p", "no:cacheprovider", "-k", kexpr,
                    f"--benchmark-json={out}"], env=env, cwd=tree, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        data = json.loads(out.read_text())
    except ValueError:
        return {}
    return {b["name"]: b["stats"]["min"] for b in data["benchmarks"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("new")
    ap.add_argument("-k", default="fastml")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--files", nargs="*")
    a = ap.parse_args()
    files = a.files or sorted(p.name for p in (pathlib.Path(a.new) / "benchmarks").glob("bench_*.py"))
    print(f"{'benchmark':60s} {'base ms':>10s} {'new ms':>10s} {'new/base':>9s}", flush=True)
    for f in files:
        best = {"base": {}, "new": {}}
        for _ in range(a.rounds):
            for side in ("base", "new"):
                for name, t in run(getattr(a, side), f, a.k).items():
                    best[side][name] = min(t, best[side].get(name, float("inf")))
        for name in sorted(best["new"]):
            b, n = best["base"].get(name), best["new"][name]
            ratio = f"{n / b:9.3f}" if b else "        -"
            bs = f"{b * 1e3:10.3f}" if b else "         -"
            print(f"{f[:-3] + '::' + name:60.60s} {bs} {n * 1e3:10.3f} {ratio}", flush=True)


if __name__ == "__main__":
    main()
