"""NumPy reference twin of the polynomial expansion of a CSR matrix
(fastml._kernels.polyexp).

Contract of ``csr_expand(indptr, indices, data, n, degrees, offsets,
interaction_only, include_bias, out_ptr)``: CSR input with sorted, unique
column indices (int64 indptr / indices, float data); ``degrees`` the int64
degrees to expand (each >= 1, increasing), ``offsets`` the int64 first output
column of each degree's block (the bias, if any, is column 0); ``out_ptr``
the int64 output row pointer (its row counts computed by the caller). Returns
(out_idx int64, out_val of data's dtype): per row the bias, then each degree's
products in lexicographic order of their sorted feature tuples, i.e. sorted
columns.

The column of a sorted tuple (v_1, ..., v_d) within its degree block is its
rank among all such tuples of n features. At position p (remaining length
m = d - p), after previous value a, the tuples whose p-th value u lies in
[a, v_p) number C(n - a + m, m + 1) - C(n - v_p + m, m + 1) (with
replacement); strictly increasing tuples (u in (a, v_p), a = -1 at p = 1)
number C(n - a - 1, m + 1) - C(n - v_p, m + 1). Ranks use Python integers
when int64 could overflow (huge n), so any width that fits the index works.
"""
import math

import numpy as np

INT64_SAFE = 2 ** 62


def needs_big_ints(n, max_degree):
    """True when the rank arithmetic could overflow int64."""
    return (max_degree + 1) * (math.comb(n + max_degree - 1, max_degree) + 1) >= INT64_SAFE


def _binom(x, k, dtype):
    """C(x, k) elementwise for integer x >= 0 (0 when x < k); exact:
    C(x, j + 1) = C(x, j) * (x - j) / (j + 1) is an integer at every step."""
    c = np.ones(x.shape, dtype=dtype)
    for j in range(k):
        c = c * (x - j) // (j + 1)
    return c


def _expand_degree(indptr, indices, data, n, d, interaction_only):
    """(row, col, val) of every degree-d product of one row's stored entries,
    ordered by row then column (col relative to the degree-d block)."""
    n_rows = len(indptr) - 1
    idt = object if needs_big_ints(n, d) else np.int64
    cols = indices.astype(np.int64)
    row_of = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(indptr))
    row_end = indptr[1:].astype(np.int64)
    pos = np.arange(len(indices), dtype=np.int64)  # position of the last chosen entry
    val = data.copy()
    prev = np.full(len(pos), -1 if interaction_only else 0, dtype=np.int64).astype(idt)
    rank = np.zeros(len(pos), dtype=idt)
    for p in range(1, d + 1):
        if p > 1:  # extend each tuple by one later (or equal) entry of its row
            first = pos + 1 if interaction_only else pos
            count = row_end[row_of] - first
            keep = count > 0
            if not keep.all():
                first, count, row_of = first[keep], count[keep], row_of[keep]
                val, prev, rank = val[keep], prev[keep], rank[keep]
            parent = np.repeat(np.arange(len(count)), count)
            offs = np.cumsum(count) - count
            pos = first[parent] + (np.arange(parent.size) - offs[parent])
            row_of, prev, rank = row_of[parent], prev[parent], rank[parent]
            val = val[parent] * data[pos]
        v = cols[pos].astype(idt)
        m = d - p
        if interaction_only:
            rank = rank + _binom(n - prev - 1, m + 1, idt) - _binom(n - v, m + 1, idt)
        else:
            rank = rank + _binom(n - prev + m, m + 1, idt) - _binom(n - v + m, m + 1, idt)
        prev = v
    return row_of, np.asarray(rank, dtype=np.int64), val


def csr_expand(indptr, indices, data, n, degrees, offsets, interaction_only, include_bias,
               out_ptr):
    n_rows = len(indptr) - 1
    blocks = []  # (row, col, val) per block, each ordered by (row, col)
    if include_bias:
        blocks.append((np.arange(n_rows, dtype=np.int64), np.zeros(n_rows, np.int64),
                       np.ones(n_rows, dtype=data.dtype)))
    for d, off in zip(degrees.tolist(), offsets.tolist()):
        r, c, v = _expand_degree(indptr, indices, data, n, d, interaction_only)
        blocks.append((r, c + off, v))
    # interleave the blocks row by row: block b's entries of row i follow
    # blocks 0..b-1's entries of row i
    nnz = int(out_ptr[-1])
    out_idx = np.empty(nnz, dtype=np.int64)
    out_val = np.empty(nnz, dtype=data.dtype)
    base = out_ptr[:-1].copy()
    for r, c, v in blocks:
        cnt = np.bincount(r, minlength=n_rows)
        start = np.cumsum(cnt) - cnt  # first entry of each row within the block
        dest = base[r] + (np.arange(r.size) - start[r])
        out_idx[dest] = c
        out_val[dest] = v
        base += cnt
    return out_idx, out_val
