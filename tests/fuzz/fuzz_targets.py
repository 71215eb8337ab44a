"""Worker side of the fuzz suite: executes one case and checks its property.

run_case(case) -> outcome dict:
  status "ok"        the call returned and every check held
         "raised"    a clean exception (ValueError, TypeError, MemoryError,
                     NotFittedError and their subclasses): an accepted answer
         "note"      returned, but with a soft finding (e.g. NaN predictions from
                     extreme finite input in an estimator whose math may
                     overflow); counted and printed in the summary, not a failure
         "violation" a broken property: out-of-range or wrong neighbour index,
                     NaN/inf from finite input where the true result is finite,
                     wrong shape, an unclean exception (IndexError, KeyError,
                     ZeroDivisionError, ...)
  kind, detail       what and where
"""
import gc
import traceback

import numpy as np

import fuzz_inputs
from fuzz_inputs import build

import fastml  # noqa: F401
from fastml.exceptions import NotFittedError

CLEAN = (ValueError, TypeError, MemoryError, NotFittedError)
SOFT = (OverflowError, NotImplementedError, RecursionError)


class Violation(Exception):
    def __init__(self, kind, detail, **extra):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.extra = kind, detail, extra


class Note(Exception):
    """A soft finding raised at the end of a case (after all hard checks)."""

    def __init__(self, kind, detail):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


_NOTES = []   # soft findings raised inside shared checks (collected by run_case)


def mapped_bytes():
    return fuzz_inputs.MAPPED_BYTES[0]


def run_case(case):
    from fuzz_kernels import run_kernel, run_nn

    runners = {"estimator": run_estimator, "kdtree": run_kdtree, "pairwise": run_pairwise,
               "kernel": run_kernel, "nn": run_nn, "selftest": run_selftest}
    notes = _NOTES
    notes.clear()
    try:
        for _ in range(case.get("repeat", 1)):   # repeat: memory corruption shows late
            extra = runners[case["target"]](case, notes) or {}
        if notes:
            return dict(status="note", kind=notes[0][0], detail=notes[0][1], **extra)
        return dict(status="ok", **extra)
    except Violation as v:
        return dict(status="violation", kind=v.kind, detail=v.detail, **v.extra)
    except CLEAN as e:
        return dict(status="raised", kind=type(e).__name__, detail=str(e)[:300])
    except SOFT as e:
        return dict(status="note", kind="unclear exception " + type(e).__name__,
                    detail=_where(e))
    except Exception as e:  # noqa: BLE001 -- the point: anything else is a finding
        return dict(status="violation", kind="unclean exception " + type(e).__name__,
                    detail=_where(e))
    finally:
        gc.collect()


def _where(e):
    tb = traceback.extract_tb(e.__traceback__)
    frames = [f for f in tb if "/fastml/" in f.filename] or tb[-1:]
    loc = "; ".join(f"{f.filename.split('/src/')[-1]}:{f.lineno} {f.name}" for f in frames[-2:])
    return f"{str(e)[:300]} [at {loc}]"


# ---------------------------------------------------------------------------
# truth: distances in float64, computed on scaled data so 1e300 never overflows
# ---------------------------------------------------------------------------
def as_kernel_dtype(a, force=None):
    """The float array a kernel sees: float32 stays float32, the rest float64."""
    a = np.asarray(a)
    if force is not None:
        return a.astype(force)
    if a.dtype == np.float32:
        return a
    with np.errstate(all="ignore"):
        return a.astype(np.float64)


def true_distances(X, Y, metric, p=2.0):
    """(T, 1.0): float64 distances computed without spurious overflow or
    underflow (halved differences, then per-pair scaling by the largest
    component), so 1e300 and 1e-300 data get exact answers; T is inf only
    where the distance itself exceeds float64's range."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if metric == "hamming":
        return (X[:, None, :] != Y[None, :, :]).mean(axis=2), 1.0
    if metric == "cosine":
        def unit(A):
            m = np.abs(A).max(axis=1, keepdims=True)
            A = A / np.where(m > 0, m, 1)
            nrm = np.sqrt((A * A).sum(axis=1, keepdims=True))
            return A / np.where(nrm > 0, nrm, 1), nrm[:, 0] > 0
        Xu, xz = unit(X)
        Yu, yz = unit(Y)
        sim = Xu @ Yu.T
        T = np.where(xz[:, None] & yz[None, :], 1 - sim, 1.0)
        return np.clip(T, 0, 2), 1.0
    with np.errstate(all="ignore"):
        half = X[:, None, :] * 0.5 - Y[None, :, :] * 0.5
        m = np.abs(half).max(axis=2, initial=0.0)
        mm = np.where(m > 0, m, 1.0)[:, :, None]
        u = half / mm
        if metric == "euclidean":
            T = 2 * m * np.sqrt((u * u).sum(axis=2))
        elif metric == "sqeuclidean":
            T = (2 * m) * (2 * m) * (u * u).sum(axis=2)
        elif metric == "manhattan":
            T = 2 * m * np.abs(u).sum(axis=2)
        elif metric == "chebyshev":
            T = 2 * m
        elif metric == "minkowski":
            T = 2 * m * (np.abs(u) ** p).sum(axis=2) ** (1.0 / p)
        else:
            raise ValueError(metric)
    return T, 1.0


def _norms(A, ordp=2):
    A = np.asarray(A, dtype=np.float64)
    m = np.abs(A).max(axis=1, initial=0.0)
    mm = np.where(m > 0, m, 1.0)[:, None]
    with np.errstate(all="ignore"):
        if ordp == 1:
            return m * np.abs(A / mm).sum(axis=1)
        return m * np.sqrt(((A / mm) ** 2).sum(axis=1))


def dist_tolerance(metric, dtype, d, X, Y, s=1.0):
    """Absolute tolerance on each distance (broadcastable to (n, m))."""
    eps = float(np.finfo(dtype).eps)
    tiny = float(np.finfo(dtype).tiny)
    under = np.sqrt(tiny) * 8 * np.sqrt(d)
    with np.errstate(all="ignore"):
        if metric in ("euclidean", "sqeuclidean", "minkowski"):
            nx = _norms(X)[:, None]
            ny = _norms(Y)[None, :]
            if metric == "euclidean":
                return np.sqrt(64 * d * eps) * (nx + ny) + under
            if metric == "sqeuclidean":
                return 64 * d * eps * (nx + ny) ** 2 + under ** 2
            return 256 * d * eps * (nx + ny) + under
        if metric == "cosine":
            return 64 * d * eps + 1e-6 * (dtype == np.float32)
        if metric == "hamming":
            return 1e-6
        return 16 * d * eps * (_norms(X, 1)[:, None] + _norms(Y, 1)[None, :]) + under


def overflow_limit(metric, dtype, p=2.0):
    """Distances at or above this may legitimately be inf in `dtype`: the
    kernel's reduced distance (the sum of squares, of |d|^p) overflows."""
    big = float(np.finfo(dtype).max)
    if metric == "euclidean":
        return np.sqrt(big)
    if metric == "minkowski":
        return big ** (1.0 / p)
    if metric in ("cosine", "hamming"):
        return np.inf
    return big


def check_distances(D, X, Y, metric, p, where, same=False):
    """D (n, m) against the truth: non-finite only where the true value
    overflows the output dtype; values within tolerance elsewhere."""
    dtype = D.dtype
    n, m = D.shape
    if n == 0 or m == 0:
        return
    T, s = true_distances(X, Y, metric, p)
    lim = overflow_limit(metric, dtype, p)
    with np.errstate(all="ignore"):
        overflow = T * s >= lim * (1 - 1e-6)
    bad = ~np.isfinite(D) & ~overflow
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise Violation("non-finite distance from finite input",
                        f"{where}: D[{i},{j}]={D[i, j]!r}, true {T[i, j] * s:.6g} "
                        f"(metric={metric}, dtype={dtype}, |x|max={np.abs(X).max():.3g}, "
                        f"{bad.sum()} of {bad.size} entries)")
    if (D < 0).any():
        i, j = np.argwhere(D < 0)[0]
        raise Violation("negative distance", f"{where}: D[{i},{j}]={D[i, j]!r}")
    if same:
        diag = np.diagonal(D)
        if (diag != 0).any():
            raise Violation("non-zero self distance", f"{where}: diag max {diag.max()!r}")
    tol = dist_tolerance(metric, dtype, X.shape[1], X, Y, s)
    ok = np.isfinite(D)
    with np.errstate(all="ignore"):
        err = np.abs(D.astype(np.float64) / s - T)
    wrong = ok & ~overflow & (err > tol)
    if wrong.any() and metric == "cosine":
        # norms whose squares under/overflow: a zero-vector answer (1.0) is
        # imprecise but not NaN -- a note, not a failure
        rx = np.abs(np.asarray(X, np.float64)).max(axis=1)
        ry = np.abs(np.asarray(Y, np.float64)).max(axis=1)
        lo, hi = np.sqrt(float(np.finfo(dtype).tiny)), np.sqrt(float(np.finfo(dtype).max))
        odd = ((rx < lo) | (rx > hi / 16))[:, None] | ((ry < lo) | (ry > hi / 16))[None, :]
        if not (wrong & ~odd).any():
            _NOTES.append(("imprecise cosine for rows whose squared norm under/overflows",
                           f"{where}: {wrong.sum()} entries"))
            return
    if wrong.any():
        i, j = np.argwhere(wrong)[0]
        raise Violation("wrong distance",
                        f"{where}: D[{i},{j}]={D[i, j]!r}, true {T[i, j] * s:.9g} "
                        f"(metric={metric}, dtype={dtype}, {wrong.sum()} of {wrong.size})")


def check_neighbors(dist, ind, Xfit, Q, k, metric, p, where, exact=True, approximate=False):
    """ind (nq, k) int, 0 <= ind < n and distinct per row; the neighbours are
    the k nearest (within tolerance); dist matches the true distance."""
    n = Xfit.shape[0]
    nq = Q.shape[0]
    ind = np.asarray(ind)
    if ind.shape != (nq, k):
        raise Violation("wrong shape", f"{where}: ind.shape {ind.shape}, expected {(nq, k)}")
    if ind.dtype.kind not in "iu":
        raise Violation("wrong dtype", f"{where}: ind.dtype {ind.dtype}")
    out = (ind < 0) | (ind >= n)
    if out.any():
        i, j = np.argwhere(out)[0]
        raise Violation("index out of range",
                        f"{where}: ind[{i},{j}]={int(ind[i, j])} not in [0, {n}) "
                        f"({out.sum()} of {out.size}; |x|max={np.abs(Xfit).max():.3g}, "
                        f"|q|max={np.abs(Q).max(initial=0):.3g}, dtype={Xfit.dtype}, "
                        f"d={Xfit.shape[1]})")
    for i in range(nq):
        if len(set(ind[i].tolist())) != k:
            raise Violation("duplicate neighbour index", f"{where}: row {i}: {ind[i].tolist()}")
    if dist is not None:
        dist = np.asarray(dist)
        if dist.shape != (nq, k):
            raise Violation("wrong shape", f"{where}: dist.shape {dist.shape}")
    if not exact or nq == 0:
        return
    T, s = true_distances(Xfit if metric != "sqeuclidean" else Xfit, Q, metric, p)
    T = T.T                                  # (nq, n)
    tol = dist_tolerance(metric, Xfit.dtype, Xfit.shape[1], Q, Xfit, s)
    kth = np.sort(T, axis=1)[:, k - 1]
    got = np.take_along_axis(T, ind, axis=1)
    tolg = np.take_along_axis(np.broadcast_to(tol, T.shape), ind, axis=1)
    lim = overflow_limit(metric, Xfit.dtype, p) / s
    # beyond the overflow limit every distance is inf: any order is right
    worse = (got > kth[:, None] + 2 * tolg) & ~(got >= lim * (1 - 1e-6))
    if worse.any() and not approximate:  # an approximate index may miss a neighbour
        i, j = np.argwhere(worse)[0]
        raise Violation("wrong neighbour",
                        f"{where}: query {i}: neighbour {j} is index {int(ind[i, j])} at true "
                        f"distance {got[i, j] * s:.6g}, but the k-th nearest is at "
                        f"{kth[i] * s:.6g} (metric={metric}, dtype={Xfit.dtype})")
    if dist is not None:
        with np.errstate(all="ignore"):
            overflow = got >= lim * (1 - 1e-6)
            bad = ~np.isfinite(dist) & ~overflow
            if bad.any():
                i, j = np.argwhere(bad)[0]
                raise Violation("non-finite neighbour distance from finite input",
                                f"{where}: dist[{i},{j}]={dist[i, j]!r}, true "
                                f"{got[i, j] * s:.6g} (metric={metric}, dtype={dist.dtype})")
            err = np.abs(dist.astype(np.float64) / s - got)
        wrong = np.isfinite(dist) & ~overflow & (err > 2 * tolg)
        if wrong.any():
            i, j = np.argwhere(wrong)[0]
            raise Violation("wrong neighbour distance",
                            f"{where}: dist[{i},{j}]={dist[i, j]!r}, true {got[i, j] * s:.9g}")


def finite_in(*arrays):
    return all(a is None or fuzz_inputs.finite_float(a) for a in arrays)


def max_abs(*arrays):
    m = 0.0
    for a in arrays:
        try:
            b = np.asarray(a, dtype=np.float64)
            if b.size:
                m = max(m, float(np.nanmax(np.abs(b))))
        except (TypeError, ValueError):
            pass
    return m


# ---------------------------------------------------------------------------
# estimators
# ---------------------------------------------------------------------------
BOUNDED_REGRESSORS = ("DecisionTreeRegressor", "RandomForestRegressor", "KNeighborsRegressor")
NEIGHBOR_ESTIMATORS = ("NearestNeighbors", "KNeighborsClassifier", "KNeighborsRegressor")


def make_estimator(name, params):
    from fastml.utils import all_estimators

    est = dict(all_estimators())
    params = dict(params)
    if name == "GridSearchCV":
        params.setdefault("estimator", est["Ridge"]())
        params.setdefault("param_grid", {"alpha": [0.1, 1.0]})
        params.setdefault("cv", 2)
    elif name == "Pipeline":
        params.setdefault("steps", [("scale", est["StandardScaler"]()),
                                    ("ridge", est["Ridge"]())])
    elif name in ("VotingClassifier", "StackingClassifier"):
        params.setdefault("estimators", [("lr", est["LogisticRegression"]()),
                                         ("nb", est["GaussianNB"]())])
    elif name in ("VotingRegressor", "StackingRegressor"):
        params.setdefault("estimators", [("ridge", est["Ridge"]()),
                                         ("dt", est["DecisionTreeRegressor"](max_depth=3))])
    elif name in ("SelectFromModel", "RFE", "RFECV", "SequentialFeatureSelector"):
        params.setdefault("estimator", est["Ridge"]())
    if params.get("metric") == "callable":
        params["metric"] = _callable_metric(params.pop("callable_kind", "l1"))
    return est[name](**params)


def _callable_metric(kind):
    if kind == "nan":
        return lambda a, b: float("nan")
    if kind == "inf":
        return lambda a, b: float("inf")
    return lambda a, b: float(np.abs(a - b).sum())


def make_y(spec, n, X):
    if spec is None:
        return None
    kind = spec["kind"]
    rng = np.random.default_rng(spec.get("seed", 0))
    if kind == "class":
        y = rng.integers(0, spec.get("n_classes", 2), n)
        labels = spec.get("labels")
        if labels:
            y = np.array([labels[i % len(labels)] for i in y], dtype=object if any(
                isinstance(v, str) or v is None for v in labels) else None)
        return y
    if kind == "reg":
        y = rng.standard_normal(n) * spec.get("scale", 1.0)
        for i, v in spec.get("special", ()):
            if n:
                y[i % n] = v
        return y
    if kind == "recipe":
        return build(spec["recipe"])
    if kind == "list":
        return list(spec["values"])[:n] if n else []
    raise ValueError(kind)


def run_estimator(case, notes):
    name = case["name"]
    X = build(case["X"])
    y = make_y(case.get("y"), len(X) if hasattr(X, "__len__") else 0, X)
    Xt = build(case.get("X_test")) if case.get("X_test") is not None else X
    est = make_estimator(name, case.get("params", {}))
    extra = {}
    if name == "LabelEncoder":
        yy = np.asarray(X).reshape(-1) if y is None else y
        est.fit(yy)
        r = est.transform(yy)
        if len(r) != len(yy):
            raise Violation("wrong shape", f"LabelEncoder.transform: {len(r)} != {len(yy)}")
        est.inverse_transform(r)
        return extra
    fit_kw = {}
    if case.get("sample_weight") is not None:
        fit_kw["sample_weight"] = build(case["sample_weight"])
    est.fit(X, y, **fit_kw)
    if name in NEIGHBOR_ESTIMATORS:
        extra["algorithm"] = getattr(est, "_fit_method", "")
    n_test = len(Xt)
    finite_inputs = finite_in(X, Xt) and (y is None or _finite_y(y))
    moderate = finite_inputs and max_abs(X, Xt) <= 1e6 and (y is None or max_abs(y) <= 1e6)
    for meth in case.get("methods", ("predict", "predict_proba", "transform", "kneighbors",
                                     "decision_function", "score")):
        if not hasattr(est, meth):
            continue
        where = f"{name}.{meth}"
        try:
            if meth == "score":
                if y is None or name in ("PCA",):
                    continue
                val = est.score(Xt, y if len(Xt) == len(y) else y[:len(Xt)]) \
                    if len(y) >= len(Xt) else None
                continue
            if meth == "kneighbors":
                k = case.get("k", getattr(est, "n_neighbors", 5))
                dist, ind = est.kneighbors(Xt, n_neighbors=k)
                fitX = as_kernel_dtype(np.asarray(X, dtype=float) if np.asarray(X).dtype
                                       not in (np.float32, np.float64) else np.asarray(X))
                metric = getattr(est, "effective_metric_", "euclidean")
                exact = isinstance(metric, str) and finite_inputs and \
                    metric in ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
                p = float(getattr(est, "effective_p_", getattr(est, "p", 2)) or 2)
                # LSH is approximate; HNSW is exact only when its beam covers the index
                approx = name == "LSH" or (name == "HNSW" and est.ef_search < len(fitX))
                check_neighbors(dist, ind, fitX, as_kernel_dtype(np.asarray(Xt, float), fitX.dtype)
                                if exact else np.asarray(Xt), k, metric, p,
                                where + f"[{extra.get('algorithm')}]", exact=exact,
                                approximate=approx)
                continue
            out = getattr(est, meth)(Xt)
        except AttributeError as e:
            if meth in str(e):     # hasattr() said yes, the call says no
                notes.append(("method advertised but unavailable", f"{where}: {e}"))
                continue
            raise
        except CLEAN as e:
            if meth in ("predict_proba", "decision_function", "transform") and \
                    "not" in str(e).lower():
                continue  # e.g. "predict_proba is not available when ..."
            raise
        _check_output(name, meth, est, out, n_test, y, finite_inputs, moderate, notes)
    return extra


def _finite_y(y):
    try:
        return bool(np.isfinite(np.asarray(y, dtype=np.float64)).all())
    except (TypeError, ValueError):
        return True  # labels


def _check_output(name, meth, est, out, n_test, y, finite_inputs, moderate, notes):
    where = f"{name}.{meth}"
    if isinstance(out, list):          # multi-output predict_proba
        return
    if hasattr(out, "toarray"):        # scipy.sparse output (OneHotEncoder's default)
        out = out.toarray()
    out = np.asarray(out)
    if out.ndim == 0 or out.shape[0] != n_test:
        raise Violation("wrong shape", f"{where}: shape {out.shape} for {n_test} rows")
    numeric = out.dtype.kind in "fiub"
    if meth == "predict" and hasattr(est, "classes_") and not isinstance(est.classes_, list):
        bad = ~np.isin(out, np.asarray(est.classes_))
        if bad.any():
            raise Violation("prediction not a class", f"{where}: {out[bad][:3]!r} not in "
                                                      f"{np.asarray(est.classes_)[:5]!r}")
        return
    if not numeric or not finite_inputs:
        return
    finite = np.isfinite(out.astype(np.float64))
    if meth == "predict_proba":
        o = out[finite]
        if ((o < -1e-6) | (o > 1 + 1e-6)).any():
            raise Violation("probability out of [0, 1]", f"{where}: {o[(o < 0) | (o > 1)][:3]}")
    if finite.all():
        if meth == "predict" and name in BOUNDED_REGRESSORS and y is not None:
            yy = np.asarray(y, dtype=np.float64)
            lo, hi = yy.min(), yy.max()
            span = (hi - lo) * 1e-6 + 1e-300 + 1e-9 * max(abs(lo), abs(hi))
            if (out < lo - span).any() or (out > hi + span).any():
                raise Violation("prediction outside the range of y",
                                f"{where}: {out.min()!r}..{out.max()!r} vs y {lo!r}..{hi!r}")
        return
    msg = (f"{where}: {int((~finite).sum())} of {finite.size} outputs non-finite from finite "
           f"input")
    hard = moderate or (meth == "predict_proba" and name in NEIGHBOR_ESTIMATORS) or (
        meth == "predict" and name in BOUNDED_REGRESSORS)
    if hard:
        raise Violation("non-finite output from finite input", msg)
    notes.append(("non-finite output from extreme finite input", msg))


# ---------------------------------------------------------------------------
# KDTree and pairwise_distances
# ---------------------------------------------------------------------------
def run_kdtree(case, notes):
    from fastml.neighbors import KDTree

    X = build(case["X"])
    Q = build(case["Q"])
    tree = KDTree(X, leaf_size=case.get("leaf_size", 40), metric=case.get("metric", "euclidean"),
                  p=case.get("p", 2))
    Xf = as_kernel_dtype(X if isinstance(X, np.ndarray) and X.dtype != object
                         else np.asarray(X, dtype=np.float64))
    Xf = Xf.astype(tree.dtype)
    metric, p = tree.metric, tree.p
    finite = finite_in(Xf, Q)
    with np.errstate(all="ignore"):
        Qk = np.asarray(Q, dtype=np.float64).astype(tree.dtype) if finite else None
    if Qk is not None and not np.isfinite(Qk).all():
        finite = False
        notes.append(("query overflows the tree dtype after validation",
                      f"float64 query up to {max_abs(Q):.3g} cast to {tree.dtype}"))
    if case.get("op", "query") == "query":
        k = case.get("k", 1)
        dist, ind = tree.query(Q, k=k)
        check_neighbors(dist, ind, Xf, Qk if finite else np.asarray(Q, dtype=np.float64), k,
                        metric, p, "KDTree.query", exact=finite)
        return {}
    r = case.get("r", 1.0)
    count_only = case.get("count_only", False)
    ret_dist = case.get("return_distance", False) and not count_only
    res = tree.query_radius(Q, r, return_distance=ret_dist, count_only=count_only,
                            sort_results=ret_dist and case.get("sort", False))
    nq = len(Qk if Qk is not None else np.asarray(Q))
    n = Xf.shape[0]
    if count_only:
        counts = np.asarray(res)
        inds = None
    else:
        inds = res[0] if ret_dist else res
        counts = np.array([len(a) for a in inds])
        for i, a in enumerate(inds):
            a = np.asarray(a)
            if a.size and (a.min() < 0 or a.max() >= n):
                raise Violation("index out of range",
                                f"KDTree.query_radius: row {i}: {a[(a < 0) | (a >= n)][:3]} "
                                f"not in [0, {n})")
            if len(np.unique(a)) != len(a):
                raise Violation("duplicate neighbour index", f"KDTree.query_radius row {i}")
    if counts.shape != (nq,):
        raise Violation("wrong shape", f"KDTree.query_radius counts {counts.shape}")
    if not finite or nq == 0:
        return {}
    T, s = true_distances(Xf, Qk, metric, p)
    T = T.T
    tol = 2 * dist_tolerance(metric, Xf.dtype, Xf.shape[1], Qk, Xf, s)
    rr = np.broadcast_to(np.asarray(r, dtype=np.float64), (nq,))[:, None] / s
    lo = ((T < rr - tol) & (T < rr)).sum(axis=1)
    hi = (T <= rr + tol).sum(axis=1)
    wrong = (counts < lo) | (counts > hi)
    if wrong.any():
        i = int(np.argmax(wrong))
        raise Violation("wrong radius count",
                        f"KDTree.query_radius(r={rr[i, 0] * s:.6g}): query {i} got "
                        f"{counts[i]} points, true {lo[i]}..{hi[i]} (metric={metric}, "
                        f"dtype={Xf.dtype}, |x|max={max_abs(Xf):.3g}, |q|max={max_abs(Qk):.3g})")
    return {}


def run_pairwise(case, notes):
    from fastml.metrics.pairwise import pairwise_distances, resolve_metric

    X = build(case["X"])
    Y = build(case.get("Y"))
    metric, p = case.get("metric", "euclidean"), case.get("p", 2)
    D = pairwise_distances(X, Y, metric=metric, p=p, n_jobs=case.get("n_jobs"))
    name, pp = resolve_metric(metric, p)
    Xa = np.asarray(X)
    Ya = Xa if Y is None else np.asarray(Y)
    dt = np.float32 if (Xa.dtype == np.float32 and Ya.dtype == np.float32) else np.float64
    with np.errstate(all="ignore"):
        Xk, Yk = Xa.astype(dt), Ya.astype(dt)
    if D.shape != (Xk.shape[0], Yk.shape[0]):
        raise Violation("wrong shape", f"pairwise_distances: {D.shape}")
    if D.dtype != dt:
        raise Violation("wrong dtype", f"pairwise_distances: {D.dtype}, expected {dt}")
    if finite_in(Xk, Yk):
        check_distances(D, Xk, Yk, name, pp, f"pairwise_distances(metric={metric!r})",
                        same=Y is None)
    return {}


# ---------------------------------------------------------------------------
# harness self-test cases
# ---------------------------------------------------------------------------
def run_selftest(case, notes):
    import os
    import signal
    import time

    what = case["what"]
    if what == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif what == "abort":
        os.abort()
    elif what == "hang":
        time.sleep(3600)
    elif what == "guard_after":
        a = build({"shape": (3, 5), "storage": "guard_after"})
        import ctypes
        ctypes.c_double.from_address(a.ctypes.data + a.nbytes).value  # one past the end
    elif what == "guard_before":
        a = build({"shape": (3, 5), "storage": "guard_before"})
        import ctypes
        ctypes.c_double.from_address(a.ctypes.data - 8).value  # one before the start
    elif what == "guard_ok":
        for st in fuzz_inputs.STORAGES:
            for lay in fuzz_inputs.LAYOUTS:
                for dt in fuzz_inputs.DTYPES:
                    r = {"shape": (4, 3), "dtype": dt, "layout": lay, "storage": st,
                         "fill": "integers"}
                    a = build(r)
                    b = build(dict(r, storage="heap", layout="C"))
                    if a.shape != (4, 3) or not (a == b).all():
                        raise Violation("harness", f"recipe mismatch {r}")
    elif what == "raise":
        raise KeyError("selftest")
    elif what == "poison":
        # corrupts nothing, but crashes on the *next* case (history-dependent crash)
        fuzz_inputs._KEEP.append("POISON")
    elif what == "after_poison":
        if "POISON" in fuzz_inputs._KEEP:
            os.kill(os.getpid(), signal.SIGSEGV)
    return {}
