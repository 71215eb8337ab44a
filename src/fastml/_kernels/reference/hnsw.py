"""NumPy twin of the HNSW kernels (csrc/hnsw*.c): the same algorithm, written
plainly, on the same graph arrays (fastml._kernels._hnsw_layout), so either can
build a graph and either can search it.

Every choice matches the C engine: pairs are compared as (distance, index)
tuples, candidate lists are walked in stored order, the heuristic keeps a
candidate nearer to the base than to every kept node, a full list is pruned
from (its links + the new node) sorted by (distance, index). Distances are
computed in float64. With one thread the compiled graph equals this one up to
rounding of near-equal distances.
"""
import heapq

import numpy as np

from .. import _hnsw_layout as layout


class _Graph:
    """Views of a graph dict for reading and writing lists."""

    def __init__(self, graph, rows):
        self.g = graph
        self.V = np.asarray(layout.vectors(graph, rows), dtype=np.float64)
        self.L0 = layout.links0(graph, rows)
        self.U = graph["upper"].reshape(-1)
        self.off = graph["upper_off"]
        self.M = graph["M"]
        self.ip = graph["metric"] == "ip"

    def links(self, i, l):
        if l == 0:
            return self.L0[i]
        s = (int(self.off[i]) + l - 1) * (1 + self.M)
        return self.U[s:s + 1 + self.M]

    def dist(self, q, ids):
        B = self.V[np.asarray(ids, dtype=np.int64)]
        if self.ip:
            return 1.0 - B @ q
        t = B - q
        return np.einsum("ij,ij->i", t, t)

    def greedy(self, q, cur, l):
        changed = True
        while changed:
            changed = False
            ll = self.links(cur[1], l)
            ids = [int(e) for e in ll[1:1 + ll[0]]]
            for e, de in zip(ids, self.dist(q, ids) if ids else []):
                if cur > (de, e):
                    cur, changed = (de, e), True
        return cur

    def search_layer(self, q, ep, ef, l, self_id=-1):
        """Best <= ef (distance, node) pairs, ascending (Algorithm 2)."""
        visited = {ep[1]}
        cand = [ep]
        res = [] if ep[1] == self_id else [(-ep[0], -ep[1])]
        while cand:
            cur = cand[0]
            if len(res) >= ef and cur > (-res[0][0], -res[0][1]):
                break
            heapq.heappop(cand)
            ll = self.links(cur[1], l)
            ids = [int(e) for e in ll[1:1 + ll[0]] if int(e) not in visited]
            visited.update(ids)
            for e, de in zip(ids, self.dist(q, ids) if ids else []):
                if len(res) < ef or (-res[0][0], -res[0][1]) > (de, e):
                    heapq.heappush(cand, (de, e))
                    if e == self_id:
                        continue
                    heapq.heappush(res, (-de, -e))
                    if len(res) > ef:
                        heapq.heappop(res)
        return sorted((-a, -b) for a, b in res)

    def select(self, cands, m):
        """The heuristic (Algorithm 4): cands ascending, at most m kept."""
        if len(cands) < m:
            return list(cands)
        kept = []
        for de, e in cands:
            if len(kept) >= m:
                break
            if all(self.dist(self.V[e], [k])[0] >= de for _, k in kept):
                kept.append((de, e))
        return kept

    def link_back(self, s, de, i, l):
        mmax = self.M if l else 2 * self.M
        ll = self.links(s, l)
        cnt = int(ll[0])
        if cnt < mmax:
            ll[1 + cnt] = i
            ll[0] = cnt + 1
            return
        ids = [int(e) for e in ll[1:1 + cnt]]
        pairs = sorted([(de, i)] + list(zip(self.dist(self.V[s], ids), ids)))
        kept = self.select(pairs, mmax)
        ll[0] = len(kept)
        ll[1:1 + len(kept)] = [e for _, e in kept]

    def insert(self, i, ef_construction):
        g = self.g
        q = self.V[i]
        L = int(g["levels"][i])
        entry, maxl = g["entry"], g["max_level"]
        cur = (self.dist(q, [entry])[0], entry)
        for l in range(maxl, L, -1):
            cur = self.greedy(q, cur, l)
        for l in range(min(L, maxl), -1, -1):
            found = self.search_layer(q, cur, ef_construction, l, i)
            if not found:
                continue
            cur = found[0]
            kept = self.select(found, self.M)
            own = self.links(i, l)
            own[0] = len(kept)
            own[1:1 + len(kept)] = [e for _, e in kept]
            for de, s in kept:
                self.link_back(s, de, i, l)
        if L > maxl:
            g["entry"], g["max_level"] = i, L


def add(graph, X, levels, ef_construction, repair=True):
    """Insert the rows of X as nodes n .. n + len(X) - 1 (graph updated in place);
    repair=False skips the final connect_unreachable pass (a caller inserting
    in slices runs it once at the end)."""
    m = X.shape[0]
    if m == 0:
        return graph
    layout.grow(graph, levels)
    n0 = graph["n"]
    n1 = n0 + m
    layout.vectors(graph, n1)[n0:] = X
    layout.links0(graph, n1)[n0:, 0] = 0
    G = _Graph(graph, n1)
    for i in range(n0, n1):
        for l in range(1, int(graph["levels"][i]) + 1):
            G.links(i, l)[0] = 0
    start = n0
    if graph["entry"] < 0:
        graph["entry"], graph["max_level"] = n0, int(graph["levels"][n0])
        start += 1
    graph["n"] = n1
    for i in range(start, n1):
        G.insert(i, int(ef_construction))
    if repair:
        layout.connect_unreachable(graph, search, int(ef_construction))
    return graph


def search(graph, Q, k, ef):
    """(dist, ind) of the k nodes found nearest to each row of Q."""
    nq = Q.shape[0]
    dist = np.full((nq, k), np.inf, dtype=graph["dtype"])
    ind = np.full((nq, k), -1, dtype=np.int64)
    if graph["n"] == 0 or graph["entry"] < 0:
        return dist, ind
    G = _Graph(graph, graph["n"])
    ef = max(int(ef), k)
    for r in range(nq):
        q = np.asarray(Q[r], dtype=np.float64)
        e = graph["entry"]
        cur = (G.dist(q, [e])[0], e)
        for l in range(graph["max_level"], 0, -1):
            cur = G.greedy(q, cur, l)
        found = G.search_layer(q, cur, ef, 0)[:k]
        dist[r, :len(found)] = [d for d, _ in found]
        ind[r, :len(found)] = [i for _, i in found]
    return dist, ind
