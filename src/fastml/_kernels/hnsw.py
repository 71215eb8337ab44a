"""HNSW graph kernels (csrc/hnsw*.c) behind one facade.

Contract (checked by fastml.neighbors.HNSW, trusted here): a graph is the dict
of _hnsw_layout.py; X and Q are 2-D, finite, C-contiguous, of the graph's
dtype and dimension (rows normalised by the caller for cosine); ``levels``
holds one level per row of X (uint8, <= MAX_LEVEL); 1 <= k <= n; ef >= 1.

* ``add(graph, X, levels, ef_construction, repair=True)`` links the rows of X
  in as nodes n .. n + len(X) - 1 (the graph dict is updated in place), then
  links nodes nobody reaches (``repair``; ``repair(graph, ef)`` alone does that
  pass, for callers that insert in slices);
* ``search(graph, Q, k, ef)`` returns (dist, ind) of shape (len(Q), k): the
  graph's distances (squared euclidean, or 1 - inner product), rows sorted by
  (distance, index), padded with (inf, -1) when a search reached fewer than k
  nodes.

The compiled kernels or the NumPy twin (reference/hnsw.py, same algorithm and
the same tie rules) are chosen once, at import.
"""
import numpy as np

from . import _hnsw_layout as layout
from ._backend import COMPILED
from ._threads import current as _threads

# graph layout helpers for the estimator (pure NumPy, the same for both backends)
new_graph = layout.new_graph
draw_levels = layout.draw_levels
vector_bytes = layout.vector_bytes
node_bytes = layout.node_bytes
aligned_bytes = layout.aligned_bytes
set_upper_offsets = layout.set_upper_offsets
vectors = layout.vectors
links0 = layout.links0
upper_lists = layout.upper_lists
graph_nbytes = layout.nbytes
MAX_LEVEL = layout.MAX_LEVEL


def _compiled_add(graph, X, levels, ef_construction, repair=True):
    """Insert the rows of X (see the module docstring); returns graph."""
    m = X.shape[0]
    if m == 0:
        return graph
    layout.grow(graph, levels)
    top = np.array([graph["entry"], graph["max_level"]], dtype=np.int64)
    try:
        _hnsw.add(graph["vecs"], graph["links0"], graph["upper"], graph["upper_off"],
                  graph["levels"], X, graph["n"], graph["M"], top,
                  layout.METRIC_IDS[graph["metric"]], int(ef_construction), _threads())
    finally:  # on failure the new nodes are still stored (some unlinked)
        graph["n"] += m
        graph["entry"], graph["max_level"] = int(top[0]), int(top[1])
    if repair:
        layout.connect_unreachable(graph, _compiled_search, int(ef_construction))
    return graph


def _compiled_search(graph, Q, k, ef):
    """(dist, ind) of the k nodes found nearest to each row of Q."""
    dist = np.empty((Q.shape[0], k), dtype=graph["dtype"])
    ind = np.empty((Q.shape[0], k), dtype=np.int64)
    if Q.shape[0]:
        _hnsw.search(dist, ind, graph["vecs"], graph["links0"], graph["upper"],
                     graph["upper_off"], graph["levels"], Q, graph["n"], graph["M"],
                     graph["entry"], graph["max_level"], layout.METRIC_IDS[graph["metric"]],
                     int(ef), _threads())
    return dist, ind


if COMPILED:
    from . import _hnsw

    add = _compiled_add
    search = _compiled_search
else:
    from .reference.hnsw import add, search  # noqa: F401


def repair(graph, ef_construction):
    """The connect_unreachable pass that ends add(); returns the nodes linked."""
    return layout.connect_unreachable(graph, search, int(ef_construction))
