"""HDBSCAN's trees: from the minimum spanning tree of the mutual-reachability
graph to flat labels and membership strengths.

1. single_linkage: the MST's edges by increasing weight, merged with a
   union-find, give the dendrogram (scipy's layout: row i creates node n + i
   from left_node and right_node at height `value`, with `cluster_size` points).
2. condense: walking the dendrogram from the root (breadth first), a merge
   whose two sides both hold >= min_cluster_size points is a split into two new
   clusters; a side smaller than that is a set of points falling out of the
   cluster at lambda = 1 / height. Rows (parent, child, lambda, child_size);
   clusters are numbered n, n + 1, ... in breadth-first order, so a child's
   number is larger than its parent's.
3. stability(c) = sum over c's rows of (lambda - lambda_birth(c)) * size.
4. select: "eom" keeps a cluster when its stability is at least the sum of its
   children's best (and it is not larger than max_cluster_size), bottom up;
   "leaf" keeps the leaves of the cluster tree; cluster_selection_epsilon then
   merges clusters born below that distance.
5. labels: a point belongs to the selected cluster above the row where it
   fell out (else noise, -1); its probability is its lambda relative to the
   largest lambda in that cluster.
The semantics (and tie rules) follow scikit-learn's HDBSCAN.
"""
from collections import deque

import numpy as np

HIERARCHY_DTYPE = np.dtype([("left_node", np.intp), ("right_node", np.intp),
                            ("value", np.float64), ("cluster_size", np.intp)])


def single_linkage(src, dst, w, n):
    """Dendrogram (HIERARCHY_DTYPE, n - 1 rows) of the spanning tree's edges."""
    order = np.argsort(w)  # numpy's default sort, as scikit-learn orders tied edges
    a_list, b_list, w_list = src[order].tolist(), dst[order].tolist(), w[order].tolist()
    parent = list(range(2 * n - 1))
    size = [1] * n + [0] * (n - 1)
    out = np.empty(n - 1, dtype=HIERARCHY_DTYPE)
    left, right, sizes = [0] * (n - 1), [0] * (n - 1), [0] * (n - 1)
    for i in range(n - 1):
        ra = a_list[i]
        while parent[ra] != ra:
            parent[ra] = parent[parent[ra]]
            ra = parent[ra]
        rb = b_list[i]
        while parent[rb] != rb:
            parent[rb] = parent[parent[rb]]
            rb = parent[rb]
        node = n + i
        parent[ra] = parent[rb] = node
        size[node] = size[ra] + size[rb]
        left[i], right[i], sizes[i] = ra, rb, size[node]
    out["left_node"], out["right_node"] = left, right
    out["value"], out["cluster_size"] = w_list, sizes
    return out


def _leaf_ranges(tree, n):
    """(order, start): the leaves of node v are order[start[v]:start[v] + count(v)]."""
    left, right = tree["left_node"].tolist(), tree["right_node"].tolist()
    start = [0] * (2 * n - 1)
    for v in range(2 * n - 2, n - 1, -1):  # parents before children
        lv, rv = left[v - n], right[v - n]
        s = start[v]
        start[lv] = s
        start[rv] = s + (tree["cluster_size"][lv - n] if lv >= n else 1)
    order = np.empty(n, dtype=np.intp)
    order[np.asarray(start[:n], dtype=np.intp)] = np.arange(n)
    return order, np.asarray(start, dtype=np.intp)


def condense(tree, min_cluster_size):
    """Condensed tree: dict of arrays parent, child, lam, size (one row per
    cluster split and per point falling out) and the root's number n."""
    n = tree.shape[0] + 1
    if n == 1:
        return {"parent": np.zeros(0, np.intp), "child": np.zeros(0, np.intp),
                "lam": np.zeros(0), "size": np.zeros(0, np.intp), "n": 1}
    order, start = _leaf_ranges(tree, n)
    left, right = tree["left_node"].tolist(), tree["right_node"].tolist()
    value, csize = tree["value"].tolist(), tree["cluster_size"].tolist()

    def count(v):
        return csize[v - n] if v >= n else 1

    relabel = {2 * n - 2: n}
    nxt = n + 1
    cp, cc, cl, cs = [], [], [], []   # cluster rows
    fp, fs, fc, fl = [], [], [], []   # falling blocks: parent, leaf start, count, lambda
    queue = deque([2 * n - 2])
    while queue:
        v = queue.popleft()
        i = v - n
        lv, rv, h = left[i], right[i], value[i]
        lam = 1.0 / h if h > 0.0 else np.inf
        nl, nr, p = count(lv), count(rv), relabel[v]
        big_l, big_r = nl >= min_cluster_size, nr >= min_cluster_size
        if big_l and big_r:
            for c, m in ((lv, nl), (rv, nr)):
                relabel[c] = nxt
                cp.append(p), cc.append(nxt), cl.append(lam), cs.append(m)
                nxt += 1
                if c >= n:
                    queue.append(c)
            continue
        for c, m, big in ((lv, nl, big_l), (rv, nr, big_r)):
            if big:
                relabel[c] = p
                queue.append(c)
            else:
                fp.append(p), fs.append(start[c]), fc.append(m), fl.append(lam)
    fc_a = np.asarray(fc, dtype=np.intp)
    tot = int(fc_a.sum())
    if tot:
        first = np.repeat(np.asarray(fs, np.intp) - np.cumsum(fc_a) + fc_a, fc_a)
        pts = order[first + np.arange(tot)]
    else:
        pts = np.zeros(0, np.intp)
    fp_a = np.repeat(np.asarray(fp, np.intp), fc_a)
    return {"parent": np.concatenate([np.asarray(cp, np.intp), fp_a]),
            "child": np.concatenate([np.asarray(cc, np.intp), pts]),
            "lam": np.concatenate([np.asarray(cl, float), np.repeat(np.asarray(fl, float), fc_a)]),
            "size": np.concatenate([np.asarray(cs, np.intp), np.ones(tot, np.intp)]),
            "n": n}


def stability(ct):
    """stability[c - n] for the clusters n .. max(parent)."""
    n, parent, child, lam = ct["n"], ct["parent"], ct["child"], ct["lam"]
    k = int(parent.max()) - n + 1 if parent.size else 1
    birth = np.zeros(k)
    clus = ct["size"] > 1
    birth[child[clus] - n] = lam[clus]
    birth[0] = 0.0
    with np.errstate(invalid="ignore"):
        contrib = (lam - birth[parent - n]) * ct["size"]
    contrib = np.where(np.isnan(contrib), 0.0, contrib)  # inf - inf: a cluster born at lambda inf
    return np.bincount(parent - n, weights=contrib, minlength=k)


def _cluster_children(ct):
    k = int(ct["parent"].max()) - ct["n"] + 1 if ct["parent"].size else 1
    kids = [[] for _ in range(k)]
    clus = np.flatnonzero(ct["size"] > 1)
    pairs = zip((ct["parent"][clus] - ct["n"]).tolist(), (ct["child"][clus] - ct["n"]).tolist())
    for p, c in pairs:
        kids[p].append(c)
    return kids


def _descendants(kids, c):
    out, stack = [], list(kids[c])
    while stack:
        x = stack.pop()
        out.append(x)
        stack.extend(kids[x])
    return out


def _epsilon_search(leaves, ct, kids, par, birth_lam, eps, allow_single_cluster):
    selected, processed = set(), set()
    for leaf in sorted(leaves):
        if 1.0 / birth_lam[leaf] < eps:
            if leaf in processed:
                continue
            c = leaf
            while True:  # walk up to the first ancestor born above eps
                p = par[c]
                if p == 0:
                    c = 0 if allow_single_cluster else c
                    break
                if 1.0 / birth_lam[p] > eps:
                    c = p
                    break
                c = p
            selected.add(c)
            processed.update(_descendants(kids, c))
        else:
            selected.add(leaf)
    return selected


def select_clusters(ct, method="eom", allow_single_cluster=False, epsilon=0.0,
                    max_cluster_size=None):
    """Selected cluster numbers (0 = the root), in increasing order."""
    n = ct["n"]
    stab = stability(ct)
    k = stab.shape[0]
    kids = _cluster_children(ct)
    par = np.zeros(k, np.intp)
    birth_lam = np.full(k, np.inf)
    sizes = np.zeros(k, np.intp)
    clus = np.flatnonzero(ct["size"] > 1)
    par[ct["child"][clus] - n] = ct["parent"][clus] - n
    birth_lam[ct["child"][clus] - n] = ct["lam"][clus]
    sizes[ct["child"][clus] - n] = ct["size"][clus]
    sizes[0] = sum(sizes[c] for c in kids[0])
    candidates = list(range(k)) if allow_single_cluster else list(range(1, k))
    limit = n + 1 if max_cluster_size is None else max_cluster_size
    if method == "eom":
        best = stab.copy()
        won = np.zeros(k, bool)
        for c in reversed(candidates):
            sub = sum(best[x] for x in kids[c])
            if sub > best[c] or sizes[c] > limit:
                best[c] = sub
            else:
                won[c] = True
        cand = np.zeros(k, bool)
        cand[candidates] = True
        blocked = np.zeros(k, bool)  # a selectable ancestor won: parents come first
        for c in range(1, k):
            a = par[c]
            blocked[c] = blocked[a] or (won[a] and cand[a])
        chosen = {c for c in candidates if won[c] and not blocked[c]}
        if epsilon != 0.0 and k > 1:
            if chosen == {0}:
                chosen = {0} if allow_single_cluster else set()
            else:
                chosen = _epsilon_search(chosen, ct, kids, par, birth_lam, epsilon,
                                         allow_single_cluster)
    else:
        leaves = {c for c in range(k) if not kids[c]} if k > 1 else set()
        if epsilon != 0.0:
            chosen = _epsilon_search(leaves, ct, kids, par, birth_lam, epsilon,
                                     allow_single_cluster)
        else:
            chosen = leaves
    return sorted(chosen), par, kids


def labels_and_probabilities(ct, chosen, par, allow_single_cluster=False, epsilon=0.0):
    """(labels intp (n,), probabilities float64 (n,)) for the selected clusters."""
    n, parent, child, lam = ct["n"], ct["parent"] - ct["n"], ct["child"], ct["lam"]
    k = par.shape[0]
    num = {c: i for i, c in enumerate(chosen)}
    owner = np.full(k, -1, np.intp)  # the selected cluster at or above each cluster
    for c in range(k):                # parents have smaller numbers: already resolved
        if c in num and c != 0:
            owner[c] = num[c]
        elif c != 0:
            owner[c] = owner[par[c]]
    pts = ct["size"] == 1
    p_of = np.empty(n, np.intp)
    lam_of = np.zeros(n)
    p_of[child[pts]] = parent[pts]
    lam_of[child[pts]] = lam[pts]
    labels = owner[p_of]
    if 0 in num and len(chosen) == 1 and allow_single_cluster:
        at_root = labels == -1
        thr = 1.0 / epsilon if epsilon != 0.0 else lam[parent == 0].max()
        labels[at_root & (lam_of >= thr)] = num[0]
    deaths = np.zeros(k)
    np.maximum.at(deaths, parent, lam)
    probs = np.zeros(n)
    inv = np.asarray(chosen, np.intp)
    lab = labels >= 0
    if lab.any():
        mx = deaths[inv[labels[lab]]]
        lv = lam_of[lab]
        with np.errstate(invalid="ignore", divide="ignore"):
            pr = np.minimum(lv, mx) / mx
        probs[lab] = np.where((mx == 0.0) | np.isinf(lv), 1.0, pr)
    return labels.astype(np.intp), probs


def tree_to_labels(tree, min_cluster_size, method="eom", allow_single_cluster=False,
                   epsilon=0.0, max_cluster_size=None):
    ct = condense(tree, min_cluster_size)
    chosen, par, _ = select_clusters(ct, method, allow_single_cluster, epsilon,
                                     max_cluster_size)
    return labels_and_probabilities(ct, chosen, par, allow_single_cluster, epsilon)


def labelling_at_cut(tree, cut, min_cluster_size):
    """Flat labels of the dendrogram cut at height `cut` (merges below it
    kept); components smaller than min_cluster_size are noise."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = tree.shape[0] + 1
    keep = tree["value"] < cut
    rows = np.flatnonzero(keep)
    node = np.arange(n, 2 * n - 1)
    a = np.concatenate([tree["left_node"][rows], tree["right_node"][rows]])
    b = np.concatenate([node[rows], node[rows]])
    g = coo_matrix((np.ones(a.size), (a, b)), shape=(2 * n - 1, 2 * n - 1))
    _, comp = connected_components(g, directed=False)
    comp = comp[:n]
    sizes = np.bincount(comp)
    big = sizes >= min_cluster_size
    ids = np.full(sizes.shape[0], -1, np.intp)
    # clusters numbered in the order of their representative in the
    # dendrogram (the highest node of the component)
    rep = np.full(sizes.shape[0], -1, np.intp)
    allc = np.concatenate([np.arange(n), node[rows]])
    _, comp_all = connected_components(g, directed=False)
    np.maximum.at(rep, comp_all[allc], allc)
    order = np.argsort(rep[big], kind="stable")
    ids[np.flatnonzero(big)[order]] = np.arange(order.size)
    return ids[comp]
