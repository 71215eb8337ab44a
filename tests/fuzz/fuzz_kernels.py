"""Worker side: kernel-family facades (fastml._kernels.*) called directly with
valid-but-extreme inputs that respect each facade's documented contract
(C-contiguous, one float dtype, documented ranges), checked against their
NumPy twins (fastml._kernels.reference.*) or exact truths; and the public
fastml.nn.functional ops with autograd.

Comparison rule (compare()): where the twin's result is finite the kernel's
must be finite and close (tolerance from dtype, reduction length and the
magnitude of the operands); where the twin is not finite, a different NaN/inf
pattern is only a note.
"""
import numpy as np

import fuzz_inputs
from fuzz_targets import (Violation, check_distances, check_neighbors, max_abs,
                          true_distances)

from fastml._kernels import activation, batchnorm, dense, distance, dropout, kmeans, loss
from fastml._kernels import conv2d as conv
from fastml._kernels import enet as linear
from fastml._kernels import kdtree, knn
from fastml._kernels import hist, optim, pool2d, recurrent, tree
from fastml._kernels import reference as ref
from fastml._kernels.reference import activation as r_activation
from fastml._kernels.reference import batchnorm as r_batchnorm
from fastml._kernels.reference import conv2d as r_conv
from fastml._kernels.reference import dense as r_dense
from fastml._kernels.reference import dropout as r_dropout
from fastml._kernels.reference import enet as r_linear
from fastml._kernels.reference import loss as r_loss
from fastml._kernels.reference import optim as r_optim
from fastml._kernels.reference import pool2d as r_pool2d
from fastml._kernels.reference import recurrent as r_recurrent
from fastml._kernels.reference import hist as r_hist
from fastml._kernels.reference import tree as r_tree

assert ref  # noqa


def arr(case, key, shape, lo=None, hi=None):
    """Contract-respecting array: C-contiguous, the case's float dtype, recipe
    values (scale, specials) clipped into [lo, hi] when the contract says so;
    storage (heap / readonly / guard pages) from the case."""
    r = dict(case.get(key) or {})
    r["shape"] = shape
    r["dtype"] = case["dtype"]
    r["layout"] = "C"
    r.setdefault("storage", case.get("storage", "heap"))
    r.setdefault("seed", hash(key) % 1000 + case.get("seed", 0))
    if lo is not None or hi is not None:
        a = fuzz_inputs.build(dict(r, storage="heap"))
        with np.errstate(invalid="ignore"):
            a = np.clip(np.nan_to_num(a, nan=lo if lo is not None else 0.0), lo, hi)
        a = np.ascontiguousarray(a.astype(case["dtype"]))
        return _store(a, r["storage"])
    return fuzz_inputs.build(r)


def _store(a, storage):
    return fuzz_inputs._place(np.ascontiguousarray(a), storage)


def compare(got, want, where, atol=0.0, rtol=None, notes=None, bound=None):
    got = np.asarray(got)
    want = np.asarray(want)
    if got.shape != want.shape:
        raise Violation("wrong shape", f"{where}: {got.shape}, twin {want.shape}")
    if got.dtype != want.dtype and want.dtype.kind == "f" and got.dtype.kind == "f":
        raise Violation("wrong dtype", f"{where}: {got.dtype}, twin {want.dtype}")
    if got.dtype.kind not in "fc":
        bad = got != want
        if bad.any():
            i = tuple(np.argwhere(bad)[0])
            raise Violation("mismatch with twin", f"{where}{list(i)}: {got[i]!r} vs {want[i]!r}")
        return
    eps = float(np.finfo(got.dtype).eps)
    rtol = rtol if rtol is not None else 64 * eps
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    wf = np.isfinite(w)
    if bound is not None:   # float64 bound on every partial sum: below max, no overflow
        wf &= np.asarray(bound, dtype=np.float64) < float(np.finfo(got.dtype).max) / 4
    bad = wf & ~np.isfinite(g)
    if bad.any():
        i = tuple(np.argwhere(bad)[0])
        raise Violation("non-finite where the twin is finite",
                        f"{where}{list(i)}: {got[i]!r}, twin {want[i]!r} "
                        f"({bad.sum()} of {bad.size})")
    with np.errstate(all="ignore"):
        err = np.abs(g - w)
        lim = rtol * np.abs(w) + atol
    wrong = wf & (err > lim)
    if wrong.any():
        i = tuple(np.argwhere(wrong)[0])
        a = atol if np.ndim(atol) == 0 else np.broadcast_to(atol, w.shape)[i]
        raise Violation("mismatch with twin",
                        f"{where}{list(i)}: {got[i]!r}, twin {want[i]!r} (atol {a:.3g}, "
                        f"{wrong.sum()} of {wrong.size})")
    if notes is not None:
        pat = ~wf & (np.isnan(g) != np.isnan(w))
        if pat.any():
            i = tuple(np.argwhere(pat)[0])
            notes.append(("NaN pattern differs from twin", f"{where}{list(i)}: {got[i]!r} vs "
                                                           f"twin {want[i]!r}"))


def _eps(case):
    return float(np.finfo(case["dtype"]).eps)


def _f64(a):
    """|a| in float64: operands of an error / overflow bound."""
    return np.abs(np.asarray(a, dtype=np.float64))


def _c(a):
    return None if a is None else np.array(a, copy=True)


# ---------------------------------------------------------------------------
def k_pairwise(case, notes):
    n, m, d = case["n"], case["m"], case["d"]
    X = arr(case, "X", (n, d))
    Y = X if case.get("same") else arr(case, "Y", (m, d))
    metric = case["metric"]
    p = case.get("p", 2.0)
    direct = case.get("direct", False) and metric != "cosine"
    D = distance.pairwise_distances(X, Y, metric, p, same=case.get("same", False), direct=direct)
    check_distances(D, X, Y, metric, p, f"_kernels.distance.pairwise_distances(direct={direct})",
                    same=case.get("same", False))


def k_brute_knn(case, notes):
    n, nq, d = case["n"], case["m"], case["d"]
    X = arr(case, "X", (n, d))
    Q = arr(case, "Y", (nq, d))
    k = max(1, min(case.get("k", 1), n))
    dist, ind = knn.brute_knn(X, Q, k, case["metric"], case.get("p", 2.0))
    check_neighbors(dist, ind, X, Q, k, case["metric"], case.get("p", 2.0),
                    "_kernels.knn.brute_knn")


def k_tree_query(case, notes):
    n, nq, d = case["n"], case["m"], case["d"]
    X = arr(case, "X", (n, d))
    Q = arr(case, "Y", (nq, d))
    k = max(1, min(case.get("k", 1), n))
    t = kdtree.build_tree(X, max(1, case.get("leaf_size", 2)))
    dist, ind = kdtree.tree_query(t, Q, k, case["metric"], case.get("p", 2.0))
    check_neighbors(dist, ind, X, Q, k, case["metric"], case.get("p", 2.0),
                    "_kernels.kdtree.tree_query")


def k_tree_radius(case, notes):
    n, nq, d = case["n"], case["m"], case["d"]
    X = arr(case, "X", (n, d))
    Q = arr(case, "Y", (nq, d))
    metric, p = case["metric"], case.get("p", 2.0)
    t = kdtree.build_tree(X, max(1, case.get("leaf_size", 2)))
    r = np.array([case.get("r", 1.0)], dtype=np.float64)
    counts = kdtree.tree_radius(t, Q, r, metric, p, count_only=True)
    ind, dist, off = kdtree.tree_radius(t, Q, r, metric, p, return_distance=True, sort=True)
    if (ind < 0).any() or (ind >= n).any():
        raise Violation("index out of range", f"_kernels.kdtree.tree_radius: "
                                              f"{ind[(ind < 0) | (ind >= n)][:3]} not in [0, {n})")
    if not (np.diff(off) == counts).all():
        raise Violation("inconsistent radius counts", "count_only vs offsets")
    T, s = true_distances(X, Q, metric, p)
    T = T.T
    from fuzz_targets import dist_tolerance
    tol = 2 * dist_tolerance(metric, X.dtype, d, Q, X, s)
    rr = r[0] / s
    lo = (T < rr - tol).sum(axis=1)
    hi = (T <= rr + tol).sum(axis=1)
    wrong = (counts < lo) | (counts > hi)
    if wrong.any():
        i = int(np.argmax(wrong))
        raise Violation("wrong radius count", f"_kernels.kdtree.tree_radius(r={r[0]:.6g}) "
                                              f"query {i}: {counts[i]}, true {lo[i]}..{hi[i]} "
                                              f"(|x|max={max_abs(X):.3g})")


def k_lloyd_step(case, notes):
    n, k, d = case["n"], case["m"], case["d"]
    X = arr(case, "X", (n, d))
    C = arr(case, "Y", (k, d))
    sw = arr(case, "w", (n,), 0.0, 1e6) if case.get("weighted") else None
    labels, mind, inertia, sums, wsum = kmeans.lloyd_step(X, C, sw, update=True)
    if labels.shape != (n,) or (labels < 0).any() or (labels >= k).any():
        raise Violation("label out of range", f"_kernels.kmeans.lloyd_step: labels "
                                              f"{labels[(labels < 0) | (labels >= k)][:3]} "
                                              f"not in [0, {k})")
    T, s = true_distances(C, X, "sqeuclidean")
    T = T.T
    best = T.min(axis=1)
    got = T[np.arange(n), labels]
    from fuzz_targets import dist_tolerance
    tol = dist_tolerance("sqeuclidean", X.dtype, d, X, C, s)
    tolg = np.broadcast_to(tol, T.shape)[np.arange(n), labels]
    ok0 = best * s < float(np.finfo(X.dtype).max) * 0.5
    if (ok0 & (got > best + 2 * tolg)).any():
        i = int(np.argmax(ok0 & (got > best + 2 * tolg)))
        raise Violation("wrong nearest centre", f"_kernels.kmeans.lloyd_step: row {i} label "
                                                f"{labels[i]} at {got[i] * s:.6g}, best "
                                                f"{best[i] * s:.6g}")
    big = float(np.finfo(X.dtype).max)
    ok = best * s < big * 0.5
    if (~np.isfinite(mind) & ok).any():
        i = int(np.argmax(~np.isfinite(mind) & ok))
        raise Violation("non-finite distance from finite input",
                        f"_kernels.kmeans.lloyd_step: mind[{i}]={mind[i]!r}, true "
                        f"{best[i] * s:.6g}")


def k_lloyd(case, notes):
    n, k, d = case["n"], case["m"], case["d"]
    k = max(1, min(k, n))
    X = arr(case, "X", (n, d))
    C = np.ascontiguousarray(X[:k].copy())
    labels, inertia, centers, n_iter = kmeans.lloyd(X, C, None, max_iter=case.get("max_iter", 5))
    if (labels < 0).any() or (labels >= k).any():
        raise Violation("label out of range", f"_kernels.kmeans.lloyd: {labels.max()} >= {k}")
    if centers.shape != (k, d):
        raise Violation("wrong shape", f"_kernels.kmeans.lloyd centers {centers.shape}")
    if max_abs(X) < 1e15 and not np.isfinite(centers).all():
        raise Violation("non-finite centres from finite input", "_kernels.kmeans.lloyd")


def k_act(case, notes):
    n = case["n"]
    x = arr(case, "X", (n,))
    kind, alpha = case["kind"], case.get("alpha", 0.01)
    y = activation.forward(kind, x, alpha)
    ry = r_activation.forward(kind, _c(x), alpha)
    compare(y, ry, f"activation.forward(kind={kind})", atol=4 * _eps(case) * max(1.0, abs(alpha)),
            notes=notes)
    dy = arr(case, "Y", (n,))
    dx = activation.backward(kind, dy, x, ry, alpha)
    rdx = r_activation.backward(kind, _c(dy), _c(x), ry, alpha)
    compare(dx, rdx, f"activation.backward(kind={kind})", atol=4 * _eps(case), notes=notes)


def k_softmax(case, notes):
    n, c = case["n"], case["m"]
    x = arr(case, "X", (n, c))
    log = case.get("log", False)
    y = activation.softmax(x, log)
    ry = r_activation.softmax(_c(x), log)
    compare(y, ry, f"activation.softmax(log={log})", atol=8 * c * _eps(case),
            rtol=1e-4 if x.dtype == np.float32 else 1e-10, notes=notes)
    dy = arr(case, "Y", (n, c))
    dx = activation.softmax_backward(dy, ry, log)
    rdx = r_activation.softmax_backward(_c(dy), ry, log)
    scale = max(1.0, max_abs(dy)) * (np.exp(np.abs(ry)).max() if log and np.isfinite(ry).all()
                                     and np.abs(ry).max() < 50 else 1.0)
    compare(dx, rdx, f"activation.softmax_backward(log={log})", atol=16 * c * _eps(case) * scale,
            rtol=1e-3 if x.dtype == np.float32 else 1e-9, notes=notes)


_LOSS_RANGES = {r_loss.BCE: ((0.0, 1.0), (0.0, 1.0)), r_loss.KL_DIV: ((None, None), (0.0, None)),
                r_loss.HINGE: ((None, None), "pm1"), r_loss.HINGE_EMBEDDING: ((None, None), "pm1")}


def k_loss(case, notes):
    n = case["n"]
    kind, param = case["kind"], case.get("param", 1.0)
    (xlo, xhi), yr = _LOSS_RANGES.get(kind, ((None, None), (None, None)))
    x = arr(case, "X", (n,), xlo, xhi)
    if yr == "pm1":
        y = _store(np.where(np.arange(n) % 2 == 0, 1.0, -1.0).astype(case["dtype"]),
                   case.get("storage", "heap"))
    elif yr != (None, None):
        y = arr(case, "Y", (n,), *yr)
    else:
        y = arr(case, "Y", (n,))
    if kind == r_loss.KL_DIV_LOG:
        y = np.ascontiguousarray(np.minimum(y, 50).astype(case["dtype"]))
    out = loss.pointwise(kind, x, y, param)
    rout = r_loss.pointwise(kind, _c(x), _c(y), param)
    mag = max(1.0, max_abs(x), max_abs(y), abs(param))
    compare(out, rout, f"loss.pointwise(kind={kind})", atol=16 * _eps(case) * mag,
            rtol=1e-4 if x.dtype == np.float32 else 1e-10, notes=notes)
    s = loss.pointwise_sum(kind, x, y, param)
    rs = r_loss.pointwise_sum(kind, _c(x), _c(y), param)
    if np.isfinite(rs) and not np.isfinite(s):
        raise Violation("non-finite where the twin is finite", f"loss.pointwise_sum(kind={kind}): "
                                                               f"{s!r}, twin {rs!r}")
    dout = case.get("dout", 1.0)
    g = loss.pointwise_backward(kind, dout, x, y, param)
    rg = r_loss.pointwise_backward(kind, dout, _c(x), _c(y), param)
    compare(g, rg, f"loss.pointwise_backward(kind={kind})",
            atol=16 * _eps(case) * mag * max(1.0, abs(dout)),
            rtol=1e-4 if x.dtype == np.float32 else 1e-10, notes=notes)


def k_cross_entropy(case, notes):
    n, c = case["n"], case["m"]
    x = arr(case, "X", (n, c))
    t = _store(np.arange(n, dtype=np.int64) * 7 % c, case.get("storage", "heap"))
    l, lse = loss.cross_entropy(x, t)
    rl, rlse = r_loss.cross_entropy(_c(x), _c(t))
    tol = 16 * c * _eps(case) * max(1.0, max_abs(x))
    rtol = 1e-4 if x.dtype == np.float32 else 1e-10
    compare(l, rl, "loss.cross_entropy loss", atol=tol, rtol=rtol, notes=notes)
    compare(lse, rlse, "loss.cross_entropy lse", atol=tol, rtol=rtol, notes=notes)
    dx = loss.cross_entropy_backward(1.0, x, rlse, t)
    rdx = r_loss.cross_entropy_backward(1.0, _c(x), rlse, _c(t))
    compare(dx, rdx, "loss.cross_entropy_backward", atol=16 * c * _eps(case),
            rtol=1e-3 if x.dtype == np.float32 else 1e-9, notes=notes)


def k_dropout(case, notes):
    n = case["n"]
    x = arr(case, "X", (n,))
    p = case.get("p", 0.5)
    key = case.get("key", 0) % (1 << 64)
    y = dropout.dropout(x, p, key)
    ry = r_dropout.dropout(_c(x), p, key)
    compare(y, ry, f"dropout(p={p})", atol=0.0, rtol=4 * _eps(case), notes=notes)


def k_linear(case, notes):
    n, i, o = case["n"], case["d"], case["m"]
    x = arr(case, "X", (n, i))
    w = arr(case, "Y", (o, i))
    b = arr(case, "b", (o,)) if case.get("bias", True) else None
    act = case.get("act", -1)
    y = dense.linear_forward(x, w, b, act)
    ry = r_dense.linear_forward(_c(x), _c(w), _c(b), act)
    bound = r_dense.linear_forward(_f64(x), _f64(w), None if b is None else _f64(b), -1)
    with np.errstate(all="ignore"):
        compare(y, ry, "dense.linear_forward", atol=4 * (i + 1) * _eps(case) * bound, rtol=0,
                notes=notes, bound=bound)
    dy = arr(case, "dy", (n, o))
    g = dense.linear_backward(dy, x, w, y=ry if act == 0 else None, act=act)
    rg = r_dense.linear_backward(_c(dy), _c(x), _c(w), y=ry if act == 0 else None, act=act)
    bg = r_dense.linear_backward(_f64(dy), _f64(x), _f64(w), act=-1)
    for name, a, b2, bd in zip(("dx", "dw", "db"), g, rg, bg):
        if a is not None:
            with np.errstate(all="ignore"):
                compare(a, b2, f"dense.linear_backward {name}",
                        atol=4 * (max(n, o) + 1) * _eps(case) * bd, rtol=0, notes=notes,
                        bound=bd)


def k_conv2d(case, notes):
    N, C, H, W = case["shape4"]
    groups = case.get("groups", 1)
    C = C * groups
    K = case.get("K", 2) * groups
    R, S = case.get("kernel", (3, 3))
    stride, padding, dilation = case.get("stride", (1, 1)), case.get("padding", (0, 0)), \
        case.get("dilation", (1, 1))
    OH = conv.out_size(H, R, stride[0], padding[0], dilation[0])
    OW = conv.out_size(W, S, stride[1], padding[1], dilation[1])
    if OH < 1 or OW < 1:
        return
    x = arr(case, "X", (N, C, H, W))
    w = arr(case, "Y", (K, C // groups, R, S))
    b = arr(case, "b", (K,)) if case.get("bias", True) else None
    y = conv.conv2d_forward(x, w, b, stride, padding, dilation, groups)
    ry = r_conv.conv2d_forward(_c(x), _c(w), _c(b), stride, padding, dilation, groups)
    bound = r_conv.conv2d_forward(_f64(x), _f64(w), None if b is None else _f64(b), stride,
                                  padding, dilation, groups)
    red = C // groups * R * S + 1
    with np.errstate(all="ignore"):
        compare(y, ry, "conv.conv2d_forward", atol=4 * red * _eps(case) * bound, rtol=0,
                notes=notes, bound=bound)
    dy = arr(case, "dy", (N, K, OH, OW))
    g = conv.conv2d_backward(dy, x, w, stride, padding, dilation, groups)
    rg = r_conv.conv2d_backward(_c(dy), _c(x), _c(w), stride, padding, dilation, groups)
    bg = r_conv.conv2d_backward(_f64(dy), _f64(x), _f64(w), stride, padding, dilation, groups)
    red2 = max(red, N * OH * OW + 1, K * R * S + 1)
    for name, a, b2, bd in zip(("dx", "dw", "db"), g, rg, bg):
        with np.errstate(all="ignore"):
            compare(a, b2, f"conv.conv2d_backward {name}", atol=4 * red2 * _eps(case) * bd,
                    rtol=0, notes=notes, bound=bd)


def k_pool(case, notes):
    N, C, H, W = case["shape4"]
    kernel = case.get("kernel", (2, 2))
    stride = case.get("stride", kernel)
    padding = tuple(min(p, k // 2) for p, k in zip(case.get("padding", (0, 0)), kernel))
    if pool2d.out_size(H, kernel[0], stride[0], padding[0]) < 1 or \
            pool2d.out_size(W, kernel[1], stride[1], padding[1]) < 1:
        return
    x = arr(case, "X", (N, C, H, W))
    if case.get("mode", "max") == "max":
        y, am = pool2d.max_pool2d_forward(x, kernel, stride, padding)
        ry, ram = r_pool2d.max_pool2d_forward(_c(x), kernel, stride, padding)
        if (am < 0).any() or (am >= H * W).any():
            raise Violation("index out of range", f"max_pool2d argmax {am.min()}..{am.max()} "
                                                  f"not in [0, {H * W})")
        compare(y, ry, "pool2d.max_pool2d_forward", notes=notes)
        compare(am, ram, "pool2d.max_pool2d_forward argmax")
        dy = arr(case, "dy", y.shape)
        dx = pool2d.max_pool2d_backward(dy, am, x.shape, kernel, stride, padding)
        rdx = r_pool2d.max_pool2d_backward(_c(dy), ram, x.shape, kernel, stride, padding)
        compare(dx, rdx, "pool2d.max_pool2d_backward", atol=8 * _eps(case) * max_abs(dy) *
                kernel[0] * kernel[1], notes=notes)
    elif case["mode"] == "avg":
        cip = case.get("count_include_pad", True)
        y = pool2d.avg_pool2d_forward(x, kernel, stride, padding, cip)
        ry = r_pool2d.avg_pool2d_forward(_c(x), kernel, stride, padding, cip)
        compare(y, ry, "pool2d.avg_pool2d_forward", atol=8 * _eps(case) * max_abs(x) *
                kernel[0] * kernel[1], rtol=1e-4 if x.dtype == np.float32 else 1e-10, notes=notes)
        dy = arr(case, "dy", y.shape)
        dx = pool2d.avg_pool2d_backward(dy, x.shape, kernel, stride, padding, cip)
        rdx = r_pool2d.avg_pool2d_backward(_c(dy), x.shape, kernel, stride, padding, cip)
        compare(dx, rdx, "pool2d.avg_pool2d_backward", atol=8 * _eps(case) * max_abs(dy) *
                kernel[0] * kernel[1], rtol=1e-4 if x.dtype == np.float32 else 1e-10, notes=notes)
    else:
        y = pool2d.global_avg_pool_forward(x)
        ry = r_pool2d.global_avg_pool_forward(_c(x))
        compare(y, ry, "pool2d.global_avg_pool_forward", atol=8 * H * W * _eps(case) * max_abs(x),
                rtol=1e-4 if x.dtype == np.float32 else 1e-10, notes=notes)
        dy = arr(case, "dy", y.shape)
        dx = pool2d.global_avg_pool_backward(dy, x.shape)
        rdx = r_pool2d.global_avg_pool_backward(_c(dy), x.shape)
        compare(dx, rdx, "pool2d.global_avg_pool_backward", atol=8 * _eps(case) * max_abs(dy),
                notes=notes)


def k_batchnorm(case, notes):
    N, C, H, W = case["shape4"]
    N = max(N, 2)
    x = arr(case, "X", (N, C, H, W) if case.get("four_d", True) else (N, C))
    w = arr(case, "w", (C,)) if case.get("affine", True) else None
    b = arr(case, "b", (C,)) if case.get("affine", True) else None
    rm = np.zeros(C, dtype=case["dtype"])
    rv = np.ones(C, dtype=case["dtype"])
    rm2, rv2 = rm.copy(), rv.copy()
    eps = case.get("eps", 1e-5)
    y, mean, invstd = batchnorm.forward_train(x, rm, rv, w, b, 0.1, eps)
    ry, rmean, rinv = r_batchnorm.forward_train(_c(x), rm2, rv2, _c(w), _c(b), 0.1, eps)
    # values compared only for moderate data and eps (tiny eps or variance:
    # catastrophic cancellation legitimately differs); finiteness always
    xf = np.asarray(x, np.float64).reshape(N, C, -1)
    var = xf.var(axis=(0, 2)) if xf.size else np.ones(C)
    moderate = max_abs(x, w, b) <= 1e4 and eps >= 1e-5 and (var >= 1e-3).all()
    tol = 1e-3 if x.dtype == np.float32 else 1e-8
    compare(mean, rmean, "batchnorm.forward_train mean", atol=tol * max(1.0, max_abs(x)),
            rtol=tol, notes=notes)
    if moderate:
        compare(y, ry, "batchnorm.forward_train y", atol=tol * max(1.0, max_abs(w, b)) * 10,
                rtol=tol, notes=notes)
        dy = arr(case, "dy", x.shape)
        g = batchnorm.backward(dy, x, rmean, rinv, w, True)
        rg = r_batchnorm.backward(_c(dy), _c(x), rmean, rinv, _c(w), True)
        for name, a, b2 in zip(("dx", "dw", "db"), g, rg):
            if a is not None and b2 is not None:
                sc = max(1.0, max_abs(b2))
                compare(a, b2, f"batchnorm.backward {name}", atol=tol * sc * 10, rtol=tol,
                        notes=notes)
    else:
        compare(y, ry, "batchnorm.forward_train y (finiteness)", atol=np.inf, notes=notes,
                bound=16 * _f64(ry))
    m2, inv2 = batchnorm.eval_stats(rm, rv, eps, x.dtype)
    ye = batchnorm.forward_eval(x, m2, inv2, w, b)
    rye = r_batchnorm.forward_eval(_c(x), m2, inv2, _c(w), _c(b))
    compare(ye, rye, "batchnorm.forward_eval", atol=tol * max(1.0, max_abs(rye)),
            rtol=tol, notes=notes)


def k_recurrent(case, notes):
    T, B, I, H = case["shape4"]
    lstm = case.get("lstm", True)
    G = 4 if lstm else 1
    x = arr(case, "X", (T * B, I))
    h0 = arr(case, "h0", (B, H))
    c0 = arr(case, "c0", (B, H))
    w_ih = arr(case, "Y", (G * H, I))
    w_hh = arr(case, "w", (G * H, H))
    bias = arr(case, "b", (G * H,)) if case.get("bias", True) else None
    tol = 1e-3 if x.dtype == np.float32 else 1e-9
    mag = max(1.0, max_abs(x, h0, c0, w_ih, w_hh, bias)) ** 2 * (I + H + 1)
    # as for dense and conv2d: where a pre-activation's partial sums may overflow the
    # dtype (inf - inf inside the GEMM), NaN is the arithmetic's, not a bug; only
    # crashes are checked there
    overflow = mag >= float(np.finfo(x.dtype).max) / 4
    if lstm:
        out = recurrent.lstm_forward(x, h0, c0, w_ih, w_hh, bias, T, B)
        out = tuple(np.array(a) for a in out)
        rout = r_recurrent.lstm_forward(_c(x), _c(h0), _c(c0), _c(w_ih), _c(w_hh), _c(bias), T, B)
        for name, a, b2 in zip(("y", "c", "gates"), out, rout):
            if mag < 1e6:
                compare(a, b2, f"recurrent.lstm_forward {name}",
                        atol=tol * (T + 1) * (1 if name == "y" else mag), rtol=tol, notes=notes)
            elif name != "gates" and not overflow:
                compare(a, b2, f"recurrent.lstm_forward {name} (finiteness)", atol=np.inf,
                        notes=notes)
        dy = arr(case, "dy", (T * B, H))
        g = recurrent.lstm_backward(dy, None, None, x, h0, c0, w_ih, w_hh, *rout, T, B)
        if mag < 1e6:
            rg = r_recurrent.lstm_backward(_c(dy), None, None, _c(x), _c(h0), _c(c0), _c(w_ih),
                                           _c(w_hh), *rout, T, B)
            for name, a, b2 in zip(("dx", "dh0", "dc0", "dw_ih", "dw_hh", "db"), g, rg):
                compare(a, b2, f"recurrent.lstm_backward {name}",
                        atol=tol * (T + 1) * mag * max(1.0, max_abs(dy)), rtol=tol, notes=notes)
    else:
        relu = case.get("relu", False)
        y = np.array(recurrent.rnn_forward(x, h0, w_ih, w_hh, bias, T, B, relu))
        ry = r_recurrent.rnn_forward(_c(x), _c(h0), _c(w_ih), _c(w_hh), _c(bias), T, B, relu)
        if mag < 1e6 and not relu:
            compare(y, ry, "recurrent.rnn_forward", atol=tol * (T + 1), rtol=tol, notes=notes)
        elif not overflow:   # large pre-activations: summation order decides inf's sign
            compare(y, ry, "recurrent.rnn_forward (finiteness)", atol=np.inf, notes=notes)
        dy = arr(case, "dy", (T * B, H))
        recurrent.rnn_backward(dy, None, x, h0, w_ih, w_hh, ry, T, B, relu)


def k_optim(case, notes):
    n = case["n"]
    p = arr(case, "X", (n,))
    g = arr(case, "Y", (n,))
    if case.get("algo", "adam") == "adam":
        m = arr(case, "w", (n,))
        v = arr(case, "b", (n,), 0.0, None)
        vmax = np.array(v) if case.get("amsgrad") else None
        args = dict(lr=case.get("lr", 1e-3), beta1=0.9, beta2=0.999, eps=case.get("eps", 1e-8),
                    wd=case.get("wd", 0.0), decoupled=case.get("decoupled", False),
                    step_size=case.get("lr", 1e-3), inv_bc2_sqrt=1.0)
        P, M, V, VM = (np.array(a) if a is not None else None for a in (p, m, v, vmax))
        P2, M2, V2, VM2 = (np.array(a) if a is not None else None for a in (p, m, v, vmax))
        optim.adam(P, M, V, VM, np.ascontiguousarray(g), **args)
        r_optim.adam(P2, M2, V2, VM2, np.array(g), **args)
        for name, a, b2 in (("p", P, P2), ("m", M, M2), ("v", V, V2)):
            compare(a, b2, f"optim.adam {name}", atol=8 * _eps(case) * max(1.0, max_abs(b2)),
                    rtol=1e-4 if p.dtype == np.float32 else 1e-10, notes=notes)
    else:
        buf = arr(case, "w", (n,)) if case.get("momentum", 0.0) else None
        args = dict(lr=case.get("lr", 1e-2), momentum=case.get("momentum", 0.0),
                    dampening=0.0, wd=case.get("wd", 0.0), nesterov=case.get("nesterov", False),
                    first=case.get("first", False))
        if args["nesterov"] and not args["momentum"]:
            args["nesterov"] = False
        P, B_ = np.array(p), (np.array(buf) if buf is not None else None)
        P2, B2 = np.array(p), (np.array(buf) if buf is not None else None)
        optim.sgd(P, B_, np.ascontiguousarray(g), **args)
        r_optim.sgd(P2, B2, np.array(g), **args)
        compare(P, P2, "optim.sgd p", atol=8 * _eps(case) * max(1.0, max_abs(P2)),
                rtol=1e-4 if p.dtype == np.float32 else 1e-10, notes=notes)


def k_tree(case, notes):
    n, d = case["n"], case["d"]
    X = arr(case, "X", (n, d))
    from fastml.tree import _binning

    Xf = np.asarray(X, dtype=np.float64)
    if not np.isfinite(Xf).all():
        return
    binned = _binning.prepare(Xf)
    edges = binned.edges
    codes = tree.bin_codes(X, edges)
    rcodes = r_tree.bin_codes(np.array(X), edges)
    compare(codes, rcodes, "tree.bin_codes")
    y = np.arange(n, dtype=np.float64) % max(1, case.get("m", 2))
    crit = case.get("criterion", 2)
    nt = tree.build(binned, y, np.empty(0), crit, int(y.max()) + 1 if crit < 2 else 0,
                    case.get("max_depth", 8), 2, 1, 0.0, d, 0.0, 0)
    feat, thr, left, right = (nt[k] for k in ("feature", "threshold", "left", "right"))
    leaves = tree.apply(X, feat, thr, left, right)
    rleaves = r_tree.apply(np.array(X), feat, thr, left, right)
    compare(leaves, rleaves, "tree.apply")
    nn = len(feat)
    if (leaves < 0).any() or (leaves >= nn).any():
        raise Violation("index out of range", f"tree.apply leaf {leaves.max()} >= {nn}")


def k_enet(case, notes):
    n, p = case["n"], case["d"]
    XT = np.asarray(arr(case, "X", (p, n)), dtype=np.float64)
    y = np.asarray(arr(case, "Y", (n,)), dtype=np.float64)
    w = np.zeros(p)
    w2 = np.zeros(p)
    l1, l2 = case.get("l1", 1.0), case.get("l2", 0.0)
    it, gap = linear.enet_cd(w, np.ascontiguousarray(XT), np.ascontiguousarray(y), l1, l2,
                             case.get("max_iter", 20), 1e-4, case.get("positive", False))
    if max_abs(XT, y) <= 1e6 and not np.isfinite(w).all():
        raise Violation("non-finite coefficients from moderate input", "linear.enet_cd")
    r_linear.enet_cd(w2, np.array(XT), np.array(y), l1, l2, case.get("max_iter", 20), 1e-4,
                     case.get("positive", False))


def k_hist(case, notes):
    """Gradient histograms: extreme (finite or not) gradients, guard-page codes."""
    n, d = case["n"], case["d"]
    nbins = 1 + case.get("seed", 0) * 85  # 1, 86, 171, 256
    rng = np.random.default_rng(case.get("seed", 0))
    codes = _store(np.ascontiguousarray(rng.integers(0, nbins, size=(d, n), dtype=np.uint8)),
                   case.get("storage", "heap"))
    g = np.asarray(arr(case, "X", (n,)), dtype=np.float64)
    h = np.asarray(arr(case, "Y", (n,)), dtype=np.float64)
    rows = np.ascontiguousarray(rng.integers(0, n, size=case["m"]).astype(np.int64)) \
        if n and case["m"] % 2 else None
    got = hist.build_histograms(codes, g, h, rows, nbins)
    want = r_hist.build_histograms(np.array(codes), g, h, rows, nbins)
    if got.shape != (d, nbins, 3):
        raise Violation("wrong shape", f"hist.build_histograms: {got.shape}")
    if not np.array_equal(got, want, equal_nan=True):
        raise Violation("differs from the twin", "hist.build_histograms (row-order sums)")


def k_gram(case, notes):
    """Shifted Gram of extreme (finite or not) rows, guard-page X, weights and
    targets: symmetric, finite exactly where the twin is, close where finite."""
    from fastml._kernels import gram as kg
    from fastml._kernels.reference import gram as r_gram

    n, d = case["n"], max(case["d"], 1)
    k = case.get("seed", 0) % 3
    X = arr(case, "X", (n, d))
    Y = np.asarray(arr(case, "Y", (n, k)), dtype=np.float64) if k else None
    w = np.abs(np.asarray(arr(case, "w", (n,)), dtype=np.float64)) if case["m"] % 2 else None
    shift = np.zeros(d + k)
    with np.errstate(all="ignore"):
        got = kg.shifted_gram(X, Y, w, shift)
        want = r_gram.shifted_gram(np.array(X), Y, w, shift)
    if got.shape != want.shape:
        raise Violation("wrong shape", f"gram.shifted_gram: {got.shape}, twin {want.shape}")
    if not np.array_equal(got, got.T, equal_nan=True):
        raise Violation("not symmetric", "gram.shifted_gram")
    fin = np.isfinite(want) & (np.abs(want) < 1e300)
    if not np.array_equal(np.isnan(got[fin]), np.isnan(want[fin])):
        raise Violation("differs from the twin", "gram.shifted_gram: NaN where the twin is finite")
    scale = np.abs(want[fin]).max() if fin.any() else 0.0
    if fin.any() and not np.allclose(got[fin], want[fin], rtol=1e-9, atol=1e-9 * scale):
        raise Violation("differs from the twin", "gram.shifted_gram (finite entries)")


def k_hnsw(case, notes):
    """HNSW build and search (through fastml.neighbors.HNSW, which prepares the
    graph) on extreme finite rows in guard-page memory: indices in range,
    rows sorted, each distance equal to the recomputed distance of its index."""
    from fastml.neighbors import HNSW

    n, d = max(case["n"], 1), max(case["d"], 1)
    X = arr(case, "X", (n, d))
    Q = arr(case, "Y", (max(case["m"], 1), d))
    k = 1 + case.get("seed", 0) % min(n, 4)
    idx = HNSW(n_neighbors=k, M=2 + case.get("seed", 0), ef_construction=8, ef_search=max(k, 8),
               n_jobs=1 + case.get("seed", 0) % 2, random_state=0).fit(X)
    dist, ind = idx.kneighbors(Q)
    if ind.shape != (len(Q), k) or dist.shape != (len(Q), k):
        raise Violation("wrong shape", f"HNSW.kneighbors: {ind.shape}, {dist.shape}")
    if ind.min() < 0 or ind.max() >= n:
        raise Violation("index out of range", f"HNSW ind in [{ind.min()}, {ind.max()}], n={n}")
    if len(np.unique(ind, axis=None)) and (np.diff(dist, axis=1) < 0).any():
        raise Violation("differs from the twin", "HNSW rows not sorted by distance")
    X64, Q64 = np.asarray(X, dtype=np.float64), np.asarray(Q, dtype=np.float64)
    with np.errstate(all="ignore"):
        want = np.sqrt(((Q64[:, None, :] - X64[ind]) ** 2).sum(axis=2))
    fi = np.finfo(X.dtype)
    ok = np.isfinite(want) & (want < float(fi.max) / 4) & (want > float(fi.tiny) * 1e6)
    if ok.any() and not np.allclose(dist[ok], want[ok], rtol=1e-3 if X.dtype == np.float32
                                    else 1e-9):
        raise Violation("differs from the twin", "HNSW distances vs recomputed")


def k_sparse(case, notes):
    """CSR kernels on the case's values (zeros where a recipe hits 0):
    gram and the exact kNN against the twin, indices in range."""
    import scipy.sparse as sp

    from fastml._kernels import sparse as ksp
    from fastml._kernels.reference import sparse as r_sparse

    n, m, d = max(case["n"], 1), max(case["m"], 1), max(case["d"], 1)
    keep_x = np.arange(n * d).reshape(n, d) % 3 == 0  # a sparse pattern
    keep_q = np.arange(m * d).reshape(m, d) % 2 == 0
    X = sp.csr_matrix(np.asarray(arr(case, "X", (n, d))) * keep_x)
    Q = sp.csr_matrix(np.asarray(arr(case, "Y", (m, d))) * keep_q)
    X.eliminate_zeros()
    Q.eliminate_zeros()
    if max_abs(X.data, Q.data) > 1e15:
        return  # the expansion's squares overflow; the Python edge rescales such data
    compare(ksp.gram(Q, X.tocsc()), r_sparse.gram(Q, X.tocsc()), "sparse.gram", rtol=1e-4,
            atol=1e-6 * (1 + max_abs(X.data, Q.data) ** 2), notes=notes)
    k = min(n, 1 + case.get("seed", 0))
    xs = ksp.row_norms(X, "sq")
    dist, ind = ksp.knn(Q, X, X.tocsc(), xs, k, "sqeuclidean")
    if dist.shape != (m, k) or (ind < 0).any() or (ind >= n).any():
        raise Violation("index out of range", f"sparse.knn ind in [{ind.min()}, {ind.max()}]")


def k_hgb(case, notes):
    """Histogram boosting engine: binning of extreme / non-finite values,
    gradients of extreme raw scores, tree growth on the codes and prediction
    against the twin; child and row indices in range."""
    from fastml._kernels import hgb
    from fastml._kernels.reference import hgb as r_hgb

    n, d = max(case["n"], 1), max(case["d"], 1)
    rng = np.random.default_rng(case.get("seed", 0))
    X = np.ascontiguousarray(np.asarray(arr(case, "X", (n, d)), dtype=np.float64))
    B = 2 + 20 * case.get("seed", 0)  # value bins 2, 22, 42, 62; missing bin B
    thr = np.zeros((d, max(B - 1, 1)))
    nthr = np.zeros(d, np.int32)
    for f in range(d):
        col = X[:, f][np.isfinite(X[:, f])]
        t = np.unique(col)[: B - 1]
        thr[f, :t.size] = t
        nthr[f] = t.size
    is_cat = np.zeros(d, np.uint8)
    rm, cm = hgb.bin_data(X, thr, nthr, is_cat, B)
    rm2, _ = r_hgb.bin_data(X, thr, nthr, is_cat, B)
    if not np.array_equal(rm, rm2) or int(rm.max(initial=0)) > B:
        raise Violation("differs from the twin / code out of range", "hgb.bin_data")
    raw = np.ascontiguousarray(np.asarray(arr(case, "Y", (n, 1)), dtype=np.float64))
    y = rng.random(n)
    g, h = hgb.gradients(raw, y, None, "squared_error")
    g2, h2 = r_hgb.gradients(raw, y, None, "squared_error")
    compare(g, g2, "hgb.gradients", rtol=1e-6, atol=1e-6, notes=notes)
    g = rng.standard_normal((1, n)).astype(np.float32)
    h = np.ones((1, n), np.float32)
    nbm = (nthr + 1).astype(np.int32)
    has_missing = (cm == B).any(axis=1).astype(np.uint8)
    params = dict(max_leaf_nodes=7, max_depth=0, min_samples_leaf=1, min_hessian=1e-3, l2=0.0,
                  max_features=d, hist_pool=4, seed=case.get("seed", 0), hess_const=1,
                  nbins=B + 1)
    args = (rm, cm, g[0], h[0], nbm, has_missing, is_cat, np.zeros(d, np.int8), params)
    nodes, bits, rows = hgb.grow_tree(*args)
    n2, _, r2 = r_hgb.grow_tree(*args)
    m = nodes.shape[0]
    inner = nodes["feature"] >= 0
    if (nodes["left"][inner] >= m).any() or (nodes["right"][inner] >= m).any() or \
            not np.array_equal(np.sort(rows), np.arange(n)):
        raise Violation("index out of range", "hgb.grow_tree children / row partition")
    if not np.array_equal(nodes["feature"], n2["feature"]) or not np.array_equal(rows, r2):
        raise Violation("differs from the twin", "hgb.grow_tree structure")
    for i in np.flatnonzero(inner):
        f, b = nodes["feature"][i], nodes["bin"][i]
        nodes["threshold"][i] = thr[f, b] if b < nthr[f] else np.inf
    out = hgb.predict_raw(np.zeros((n, 1)), X, nodes, bits, np.array([0]))
    want = r_hgb.predict_raw(np.zeros((n, 1)), X, nodes, bits, np.array([0]))
    if not np.array_equal(out, want):
        raise Violation("differs from the twin", "hgb.predict_raw")


KERNELS = {"pairwise": k_pairwise, "brute_knn": k_brute_knn, "tree_query": k_tree_query,
           "tree_radius": k_tree_radius, "lloyd_step": k_lloyd_step, "lloyd": k_lloyd,
           "activation": k_act, "softmax": k_softmax, "loss": k_loss,
           "cross_entropy": k_cross_entropy, "dropout": k_dropout, "linear": k_linear,
           "conv2d": k_conv2d, "pool2d": k_pool, "batchnorm": k_batchnorm,
           "recurrent": k_recurrent, "optim": k_optim, "tree": k_tree, "enet": k_enet,
           "hist": k_hist, "sparse": k_sparse, "hgb": k_hgb, "gram": k_gram,
           "hnsw": k_hnsw}


def run_kernel(case, notes):
    from fastml._kernels import COMPILED, runtime

    prev = runtime.set_cpu_level(case["level"]) if COMPILED and case.get("level") else None
    try:
        with np.errstate(all="ignore"):
            KERNELS[case["op"]](case, notes)
    finally:
        if prev is not None:
            runtime.set_cpu_level(prev)
    return {}


# ---------------------------------------------------------------------------
# fastml.nn.functional through the public API (validation + autograd)
# ---------------------------------------------------------------------------
def run_nn(case, notes):
    from fastml import nn
    from fastml.nn import functional as F

    op = case["op"]
    x = fuzz_inputs.build(case["X"])
    grad = case.get("requires_grad", True) and getattr(x, "dtype", None) is not None and \
        x.dtype.kind == "f"
    t = nn.Tensor(x, requires_grad=grad)
    kw = case.get("kwargs", {})
    other = fuzz_inputs.build(case.get("Y")) if case.get("Y") is not None else None
    if op in ("relu", "sigmoid", "tanh", "identity"):
        out = getattr(F, op)(t)
    elif op in ("leaky_relu", "elu", "softmax", "log_softmax", "dropout"):
        out = getattr(F, op)(t, **kw)
    elif op in ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
                "binary_cross_entropy_with_logits", "hinge_loss", "hinge_embedding_loss",
                "kl_div"):
        out = getattr(F, op)(t, other, **kw)
    elif op in ("cross_entropy", "nll_loss"):
        out = getattr(F, op)(t, other, **kw)
    elif op == "linear":
        w = nn.Tensor(other, requires_grad=grad)
        out = F.linear(t, w, **kw)
    elif op == "conv2d":
        w = nn.Tensor(other, requires_grad=grad)
        out = F.conv2d(t, w, **kw)
    elif op in ("max_pool2d", "avg_pool2d", "adaptive_avg_pool2d"):
        out = getattr(F, op)(t, **kw)
    elif op == "batch_norm":
        C = x.shape[1] if getattr(x, "ndim", 0) >= 2 else 1
        out = F.batch_norm(t, np.zeros(C, x.dtype if x.dtype.kind == "f" else float),
                           np.ones(C, x.dtype if x.dtype.kind == "f" else float), **kw)
    else:
        raise ValueError(op)
    if grad and out.requires_grad:
        out.sum().backward() if out.data.ndim else out.backward()
        if t.grad is not None and np.shape(t.grad.data if hasattr(t.grad, "data") else t.grad) \
                != x.shape:
            raise Violation("wrong gradient shape", f"nn.functional.{op}")
    if op in ("relu", "sigmoid", "tanh", "softmax") and fuzz_inputs.finite_float(x):
        if not np.isfinite(out.data).all():
            raise Violation("non-finite output from finite input", f"nn.functional.{op}")
    return {}


def k_kmeans_sparse(case, notes):
    """CSR Lloyd step and loop (kmeans_sparse) on the case's values made
    sparse: labels in range, mind/inertia against the twin, finite centres."""
    import scipy.sparse as sp

    from fastml._kernels import kmeans_sparse as kks
    from fastml._kernels.reference import kmeans_sparse as r_kks

    n, k, d = max(case["n"], 1), max(case["m"], 1), max(case["d"], 1)
    k = min(k, n)
    dense = np.nan_to_num(np.asarray(arr(case, "X", (n, d))), nan=0.0, posinf=0.0, neginf=0.0)
    dense = dense * (np.arange(n * d).reshape(n, d) % 3 == 0)
    if max_abs(dense) > 1e15:
        return  # the |c|^2 - 2 x.c key overflows; documented contract: finite products
    X = sp.csr_matrix(dense.astype(case["dtype"]))
    C = np.ascontiguousarray(dense[:k].astype(case["dtype"]))
    sw = arr(case, "w", (n,), 0.0, 1e6) if case.get("seed", 0) % 2 else None
    labels, mind, inertia, sums, wsum = kks.lloyd_step(X, C, sw, update=True)
    if labels.shape != (n,) or (labels < 0).any() or (labels >= k).any():
        raise Violation("label out of range", "_kernels.kmeans_sparse.lloyd_step")
    want = r_kks.lloyd_step(X, C, sw, update=True)
    compare(wsum.sum(), want[4].sum(), "kmeans_sparse.lloyd_step wsum", rtol=1e-5, notes=notes)
    labels, inertia, centers, n_iter = kks.lloyd(X, C, None, max_iter=3)
    if (labels < 0).any() or (labels >= k).any() or centers.shape != (k, d):
        raise Violation("label out of range / wrong shape", "_kernels.kmeans_sparse.lloyd")
    if not np.isfinite(centers).all():
        raise Violation("non-finite centres from finite input", "_kernels.kmeans_sparse.lloyd")


KERNELS["kmeans_sparse"] = k_kmeans_sparse


def k_dbscan(case, notes):
    """dbscan family: Prim's mutual-reachability MST (edge set and weights
    against the twin; every row added once) and core flags + expansion on an
    eps-graph of the case's values (labels equal to the twin's)."""
    from fastml._kernels import dbscan as kd
    from fastml._kernels.reference import dbscan as r_kd

    n, d = max(min(case["n"], 300), 1), max(case["d"], 1)
    X = np.nan_to_num(np.asarray(arr(case, "X", (n, d)), dtype=np.float64), nan=0.0)
    X = np.ascontiguousarray(np.clip(X, -1e300, 1e300))
    core = np.ascontiguousarray(np.abs(X[:, 0]) * 0.5)
    metric = case["metric"] if case.get("metric") in kd.METRICS else "euclidean"
    p = max(1.0, float(case.get("p", 2.0)))
    src, dst, w = kd.mst(X, core, metric, p, 1.0)
    if n > 1 and not np.array_equal(np.sort(dst), np.arange(1, n)):
        raise Violation("a row is missing from the spanning tree", "_kernels.dbscan.mst")
    rs, rd, rw = r_kd.mst(X, core, metric, p, 1.0)
    compare(np.sort(w), np.sort(rw), "_kernels.dbscan.mst weights", rtol=1e-9, notes=notes)
    D = np.abs(X[:, :1] - X[:, :1].T)
    eps = float(np.median(D)) if n > 1 else 0.0
    A = D <= eps
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(A.sum(axis=1), out=indptr[1:])
    indices = (np.flatnonzero(A.ravel()) % n).astype(np.int64)
    cf = kd.core_flags(indptr, indices, None, 3)
    if not np.array_equal(cf, r_kd.core_flags(indptr, indices, None, 3)):
        raise Violation("core flags differ from the twin", "_kernels.dbscan.core_flags")
    if not np.array_equal(kd.expand(cf, indptr, indices)[0], r_kd.expand(cf, indptr, indices)[0]):
        raise Violation("labels differ from the twin", "_kernels.dbscan.expand")


KERNELS["dbscan"] = k_dbscan


def k_svm(case, notes):
    """svm kernel matrix and SMO solve on the case's finite values (scaled to
    keep the kernel finite): kernel matrix vs the twin, the dual solution in
    its box with y'a = 0, finite bias, dense and CSR agreeing."""
    import scipy.sparse as sp

    from fastml._kernels import svm as ksvm
    from fastml._kernels.reference import svm as r_svm

    n, d = max(case["n"], 2), max(case["d"], 1)
    X = np.nan_to_num(np.asarray(arr(case, "X", (n, d)), dtype=np.float64), nan=0.0,
                      posinf=0.0, neginf=0.0)
    s = max_abs(X)
    X = X / s if s > 0 else X
    kernel = ("linear", "rbf", "poly", "sigmoid")[case.get("seed", 0) % 4]
    got = ksvm.kernel_matrix(X, X[: max(1, n // 2)], kernel, 2, 0.5, 0.1)
    want = r_svm.kernel_matrix(X, X[: max(1, n // 2)], kernel, 2, 0.5, 0.1)
    compare(got, want, f"svm.kernel_matrix {kernel}", rtol=1e-9, notes=notes)
    y = np.where(np.arange(n) % 2 == 0, 1, -1).astype(np.int8)
    args = (kernel, 2, 0.5, 0.1, np.arange(n), y, -np.ones(n), np.full(n, 1.0), np.zeros(n),
            False, 1e-3, 1, 1.0, 100000)
    a, rho, *_ = ksvm.solve(X, *args)
    if not np.isfinite(rho) or (a < 0).any() or (a > 1.0).any() or abs(a @ y) > 1e-9 * n:
        raise Violation("infeasible or non-finite dual", f"svm.solve {kernel}")
    a2, rho2, *_ = ksvm.solve(sp.csr_matrix(X), *args)
    if not np.allclose(a2, a, atol=1e-6):
        raise Violation("differs from the twin", f"svm.solve CSR vs dense {kernel}")


KERNELS["svm"] = k_svm


def k_bspline(case, notes):
    """B-spline basis (bspline, Numba) on extreme / NaN values and guard-page
    inputs: dense and CSR against the twin, for every extrapolation mode."""
    from fastml._kernels import bspline as kb
    from fastml._kernels.reference import bspline as r_kb

    n, p = max(case["n"], 1), max(min(case["d"], 4), 1)
    k = case.get("seed", 0) % 4
    mode = r_kb.MODES[(case["m"] + case.get("seed", 0)) % len(r_kb.MODES)]
    n_knots = max(2, min(case["m"], 9), k + 1 if mode == "periodic" else 2)
    scale = 10.0 ** (3 * (case.get("seed", 0) - 1))
    base = np.linspace(-scale, scale, n_knots)
    if mode == "periodic":
        T = np.r_[base[-(k + 1):-1] - 2 * scale, base, base[1:k + 1] + 2 * scale]
    else:
        step = base[1] - base[0]
        T = np.r_[base[0] - step * np.arange(k, 0, -1), base, base[-1] + step * np.arange(1, k + 1)]
    T = np.ascontiguousarray(np.tile(T, (p, 1)))
    X = arr(case, "X", (n, p), -1e300, 1e300)
    if n > 2:
        X = np.array(X)
        X[1, 0] = np.nan
        X = _store(X, case.get("storage", "heap"))
    E = r_kb.edge_table(T, k, mode)
    ns = T.shape[1] - k - 1 - (k if mode == "periodic" else 0)
    for bias in (True, False):
        w = ns if bias else ns - 1
        got = np.zeros((n, p * w), dtype=case["dtype"])
        want = np.zeros((n, p * w), dtype=case["dtype"])
        bad = kb.spline_dense(X, T, k, mode, bias, True, E, got)
        bad_t = r_kb.spline_dense(X, T, k, mode, bias, True, E, want)
        if bad != bad_t:
            raise Violation("mismatch with twin", f"bspline out-of-range count {bad} vs {bad_t}")
        compare(got, want, f"bspline.spline_dense[{mode}, k={k}]", notes=notes)
        ip, ix, data, _ = kb.spline_csr(X, T, k, mode, bias, True, E, case["dtype"])
        if ip[-1] != ix.shape[0] or (ix.size and (ix.min() < 0 or ix.max() >= p * w)):
            raise Violation("index out of range", "bspline.spline_csr")
        dense = np.zeros((n, p * w), dtype=np.float64)
        np.add.at(dense, (np.repeat(np.arange(n), np.diff(ip)), ix), data)
        compare(dense.astype(case["dtype"]), want, f"bspline.spline_csr[{mode}]", notes=notes)


def k_tdlearn(case, notes):
    """TD-learning episodes (tdlearn, Numba) on a random model with extreme
    rewards: the Q-table, returns and lengths equal the twin's."""
    from fastml._kernels import tdlearn as kt
    from fastml._kernels.reference import tdlearn as r_kt

    S, A, K = max(min(case["n"], 12), 1), max(min(case["m"], 5), 1), 1 + case.get("seed", 0) % 3
    P = np.abs(np.asarray(arr(case, "X", (S, A, K), 0.0, 1.0), dtype=np.float64)) + 1e-3
    rng = np.random.default_rng(case.get("seed", 0))
    nexts = rng.integers(0, S, (S, A, K)).astype(np.int64)
    dones = (rng.random((S, A, K)) < 0.2).astype(np.uint8)
    rewards = np.asarray(arr(case, "Y", (S, A, K), -1e300, 1e300), dtype=np.float64)
    isd = r_kt.cumulative(np.ones(S))
    out = []
    for impl in (kt, r_kt):
        Q = np.zeros((S, A))
        ret, ln = np.zeros(15), np.zeros(15, dtype=np.int64)
        impl.run_episodes(Q, r_kt.cumulative(P), nexts, rewards, dones, isd, case["m"] % 2 == 1,
                          15, 25, 0.5, 0.9, 1.0, 0.9, 0.05, case.get("seed", 0), ret, ln)
        out.append((Q, ret, ln))
    compare(out[0][0], out[1][0], "tdlearn Q", notes=notes)
    compare(out[0][1], out[1][1], "tdlearn returns", notes=notes)
    compare(out[0][2], out[1][2], "tdlearn lengths")


KERNELS["bspline"] = k_bspline
KERNELS["tdlearn"] = k_tdlearn


def k_binning(case, notes):
    """KBinsDiscretizer's binning (binning, Numba) on extreme values and
    guard-page inputs: ids equal np.searchsorted's (the twin)."""
    from fastml._kernels import binning as kbn
    from fastml._kernels.reference import binning as r_kbn

    n, p = max(case["n"], 1), max(case["d"], 1)
    X = arr(case, "X", (n, p), -np.inf, np.inf)
    rng = np.random.default_rng(case.get("seed", 0))
    counts = rng.integers(0, max(case["m"], 1) + 1, p)
    edges = np.sort(rng.standard_normal(int(counts.sum())) * 10.0 ** (3 * case.get("seed", 0)))
    ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    for j in range(p):  # sorted within each feature
        edges[ptr[j]:ptr[j + 1]].sort()
    offs = np.cumsum(np.r_[0, counts[:-1] + 1]).astype(np.int64)
    got, want = np.empty((n, p), dtype=np.int64), np.empty((n, p), dtype=np.int64)
    kbn.bin_ids(X, edges, ptr, offs, got)
    r_kbn.bin_ids(X, edges, ptr, offs, want)
    compare(got, want, "binning.bin_ids")


KERNELS["binning"] = k_binning
def k_linkage(case, notes):
    """Hierarchical-clustering kernels (linkage) on extreme finite rows: merge
    lists well formed (ids in range, no NaN distance), labelled matrices valid,
    single linkage's MST weights equal to the twin's (they are unique)."""
    from fastml._kernels import linkage as klk
    from fastml._kernels.reference import linkage as r_lk

    n, d = max(case["n"], 2), max(case["d"], 1)
    X = np.clip(np.nan_to_num(np.asarray(arr(case, "X", (n, d)), dtype=np.float64),
                              nan=0.0, posinf=1e150, neginf=-1e150), -1e150, 1e150)
    method = ("complete", "average", "weighted", "ward")[case.get("seed", 0) % 4]
    D = klk.pdist(X, "euclidean")
    merges = {"ward": klk.ward(X), "chain": klk.chain(D, n, method),
              "mst": klk.mst(X, "manhattan"), "mst_condensed": klk.mst_condensed(D, n)}
    for name, M in merges.items():
        if M.shape != (n - 1, 3):
            raise Violation("wrong shape", f"linkage.{name}: {M.shape}")
        ids = M[:, :2]
        if (ids < 0).any() or (ids >= n).any() or (ids[:, 0] == ids[:, 1]).any():
            raise Violation("index out of range", f"linkage.{name} merge ids")
        if np.isnan(M[:, 2]).any():
            raise Violation("NaN from finite input", f"linkage.{name} distances")
        Z = klk.label(M, True)
        if Z[-1, 3] != n or (np.diff(Z[:, 2]) < 0).any():
            raise Violation("invalid linkage matrix", f"linkage.label of {name}")
    want = np.sort(r_lk.mst(X, "manhattan")[:, 2])
    got = np.sort(merges["mst"][:, 2])
    fin = np.isfinite(want)
    if not np.allclose(got[fin], want[fin], rtol=1e-9, atol=0):
        raise Violation("differs from the twin", "linkage.mst weights")


KERNELS["linkage"] = k_linkage
def k_gmm(case, notes):
    """Fused GMM E-step on extreme (finite or not) whitened rows in guard-page
    memory, shared or per-component blocks, scaled or not: NaN only where the
    twin has one, lse close to the twin's where both are finite, every
    responsibility in [0, 1] and rows summing to 1 where lse is finite."""
    from fastml._kernels import gmm as kg
    from fastml._kernels.reference import gmm as r_gmm

    n, d = case["n"], max(case["d"], 1)
    k = 1 + case["m"] % 5
    ks = d if case.get("seed", 0) % 2 else 0
    Y = arr(case, "X", (n, (k - 1) * ks + d))
    dt = np.asarray(Y).dtype
    fmax = float(np.finfo(dt).max) ** 0.25  # the caller's B and S are finite and moderate
    B = np.clip(np.nan_to_num(np.asarray(arr(case, "Y", (k, d)), dtype=np.float64)),
                -fmax, fmax).astype(dt)
    S = None
    if case["m"] % 3 == 0:
        S = np.clip(np.abs(np.nan_to_num(np.asarray(arr(case, "w", (k, d)), dtype=np.float64))),
                    1e-3, fmax).astype(dt)
    c = -np.arange(k, dtype=dt)
    outs = []
    for mod, Yin in ((kg, Y), (r_gmm, np.array(Y))):
        resp = np.empty((n, k), dtype=dt)
        lse = np.empty(n, dtype=dt)
        mod.estep(resp, lse, Yin, ks, S, B, c)
        outs.append((resp, lse))
    (r1, l1), (r2, l2) = outs
    if np.isnan(l1[~np.isnan(l2)]).any():
        raise Violation("differs from the twin", "gmm.estep: NaN lse where the twin has none")
    both = np.isfinite(l1) & np.isfinite(l2)
    tol = 1e-4 if dt == np.float32 else 1e-9
    if not np.allclose(l1[both], l2[both], rtol=tol, atol=tol):
        raise Violation("differs from the twin", "gmm.estep lse (finite rows)")
    fin = np.isfinite(l1)
    if ((r1[fin] < 0) | (r1[fin] > 1 + tol)).any() or \
            not np.allclose(r1[fin].sum(axis=1), 1, rtol=10 * tol):
        raise Violation("not a distribution", "gmm.estep resp rows")


KERNELS["gmm"] = k_gmm


def k_layernorm(case, notes):
    """Layer norm (rows x d) and group norm ((n, C, m) with G | C) on extreme
    finite rows up to +-1e15 (the facade's documented range: float32 lane sums
    of squares must not overflow), guard-page storage: finite wherever the
    twin is finite and close to it for moderate data; gradients likewise."""
    from fastml._kernels import layernorm as kln
    from fastml._kernels.reference import layernorm as r_ln

    rows, d = max(case["n"], 1), max(case["d"], 1)
    x = arr(case, "X", (rows, d), -1e15, 1e15)
    w = arr(case, "w", (d,), -1e15, 1e15) if case.get("seed", 0) % 2 else None
    b = arr(case, "b", (d,), -1e15, 1e15) if case.get("seed", 0) % 2 else None
    dy = arr(case, "dy", (rows, d), -1e15, 1e15)
    tol = 1e-3 if np.asarray(x).dtype == np.float32 else 1e-8
    moderate = max_abs(x, w, b, dy) <= 1e4
    xf = np.asarray(x, np.float64)
    moderate = moderate and (xf.var(axis=1) >= 1e-3).all()
    y, mean, rstd = kln.layer_norm(x, w, b, 1e-5)
    ry, rmean, rrstd = r_ln.layer_norm(_c(x), _c(w), _c(b), 1e-5)
    compare(mean, rmean, "layernorm.layer_norm mean", atol=tol * max(1.0, max_abs(x)), rtol=tol,
            notes=notes)
    if not moderate:
        compare(y, ry, "layernorm.layer_norm y (finiteness)", atol=np.inf, notes=notes,
                bound=16 * _f64(ry) + 16)
        return
    compare(y, ry, "layernorm.layer_norm y", atol=tol * max(1.0, max_abs(w, b)) * 10, rtol=tol,
            notes=notes)
    got = kln.layer_norm_backward(dy, x, rmean, rrstd, w, True, w is not None, b is not None)
    want = r_ln.layer_norm_backward(_c(dy), _c(x), rmean, rrstd, _c(w), True, w is not None,
                                    b is not None)
    for name, a, b2 in zip(("dx", "dw", "db"), got, want):
        if a is not None:
            compare(a, b2, f"layernorm.layer_norm_backward {name}",
                    atol=tol * max(1.0, max_abs(b2)) * 10, rtol=tol, notes=notes)
    G = 1 + case["m"] % 3
    C = G * max(1, case["m"] % 4)
    x3 = np.ascontiguousarray(np.resize(np.asarray(x), (rows, C, d)))
    if (x3.astype(np.float64).reshape(rows * G, -1).var(axis=1) < 1e-3).any():
        return
    gy, gm, gr = kln.group_norm(x3, G, None, None, 1e-5)
    rgy, rgm, rgr = r_ln.group_norm(x3.copy(), G, None, None, 1e-5)
    compare(gy, rgy, "layernorm.group_norm y", atol=tol * 10, rtol=tol, notes=notes)
    dy3 = np.ascontiguousarray(np.resize(np.asarray(dy), x3.shape))
    gdx = kln.group_norm_backward(dy3, x3, rgm, rgr, None, G)[0]
    rgdx = r_ln.group_norm_backward(dy3, x3, rgm, rgr, None, G)[0]
    compare(gdx, rgdx, "layernorm.group_norm_backward dx",
            atol=tol * max(1.0, max_abs(rgdx)) * 10, rtol=tol, notes=notes)


KERNELS["layernorm"] = k_layernorm


def k_logistic(case, notes):
    """The fused binary logistic objective on finite rows up to +-1e6 with
    weights up to +-1e3 (margins far past exp's range), sample weights in
    [0, 1e3] (zeros included), guard-page storage: loss, gradient and
    curvature finite and equal to the twin's within the rounding the two
    summation orders of the logits allow."""
    from fastml._kernels import logistic as klg
    from fastml._kernels.reference import logistic as r_lg

    n, p = max(case["n"], 1), max(case["d"], 1)
    X = arr(case, "X", (n, p), -1e6, 1e6)
    w = np.ascontiguousarray(np.asarray(arr(case, "w", (p,), -1e3, 1e3), dtype=np.float64))
    sn = np.ascontiguousarray(np.asarray(arr(case, "Y", (n,), 0.0, 1e3), dtype=np.float64))
    ypm = np.where(np.arange(n) % (2 + case.get("seed", 0)) == 0, 1.0, -1.0)
    b = float(np.clip(np.nan_to_num(np.asarray(arr(case, "b", (1,)), np.float64))[0], -1e3, 1e3))
    loss, gw, gb, curv = klg.binary(X, ypm, sn, w, b, True)
    rl, rgw, rgb, rcurv = r_lg.binary(_c(X), ypm, sn, w, b, True)
    if not (np.isfinite(loss) and np.isfinite(gw).all() and np.isfinite(gb)
            and np.isfinite(curv).all()):
        raise Violation("non-finite result", "logistic.binary on finite input")
    xmax = max(1.0, max_abs(X))
    dz = 1e-13 * (p * xmax * max(1.0, max_abs(w)) + abs(b))  # logits' rounding, either order
    S = float(sn.sum())
    compare(loss, rl, "logistic.binary loss", atol=S * dz + 1e-12 * abs(rl), rtol=1e-12,
            notes=notes)
    compare(gw, rgw, "logistic.binary grad_w", atol=2 * S * (dz + 1e-13) * xmax * p, rtol=1e-9,
            notes=notes)
    compare(gb, rgb, "logistic.binary grad_b", atol=2 * S * (dz + 1e-13), rtol=1e-9, notes=notes)
    compare(curv, rcurv, "logistic.binary curv", atol=max(1e-300, float(sn.max())) * (dz + 1e-15),
            rtol=1e-9, notes=notes)


KERNELS["logistic"] = k_logistic


def k_act_extra(case, notes):
    """Activation kinds 5-14 (GELU, GELU-tanh, SiLU, Softplus, Mish, Hardswish,
    SELU, Softsign, LogSigmoid, Hardtanh) with their parameters, against the
    twin in the same dtype (so intermediate overflow is the same arithmetic's):
    within a few ulp of the value plus |x| / 4 of that (float32 cancellation
    in 1 + tanh(.), as torch's formula), finite wherever the twin is."""
    n = case["n"]
    x = arr(case, "X", (n,))
    kind, a, b = case["kind"], case["alpha"], case["beta"]
    dt = np.asarray(x).dtype
    tol = 4e-6 if dt == np.float32 else 1e-13
    x64 = np.asarray(x, np.float64)
    y = activation.forward(kind, x, a, b)
    with np.errstate(all="ignore"):
        ry = r_activation.forward(kind, _c(x), a, b)
    fin = np.where(np.isfinite(x64), np.abs(x64), 0.0)
    compare(y, ry, f"activation.forward(kind={kind}, {a}, {b})",
            atol=tol * fin / 4 + 1e-37, rtol=tol, notes=notes)
    dy = arr(case, "Y", (n,))
    dx = activation.backward(kind, dy, x, y, a, b)
    dy64 = np.asarray(dy, np.float64)
    with np.errstate(all="ignore"):
        rdx = r_activation.backward(kind, _c(dy), _c(x), ry, a, b)
        scale = np.where(np.isfinite(dy64), np.abs(dy64), 0.0) * np.maximum(1.0, fin)
    # SELU's negative side reads the forward output y: its rounding carries over
    compare(dx, rdx, f"activation.backward(kind={kind}, {a}, {b})",
            atol=2 * tol * scale + 1e-37, rtol=2 * tol, notes=notes)


def k_gru(case, notes):
    """GRU forward/backward (gate order r, z, n; separate b_ih / b_hh) against
    the twin; as for the LSTM, values are compared where the pre-activations
    stay moderate and only finiteness (no crash, no inf/NaN from finite
    moderate data) beyond."""
    T, B, I, H = case["shape4"]
    x = arr(case, "X", (T * B, I))
    h0 = arr(case, "h0", (B, H))
    w_ih = arr(case, "Y", (3 * H, I))
    w_hh = arr(case, "w", (3 * H, H))
    if case.get("bias", True):
        b_ih, b_hh = arr(case, "b", (3 * H,)), arr(case, "c0", (3 * H,))
    else:
        b_ih = b_hh = None
    tol = 1e-3 if np.asarray(x).dtype == np.float32 else 1e-9
    mag = max(1.0, max_abs(x, h0, w_ih, w_hh, b_ih, b_hh)) ** 2 * (I + H + 1)
    overflow = mag >= float(np.finfo(np.asarray(x).dtype).max) / 4
    y, gates = (np.array(a) for a in recurrent.gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, T, B))
    ry, rgates = r_recurrent.gru_forward(_c(x), _c(h0), _c(w_ih), _c(w_hh), _c(b_ih),
                                         _c(b_hh), T, B)
    if mag < 1e6:
        compare(y, ry, "recurrent.gru_forward y", atol=tol * (T + 1), rtol=tol, notes=notes)
        compare(gates, rgates, "recurrent.gru_forward gates", atol=tol * (T + 1) * mag,
                rtol=tol, notes=notes)
    elif not overflow:
        compare(y, ry, "recurrent.gru_forward y (finiteness)", atol=np.inf, notes=notes)
    dy = arr(case, "dy", (T * B, H))
    dhn = arr(case, "h0", (B, H)) if case.get("seed", 0) % 2 else None
    g = recurrent.gru_backward(dy, dhn, x, h0, w_ih, w_hh, ry, rgates, T, B,
                               need_dx=bool(case.get("relu", True)))
    if mag < 1e6:
        rg = r_recurrent.gru_backward(_c(dy), _c(dhn), _c(x), _c(h0), _c(w_ih), _c(w_hh), ry,
                                      rgates, T, B, need_dx=bool(case.get("relu", True)))
        mdy = max(1.0, max_abs(dy, dhn))
        for name, a, b2 in zip(("dx", "dh0", "dw_ih", "dw_hh", "db_ih", "db_hh"), g, rg):
            if (a is None) != (b2 is None):
                raise Violation("gradient presence differs from twin",
                                f"recurrent.gru_backward {name}")
            if a is not None:
                compare(a, b2, f"recurrent.gru_backward {name}",
                        atol=tol * (T + 1) * mag * mdy, rtol=tol, notes=notes)


KERNELS["activation_extra"] = k_act_extra
KERNELS["gru"] = k_gru


def k_embedding(case, notes):
    """The embedding weight gradient: any float gradient rows (specials
    included) scattered at random indices with repeats, optional padding row,
    guard-page storage: equal to the twin (both add every row in token order)."""
    from fastml._kernels import embedding as kemb
    from fastml._kernels.reference import embedding as r_emb

    V, D, ntok = max(case["n"], 1), max(case["d"], 1), case["m"] * 3
    g = arr(case, "dy", (ntok, D))
    rng = np.random.default_rng(case.get("seed", 0))
    idx = rng.integers(0, V, ntok).astype(np.int64)
    pad = int(rng.integers(0, V)) if case.get("seed", 0) % 2 else None
    got = kemb.embedding_backward(g, idx, V, pad)
    want = r_emb.embedding_backward(_c(g), idx, V, pad)
    compare(got, want, "embedding.embedding_backward", atol=0.0, rtol=0.0, notes=notes)
    if pad is not None and np.any(got[pad] != 0):
        raise Violation("padding row not zero", "embedding.embedding_backward")


KERNELS["embedding"] = k_embedding
