"""Global settings: threads, the estimator configuration (set_config /
get_config / config_context) and the configuration report."""
import contextlib
import contextvars
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


# ---- estimator configuration (scikit-learn's set_config keys fastml honours) ----
# None: not set in fastml -- follow scikit-learn's setting when scikit-learn is
# loaded (a drop-in honours sklearn.set_config), else "default"
_CONFIG_DEFAULTS = {"transform_output": None, "enable_metadata_routing": None}
_CONFIG_OPTIONS = {"transform_output": ("default", "pandas", "polars"),
                   "enable_metadata_routing": (True, False)}
_CONFIG_FALLBACK = {"transform_output": "default", "enable_metadata_routing": False}
_global_config = dict(_CONFIG_DEFAULTS)
# a config_context overrides the global settings in its own thread / task only
_local_config = contextvars.ContextVar("fastml_config", default=None)


def _raw_config():
    local = _local_config.get()
    return local if local is not None else _global_config


def _sklearn_setting(key, fallback):
    import sys

    skl = sys.modules.get("sklearn._config")
    if skl is None:
        return fallback
    try:
        value = skl.get_config().get(key)
    except Exception:  # pragma: no cover - a scikit-learn without get_config
        return fallback
    return value if any(value is o or (isinstance(o, str) and value == o)
                        for o in _CONFIG_OPTIONS[key]) else fallback


def get_config():
    """The current configuration as a new dict. ``transform_output`` is the
    container ``transform`` / ``fit_transform`` of every transformer return
    ("default": NumPy arrays, "pandas" or "polars" DataFrames) unless an
    estimator's own ``set_output`` says otherwise. While fastml's setting is
    not made (set_config / config_context), scikit-learn's
    ``sklearn.set_config(transform_output=...)`` applies when scikit-learn is
    loaded. ``enable_metadata_routing`` (default False) turns metadata routing
    on (see fastml.utils._metadata_routing); unset, scikit-learn's
    ``sklearn.set_config(enable_metadata_routing=...)`` applies."""
    cfg = dict(_raw_config())
    for key, fallback in _CONFIG_FALLBACK.items():
        if cfg[key] is None:
            cfg[key] = _sklearn_setting(key, fallback)
    return cfg


def _checked_updates(**params):
    updates = {}
    for key, value in params.items():
        if value is None:
            continue
        options = _CONFIG_OPTIONS[key]
        if not any(value is o or (isinstance(o, str) and value == o) for o in options):
            raise ValueError(f"{key} must be one of {list(options)} or None, got {value!r}.")
        updates[key] = value
    return updates


def _sklearn_routing_scope(updates):
    """scikit-learn's config_context with the same enable_metadata_routing (the
    routing objects and scikit-learn estimators nested in fastml's read it), or
    a no-op when the key is not changed or scikit-learn is not installed."""
    if "enable_metadata_routing" not in updates:
        return contextlib.nullcontext()
    try:
        import sklearn
    except ImportError:  # pragma: no cover - no scikit-learn
        return contextlib.nullcontext()
    return sklearn.config_context(enable_metadata_routing=updates["enable_metadata_routing"])


def set_config(transform_output=None, enable_metadata_routing=None):
    """Set fastml's configuration globally (None leaves a key unchanged).

    transform_output: "default", "pandas" or "polars" (see get_config).
    enable_metadata_routing: True / False (also set in scikit-learn's
    configuration when scikit-learn is installed). Inside a ``config_context``
    only that context's settings change.
    """
    updates = _checked_updates(transform_output=transform_output,
                               enable_metadata_routing=enable_metadata_routing)
    _raw_config().update(updates)
    if "enable_metadata_routing" in updates:
        try:
            import sklearn
        except ImportError:  # pragma: no cover - no scikit-learn
            return
        sklearn.set_config(enable_metadata_routing=updates["enable_metadata_routing"])


@contextlib.contextmanager
def config_context(*, transform_output=None, enable_metadata_routing=None):
    """Temporarily change the configuration (restored on exit, also on error).

    >>> with config_context(transform_output="pandas"):
    ...     pass
    """
    updates = _checked_updates(transform_output=transform_output,
                               enable_metadata_routing=enable_metadata_routing)
    token = _local_config.set({**_raw_config(), **updates})
    try:
        with _sklearn_routing_scope(updates):
            yield
    finally:
        _local_config.reset(token)
