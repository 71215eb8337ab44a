"""Reference histogram gradient boosting engine: the executable spec of csrc/hgb*.c.

Same functions and signatures as the facade (fastml._kernels.hgb): bin_data,
gradients, work_size, grow_tree, predict_raw. Plain NumPy and Python loops;
growth follows the same rules (leaf-wise by gain, ties to the lowest node and
feature, stable row partitions, gains as scikit-learn computes them), with
float64 histograms summed in row order.
"""
import numpy as np

from .._hgb_layout import LOSSES, NODE_DTYPE

MIN_CAT_SUPPORT = 10.0


def bin_data(X, thresholds, nthr, is_cat, missing_bin):
    n, d = X.shape
    codes = np.empty((n, d), dtype=np.uint8)
    for f in range(d):
        t = thresholds[f, :nthr[f]]
        x = X[:, f]
        b = np.searchsorted(t, x, side="left")
        if is_cat[f]:
            known = (b < t.size) & (t[np.minimum(b, max(t.size - 1, 0))] == x) if t.size else \
                np.zeros(n, bool)
            b = np.where(known, b, missing_bin)
        b = np.where(np.isnan(x), missing_bin, b)
        codes[:, f] = b
    return codes, np.ascontiguousarray(codes.T)


def gradients(raw, y, w, loss, alpha=0.5):
    n, K = raw.shape
    code = LOSSES[loss]
    z = raw[:, 0]
    with np.errstate(over="ignore"):
        if code == 0:
            g, h = z - y, np.ones(n)
        elif code == 1:
            g, h = np.sign(z - y), np.ones(n)
        elif code == 2:
            e = y * np.exp(-z)
            g, h = 1 - e, e
        elif code == 3:
            e = np.exp(z)
            g, h = e - y, e
        elif code == 4:
            g, h = np.where(y > z, -alpha, 1 - alpha), np.ones(n)
        elif code == 5:
            p = np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
            g, h = p - y, p * (1 - p)
        else:
            e = np.exp(raw - raw.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            onehot = (y[:, None] == np.arange(K)[None, :])
            g, h = (p - onehot).T, (p * (1 - p)).T
    ww = 1.0 if w is None else w
    g = np.atleast_2d(g * ww).astype(np.float32)
    h = np.atleast_2d(h * ww).astype(np.float32)
    return g, h


def work_size(n, d, params):
    return int(d * params["nbins"] * 24 * params["hist_pool"] + 4 * n + 64)


def _value(G, H, lo, hi, l2):
    return min(max(-G / (H + l2 + 1e-15), lo), hi)


def _gain(G, gl, hl, gr, hr, value, lo, hi, l2, mono):
    """Gain of a split into (gl, hl) left and (gr, hr) right, evaluated in the
    kernel's order (the left term first) so near-ties break the same way."""
    vl, vr = _value(gl, hl, lo, hi, l2), _value(gr, hr, lo, hi, l2)
    if (mono > 0 and vl > vr) or (mono < 0 and vl < vr):
        return -1.0
    return value * G - vl * gl - vr * gr


def _scan(order, hist, G, H, n, value, lo, hi, p, mono, best, extra, flip=False):
    """Accumulate bins in `order` to the left (to the right when `flip`: the
    accumulated side is then the right child); candidates after each step."""
    gl = hl = 0.0
    nl = 0
    for pos, b in enumerate(order):
        gl += hist[b, 0]
        hl += hist[b, 1]
        nl += int(hist[b, 2])
        nr, hr = n - nl, H - hl
        if nl < p["min_samples_leaf"] or hl < p["min_hessian"]:
            continue
        if nr < p["min_samples_leaf"] or hr < p["min_hessian"]:
            break
        if flip:
            gain = _gain(G, G - gl, hr, gl, hl, value, lo, hi, p["l2"], mono)
        else:
            gain = _gain(G, gl, hl, G - gl, hr, value, lo, hi, p["l2"], mono)
        if gain > best["gain"] and gain > 0:
            best.update(gain=gain, gl=gl, hl=hl, nl=nl, **extra(pos, b))


def _best_split(hist, G, H, n, value, lo, hi, p, nbins_nm, has_missing, is_cat, mono, mask):
    d = hist.shape[0]
    mb = p["nbins"] - 1
    best = {"gain": -1.0, "feature": -1}
    for f in range(d):
        if mask is not None and not mask[f]:
            continue
        hf = hist[f]
        fb = {"gain": -1.0}
        nbm, hm = int(nbins_nm[f]), int(has_missing[f])
        if is_cat[f]:
            support = n / H
            bins = [b if b < nbm else mb for b in range(nbm + hm)]
            used = [b for b in bins if hf[b, 1] * support >= MIN_CAT_SUPPORT]
            if len(used) <= 1:
                continue
            used.sort(key=lambda b: (hf[b, 0] / (hf[b, 1] + MIN_CAT_SUPPORT), b))
            m = len(used)
            for direction, order in ((1, used[:(m + 1) // 2]),
                                     (-1, used[::-1][:(m + 1) // 2 - 1])):
                _scan(order, hf, G, H, n, value, lo, hi, p, 0, fb,
                      lambda pos, b, o=order: {"left": list(o[:pos + 1])})
            if fb["gain"] > 0:
                fb.update(is_cat=1, bin=0, missing_left=int(mb in fb["left"]))
        else:
            _scan(range(nbm - 1 + hm), hf, G, H, n, value, lo, hi, p, mono[f], fb,
                  lambda pos, b: {"bin": b, "missing_left": 0})
            if hm:
                _scan(list(range(nbm - 1, 0, -1)), hf, G, H, n, value, lo, hi, p, mono[f], fb,
                      lambda pos, b: {"bin": b - 1, "missing_left": 1, "flip": True}, flip=True)
                if fb.pop("flip", False):
                    fb.update(gl=G - fb["gl"], hl=H - fb["hl"], nl=n - fb["nl"])
            fb["is_cat"] = 0
        if fb["gain"] > best["gain"]:
            best = dict(fb, feature=f)
    return best


def _hist(codes_rm, g, h, rows, nbins, hess_const):
    d = codes_rm.shape[1]
    out = np.zeros((d, nbins, 3))
    gg, hh = g[rows].astype(np.float64), (np.ones(len(rows)) if hess_const else
                                          h[rows].astype(np.float64))
    for f in range(d):
        c = codes_rm[rows, f]
        out[f, :, 0] = np.bincount(c, weights=gg, minlength=nbins)
        out[f, :, 1] = np.bincount(c, weights=hh, minlength=nbins)
        out[f, :, 2] = np.bincount(c, minlength=nbins)
    return out


def grow_tree(codes_rm, codes_cm, g, h, nbins_nm, has_missing, is_cat, monotonic, params,
              work=None, groups=None):
    p = params
    n, d = codes_rm.shape
    cap = 2 * int(p["max_leaf_nodes"]) - 1
    nodes = np.zeros(cap, dtype=NODE_DTYPE)
    catbits = np.zeros((cap, 8), dtype=np.uint32)
    rows = np.arange(n, dtype=np.int32)
    rng = np.random.default_rng(int(p["seed"]) & 0xFFFFFFFF)
    msl, mb = p["min_samples_leaf"], p["nbins"] - 1
    hc = p["hess_const"]

    def new(i, value, start, count, depth):
        nodes[i] = (value, 0.0, -1, -1, -1, 0, 0, 0, -1, start, count, depth, 0.0)

    groups = None if groups is None or len(groups) == 0 else np.asarray(groups, bool)
    node_groups = {0: None if groups is None else np.ones(groups.shape[0], bool)}

    def draw(i):
        k = p["max_features"]
        if groups is None:
            if k >= d:
                return None
            m = np.zeros(d, bool)
            m[rng.permutation(d)[:k]] = True
            return m
        allowed = groups[node_groups[i]].any(axis=0)
        na = int(allowed.sum())
        if k >= d:
            return None if na == d else allowed
        m = np.zeros(d, bool)
        m[rng.permutation(np.flatnonzero(allowed))[:-(-k * na // d)]] = True
        return m

    G = float(np.sum(g.astype(np.float64)))
    H = float(n) if hc else float(np.sum(h.astype(np.float64)))
    new(0, 0.0, 0, n, 0)
    if n < 2 * msl or H < p["min_hessian"]:
        return nodes[:1].copy(), catbits[:1].copy(), rows
    open_ = []

    def consider(i, G, H, value, lo, hi):
        s, c = nodes[i]["start"], nodes[i]["count"]
        hist = _hist(codes_rm, g, h, rows[s:s + c], p["nbins"], hc)
        if hc:
            hist[:, :, 1] = hist[:, :, 2]
        best = _best_split(hist, G, H, c, value, lo, hi, p, nbins_nm, has_missing, is_cat,
                           monotonic, draw(i))
        if best["gain"] > 0:
            open_.append((i, G, H, lo, hi, best))

    consider(0, G, H, 0.0, -np.inf, np.inf)
    nn, nleaves = 1, 1
    while open_:
        k = max(range(len(open_)), key=lambda j: (open_[j][5]["gain"], -open_[j][0]))
        i, G, H, lo, hi, s = open_.pop(k)
        f = s["feature"]
        st, c = int(nodes[i]["start"]), int(nodes[i]["count"])
        seg = rows[st:st + c]
        code = codes_cm[f, seg]
        if s["is_cat"]:
            left = np.isin(code, s["left"])
        else:
            left = np.where(code == mb, bool(s["missing_left"]), code <= s["bin"])
        rows[st:st + c] = np.concatenate([seg[left], seg[~left]])
        nl = int(left.sum())
        nr = c - nl
        dep = int(nodes[i]["depth"]) + 1
        vl = _value(s["gl"], s["hl"], lo, hi, p["l2"])
        vr = _value(G - s["gl"], H - s["hl"], lo, hi, p["l2"])
        li, ri = nn, nn + 1
        nn += 2
        nleaves += 1
        new(li, vl, st, nl, dep)
        new(ri, vr, st + nl, nr, dep)
        nd = nodes[i]
        nd["feature"], nd["left"], nd["right"] = f, li, ri
        nd["bin"], nd["is_cat"], nd["gain"] = s["bin"], s["is_cat"], s["gain"]
        nd["missing_left"] = s["missing_left"] if has_missing[f] else int(nl > nr)
        if s["is_cat"]:
            nd["cat"] = i
            for b in s["left"]:
                catbits[i, b >> 5] |= np.uint32(1 << (b & 31))
        if nleaves >= p["max_leaf_nodes"]:
            break
        if groups is not None:
            node_groups[li] = node_groups[ri] = node_groups[i] & groups[:, f]
        sl, sr = nl >= 2 * msl, nr >= 2 * msl
        if p["max_depth"] > 0 and dep >= p["max_depth"]:
            sl = sr = False
        llo, lhi, rlo, rhi = lo, hi, lo, hi
        if monotonic[f]:
            mid = 0.5 * (vl + vr)
            if monotonic[f] > 0:
                lhi, rlo = mid, mid
            else:
                llo, rhi = mid, mid
        if sl:
            consider(li, s["gl"], s["hl"], vl, llo, lhi)
        if sr:
            consider(ri, G - s["gl"], H - s["hl"], vr, rlo, rhi)
    return nodes[:nn].copy(), catbits[:nn].copy(), rows


def predict_raw(raw, X, nodes, catbits, roots):
    K = raw.shape[1]
    for t, r0 in enumerate(roots):
        for i in range(X.shape[0]):
            j = int(r0)
            while nodes[j]["feature"] >= 0:
                nd = nodes[j]
                x = X[i, nd["feature"]]
                if np.isnan(x):
                    left = nd["missing_left"]
                elif nd["is_cat"]:
                    if 0 <= x < 256:
                        c = int(x)
                        left = (catbits[nd["cat"], c >> 5] >> (c & 31)) & 1
                    else:
                        left = nd["missing_left"]
                else:
                    left = x <= nd["threshold"]
                j = int(nd["left"] if left else nd["right"])
            raw[i, t % K] += nodes[j]["value"]
    return raw


def boost_iter(raw, y, w, loss, alpha, shrink, seeds, codes_rm, codes_cm, nbins_nm,
               has_missing, is_cat, monotonic, params, work=None, groups=None):
    """One boosting iteration of K = raw.shape[1] trees: gradients at raw, tree
    k on class k's gradients (seed seeds[k]), node values times shrink, raw[:, k]
    += tree k's leaf values (in place). Returns [(nodes, catbits)] * K."""
    g, h = gradients(raw, y, w, loss, alpha)
    out = []
    for k in range(raw.shape[1]):
        nodes, bits, rows = grow_tree(codes_rm, codes_cm, g[k], h[k], nbins_nm, has_missing,
                                      is_cat, monotonic, dict(params, seed=int(seeds[k])),
                                      groups=groups)
        nodes["value"] *= shrink
        for i in np.flatnonzero(nodes["feature"] < 0):
            s, c = nodes["start"][i], nodes["count"][i]
            raw[rows[s:s + c], k] += nodes["value"][i]
        out.append((nodes, bits))
    return out
