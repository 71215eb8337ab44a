"""An HNSW graph as pickled, and its checks on unpickling.

Kernels trust the graph: every list count, link and level reaches C on the
next query, so a restored graph is checked whole, in time linear in its size:
shapes and dtypes, finite vectors, counts within M (2M at level 0), links to
existing nodes, links at level l only to nodes of level >= l, the entry point
on the top level.
"""
import numbers

import numpy as np

from .._kernels import hnsw as _hn
from ..utils._state import _fail, state_array, state_int

_OWNER = "HNSW"
_SCALARS = ("d", "M", "n", "entry", "max_level")
FORMAT = 2  # 2: vectors and level-0 lists as two arrays; 1: padded level-0 records


def graph_state(graph):
    """The picklable part of a graph: its used rows and lists (no capacity, no
    derived offsets)."""
    n, M = graph["n"], graph["M"]
    lists = int(graph["levels"].sum(dtype=np.int64))
    return {"kind": "hnsw", "format": FORMAT, "dtype": graph["dtype"].str,
            "metric": graph["metric"], **{k: int(graph[k]) for k in _SCALARS},
            "vectors": _hn.vectors(graph), "links0": _hn.links0(graph),
            "levels": graph["levels"][:n],
            "upper": graph["upper"][:max(1, lists * (1 + M))]}


def _from_records(st, n, d, M, dtype):
    """(vectors, links0) out of a format-1 state: one record of ``rec0`` bytes
    per node (the vector, the count and 2M links, zero padding to a multiple
    of 64 bytes) in the uint8 array ``level0``."""
    vb, w0 = _hn.vector_bytes(d, dtype), 1 + 2 * M
    rec0 = -(-_hn.node_bytes(d, M, dtype) // 64) * 64
    try:
        got_rec0, level0 = st["rec0"], st["level0"]
    except (KeyError, TypeError) as e:
        _fail(_OWNER, "graph", f"of format 1 (padded level-0 records) lacks an entry ({e!r})")
    if isinstance(got_rec0, bool) or not isinstance(got_rec0, numbers.Integral) \
            or got_rec0 != rec0:
        _fail(_OWNER, "rec0", f"of format 1 (padded level-0 records) must be {rec0} for "
                              f"d={d}, M={M}, {dtype}, got {got_rec0!r}")
    level0 = state_array(_OWNER, "level0", level0, ndim=1, dtype=np.uint8, shape=(n * rec0,))
    R = level0.reshape(n, rec0)
    V = np.ascontiguousarray(R[:, :vb]).view(dtype).reshape(n, d)
    L = np.ascontiguousarray(R[:, vb:vb + 4 * w0]).view(np.int32).reshape(n, w0)
    return V, L


def check_graph_state(st):
    """The graph dict for the kernels, after every check (ValueError otherwise).
    A format-1 state (pickled before the level-0 arrays were split) is
    converted."""
    if not isinstance(st, dict) or st.get("kind") != "hnsw":
        _fail(_OWNER, "graph", "must be the dict a fitted HNSW stores")
    fmt = st.get("format", 1)
    if isinstance(fmt, bool) or fmt not in (1, FORMAT):
        _fail(_OWNER, "format", f"must be 1 (padded level-0 records) or {FORMAT} (split "
                                f"level-0 arrays), got {fmt!r}")
    try:
        dtype = np.dtype(st["dtype"])
        metric = st["metric"]
        sc = {k: st[k] for k in _SCALARS}
        levels, upper = st["levels"], st["upper"]
    except (KeyError, TypeError) as e:
        _fail(_OWNER, "graph", f"lacks an entry ({e!r})")
    if dtype not in (np.float32, np.float64):
        _fail(_OWNER, "dtype", f"must be float32 or float64, got {dtype}")
    if metric not in ("l2", "ip"):
        _fail(_OWNER, "metric", f"must be 'l2' or 'ip', got {metric!r}")
    for k in _SCALARS:
        if isinstance(sc[k], bool) or not isinstance(sc[k], numbers.Integral):
            _fail(_OWNER, k, f"must be an int, got {sc[k]!r}")
    d = state_int(_OWNER, "d", sc["d"], 1)
    M = state_int(_OWNER, "M", sc["M"], 2)
    n = state_int(_OWNER, "n", sc["n"], 0)
    if M > 2048 or n > 2**31 - 2:
        _fail(_OWNER, "M or n", "is out of range")
    if fmt == 1:
        V, L = _from_records(st, n, d, M, dtype)
    else:
        if "vectors" not in st or "links0" not in st:
            _fail(_OWNER, "graph", "lacks an entry ('vectors' or 'links0')")
        V = state_array(_OWNER, "vectors", st["vectors"], ndim=2, dtype=dtype, shape=(n, d))
        L = state_array(_OWNER, "links0", st["links0"], ndim=2, dtype=np.int32,
                        shape=(n, 1 + 2 * M))
    # format 1 stored the levels as int32, format 2 as uint8
    levels = state_array(_OWNER, "levels", levels, ndim=1,
                         dtype=np.int32 if fmt == 1 else np.uint8, shape=(n,))
    if n and (levels.min() < 0 or levels.max() > _hn.MAX_LEVEL):
        _fail(_OWNER, "levels", f"hold a level outside [0, {_hn.MAX_LEVEL}]")
    levels = levels.astype(np.uint8)
    lists = int(levels.sum(dtype=np.int64))
    upper = state_array(_OWNER, "upper", upper, ndim=1, dtype=np.int32,
                        shape=(max(1, lists * (1 + M)),))
    entry, max_level = int(sc["entry"]), int(sc["max_level"])
    if n == 0:
        if entry != -1 or max_level != -1:
            _fail(_OWNER, "entry", "must be -1 in an empty graph")
    elif not (0 <= entry < n) or max_level != int(levels.max()) or levels[entry] != max_level:
        _fail(_OWNER, "entry", "must be a node on the top level")
    if not np.isfinite(V).all():
        _fail(_OWNER, "level0" if fmt == 1 else "vectors", "holds NaN or infinite vectors")
    graph = {"kind": "hnsw", "dtype": dtype, "metric": metric, "d": d, "M": M, "n": n,
             "entry": entry, "max_level": max_level,
             "vecs": _hn.aligned_bytes(n * _hn.vector_bytes(d, dtype)),
             "links0": np.array(L, dtype=np.int32).ravel(),
             "levels": levels, "upper": upper.copy()}
    _hn.vectors(graph)[:] = V
    _hn.set_upper_offsets(graph)
    _check_lists(_hn.links0(graph), 2 * M, n, None, levels,
                 "level-0 links" + (" (level0)" if fmt == 1 else " (links0)"))
    if lists:
        row_level = (np.arange(lists) - np.repeat(graph["upper_off"], levels)
                     + 1).astype(np.int64)
        _check_lists(_hn.upper_lists(graph), M, n, row_level, levels, "upper links")
    return graph


def _check_lists(L, cap, n, row_level, levels, name):
    """Rows (count, links...): count in [0, cap], links in [0, n), and on level
    l (row_level) only to nodes of level >= l."""
    cnt = L[:, 0]
    if cnt.size and (cnt.min() < 0 or cnt.max() > cap):
        _fail(_OWNER, name, f"have a count outside [0, {cap}]")
    used = np.arange(cap) < cnt[:, None]
    links = L[:, 1:1 + cap][used]
    if links.size and (links.min() < 0 or links.max() >= n):
        _fail(_OWNER, name, f"hold a node outside [0, {n})")
    if row_level is not None and links.size:
        need = np.broadcast_to(row_level[:, None], used.shape)[used]
        if (levels[links] < need).any():
            _fail(_OWNER, name, "point to a node below the list's level")
