"""Global settings: threads and the configuration report."""
import contextlib
import os
import platform

from ._kernels import COMPILED, _threads, runtime
from .utils.validation import resolve_n_jobs  # noqa: F401  (re-exported)


def set_num_threads(n):
    """Default threads for fastml's OpenMP kernels (and Numba code) from now on.

    n: a positive int up to 4 x the machine's cores (ValueError beyond), or None
    to restore the default (OMP_NUM_THREADS or the core count). Estimators'
    ``n_jobs`` override it for their own calls. Results do not depend on this
    setting (see the README for the operations where that is stated otherwise).
    """
    _threads.set_default(n)
    _set_numba_threads(_threads.default())


def get_num_threads():
    """The default thread count (see set_num_threads)."""
    return _threads.default()


def _set_numba_threads(n):
    import sys

    numba = sys.modules.get("numba")  # only if something already loaded it
    if numba is not None:
        try:
            numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
        except Exception:  # pragma: no cover - numba without a threading layer
            pass


@contextlib.contextmanager
def threads_scope(n_jobs):
    """Run kernels called from this context with `n_jobs` threads (None: as is).

    The count lives in a context variable (one per Python thread), so
    concurrent estimators with different n_jobs do not race.
    """
    if n_jobs is None:
        yield
        return
    with _threads.scope(resolve_n_jobs(n_jobs)):
        yield


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
    from ._version import __version__

    info = {
        "fastml": __version__,
        "python": platform.python_version(),
        "backend": "compiled" if COMPILED else "reference",
    }
    if COMPILED:
        info.update(
            compiler=runtime.compiler(),
            openmp=runtime.have_openmp(),
            threads=_threads.default(),
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
