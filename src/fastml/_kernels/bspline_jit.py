"""Numba kernels of the B-spline basis (contract: fastml._kernels.reference.bspline).

Row by row, feature by feature: the interval by binary search in the
feature's knots, the k + 1 non-zero values by de Boor's recursion (the same
operations in the same order as SciPy's BSpline, so values agree bit for
bit), written straight into the dense output or into fixed CSR slots
(k + 1 per row and feature; slots that are dropped or NaN are marked -1 and
squeezed out by the facade). Each kernel exists twice: serial, and parallel
over rows (prange) for the facade to pick by thread count. Imported lazily,
compiled on first use and cached on disk.
"""
import numba
import numpy as np

_serial = numba.njit(cache=True, nogil=True)
_parallel = numba.njit(cache=True, nogil=True, parallel=True)

_ERROR, _CONSTANT, _LINEAR, _CONTINUE, _PERIODIC = 0, 1, 2, 3, 4
_CHUNK = 2048  # rows per parallel task (scratch is allocated once per task)


@_serial
def _interval(t, k, n, x):
    """Last index with t[ell] <= x, clipped to [k, n - 1]."""
    lo, hi = k, n  # invariant: t[lo] <= x (or lo == k), answer in [lo, hi - 1]
    if x < t[k]:
        return k
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if t[mid] <= x:
            lo = mid
        else:
            hi = mid
    return lo


@_serial
def _window(t, k, x, ell, h, hh):
    """h[0..k] = B_{ell-k..ell}(x) by de Boor's recursion."""
    h[0] = 1.0
    for j in range(1, k + 1):
        for m in range(j):
            hh[m] = h[m]
        h[0] = 0.0
        for m in range(1, j + 1):
            xb = t[ell + m]
            xa = t[ell + m - j]
            if xb == xa:
                h[m] = 0.0
                continue
            w = hh[m - 1] / (xb - xa)
            h[m - 1] += w * (xb - x)
            h[m] = w * (x - xa)


@_serial
def _feature(x, t, k, mode, E, h, hh):
    """(first basis index, status) for one value; h holds the k + 1 values.
    status: 0 ok, 1 out of range in "error" mode."""
    n = t.shape[0] - k - 1
    xmin = t[k]
    xmax = t[n]
    if mode == _PERIODIC:
        period = xmax - xmin
        if period > 0:
            x = xmin + (x - xmin) % period
        else:
            x = 0.0
    elif mode == _CONSTANT or mode == _LINEAR:
        if x < xmin or x > xmax:
            lo = x < xmin
            xe = xmin if lo else xmax
            ra = 0 if lo else 2
            for a in range(k + 1):
                if mode == _CONSTANT:
                    h[a] = E[ra, a]
                else:
                    h[a] = E[ra, a] + (x - xe) * E[ra + 1, a]
            return (0 if lo else n - k - 1), 0
    ell = _interval(t, k, n, x)
    _window(t, k, x, ell, h, hh)
    if mode == _ERROR and (x < xmin or x > xmax):
        return ell - k, 1
    return ell - k, 0


def _dense(X, T, k, mode, include_bias, nan_zero, E, out):
    n_rows, p = X.shape
    nb = T.shape[1] - k - 1
    ns = nb - k if mode == _PERIODIC else nb
    w = ns if include_bias else ns - 1
    bad = 0
    n_chunks = (n_rows + _CHUNK - 1) // _CHUNK
    for ch in numba.prange(n_chunks):
        h = np.empty(k + 1)  # scratch per chunk of rows, not per row
        hh = np.empty(k + 1)
        for i in range(ch * _CHUNK, min(n_rows, (ch + 1) * _CHUNK)):
            bad += _dense_row(X, T, k, mode, nan_zero, E, out, i, p, ns, w, h, hh)
    return bad


@_serial
def _dense_row(X, T, k, mode, nan_zero, E, out, i, p, ns, w, h, hh):
    bad = 0
    for f in range(p):
        x = np.float64(X[i, f])
        if nan_zero and np.isnan(x):
            continue
        first, st = _feature(x, T[f], k, mode, E[f], h, hh)
        bad += st
        base = f * w
        if mode == _PERIODIC:
            c = first
            while c >= ns:  # first < ns + k <= 2 ns: no integer division per slot
                c -= ns
            for a in range(k + 1):
                if c < w:
                    out[i, base + c] += h[a]
                c += 1
                if c == ns:
                    c = 0
        else:
            for a in range(k + 1):
                c = first + a
                if c < w:
                    out[i, base + c] = h[a]
    return bad


def _csr_slots(X, T, k, mode, include_bias, nan_zero, E, cols, data):
    """cols / data (n_rows, p * (k + 1)): per row the slots of each feature
    in increasing column order (periodic windows rotated; when degree == ns
    the last slot repeats the first column and is summed into it), -1 for a
    slot to drop."""
    n_rows, p = X.shape
    nb = T.shape[1] - k - 1
    ns = nb - k if mode == _PERIODIC else nb
    w = ns if include_bias else ns - 1
    L = k + 1
    bad = 0
    n_chunks = (n_rows + _CHUNK - 1) // _CHUNK
    for ch in numba.prange(n_chunks):
        h = np.empty(L)
        hh = np.empty(L)
        for i in range(ch * _CHUNK, min(n_rows, (ch + 1) * _CHUNK)):
            bad += _csr_row(X, T, k, mode, nan_zero, E, cols, data, i, p, ns, w, h, hh)
    return bad


@_serial
def _csr_row(X, T, k, mode, nan_zero, E, cols, data, i, p, ns, w, h, hh):
    L = k + 1
    bad = 0
    for f in range(p):
        s0 = f * L
        x = np.float64(X[i, f])
        if nan_zero and np.isnan(x):
            for a in range(L):
                cols[i, s0 + a] = -1
            continue
        first, st = _feature(x, T[f], k, mode, E[f], h, hh)
        bad += st
        if mode != _PERIODIC:
            for a in range(L):
                c = first + a
                cols[i, s0 + a] = f * w + c if c < w else -1
                data[i, s0 + a] = h[a]
            continue
        start = first
        while start >= ns:
            start -= ns
        wrap = ns - start  # slots a >= wrap hold the columns a - wrap < start
        m = L if L < ns else ns  # distinct columns (slot a + ns repeats slot a)
        s = s0
        for a in range(wrap, m):
            c = a - wrap
            cols[i, s] = f * w + c if c < w else -1
            data[i, s] = h[a] + h[a + ns] if a + ns < L else h[a]
            s += 1
        for a in range(min(wrap, m)):
            c = start + a
            cols[i, s] = f * w + c if c < w else -1
            data[i, s] = h[a] + h[a + ns] if a + ns < L else h[a]
            s += 1
        while s < s0 + L:
            cols[i, s] = -1
            s += 1
    return bad


dense_serial = _serial(_dense)
dense_parallel = _parallel(_dense)
csr_slots_serial = _serial(_csr_slots)
csr_slots_parallel = _parallel(_csr_slots)
