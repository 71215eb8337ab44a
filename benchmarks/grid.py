"""The speed grid: fastml vs scikit-learn and scikit-learn-intelex on realistic workloads.

    python benchmarks/grid.py --profile quick            # ~10 min on 2 cores
    python benchmarks/grid.py --profile full              # the whole grid (hours)
    python benchmarks/grid.py --only knn,kmeans --threads 2
    python -m fastml bench grid --profile quick           # the same, from a checkout

Every library runs at the same thread count (--threads, default 2): the
OMP/OpenBLAS/MKL thread variables are set before NumPy loads, threadpoolctl
limits BLAS and OpenMP pools, fastml.set_num_threads, and n_jobs=threads for
every estimator that takes it. Data are scikit-learn's synthetic generators
(make_classification / make_regression / make_blobs / make_low_rank_matrix),
the same arrays for every library. Each cell times >= 3 runs per library,
interleaved (library order rotates each round), and keeps the minimum; ratio =
faster peer's time / fastml's time (above 1: fastml faster). Correctness is
checked per cell (same neighbours, inertia, coefficients, predictions or
objective to a tolerance) and flagged in the tables.

Writes the results to benchmarks/results/grid_<profile>.json (merged by
family with an earlier run, so --only refreshes part of the grid), the summary
between the grid markers of README.md and the full table in docs/speed.md.
The families and their cells are in benchmarks/grid_cells.py.
"""
import argparse
import os
import sys


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", choices=("smoke", "quick", "full"), default="quick")
    ap.add_argument("--only", default="", help="comma-separated families (default: all)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per library (>= 3)")
    ap.add_argument("--budget", type=float, default=5.0,
                    help="seconds: a library whose first run exceeds this and is over 3x "
                         "slower than another is not repeated (it cannot be the best peer)")
    ap.add_argument("--out", default=None, help="JSON path (default benchmarks/results/...)")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite README/docs tables")
    ap.add_argument("--render", action="store_true",
                    help="do not run: rewrite README/docs tables from the results file")
    ap.add_argument("--root", default=None, help="source checkout (default: this file's parent)")
    args = ap.parse_args(argv)
    if args.threads < 1:
        ap.error(f"--threads must be >= 1, got {args.threads}")
    if args.repeats < 3 and args.profile != "smoke":
        ap.error(f"--repeats must be >= 3 (min of 3 runs per library), got {args.repeats}")
    return args


def pin_env(threads):
    """Thread variables, set before NumPy or any BLAS loads."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = str(threads)


if __name__ == "__main__":
    _ARGS = parse_args()
    pin_env(_ARGS.threads)

import datetime  # noqa: E402
import gc  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grid_cells  # noqa: E402
import grid_report  # noqa: E402

# nominal limits of the reference machine (2 cores Zen 4): DESIGN.md's numbers
NOMINAL = {"gemm_f32": 200.0, "gemm_f64": 100.0, "dram": 30.0}


def measure_limits():
    """GEMM GFLOP/s (fp32, fp64) and copy GB/s on this machine right now."""
    out = {}
    for key, dt in (("gemm_f32", np.float32), ("gemm_f64", np.float64)):
        A = np.random.default_rng(0).standard_normal((1536, 1536)).astype(dt)
        best = math.inf
        for _ in range(3):
            t0 = time.perf_counter()
            A @ A
            best = min(best, time.perf_counter() - t0)
        out[key] = 2 * 1536 ** 3 / best / 1e9
    src = np.ones(64_000_000 // 8)
    dst = np.empty_like(src)
    best = math.inf
    for _ in range(5):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t0)
    out["dram"] = 2 * src.nbytes / best / 1e9
    return out


def _timed(fam, est, data):
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        out = fam.run(est, data)
        return time.perf_counter() - t0, out
    finally:
        gc.enable()


def _skip_repeat(lib, times, budget):
    """A library is run once only when its first run took over `budget`
    seconds and over 3x another library's: it cannot be the fastest peer,
    so its minimum does not change any ratio (the fastest are always
    repeated)."""
    if not times[lib] or times[lib][0] <= budget:
        return False
    others = [ts[0] for other, ts in times.items() if other != lib and ts]
    return bool(others) and times[lib][0] > 3 * min(others)


def run_cell(fam, params, threads, repeats, budget, log):
    data = fam.data(params)
    ests, errors = {}, {}
    for lib in fam.libs:
        try:
            est = fam.estimator(lib, params, data, threads)
            if est is not None:
                ests[lib] = fam.prepare(est, data)
        except Exception as e:  # a peer that cannot run this cell: recorded, not fatal
            errors[lib] = f"{type(e).__name__}: {e}"[:200]
    times = {lib: [] for lib in ests}
    fitted = {}
    libs = list(ests)
    for r in range(repeats):
        order = libs[r % len(libs):] + libs[:r % len(libs)] if libs else []
        for lib in order:
            if lib in errors or _skip_repeat(lib, times, budget):
                continue
            try:
                t, _ = _timed(fam, ests[lib], data)
            except Exception as e:
                errors[lib] = f"{type(e).__name__}: {e}"[:200]
                continue
            times[lib].append(t)
            fitted[lib] = ests[lib]
    best = {lib: min(ts) for lib, ts in times.items() if ts}
    row = {"family": fam.name, "id": fam.cell_id(params), "params": params, "times": times,
           "best": best, "errors": errors}
    peers = {lib: t for lib, t in best.items() if lib != "fastml"}
    if "fastml" in best and peers:
        peer = min(peers, key=peers.get)
        row.update(best_peer=peer, ratio=peers[peer] / best["fastml"])
    if "fastml" in fitted:
        try:
            notes = fam.check(params, data, fitted)
            ref = [lib for lib in notes if lib == "sklearn"] or list(notes)
            ok = not any(notes[lib] for lib in ref)
            note = "; ".join(f"vs {lib}: {n}" for lib, n in notes.items() if n)
        except Exception as e:
            ok, note = False, f"check failed: {type(e).__name__}: {e}"[:200]
        row.update(correct=bool(ok), note=note)
        w = fam.work(params, data, fitted)
        if w is not None:
            amount, unit, limit = w
            scale = 1e9
            row["rate"] = {lib: amount / t / scale for lib, t in best.items()}
            row.update(rate_unit=unit, limit=limit)
    log(grid_report.cell_line(row))
    return row


def machine_meta(threads, profile, limits):
    import fastml
    import sklearn
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "profile": profile, "threads": threads, "cpu_count": os.cpu_count(),
            "machine": platform.processor() or platform.machine(),
            "python": platform.python_version(), "numpy": np.__version__,
            "fastml": fastml.__version__, "sklearn": sklearn.__version__,
            "limits_measured": limits, "limits_nominal": NOMINAL,
            "pinning": "OMP/OPENBLAS/MKL_NUM_THREADS, threadpoolctl.threadpool_limits, "
                       "fastml.set_num_threads, n_jobs on estimators that take it"}
    try:
        import sklearnex
        meta["sklearnex"] = getattr(sklearnex, "__version__", "installed")
    except ImportError:
        meta["sklearnex"] = None
    return meta


def families(only):
    names = [s.strip() for s in only.split(",") if s.strip()] or list(grid_cells.FAMILIES)
    unknown = [n for n in names if n not in grid_cells.FAMILIES]
    if unknown:
        raise SystemExit(f"--only: unknown famil{'y' if len(unknown) == 1 else 'ies'} "
                         f"{unknown}; choose from {sorted(grid_cells.FAMILIES)}")
    return [grid_cells.FAMILIES[n] for n in names]


def _schedule(fams, profile):
    """Cells round-robin over the families, so a run cut short (Ctrl-C) still
    has every family represented in its results file."""
    lists = [[(fam, p) for p in fam.cells(profile)] for fam in fams]
    return [c for group in itertools.zip_longest(*lists) for c in group if c is not None]


def _save(out, result):
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(result, fh, indent=1, default=float)
    os.replace(tmp, out)


def main(args):
    root = args.root or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # the copy installed with the package (site-packages/fastml/benchmarks) is not
    # a checkout: results go to the working directory and no docs are rewritten
    checkout = args.root is not None or os.path.isfile(os.path.join(root, "pyproject.toml"))
    if not checkout:
        args.no_docs = True
    default_out = (os.path.join(root, "benchmarks", "results", f"grid_{args.profile}.json")
                   if checkout else os.path.join(os.getcwd(), f"grid_{args.profile}.json"))
    out = args.out or default_out

    def log(msg):
        print(msg, flush=True)

    if args.render:
        with open(out) as fh:
            result = json.load(fh)
    else:
        result = _run(args, out, log)
    log(grid_report.summary_markdown(result))
    log(f"results: {out} ({result['meta'].get('seconds')} s)")
    if not args.no_docs:
        grid_report.write_docs(root, result)
        log(f"updated {os.path.join(root, 'README.md')} (grid markers) and docs/speed.md")
    return 0


def _run(args, out, log):
    import fastml
    fastml.set_num_threads(args.threads)
    fams = families(args.only)
    try:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(limits=args.threads)
    except ImportError:
        limiter = None
    rows = []
    try:
        limits = measure_limits()
        meta = machine_meta(args.threads, args.profile, limits)
        log(grid_report.header(meta))
        t_start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for fam, params in _schedule(fams, args.profile):
                rows.append(run_cell(fam, params, args.threads, args.repeats, args.budget,
                                     log))
                meta["seconds"] = round(time.perf_counter() - t_start, 1)
                result = grid_report.merge(out, meta, rows, [f.name for f in fams])
                _save(out, result)  # after every cell: an interrupted run keeps its cells
    except KeyboardInterrupt:
        log(f"interrupted after {len(rows)} cells; the results file has them")
        meta["interrupted"] = True
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    result = grid_report.merge(out, meta, rows, [f.name for f in fams])
    _save(out, result)
    return result


if __name__ == "__main__":
    sys.exit(main(_ARGS))
