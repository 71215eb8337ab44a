"""The HNSW graph's arrays (the layout of csrc/hnsw.h), shared by the facade
and its twin.

A graph is a dict:

* ``vecs``: uint8, 64-byte aligned, ``cap * d * itemsize`` bytes (cap >= n):
  the vectors (``d`` values of ``dtype`` each), contiguous rows;
* ``links0``: int32 (cap * (1 + 2M),): per node its level-0 count, then up to
  2M links;
* ``levels``: uint8 (n,), each node's top level (at most MAX_LEVEL);
* ``upper``: int32 (max(1, sum(levels) * (1 + M)),): the lists of levels >= 1,
  node i's level l at row ``upper_off[i] + l - 1`` of an (., 1 + M) view;
* ``upper_off``: int64 (n,), the exclusive prefix sum of ``levels``;
* ``n``, ``entry`` (-1: empty), ``max_level``, ``d``, ``M``, ``dtype``,
  ``metric`` ("l2": squared euclidean, "ip": 1 - inner product).

Level 0 costs ``d * itemsize + 4 * (1 + 2M)`` bytes per node (no padding); the
vectors' base is aligned, so rows start on a cache line whenever
``d * itemsize`` is a multiple of 64.
"""
import math

import numpy as np

METRIC_IDS = {"l2": 0, "ip": 1}
ALIGN = 64
MAX_LEVEL = 64  # levels are floor(-ln(U) / ln(M)); U >= 2**-53 keeps them < 37


def vector_bytes(d, dtype):
    """Bytes of one stored vector."""
    return int(d) * np.dtype(dtype).itemsize


def node_bytes(d, M, dtype):
    """Level-0 bytes per node: its vector, then its count and 2M links."""
    return vector_bytes(d, dtype) + 4 * (1 + 2 * int(M))


def aligned_bytes(nbytes):
    """A uint8 array of nbytes whose data starts on a 64-byte boundary."""
    buf = np.empty(nbytes + ALIGN, dtype=np.uint8)
    off = (-buf.ctypes.data) % ALIGN
    return buf[off:off + nbytes]


def new_graph(d, M, dtype, metric):
    """An empty graph for d-dimensional rows of dtype."""
    dtype = np.dtype(dtype)
    return {"kind": "hnsw", "dtype": dtype, "metric": metric, "d": int(d), "M": int(M),
            "n": 0, "entry": -1, "max_level": -1, "vecs": aligned_bytes(0),
            "links0": np.zeros(0, dtype=np.int32), "levels": np.zeros(0, dtype=np.uint8),
            "upper": np.zeros(1, dtype=np.int32), "upper_off": np.zeros(0, dtype=np.int64)}


def draw_levels(rng, m, M):
    """m node levels floor(-ln(U) * mL), mL = 1 / ln(M), U uniform in (0, 1]
    (the paper's choice); rng is a numpy RandomState or Generator."""
    u = 1.0 - (rng.random_sample(m) if hasattr(rng, "random_sample") else rng.random(m))
    lv = np.floor(-np.log(u) / math.log(M))
    return np.minimum(lv, MAX_LEVEL).astype(np.uint8)


def grow(graph, levels):
    """Resize graph's arrays in place for len(levels) more nodes (the level-0
    arrays grow geometrically, keeping the linked nodes; the new vectors are
    not written, the new level-0 lists are zeroed)."""
    n, m = graph["n"], len(levels)
    vb, w0 = vector_bytes(graph["d"], graph["dtype"]), 1 + 2 * graph["M"]
    cap = graph["vecs"].size // vb
    if n + m > cap:
        new_cap = n + m if n == 0 else max(n + m, cap + cap // 2)
        buf = aligned_bytes(new_cap * vb)
        buf[:n * vb] = graph["vecs"][:n * vb]
        graph["vecs"] = buf
        L0 = np.empty(new_cap * w0, dtype=np.int32)
        L0[:n * w0] = graph["links0"][:n * w0]
        graph["links0"] = L0
    graph["links0"][n * w0:(n + m) * w0] = 0  # unused link slots: zeros
    lv = np.concatenate([graph["levels"][:n], np.asarray(levels, dtype=np.uint8)])
    graph["levels"] = lv
    set_upper_offsets(graph)
    lists = int(lv.sum(dtype=np.int64))
    need = max(1, lists * (1 + graph["M"]))
    old = graph["upper"]
    if old.size < need:
        up = np.zeros(need, dtype=np.int32)
        used = min(old.size, int(graph["levels"][:n].sum(dtype=np.int64)) * (1 + graph["M"]))
        up[:used] = old[:used]
        graph["upper"] = up
    return graph


def set_upper_offsets(graph):
    lv = graph["levels"]
    off = np.zeros(lv.size, dtype=np.int64)
    if lv.size > 1:
        np.cumsum(lv[:-1], dtype=np.int64, out=off[1:])
    graph["upper_off"] = off


def vectors(graph, rows=None):
    """(rows, d) view of the stored vectors (default: the n nodes')."""
    rows = graph["n"] if rows is None else rows
    vb = vector_bytes(graph["d"], graph["dtype"])
    return graph["vecs"][:rows * vb].view(graph["dtype"]).reshape(rows, graph["d"])


def links0(graph, rows=None):
    """(rows, 1 + 2M) int32 view: count, then the level-0 links."""
    rows = graph["n"] if rows is None else rows
    w0 = 1 + 2 * graph["M"]
    return graph["links0"][:rows * w0].reshape(rows, w0)


def upper_lists(graph):
    """(lists, 1 + M) int32 view of the lists of levels >= 1."""
    lists = int(graph["levels"].sum(dtype=np.int64))
    return graph["upper"][:lists * (1 + graph["M"])].reshape(lists, 1 + graph["M"])


def nbytes(graph):
    """Memory held by the graph's arrays."""
    return int(graph["vecs"].nbytes + graph["links0"].nbytes + graph["levels"].nbytes
               + graph["upper"].nbytes + graph["upper_off"].nbytes)


def _spread(L, seen, frontier):
    """Mark every node reachable at level 0 from `frontier` (breadth first)."""
    cols = np.arange(L.shape[1] - 1)
    while frontier.size:
        rows = L[frontier, 1:]
        nb = np.unique(rows[cols < L[frontier, 0][:, None]])
        frontier = nb[~seen[nb]]
        seen[frontier] = True


def connect_unreachable(graph, search, ef):
    """Give every node an in-link at level 0 reachable from the entry point.

    Pruning a full list (the heuristic) can drop a node's last in-link, and a
    node nobody links to is never found (about 0.1-0.4% of nodes on clustered
    data, as in other HNSW implementations). Each such node, in index order,
    is searched for (beam ef) and appended to the list of the nearest reached
    node found with a free slot; what it links to becomes reached too. A node
    whose found neighbours are all full stays as it is. Returns the number of
    nodes linked.
    """
    n = graph["n"]
    if n < 2:
        return 0
    L = links0(graph)
    seen = np.zeros(n, dtype=bool)
    seen[graph["entry"]] = True
    _spread(L, seen, np.array([graph["entry"]]))
    if seen.all():
        return 0
    V = vectors(graph)
    cap, fixed = 2 * graph["M"], 0
    k = min(ef, n)
    for u in np.flatnonzero(~seen):
        if seen[u]:
            continue
        _, cand = search(graph, np.ascontiguousarray(V[u:u + 1]), k, k)
        for s in cand[0]:
            if s >= 0 and s != u and seen[s] and L[s, 0] < cap:
                L[s, 1 + L[s, 0]] = u
                L[s, 0] += 1
                seen[u] = True
                _spread(L, seen, np.array([u]))
                fixed += 1
                break
    return fixed
