"""Numba kernel of the CSR polynomial expansion (contract and rank formula:
fastml._kernels.reference.polyexp). Row by row, an odometer walks the sorted
tuples of the row's stored positions; each level keeps its prefix product and
prefix rank, so a step recomputes only the levels after the one that moved
(usually just the last, whose rank term C(x, 1) = x needs no binomial).
Writes straight into the output arrays (no per-tuple allocation). Binomials
come from a Pascal table C(x, k), x <= n + degree (built by additions, so the
walk does no integer division) unless that table would be large. Ranks in
int64: the facade sends widths that could overflow to the NumPy twin.
Imported lazily, compiled once and cached on disk; nogil.
"""
import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)


@_jit
def _binom(x, k):
    if x < k:
        return 0
    c = 1
    for j in range(k):
        c = c * (x - j) // (j + 1)
    return c


_TABLE_MAX = 1 << 23  # Pascal table entries (64 MiB); past that, binomials on the fly


@_jit
def _pascal(top, kmax):
    """P[x, k] = C(x, k) for x <= top, k <= kmax."""
    P = np.zeros((top + 1, kmax + 1), dtype=np.int64)
    P[0, 0] = 1
    for x in range(1, top + 1):
        P[x, 0] = 1
        for k in range(1, kmax + 1):
            P[x, k] = P[x - 1, k] + P[x - 1, k - 1]
    return P


@_jit
def _c(P, use_table, x, k):
    if use_table:
        return P[x, k] if x >= k else 0
    return _binom(x, k)


@_jit
def csr_expand(indptr, indices, data, n, degrees, offsets, interaction_only, include_bias,
               out_ptr):
    n_rows = indptr.shape[0] - 1
    nnz = out_ptr[n_rows]
    out_idx = np.empty(nnz, dtype=np.int64)
    out_val = np.empty(nnz, dtype=data.dtype)
    dmax = 1
    for t in range(degrees.shape[0]):
        dmax = max(dmax, degrees[t])
    pos = np.empty(dmax, dtype=np.int64)
    prod = np.empty(dmax, dtype=data.dtype)
    rank = np.empty(dmax, dtype=np.int64)
    io = 1 if interaction_only else 0
    use_table = (n + dmax + 1) * (dmax + 2) <= _TABLE_MAX
    P = _pascal(n + dmax if use_table else 0, dmax + 1 if use_table else 0)
    for i in range(n_rows):
        a, b = indptr[i], indptr[i + 1]
        w = out_ptr[i]
        if include_bias:
            out_idx[w] = 0
            out_val[w] = 1
            w += 1
        for t in range(degrees.shape[0]):
            d = degrees[t]
            off = offsets[t]
            if b - a < (d if io else 1):
                continue
            lvl = 0  # first level whose prefix must be recomputed
            for u in range(d):
                pos[u] = a + (u if io else 0)
            while True:
                for u in range(lvl, d):
                    v = indices[pos[u]]
                    m = d - u - 1
                    if u == 0:
                        pv = -1 if io else 0
                        r0 = 0
                        p0 = data[pos[0]]
                    else:
                        pv = indices[pos[u - 1]]
                        r0 = rank[u - 1]
                        p0 = prod[u - 1] * data[pos[u]]
                    if m == 0:  # last level, the hot path: C(x, 1) = x
                        r0 += v - pv - io
                    elif io:
                        r0 += _c(P, use_table, n - pv - 1, m + 1) - _c(P, use_table, n - v, m + 1)
                    else:
                        r0 += (_c(P, use_table, n - pv + m, m + 1)
                               - _c(P, use_table, n - v + m, m + 1))
                    rank[u] = r0
                    prod[u] = p0
                out_idx[w] = off + rank[d - 1]
                out_val[w] = prod[d - 1]
                w += 1
                # odometer step: rightmost position that can still move
                u = d - 1
                while u >= 0 and pos[u] >= b - (d - u if io else 1):
                    u -= 1
                if u < 0:
                    break
                pos[u] += 1
                for q in range(u + 1, d):
                    pos[q] = pos[q - 1] + io
                lvl = u
    return out_idx, out_val
