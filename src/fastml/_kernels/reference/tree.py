"""NumPy twin of csrc/tree.c: the same histogram tree growth, written plainly.

Same algorithm and the same arithmetic order as the C builder (depth-first,
features in the order of the same xorshift64* draws, histograms accumulated
in sample order, bins scanned left to right, sequential sums over classes,
stable partitions), so on the same input it grows the same tree. The split
search per feature is vectorised over bins with NumPy; it is also the "plain
NumPy split search" the benchmarks compare against.
"""
import numpy as np

GINI, ENTROPY, MSE = 0, 1, 2
_CLS_EPS = np.finfo(np.float64).eps       # TREE_CLS_EPS in tree.c
_MSE_REL_EPS = 2 * np.finfo(np.float64).eps  # TREE_MSE_REL_EPS in tree.c
_M64 = (1 << 64) - 1


class _Rng:
    """xorshift64*, bit-identical to rng_next/rng_below in tree.c."""

    def __init__(self, seed):
        self.s = seed & _M64 or 0x9E3779B97F4A7C15

    def below(self, m):
        x = self.s
        x ^= x >> 12
        x ^= (x << 25) & _M64
        x ^= x >> 27
        self.s = x
        r = (x * 2685821657736338717) & _M64
        return ((r >> 32) * m) >> 32


def _seqsum(v):
    """Sum in index order (np.sum is pairwise; the C code adds sequentially)."""
    if len(v) == 0:
        return 0.0
    return float(np.bincount(np.zeros(len(v), np.intp), weights=v, minlength=1)[0])


def _impurity(crit, st):
    if crit == MSE:
        if st[0] <= 0:
            return 0.0
        m = st[1] / st[0]
        return max(st[2] / st[0] - m * m, 0.0)
    W = 0.0
    for c in st:
        W += c
    if W <= 0:
        return 0.0
    imp = 1.0 if crit == GINI else 0.0
    for c in st:
        p = c / W
        if crit == GINI:
            imp -= p * p
        elif p > 0:
            imp -= p * np.log2(p)
    return imp


def _leaf_cutoff(crit, st, nn):
    """Impurity at or below which a node is a leaf (tree.c's leaf_cutoff):
    DBL_EPSILON for gini/entropy; for squared error 2 eps nn mean(y^2), the
    rounding level of E[y^2] - E[y]^2, relative to the node's own scale."""
    if crit != MSE:
        return _CLS_EPS
    return _MSE_REL_EPS * nn * (st[2] / st[0]) if st[0] > 0 else 0.0


def _proxy(crit, st):
    """Side proxy for many candidate splits at once: st is (bins, S)."""
    if crit == MSE:
        return st[:, 1] * st[:, 1] / st[:, 0]
    W = np.zeros(len(st))
    q = np.zeros(len(st))
    for c in range(st.shape[1]):
        col = st[:, c]
        W += col
        if crit == GINI:
            q += col * col
        else:
            q += np.where(col > 0, col * np.log(np.where(col > 0, col, 1.0)), 0.0)
    if crit == GINI:
        return q / W
    return q - W * np.log(W)


def _refine(f, b, idx, Xb, Xf, yi, y, wv, cls, S, crit, nt, nn, W, best, min_samples_leaf,
            min_weight_leaf):
    """Exact rescan of bins b, b+1 on raw values (see tree.c); returns
    (best, threshold or None)."""
    codes = Xb[f, idx]
    base = idx[codes < b]
    near = idx[(codes >= b) & (codes <= b + 1)]
    vals = Xf[f, near]
    order = np.lexsort((near, vals))
    near, vals = near[order], vals[order]
    if len(near) < 2:
        return best, None
    rows = near[:-1]
    stats = np.zeros((len(base) + len(rows), S))
    allrows = np.concatenate([base, rows])
    if cls:
        stats[np.arange(len(allrows)), yi[allrows]] = wv[allrows]
    else:
        stats[:, 0] = wv[allrows]
        stats[:, 1] = wv[allrows] * y[allrows]
    L = np.cumsum(stats, axis=0)[len(base):] if len(rows) else np.zeros((0, S))
    if len(base) == 0:
        pass
    nl = len(base) + np.arange(1, len(rows) + 1)
    if cls:
        WL = np.zeros(len(L))
        for c in range(S):
            WL += L[:, c]
    else:
        WL = L[:, 0]
    R = nt[:S][None, :] - L
    ok = ((vals[:-1] < vals[1:]) & (nl >= min_samples_leaf) & (nn - nl >= min_samples_leaf)
          & (WL >= min_weight_leaf) & (W - WL >= min_weight_leaf) & (WL > 0) & (W - WL > 0))
    if not ok.any():
        return best, None
    with np.errstate(divide="ignore", invalid="ignore"):
        pr = _proxy(crit, L) + _proxy(crit, R)
    pr = np.where(ok, pr, -np.inf)
    k = int(np.argmax(pr))
    if pr[k] > best:
        a, c = vals[k], vals[k + 1]
        m = (a + c) / 2.0
        return pr[k], (a if m >= c else m)
    return best, None


def build(binned, y, w, criterion, n_classes, max_depth, min_samples_split, min_samples_leaf,
          min_weight_leaf, max_features, min_impurity_decrease, seed):
    """Same contract and result as fastml._kernels.tree.build."""
    return _build(binned.Xb, binned.edges_flat, binned.offsets, binned.Xf, binned.refine, y, w,
                  criterion, n_classes, max_depth, min_samples_split, min_samples_leaf,
                  min_weight_leaf, max_features, min_impurity_decrease, seed)


def _build(Xb, edges_flat, offsets, Xf, refine, y, w, criterion, n_classes, max_depth,
           min_samples_split, min_samples_leaf, min_weight_leaf, max_features,
           min_impurity_decrease, seed):
    d, n = Xb.shape
    use_refine = Xf is not None and Xf.size > 0
    cls = criterion != MSE
    S = n_classes if cls else 2
    nv = n_classes if cls else 1
    yi = y.astype(np.intp) if cls else None
    wv = np.ones(n) if w is None or len(w) == 0 else np.asarray(w, np.float64)
    rng = _Rng(seed)
    samples = np.flatnonzero(wv > 0) if (w is not None and len(w)) else np.arange(n)
    W_all = _seqsum(wv[samples])
    feats = list(range(d))
    nodes = []   # [feature, bin, left, right, n, W, imp, value, threshold]
    max_seen = 0
    stack = [(samples, 0, -1, False)] if len(samples) else []

    def totals(idx):
        if cls:
            return np.bincount(yi[idx], weights=wv[idx], minlength=S).astype(np.float64)
        wi, yy = wv[idx], y[idx]
        return np.array([_seqsum(wi), _seqsum(wi * yy), _seqsum(wi * yy * yy)])

    while stack:
        idx, depth, parent, is_left = stack.pop()
        node = len(nodes)
        if parent >= 0:
            nodes[parent][2 if is_left else 3] = node
        max_seen = max(max_seen, depth)
        nt = totals(idx)
        W = _seqsum(nt) if cls else nt[0]
        imp = _impurity(criterion, nt)
        value = nt.copy() if cls else np.array([nt[1] / W if W > 0 else 0.0])
        nodes.append([-1, 0, -1, -1, len(idx), W, imp, value, -2.0])
        nn = len(idx)
        if (depth >= max_depth or nn < min_samples_split or nn < 2 * min_samples_leaf
                or W < 2 * min_weight_leaf or imp <= _leaf_cutoff(criterion, nt, nn)):
            continue
        best, best_f, best_b = -np.inf, -1, 0
        visited = 0
        wi = wv[idx]
        for fi in range(d):
            if visited >= max_features:
                break
            j = fi + rng.below(d - fi)
            feats[fi], feats[j] = feats[j], feats[fi]
            f = feats[fi]
            codes = Xb[f, idx].astype(np.intp)
            bmin, bmax = int(codes.min()), int(codes.max())
            if bmin == bmax:
                continue
            visited += 1
            cnt = np.bincount(codes, minlength=bmax + 1)[bmin:bmax]
            if cls:
                hist = np.bincount(codes * S + yi[idx], weights=wi,
                                   minlength=(bmax + 1) * S).reshape(-1, S)
            else:
                hist = np.stack([np.bincount(codes, weights=wi, minlength=bmax + 1),
                                 np.bincount(codes, weights=wi * y[idx], minlength=bmax + 1)],
                                axis=1)
            hist = hist[bmin:bmax]
            occ = cnt > 0
            bins = np.arange(bmin, bmax)[occ]
            L = np.cumsum(hist[occ], axis=0)
            nl = np.cumsum(cnt[occ])
            if cls:
                WL = np.zeros(len(L))
                for c in range(S):
                    WL += L[:, c]
            else:
                WL = L[:, 0]
            R = nt[:S][None, :] - L
            ok = ((nl >= min_samples_leaf) & (nn - nl >= min_samples_leaf)
                  & (WL >= min_weight_leaf) & (W - WL >= min_weight_leaf)
                  & (WL > 0) & (W - WL > 0))
            # the C scan stops at the first bin leaving < min_samples_leaf on the right
            stop = np.flatnonzero(nn - nl < min_samples_leaf)
            if len(stop):
                ok[stop[0]:] = False
            if not ok.any():
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                pr = _proxy(criterion, L) + _proxy(criterion, R)
            pr = np.where(ok, pr, -np.inf)
            k = int(np.argmax(pr))
            if pr[k] > best:
                best, best_f, best_b = pr[k], f, int(bins[k])
        if best_f < 0:
            continue
        thr = float(edges_flat[offsets[best_f] + best_b])
        refined = None
        if use_refine and refine[best_f]:
            best, refined = _refine(best_f, best_b, idx, Xb, Xf, yi, y, wv, cls, S, criterion,
                                    nt, nn, W, best, min_samples_leaf, min_weight_leaf)
        if refined is not None:
            thr = float(refined)
            go_left = Xf[best_f, idx] <= thr
        else:
            go_left = Xb[best_f, idx] <= best_b
        left, right = idx[go_left], idx[~go_left]
        if min_impurity_decrease > 0:
            tl, tr = totals(left), totals(right)
            wl, wr = _seqsum(wv[left]), _seqsum(wv[right])
            dec = W / W_all * (imp - wl / W * _impurity(criterion, tl)
                               - wr / W * _impurity(criterion, tr))
            if dec < min_impurity_decrease:
                continue
        nodes[node][0], nodes[node][1] = best_f, (-1 if refined is not None else best_b)
        nodes[node][8] = thr
        stack.append((right, depth + 1, node, False))
        stack.append((left, depth + 1, node, True))
    m = len(nodes)
    col = lambda k, dt: np.array([nd[k] for nd in nodes], dtype=dt)  # noqa: E731
    return {
        "feature": col(0, np.int32), "bin": col(1, np.int32),
        "left": col(2, np.int64), "right": col(3, np.int64),
        "n_node_samples": col(4, np.int64), "weighted_n_node_samples": col(5, np.float64),
        "impurity": col(6, np.float64), "threshold": col(8, np.float64),
        "value": np.array([nd[7] for nd in nodes], dtype=np.float64).reshape(m, nv),
        "max_depth": max_seen,
    }


def apply(X, feature, threshold, left, right, missing_left=None):
    """Leaf index per row: descend level by level, all rows at once."""
    node = np.zeros(X.shape[0], dtype=np.int64)
    rows = np.arange(X.shape[0])
    while True:
        f = feature[node]
        active = f >= 0
        if not active.any():
            return node
        r, nd = rows[active], node[active]
        v = X[r, f[active]].astype(np.float64)
        go_left = v <= threshold[nd]
        if missing_left is not None and len(missing_left):
            go_left = np.where(np.isnan(v), missing_left[nd].astype(bool), go_left)
        node[r] = np.where(go_left, left[nd], right[nd])


def bin_codes(X, edges):
    """uint8 codes (n_features, n_samples): searchsorted(edges[f], X[:, f], "left")."""
    out = np.empty((X.shape[1], X.shape[0]), dtype=np.uint8)
    for f, e in enumerate(edges):
        out[f] = np.searchsorted(e, X[:, f].astype(np.float64), side="left")
    return out


def build_exact(XT, y, w, n_classes, criterion, splitter, max_depth, min_samples_split,
                min_samples_leaf, min_weight_leaf, max_features, max_leaf_nodes,
                min_impurity_decrease, seed, order=None, ranks=None):
    """Exact growth (sorted feature values): see reference/tree_exact.py.
    order and ranks (speed hints of the compiled builder) do not change the tree."""
    from .tree_exact import build_exact as _build_exact
    return _build_exact(XT, y, w, n_classes, criterion, splitter, max_depth,
                        min_samples_split, min_samples_leaf, min_weight_leaf, max_features,
                        max_leaf_nodes, min_impurity_decrease, seed)


def rank_exact(XT, order):
    """(rank, uniq, nuniq, near): per feature the dense rank of each value among
    the distinct float32 bit patterns in key order (-0.0 before 0.0), NaN
    ranked after them all; uniq[f, r] the value of rank r (r < nuniq[f], zeros
    after); nuniq the distinct non-NaN values per feature; near (d, n // 64 + 1)
    uint64, bit r set when uniq[f, r] <= uniq[f, r - 1] + 1e-7 in float32.
    (order: unused.)"""
    XT = np.ascontiguousarray(XT, dtype=np.float32)
    d, n = XT.shape
    rank = np.empty((d, n), dtype=np.uint32)
    uniq = np.zeros((d, n), dtype=np.float32)
    nuniq = np.zeros(d, dtype=np.int64)
    near = np.zeros((d, n // 64 + 1), dtype=np.uint64)
    u = XT.view(np.uint32)
    key = np.where(u & np.uint32(0x80000000), ~u, u | np.uint32(0x80000000))
    for f in range(d):
        fin = ~np.isnan(XT[f])
        keys, first, inv = np.unique(key[f, fin], return_index=True, return_inverse=True)
        nuniq[f] = len(keys)
        uniq[f, :len(keys)] = XT[f, fin][first]
        rank[f, fin] = inv.reshape(-1)
        rank[f, ~fin] = len(keys)
        v = uniq[f, :len(keys)]
        close = np.flatnonzero(v[1:] <= v[:-1] + np.float32(1e-7)) + 1
        np.bitwise_or.at(near[f], close // 64, np.left_shift(np.uint64(1),
                                                             (close % 64).astype(np.uint64)))
    return rank, uniq, nuniq, near


def presort_exact(XT):
    """int32 (d, n): the rows stably sorted by each feature XT[f] (order of the
    float32 bit patterns: -0.0 before 0.0, NaN last)."""
    XT = np.ascontiguousarray(XT, dtype=np.float32)
    u = XT.view(np.uint32)
    key = np.where(u & np.uint32(0x80000000), ~u, u | np.uint32(0x80000000))
    key = np.where(np.isnan(XT), np.uint32(0xFFFFFFFF), key)
    return np.argsort(key, axis=1, kind="stable").astype(np.int32).reshape(XT.shape)
