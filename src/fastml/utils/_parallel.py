"""Python-thread parallel maps whose tasks call compiled kernels.

Each task runs on a Python thread; kernels it calls run with one thread each
(the parallelism is across tasks), unless a task opens its own scope (an
estimator with an explicit ``n_jobs``). Results keep the order of the items.

Tasks see the caller's configuration: fastml's context variables (its
``config_context``) and scikit-learn's thread-local ``config_context``
(e.g. ``enable_metadata_routing`` for a router fitted inside a task), as
scikit-learn's own parallel helpers propagate them; each worker thread takes
them over once, when it starts.
"""
import contextvars
import sys
from concurrent.futures import ThreadPoolExecutor

from .._kernels import _threads


def _sklearn_config():
    """scikit-learn's current settings in this thread, or None when
    scikit-learn is not loaded."""
    skl = sys.modules.get("sklearn._config")
    if skl is None:
        return None
    try:
        return skl.get_config()
    except Exception:  # pragma: no cover - a scikit-learn without get_config
        return None


def _adopt(context, sk_config):
    """Thread initializer: this worker thread takes the caller's context
    variables and scikit-learn settings (once per thread, not per task)."""
    for var, value in context.items():
        var.set(value)
    if sk_config is not None:
        import sklearn

        sklearn.set_config(**sk_config)


def map_threads(fn, items, n_threads):
    """[fn(item) for item in items] on up to `n_threads` Python threads."""
    items = list(items)
    n = max(1, min(int(n_threads), len(items)))
    if n == 1:
        return [fn(it) for it in items]

    def run(it):
        with _threads.scope(1):
            return fn(it)

    with ThreadPoolExecutor(max_workers=n, initializer=_adopt,
                            initargs=(contextvars.copy_context(), _sklearn_config())) as pool:
        return list(pool.map(run, items))
