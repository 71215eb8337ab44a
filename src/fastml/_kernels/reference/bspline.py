"""NumPy reference twin of the B-spline basis kernels (fastml._kernels.bspline).

Contract. Each feature f has a knot vector ``T[f]`` (non-decreasing, length
m = n_knots + 2 * degree, the base knots padded by ``degree`` knots on each
side) and ``n`` = m - degree - 1 B-splines of degree k. The basis at x is
evaluated as SciPy's ``BSpline`` does, so the two agree bit for bit:

- the interval ``ell`` is the last knot index with T[ell] <= x, clipped to
  [k, n - 1] (x == T[n] belongs to the last interval; outside [T[k], T[n]]
  the end polynomials extend);
- the k + 1 non-zero values h[0..k] of B_{ell-k}, ..., B_ell come from de
  Boor's triangular recursion (``basis_window``); coinciding knots give 0.

Modes (``MODES``, an integer code):

- "error": x outside [T[k], T[n]] is counted (the caller raises);
- "continue": the end polynomials extend;
- "periodic": x is wrapped into [T[k], T[n]) and basis b is written to
  column b mod ns (ns = n - k columns, values of equal columns added);
- "constant" / "linear": outside [xmin, xmax] = [T[k], T[n]] the row gets the
  window of L = k + 1 columns at the left ([0, L)) or right ([ns - L, ns))
  end, value ``a + (x - xend) * b`` from ``edges[f]`` (rows lo_a, lo_b, hi_a,
  hi_b; see ``edge_table``); "constant" writes ``a`` without the product.

Output column of basis b of feature f: f * w + b with w = ns (include_bias)
or ns - 1 (then column ns - 1 is dropped). NaN x (``nan_zero``) writes
nothing (its columns stay 0). Arithmetic is float64 whatever X's dtype; the
values are stored in the output's dtype.
"""
import numpy as np

MODES = ("error", "constant", "linear", "continue", "periodic")


def _code(mode):
    return MODES.index(mode) if isinstance(mode, str) else int(mode)


def find_interval(t, k, x):
    """ell per x (float64 array): last index with t[ell] <= x, clipped to
    [k, n - 1], n = len(t) - k - 1."""
    n = t.shape[0] - k - 1
    ell = np.searchsorted(t, x, side="right") - 1
    return np.clip(ell, k, n - 1)


def basis_window(t, k, x, ell, nu=0):
    """(len(x), k + 1) values of the nu-th derivative (nu in {0, 1}) of
    B_{ell-k}, ..., B_ell at x (de Boor's recursion, derivative steps last)."""
    x = np.asarray(x, dtype=np.float64)
    ell = np.asarray(ell)
    h = np.zeros(x.shape + (k + 1,))
    if nu > k:  # the derivative of a piecewise constant
        return h
    h[..., 0] = 1.0
    for j in range(1, k + 1):
        hh = h[..., :j].copy()
        h[..., 0] = 0.0
        deriv = j > k - nu
        for m in range(1, j + 1):
            xb = t[ell + m]
            xa = t[ell + m - j]
            same = xb == xa
            with np.errstate(divide="ignore", invalid="ignore"):
                if deriv:
                    w = np.where(same, 0.0, j * hh[..., m - 1] / np.where(same, 1.0, xb - xa))
                    h[..., m - 1] -= w
                    h[..., m] = w
                else:
                    w = np.where(same, 0.0, hh[..., m - 1] / np.where(same, 1.0, xb - xa))
                    h[..., m - 1] += w * (xb - x)
                    h[..., m] = w * (x - xa)
    return h


def edge_table(T, k, mode):
    """(p, 4, k + 1) float64: rows lo_a, lo_b, hi_a, hi_b of the
    "constant" / "linear" extension (zeros for other modes). Left window
    columns [0, L), right window [ns - L, ns), L = k + 1: "constant" keeps
    the first / last k basis values at the end knots; "linear" the first /
    last max(k, min(k + 1, 2)) values and first derivatives."""
    T = np.asarray(T, dtype=np.float64)
    p, L = T.shape[0], k + 1
    E = np.zeros((p, 4, L))
    code = _code(mode)
    if MODES[code] not in ("constant", "linear"):
        return E
    n = T.shape[1] - k - 1
    for f in range(p):
        t = T[f]
        lo = basis_window(t, k, np.array([t[k]]), find_interval(t, k, np.array([t[k]])))[0]
        hi = basis_window(t, k, np.array([t[n]]), find_interval(t, k, np.array([t[n]])))[0]
        if MODES[code] == "constant":
            E[f, 0, :k] = lo[:k]
            E[f, 2, 1:] = hi[1:]
            continue
        dlo = basis_window(t, k, np.array([t[k]]), find_interval(t, k, np.array([t[k]])), 1)[0]
        dhi = basis_window(t, k, np.array([t[n]]), find_interval(t, k, np.array([t[n]])), 1)[0]
        d = k + 1 if k <= 1 else k
        E[f, 0, :d], E[f, 1, :d] = lo[:d], dlo[:d]
        E[f, 2, L - d:], E[f, 3, L - d:] = hi[L - d:], dhi[L - d:]
    return E


def _feature_windows(x, t, k, code, edges_f, nan_zero):
    """(first basis index per row, (rows, k + 1) values, valid rows, n out of
    range) for one feature; first may exceed ns - 1 in periodic mode."""
    n = t.shape[0] - k - 1
    x = np.asarray(x, dtype=np.float64)
    valid = ~np.isnan(x) if nan_zero else np.ones(x.shape, dtype=bool)
    xmin, xmax = t[k], t[n]
    if MODES[code] == "periodic":
        period = xmax - xmin
        x = xmin + (x - xmin) % period if period > 0 else np.zeros_like(x)
    ell = find_interval(t, k, np.where(valid, x, xmin))
    vals = basis_window(t, k, x, ell)
    first = ell - k
    bad = 0
    if MODES[code] == "error":
        bad = int(np.count_nonzero(valid & ((x < xmin) | (x > xmax))))
    elif MODES[code] in ("constant", "linear"):
        ns = n
        below, above = valid & (x < xmin), valid & (x > xmax)
        lin = MODES[code] == "linear"
        for mask, a, b, start, xe in ((below, edges_f[0], edges_f[1], 0, xmin),
                                      (above, edges_f[2], edges_f[3], ns - k - 1, xmax)):
            if mask.any():
                first[mask] = start
                vals[mask] = a + (x[mask, None] - xe) * b if lin else a
    return first, vals, valid, bad


def spline_dense(X, T, degree, mode, include_bias, nan_zero, edges, out):
    """Write the basis of every feature into zero-initialised out (n, p * w);
    returns the number of out-of-range values ("error" mode, else 0)."""
    X = np.asarray(X)
    k, code = int(degree), _code(mode)
    p = X.shape[1]
    bad = 0
    for f in range(p):
        t = np.asarray(T[f], dtype=np.float64)
        nb = t.shape[0] - k - 1
        ns = nb - k if MODES[code] == "periodic" else nb
        w = ns if include_bias else ns - 1
        first, vals, valid, nbad = _feature_windows(X[:, f], t, k, code, edges[f], nan_zero)
        bad += nbad
        rows = np.flatnonzero(valid)
        for a in range(k + 1):
            col = first[rows] + a
            if MODES[code] == "periodic":
                col = col % ns
            keep = col < w
            r, c = rows[keep], col[keep]
            block = out[:, f * w:(f + 1) * w]
            block[r, c] = block[r, c] + vals[rows[keep], a]
    return bad


def spline_csr(X, T, degree, mode, include_bias, nan_zero, edges, dtype):
    """(indptr int64, indices int64, data of dtype, n out of range): the same
    values as spline_dense as a CSR matrix with sorted column indices and
    equal periodic columns summed (explicit zeros may be stored)."""
    X = np.asarray(X)
    k, code = int(degree), _code(mode)
    n_rows, p = X.shape
    rows_all, cols_all, vals_all = [], [], []
    bad = 0
    offset = 0
    for f in range(p):
        t = np.asarray(T[f], dtype=np.float64)
        nb = t.shape[0] - k - 1
        ns = nb - k if MODES[code] == "periodic" else nb
        w = ns if include_bias else ns - 1
        first, vals, valid, nbad = _feature_windows(X[:, f], t, k, code, edges[f], nan_zero)
        bad += nbad
        rows = np.repeat(np.arange(n_rows), k + 1)
        col = (first[:, None] + np.arange(k + 1)).ravel()
        if MODES[code] == "periodic":
            col = col % ns
        keep = np.repeat(valid, k + 1) & (col < w)
        rows_all.append(rows[keep])
        cols_all.append(col[keep] + offset)
        vals_all.append(vals.ravel()[keep])
        offset += w
    r = np.concatenate(rows_all) if rows_all else np.zeros(0, np.int64)
    c = np.concatenate(cols_all) if cols_all else np.zeros(0, np.int64)
    v = np.concatenate(vals_all) if vals_all else np.zeros(0)
    # sum duplicates (periodic with degree == ns) and sort by (row, col)
    key = r * max(offset, 1) + c
    uniq, inv = np.unique(key, return_inverse=True)
    data = np.zeros(uniq.shape[0])
    np.add.at(data, inv, v)
    rr = uniq // max(offset, 1)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.add.at(indptr, rr + 1, 1)
    return (np.cumsum(indptr), (uniq % max(offset, 1)).astype(np.int64),
            data.astype(dtype, copy=False), bad)
