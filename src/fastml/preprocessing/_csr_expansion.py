"""Polynomial expansion of a CSR matrix straight from its stored entries.

Every monomial of degree d is a sorted d-tuple of feature indices (strictly
increasing for interaction_only). For one row, the non-zero monomials are the
d-tuples of that row's stored columns, so the expansion enumerates those
tuples only (the output column of a tuple is its lexicographic rank among all
n-feature d-tuples, in closed form), never the n^d possible columns. Cost and
memory are proportional to the output's stored entries, whatever the number
of output columns (it may exceed 2**31; indices then become int64).

Rank of a sorted tuple (v_1, ..., v_d): the number of tuples that come
before it, summed position by position. At position p (remaining length
m = d - p) after the previous value a, the tuples whose p-th value u lies in
[a, v_p) number sum_u C(n - u + m - 1, m) = C(n - a + m, m + 1) - C(n - v_p + m, m + 1)
(with replacement); for strictly increasing tuples u runs over (a, v_p) and
the count is C(n - a - 1, m + 1) - C(n - v_p, m + 1), with a = -1 at p = 1.
"""
import math

import numpy as np

_INT64_SAFE = 2 ** 62
MAX_STORED = 2 ** 34  # refuse outputs with more stored values (> 256 GiB)


def n_monomials(n, d, interaction_only):
    """Number of degree-d monomials of n features (Python int, exact)."""
    return math.comb(n, d) if interaction_only else math.comb(n + d - 1, d)


def output_nnz(X, min_degree, max_degree, interaction_only, include_bias):
    """Exact number of stored values of the expansion of CSR X (Python int):
    a row with k stored entries has sum_d C(k + d - 1, d) (C(k, d) with
    interaction_only) products, d over [max(min_degree, 1), max_degree]."""
    k, rows = np.unique(np.diff(X.indptr), return_counts=True)
    total = X.shape[0] if include_bias else 0
    lo = max(min_degree, 1)
    for kk, r in zip(k.tolist(), rows.tolist()):
        if interaction_only:
            per = sum(math.comb(kk, d) for d in range(lo, min(max_degree, kk) + 1))
        else:  # hockey stick: sum_{d=lo}^{hi} C(k + d - 1, d) = C(k + hi, hi) - C(k + lo - 1, lo - 1)
            per = math.comb(kk + max_degree, max_degree) - math.comb(kk + lo - 1, lo - 1) \
                if kk else 0
        total += per * r
    return total


def _binom(x, k, dtype):
    """C(x, k) elementwise for integer arrays x >= 0 (0 when x < k); exact:
    C(x, j + 1) = C(x, j) * (x - j) / (j + 1) is an integer at every step."""
    c = np.ones(x.shape, dtype=dtype)
    for j in range(k):
        c = c * (x - j) // (j + 1)
    return c


def _expand_degree(indptr, indices, data, n, d, interaction_only):
    """(row, col, val) of every degree-d product of one row's stored entries,
    ordered by row then column (col relative to the degree-d block)."""
    n_rows = len(indptr) - 1
    big = (d + 1) * (n_monomials(n, d, False) + 1) >= _INT64_SAFE
    idt = object if big else np.int64
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


def csr_polynomial(X, min_degree, max_degree, interaction_only, include_bias, n_out):
    """The PolynomialFeatures output of canonical CSR X as a CSR matrix of
    X's flavour (matrix or array) with n_out columns, in scikit-learn's column
    order: bias, degree 1, degree 2, ... (lexicographic within a degree)."""
    import scipy.sparse as sp

    n_rows, n = X.shape
    nnz = output_nnz(X, min_degree, max_degree, interaction_only, include_bias)
    if nnz > MAX_STORED:
        raise ValueError(f"PolynomialFeatures(degree={(min_degree, max_degree)}) of this sparse X "
                         f"would store {nnz} values (more than {MAX_STORED}); lower the degree.")
    indptr = X.indptr.astype(np.int64)
    blocks, offset = [], 0  # (row, col, val) per block, each ordered by (row, col)
    if include_bias:
        blocks.append((np.arange(n_rows, dtype=np.int64), np.zeros(n_rows, np.int64),
                       np.ones(n_rows, dtype=X.dtype)))
        offset = 1
    for d in range(max(min_degree, 1), max_degree + 1):
        width = n_monomials(n, d, interaction_only)
        if width == 0:
            break
        if d == 1:
            r = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(indptr))
            c, v = X.indices.astype(np.int64), X.data.copy()
        else:
            r, c, v = _expand_degree(indptr, X.indices, X.data, n, d, interaction_only)
        blocks.append((r, c + offset, v))
        offset += width
    # interleave the blocks row by row: block b's entries of row i follow
    # blocks 0..b-1's entries of row i
    counts = [np.bincount(r, minlength=n_rows) for r, _, _ in blocks]
    per_row = np.sum(counts, axis=0) if counts else np.zeros(n_rows, np.int64)
    out_ptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(per_row, out=out_ptr[1:])
    nnz = int(out_ptr[-1])
    out_idx = np.empty(nnz, dtype=np.int64)
    out_val = np.empty(nnz, dtype=X.dtype)
    base = out_ptr[:-1].copy()
    for (r, c, v), cnt in zip(blocks, counts):
        start = np.cumsum(cnt) - cnt  # first entry of each row within the block
        dest = base[r] + (np.arange(r.size) - start[r])
        out_idx[dest] = c
        out_val[dest] = v
        base += cnt
    if n_out <= np.iinfo(np.int32).max and nnz <= np.iinfo(np.int32).max:
        out_idx, out_ptr = out_idx.astype(np.int32), out_ptr.astype(np.int32)
    cls = sp.csr_matrix if sp.isspmatrix(X) else sp.csr_array
    out = cls((out_val, out_idx, out_ptr), shape=(n_rows, n_out), copy=False)
    out.has_sorted_indices = True
    return out
