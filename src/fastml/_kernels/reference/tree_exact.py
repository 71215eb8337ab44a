"""NumPy twin of csrc/tree_exact*.c: exact tree growth, written plainly.

The same node order (pre-order depth-first, or best-first by impurity
decrease), the same feature draws (scikit-learn's 32-bit xorshift generator,
feature array permuted from node to node, known-constant features), the same
candidate rule (consecutive sorted float32 values more than 1e-7 apart),
threshold (x_prev / 2 + x_next / 2) and criterion formulas. Left / right sums
follow the builder's path (forward from the previous candidate, or back from
the node total when that is shorter), so they round as the kernel's do; the
absolute error is summed directly rather than through the kernel's Fenwick
tree, so under that criterion a split that ties to rounding can tip. Missing values (NaN)
follow the builder: sorted last and sent right (plus the candidate "every
value left, missing right", threshold +inf), then a second pass with them
first and sent left; the random splitter sends them to a random side; a
feature with no missing value in the node sends them to the larger child.
"""
import heapq
import math

import numpy as np

GINI, ENTROPY, MSE, POISSON, MAE = 0, 1, 2, 3, 4
_EPS = np.finfo(np.float64).eps
_M64 = (1 << 64) - 1
_FT = np.float32(1e-7)


def _seqsum(a):
    """Sum over the first axis, in order (as the C loops add)."""
    a = np.asarray(a, dtype=np.float64)
    return np.cumsum(a, axis=0)[-1] if len(a) else np.zeros(a.shape[1:])


def _side_sums(A, tot, P):
    """Left sums of rows A[:p] at each candidate position p of P (ascending),
    accumulated along the builder's path: from the previous position forward
    when that is shorter than the way back, else from the total backwards
    from the last row (scikit-learn's rule), so the rounding is the same."""
    nn = len(A)
    prev = np.concatenate([[0], P[:-1]])
    fwd = (P - prev) <= (nn - P)
    rev = None
    S = np.empty((len(P), A.shape[1]))
    base, base_pos, j = np.zeros(A.shape[1]), 0, 0
    while j < len(P):
        if not fwd[j]:
            if rev is None:
                rev = np.cumsum(np.vstack([tot, -A[::-1]]), axis=0)
            S[j] = rev[nn - P[j]]
        else:
            k = j
            while k + 1 < len(P) and fwd[k + 1]:
                k += 1
            cs = np.cumsum(np.vstack([base, A[base_pos:P[k]]]), axis=0)
            S[j:k + 1] = cs[P[j:k + 1] - base_pos]
            j = k
        base, base_pos = S[j], P[j]
        j += 1
    return S


class _SkRng:
    """scikit-learn's tree generator: 32-bit xorshift, values in [0, 2^31 - 1]."""

    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFF

    def rand_r(self):
        s = self.s or 1
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        self.s = s
        return s % (2**31)

    def rand_int(self, lo, hi):
        return lo + self.rand_r() % (hi - lo)


_LN = np.vectorize(math.log, otypes=[np.float64])  # the C library's log, bit for bit


def _lg2(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, -np.inf)
    pos = x > 0
    out[pos] = _LN(x[pos]) / math.log(2.0)
    return out


def _wmedian_ae(yv, wv):
    """(absolute error, weighted median) with the builder's median rule."""
    o = np.argsort(yv, kind="stable")
    ys, ws = yv[o], wv[o]
    cw = np.cumsum(ws)
    half = 0.5 * cw[-1]
    j = int(np.searchsorted(cw, half, side="left"))
    med = (ys[j] + ys[j + 1]) / 2 if cw[j] == half and j + 1 < len(ys) else ys[j]
    return float(np.sum(ws * np.abs(ys - med))), float(med)


class _Grower:
    def __init__(self, XT, y, w, ncls, crit, splitter, p):
        self.XT, self.y, self.crit, self.random = XT, y, crit, splitter == 1
        self.w = np.ones(XT.shape[1]) if w is None else w
        self.cls = crit in (GINI, ENTROPY)
        self.ncls = ncls
        self.no = y.shape[1]
        self.stride = int(max(ncls)) if self.cls else 1
        self.p = p

    # ---- node statistics -------------------------------------------------
    def sums(self, idx):
        w, no = self.w[idx], self.no
        if self.cls:
            s = np.zeros((no, self.stride))
            for k in range(no):
                s[k] = np.bincount(self.y[idx, k].astype(np.intp), weights=w,
                                   minlength=self.stride)[:self.stride]
            return s.ravel()
        return _seqsum(w[:, None] * self.y[idx])

    def impurity(self, idx):
        w, W = self.w[idx], self.w[idx].sum()
        if self.cls:
            return self.cls_imp(self.sums(idx)[None, :], np.array([W]))[0]
        yv = self.y[idx]
        s = self.sums(idx)
        if self.crit == MSE:
            return float(((w[:, None] * yv * yv).sum() / W - ((s / W) ** 2).sum()) / self.no)
        if self.crit == POISSON:
            return self.poisson(idx, s, W)
        return sum(_wmedian_ae(yv[:, k], w)[0] for k in range(self.no)) / (W * self.no)

    def poisson(self, idx, s, W):
        if (s <= 10 * _EPS).any():
            return np.inf
        yv, w = self.y[idx], self.w[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(yv == 0, 0.0, yv * np.log(yv / (s / W)))
        return float((w[:, None] * t).sum() / (W * self.no))

    def value(self, idx):
        W = self.w[idx].sum()
        if self.cls:
            return self.sums(idx)
        if self.crit == MAE:
            return np.array([_wmedian_ae(self.y[idx, k], self.w[idx])[1]
                             for k in range(self.no)])
        return self.sums(idx) / W

    def cls_imp(self, S, W):
        """Gini / entropy of many candidates: S (m, no*stride), W (m,)."""
        acc = np.zeros(len(W))
        for k in range(self.no):
            sk = S[:, k * self.stride:k * self.stride + int(self.ncls[k])]
            if self.crit == GINI:
                sq = np.zeros(len(W))
                for j in range(sk.shape[1]):
                    sq += sk[:, j] * sk[:, j]
                acc += 1.0 - sq / (W * W)
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    p = sk / W[:, None]
                    for j in range(sk.shape[1]):  # sequential, as the C loop
                        acc -= np.where(sk[:, j] > 0, p[:, j] * _lg2(p[:, j]), 0.0)
        return acc / self.no

    def proxies(self, idx_sorted, SL, SR, WL, WR):
        if self.crit in (GINI, ENTROPY):
            return -WR * self.cls_imp(SR, WR) - WL * self.cls_imp(SL, WL)
        if self.crit == MSE:
            pl, pr = np.zeros(len(WL)), np.zeros(len(WL))
            for k in range(SL.shape[1]):  # sequential, as the C loop
                pl += SL[:, k] * SL[:, k]
                pr += SR[:, k] * SR[:, k]
            return pl / WL + pr / WR
        if self.crit == POISSON:
            with np.errstate(divide="ignore", invalid="ignore"):
                pl = -(SL * _lg2(SL / WL[:, None])).sum(axis=1)
                pr = -(SR * _lg2(SR / WR[:, None])).sum(axis=1)
            bad = ((SL <= 10 * _EPS) | (SR <= 10 * _EPS)).any(axis=1)
            return np.where(bad, -np.inf, -pl - pr)
        return None  # MAE: per candidate below

    # ---- split search ----------------------------------------------------
    def eval_feature(self, f, idx, rs, best):
        p, x = self.p, self.XT[f, idx]
        miss = np.isnan(x)
        nmiss, nn = int(miss.sum()), len(idx)
        if nmiss == nn:
            return 0
        xv = x[~miss]
        lo, hi = xv.min(), xv.max()
        if nmiss == 0 and not hi > lo + _FT:
            return 0
        w = self.w[idx]
        if self.random:
            thr = (float(hi) - float(lo)) * float(rs.rand_r()) / float(2**31 - 1) + float(lo)
            mleft = rs.rand_int(0, 2) if nmiss else 0
            if thr == float(hi):
                thr = float(lo)
            left = np.where(miss, bool(mleft), x.astype(np.float64) <= thr)
            nl = int(left.sum())
            order = np.concatenate([np.flatnonzero(left), np.flatnonzero(~left)])
            if not p["msl"] <= nl <= nn - p["msl"]:
                return 1
            passes = [(order, [(nl, thr, mleft if nmiss else int(nl > nn - nl))])]
        else:
            nm = nn - nmiss
            srt = np.flatnonzero(~miss)[np.argsort(xv, kind="stable")]
            xs = x[srt]
            # candidate positions q (rows [0, q) go left) after each run of
            # values within _FT, in the builder's order of passes
            ok = np.flatnonzero(xs[1:] > xs[:-1] + _FT) + 1
            mrows = np.flatnonzero(miss)
            passes = []
            # pass 1: missing rows last, sent right
            c1 = [(int(q), float(xs[q - 1]) / 2.0 + float(xs[q]) / 2.0,
                   0 if nmiss else int(q > nn - q)) for q in ok]
            if nmiss:
                c1.append((nm, np.inf, 0))
            passes.append((np.concatenate([srt, mrows]), c1))
            if nmiss:  # pass 2: missing rows first, sent left
                c2 = [(int(q) + nmiss, float(xs[q - 1]) / 2.0 + float(xs[q]) / 2.0, 1)
                      for q in ok]
                passes.append((np.concatenate([mrows, srt]), c2))
            passes = [(o, [c for c in cs if p["msl"] <= c[0] <= nn - p["msl"]])
                      for o, cs in passes]
        for order, cands in passes:
            if cands:
                self.eval_candidates(f, idx, order, cands, w, best)
        return 1

    def eval_candidates(self, f, idx, order, cands, w, best):
        """Score candidates (q, thr, missing-left) on rows idx[order]: rows
        order[:q] go left; the strictly best updates best."""
        p, nn = self.p, len(idx)
        ii = idx[order]
        wo = w[order]
        if self.cls:
            oh = np.zeros((nn, self.no * self.stride))
            for k in range(self.no):
                oh[np.arange(nn), k * self.stride + self.y[ii, k].astype(np.intp)] = wo
        else:
            oh = wo[:, None] * self.y[ii]
        tot, W = self.sums(idx), _seqsum(w)
        P = np.array([c[0] for c in cands])
        S = _side_sums(np.column_stack([oh, wo]), np.append(tot, W), P)
        SL, WL = S[:, :-1], S[:, -1]
        SR, WR = tot[None, :] - SL, W - WL
        keep = (WL >= p["mwl"]) & (WR >= p["mwl"])
        if self.crit == MAE:
            pr = np.empty(len(P))
            for j, q in enumerate(P):
                al = sum(_wmedian_ae(self.y[ii[:q], k], wo[:q])[0] for k in range(self.no))
                ar = sum(_wmedian_ae(self.y[ii[q:], k], wo[q:])[0] for k in range(self.no))
                pr[j] = -WR[j] * (ar / (WR[j] * self.no)) - WL[j] * (al / (WL[j] * self.no))
        else:
            pr = self.proxies(ii, SL, SR, WL, WR)
        for j in np.flatnonzero(keep):
            if pr[j] > best["proxy"]:
                best.update(proxy=pr[j], f=f, thr=cands[j][1], mleft=cands[j][2])

    def split(self, idx, nconst, imp):
        p, d = self.p, self.XT.shape[0]
        rs, feats, const = self.rs, self.features, self.constant
        mf = min(p["max_features"], d)
        best = {"proxy": -np.inf, "f": -1, "thr": 0.0, "mleft": 0}
        f_i, n_visited, n_found, n_drawn, n_total = d, 0, 0, 0, nconst
        while f_i > n_total and (n_visited < mf or n_visited <= n_found + n_drawn):
            n_visited += 1
            f_j = rs.rand_int(n_drawn, f_i - n_found)
            if f_j < nconst:
                feats[n_drawn], feats[f_j] = feats[f_j], feats[n_drawn]
                n_drawn += 1
                continue
            f_j += n_found
            if not self.eval_feature(feats[f_j], idx, rs, best):
                feats[f_j], feats[n_total] = feats[n_total], feats[f_j]
                n_found += 1
                n_total += 1
                continue
            f_i -= 1
            feats[f_i], feats[f_j] = feats[f_j], feats[f_i]
        feats[:nconst] = const[:nconst]
        const[nconst:nconst + n_found] = feats[nconst:nconst + n_found]
        self.last_nconst = n_total
        if best["f"] < 0:
            return None
        x = self.XT[best["f"], idx]
        left = np.where(np.isnan(x), bool(best["mleft"]), x.astype(np.float64) <= best["thr"])
        li, ri = idx[left], idx[~left]
        il, ir = self.impurity(li), self.impurity(ri)
        W, wl, wr = self.w[idx].sum(), self.w[li].sum(), self.w[ri].sum()
        improvement = W / p["W_all"] * (imp - wr / W * ir - wl / W * il)
        return best["f"], best["thr"], li, ri, il, ir, improvement, n_total, best["mleft"]


def build_exact(XT, y, w, n_classes, criterion, splitter, max_depth, min_samples_split,
                min_samples_leaf, min_weight_leaf, max_features, max_leaf_nodes,
                min_impurity_decrease, seed):
    """Same contract as fastml._kernels.tree.build_exact (a dict of node arrays)."""
    XT = np.asarray(XT, dtype=np.float32)
    y = np.asarray(y, dtype=np.float64)
    w = None if len(w) == 0 else np.asarray(w, dtype=np.float64)
    idx0 = np.arange(XT.shape[1]) if w is None else np.flatnonzero(w > 0)
    wv = np.ones(XT.shape[1]) if w is None else w
    p = dict(msl=min_samples_leaf, mwl=min_weight_leaf, max_features=max_features,
             W_all=float(wv[idx0].sum()))
    g = _Grower(XT, y, w, np.asarray(n_classes), criterion, splitter, p)
    g.rs = _SkRng(seed)
    g.features = list(range(XT.shape[0]))
    g.constant = list(range(XT.shape[0]))
    nodes = []

    def add(idx, depth, nconst, imp, first):
        node = dict(idx=idx, depth=depth, feature=-1, thr=-2.0, left=-1, right=-1, mleft=0,
                    value=g.value(idx), n=len(idx), wn=float(g.w[idx].sum()))
        node["imp"] = g.impurity(idx) if first else imp
        nn = len(idx)
        leaf = (depth >= max_depth or nn < min_samples_split or nn < 2 * min_samples_leaf
                or node["wn"] < 2 * min_weight_leaf or node["imp"] <= _EPS)
        node["split"] = None
        if not leaf:
            sp = g.split(idx, nconst, node["imp"])
            if sp is not None and not sp[6] + _EPS < min_impurity_decrease:
                node["split"] = sp
                node["feature"], node["thr"], node["mleft"] = sp[0], sp[1], sp[8]
        nodes.append(node)
        return len(nodes) - 1

    if max_leaf_nodes > 0:
        root = add(idx0, 0, 0, 0.0, True)
        heap, tick, max_split = [], 0, max_leaf_nodes - 1
        heapq.heappush(heap, (-_impr(nodes[root]), tick, root))
        while heap:
            _, _, i = heapq.heappop(heap)
            nd = nodes[i]
            if nd["split"] is None or max_split <= 0:
                nd["feature"], nd["thr"], nd["mleft"] = -1, -2.0, 0
                continue
            max_split -= 1
            f, thr, li, ri, il, ir = nd["split"][:6]
            for side, (ix, im) in ((1, (li, il)), (0, (ri, ir))):
                c = add(ix, nd["depth"] + 1, 0, im, False)
                nd["left" if side else "right"] = c
                tick += 1
                heapq.heappush(heap, (-_impr(nodes[c]), tick, c))
    else:
        stack = [(idx0, 0, 0, 0.0, True, -1, 0)]
        while stack:
            idx, depth, nconst, imp, first, parent, is_left = stack.pop()
            i = add(idx, depth, nconst, imp, first)
            if parent >= 0:
                nodes[parent]["left" if is_left else "right"] = i
            sp = nodes[i]["split"]
            if sp is not None:
                f, thr, li, ri, il, ir, _, nc = sp[:8]
                stack.append((ri, depth + 1, nc, ir, False, i, 0))
                stack.append((li, depth + 1, nc, il, False, i, 1))
    return {
        "feature": np.array([nd["feature"] for nd in nodes], dtype=np.int32),
        "missing_left": np.array([nd["mleft"] for nd in nodes], dtype=np.uint8),
        "left": np.array([nd["left"] for nd in nodes], dtype=np.int64),
        "right": np.array([nd["right"] for nd in nodes], dtype=np.int64),
        "n_node_samples": np.array([nd["n"] for nd in nodes], dtype=np.int64),
        "impurity": np.array([nd["imp"] for nd in nodes], dtype=np.float64),
        "threshold": np.array([nd["thr"] for nd in nodes], dtype=np.float64),
        "weighted_n_node_samples": np.array([nd["wn"] for nd in nodes], dtype=np.float64),
        "value": np.array([nd["value"] for nd in nodes], dtype=np.float64).reshape(
            len(nodes), -1),
        "max_depth": max(nd["depth"] for nd in nodes),
    }


def _impr(node):
    return node["split"][6] if node["split"] is not None else 0.0
