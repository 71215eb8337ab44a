"""Global settings: threads and the configuration report."""
import contextlib
import os
import platform

from ._kernels import COMPILED, runtime


def set_num_threads(n):
    """Threads for fastml's OpenMP kernels (and Numba code) from now on.

    n <= 0 or None restores the default (OMP_NUM_THREADS or the CPU count).
    Results do not depend on this setting.
    """
    if n is not None and (not isinstance(n, int) or isinstance(n, bool)):
        raise ValueError(f"n must be an int or None, got {n!r}.")
    if COMPILED:
        runtime.set_num_threads(0 if n is None else n)
    _set_numba_threads(get_num_threads())


def get_num_threads():
    if COMPILED:
        return runtime.get_num_threads()
    return 1


def _set_numba_threads(n):
    import sys

    numba = sys.modules.get("numba")  # only if something already loaded it
    if numba is not None:
        try:
            numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
        except Exception:  # pragma: no cover - numba without a threading layer
            pass


def resolve_n_jobs(n_jobs):
    """n_jobs (None, -1, k>0) -> thread count; None means the global setting."""
    if n_jobs is None:
        return get_num_threads()
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return int(n_jobs)


@contextlib.contextmanager
def threads_scope(n_jobs):
    """Temporarily run kernels with `n_jobs` threads (None: leave as is)."""
    if n_jobs is None or not COMPILED:
        yield
        return
    prev = runtime.get_num_threads()
    runtime.set_num_threads(resolve_n_jobs(n_jobs))
    try:
        yield
    finally:
        runtime.set_num_threads(prev)


def _blas_info():
    try:
        import numpy as np

        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:
        return "unknown"


def config():
    """The build and runtime configuration as a dict."""
    from . import __version__

    info = {
        "fastml": __version__,
        "python": platform.python_version(),
        "backend": "compiled" if COMPILED else "reference",
    }
    if COMPILED:
        info.update(
            compiler=runtime.compiler(),
            openmp=runtime.have_openmp(),
            threads=runtime.get_num_threads(),
            cpu_level_hw=runtime.cpu_level_hw(),
            cpu_level=runtime.cpu_level(),
            families=runtime.family_levels(),
        )
    if COMPILED:
        from ._kernels import ensure_blas

        ensure_blas()
        src = runtime.blas_source()
        where = ("NumPy's bundled OpenBLAS, shared with numpy.matmul" if src == "numpy"
                 else "SciPy's cython_blas")
    else:
        where = "NumPy"
    info["blas"] = f"{_blas_info()} (fastml calls {where}; it links no BLAS of its own)"
    return info


def show_config(file=None):
    """Print version, compiler, OpenMP, threads, SIMD level per family, BLAS."""
    info = config()
    lines = [f"fastml {info['fastml']} (python {info['python']}, backend {info['backend']})"]
    if COMPILED:
        lines += [
            f"  compiler : {info['compiler']}",
            f"  openmp   : {'yes' if info['openmp'] else 'no (serial build)'}",
            f"  threads  : {info['threads']}",
            f"  cpu      : supports {info['cpu_level_hw']}, dispatching {info['cpu_level']}",
            "  families : " + ", ".join(f"{k}={v}" for k, v in info["families"].items()),
        ]
    lines.append(f"  blas     : {info['blas']}")
    print("\n".join(lines), file=file)
