"""Python-thread parallel maps whose tasks call compiled kernels.

Each task runs on its own Python thread; kernels it calls run with one thread
each (the parallelism is across tasks), unless a task opens its own scope (an
estimator with an explicit ``n_jobs``). Results keep the order of the items.
"""
from concurrent.futures import ThreadPoolExecutor

from .._kernels import _threads


def map_threads(fn, items, n_threads):
    """[fn(item) for item in items] on up to `n_threads` Python threads."""
    items = list(items)
    n = max(1, min(int(n_threads), len(items)))
    if n == 1:
        return [fn(it) for it in items]

    def run(it):
        with _threads.scope(1):
            return fn(it)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, items))
