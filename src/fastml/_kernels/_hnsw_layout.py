"""The HNSW graph's arrays (the layout of csrc/hnsw.h), shared by the facade
and its twin.

A graph is a dict:

* ``level0``: uint8, 64-byte aligned, ``cap * rec0`` bytes (cap >= n): per
  node its vector (``d`` values of ``dtype``), then int32 count and 2M links;
* ``levels``: int32 (n,), each node's top level;
* ``upper``: int32 (max(1, sum(levels) * (1 + M)),): the lists of levels >= 1,
  node i's level l at row ``upper_off[i] + l - 1`` of an (., 1 + M) view;
* ``upper_off``: int64 (n,), the exclusive prefix sum of ``levels``;
* ``n``, ``entry`` (-1: empty), ``max_level``, ``d``, ``M``, ``rec0``,
  ``dtype``, ``metric`` ("l2": squared euclidean, "ip": 1 - inner product).
"""
import math

import numpy as np

METRIC_IDS = {"l2": 0, "ip": 1}
ALIGN = 64
MAX_LEVEL = 64  # levels are floor(-ln(U) / ln(M)); U >= 2**-53 keeps them < 37


def record_bytes(d, M, dtype):
    """Bytes of one level-0 record: the vector, count and 2M links, rounded up
    to a cache line so every vector starts on one."""
    raw = d * np.dtype(dtype).itemsize + (1 + 2 * M) * 4
    return -(-raw // ALIGN) * ALIGN


def aligned_bytes(nbytes):
    """A uint8 array of nbytes whose data starts on a 64-byte boundary."""
    buf = np.empty(nbytes + ALIGN, dtype=np.uint8)
    off = (-buf.ctypes.data) % ALIGN
    return buf[off:off + nbytes]


def new_graph(d, M, dtype, metric):
    """An empty graph for d-dimensional rows of dtype."""
    dtype = np.dtype(dtype)
    return {"kind": "hnsw", "dtype": dtype, "metric": metric, "d": int(d), "M": int(M),
            "rec0": record_bytes(d, M, dtype), "n": 0, "entry": -1, "max_level": -1,
            "level0": aligned_bytes(0), "levels": np.zeros(0, dtype=np.int32),
            "upper": np.zeros(1, dtype=np.int32), "upper_off": np.zeros(0, dtype=np.int64)}


def draw_levels(rng, m, M):
    """m node levels floor(-ln(U) * mL), mL = 1 / ln(M), U uniform in (0, 1]
    (the paper's choice); rng is a numpy RandomState or Generator."""
    u = 1.0 - (rng.random_sample(m) if hasattr(rng, "random_sample") else rng.random(m))
    lv = np.floor(-np.log(u) / math.log(M))
    return np.minimum(lv, MAX_LEVEL).astype(np.int32)


def grow(graph, levels):
    """Resize graph's arrays in place for len(levels) more nodes (level0 grows
    geometrically, keeping the linked nodes; the new records are not written)."""
    n, m, rec0 = graph["n"], len(levels), graph["rec0"]
    cap = graph["level0"].size // rec0
    if n + m > cap:
        new_cap = n + m if n == 0 else max(n + m, cap + cap // 2)
        buf = aligned_bytes(new_cap * rec0)
        buf[:n * rec0] = graph["level0"][:n * rec0]
        graph["level0"] = buf
    graph["level0"][n * rec0:(n + m) * rec0] = 0  # unused link slots and padding: zeros
    lv = np.concatenate([graph["levels"][:n], np.asarray(levels, dtype=np.int32)])
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


def records(graph, rows=None):
    """(rows, rec0) uint8 view of the first `rows` (default n) records."""
    rows = graph["n"] if rows is None else rows
    return graph["level0"][:rows * graph["rec0"]].reshape(rows, graph["rec0"])


def vectors(graph, rows=None):
    """(rows, d) view of the stored vectors (strided by rec0)."""
    vb = graph["d"] * graph["dtype"].itemsize
    return records(graph, rows)[:, :vb].view(graph["dtype"])


def links0(graph, rows=None):
    """(rows, 1 + 2M) int32 view: count, then the level-0 links."""
    vb = graph["d"] * graph["dtype"].itemsize
    return records(graph, rows)[:, vb:vb + 4 * (1 + 2 * graph["M"])].view(np.int32)


def upper_lists(graph):
    """(lists, 1 + M) int32 view of the lists of levels >= 1."""
    lists = int(graph["levels"].sum(dtype=np.int64))
    return graph["upper"][:lists * (1 + graph["M"])].reshape(lists, 1 + graph["M"])


def nbytes(graph):
    """Memory held by the graph's arrays."""
    return int(graph["level0"].nbytes + graph["levels"].nbytes + graph["upper"].nbytes
               + graph["upper_off"].nbytes)


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
