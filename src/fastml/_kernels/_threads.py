"""Thread counts for compiled kernels: the default and the per-call scope.

Every compiled entry point takes its thread count as an argument; facades
fill it from :func:`current`. No process-wide value is written per call:

- the *default* is what :func:`fastml.set_num_threads` sets (initially
  OMP_NUM_THREADS, else the number of cores);
- a *scope* (:func:`scope`, used by estimators for their ``n_jobs``) lives in
  a context variable, so each Python thread (and each asyncio task) sees only
  its own, and concurrent estimators with different ``n_jobs`` never race.

After ``fork()`` the child runs kernels on one thread (libgomp's thread pool
does not survive a fork; the C library enforces it too).
"""
import contextlib
import contextvars
import os

#: the most threads any call may ask for: 4 x the machine's cores.
MAX_THREADS = 4 * (os.cpu_count() or 1)

_default = None
_scope = contextvars.ContextVar("fastml_threads", default=None)


def _initial_default():
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return min(int(env), MAX_THREADS)
    return os.cpu_count() or 1


def check_threads(n, name="n_jobs"):
    """n as a positive int within MAX_THREADS, or a ValueError naming `name`."""
    import numbers

    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"{name} must be an int, got {n!r}.")
    n = int(n)
    if n < 1 or n > MAX_THREADS:
        raise ValueError(
            f"{name}={n} is out of range: use 1 to {MAX_THREADS} threads "
            f"(4 x the {os.cpu_count() or 1} cores of this machine).")
    return n


def default():
    """The default thread count (fastml.set_num_threads)."""
    global _default
    if _default is None:
        _default = _initial_default()
    return _default


def set_default(n):
    """Set the default; None restores OMP_NUM_THREADS / the core count."""
    global _default
    _default = _initial_default() if n is None else check_threads(n, "n")


def current():
    """Threads for a kernel call now: the innermost scope, else the default."""
    n = _scope.get()
    return default() if n is None else n


@contextlib.contextmanager
def scope(n):
    """Run kernels in this context with `n` threads (None: leave as is)."""
    if n is None:
        yield
        return
    token = _scope.set(n)
    try:
        yield
    finally:
        _scope.reset(token)


def _after_fork_in_child():
    global _default
    _default = 1


os.register_at_fork(after_in_child=_after_fork_in_child)
