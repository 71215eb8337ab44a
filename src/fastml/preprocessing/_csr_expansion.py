"""PolynomialFeatures on CSR input, straight from the stored entries.

Every monomial of degree d is a sorted d-tuple of feature indices (strictly
increasing for interaction_only). For one row, the non-zero monomials are the
d-tuples of that row's stored columns, so the expansion enumerates those
tuples only (the output column of a tuple is its lexicographic rank among all
n-feature d-tuples, in closed form: fastml._kernels.reference.polyexp), never
the n^d possible columns. Cost and memory are proportional to the output's
stored values, whatever the number of output columns (it may exceed 2**31;
indices then become int64).
"""
import math

import numpy as np

from .._kernels import polyexp as _kp

MAX_STORED = 2 ** 34  # refuse outputs with more stored values (> 256 GiB)


def n_monomials(n, d, interaction_only):
    """Number of degree-d monomials of n features (Python int, exact)."""
    return math.comb(n, d) if interaction_only else math.comb(n + d - 1, d)


def _row_counts(k, min_degree, max_degree, interaction_only, include_bias):
    """Products (stored values) of a row with k stored entries (Python int):
    sum_d C(k + d - 1, d) (C(k, d) with interaction_only), d over
    [max(min_degree, 1), max_degree], plus the bias."""
    lo = max(min_degree, 1)
    if interaction_only:
        per = sum(math.comb(k, d) for d in range(lo, min(max_degree, k) + 1))
    elif k == 0 or max_degree < lo:
        per = 0
    else:  # hockey stick: sum_{d=lo}^{hi} C(k + d - 1, d) = C(k + hi, hi) - C(k + lo - 1, lo - 1)
        per = math.comb(k + max_degree, max_degree) - math.comb(k + lo - 1, lo - 1)
    return per + bool(include_bias)


def output_nnz(X, min_degree, max_degree, interaction_only, include_bias):
    """Exact number of stored values of the expansion of CSR X (Python int)."""
    k, rows = np.unique(np.diff(X.indptr), return_counts=True)
    return sum(_row_counts(kk, min_degree, max_degree, interaction_only, include_bias) * r
               for kk, r in zip(k.tolist(), rows.tolist()))


def csr_polynomial(X, min_degree, max_degree, interaction_only, include_bias, n_out):
    """The PolynomialFeatures output of canonical CSR X as a CSR matrix of
    X's flavour (matrix or array) with n_out columns, in scikit-learn's column
    order: bias, degree 1, degree 2, ... (lexicographic within a degree)."""
    import scipy.sparse as sp

    n_rows, n = X.shape
    row_nnz = np.diff(X.indptr)
    k, inv = np.unique(row_nnz, return_inverse=True)
    per_k = [_row_counts(kk, min_degree, max_degree, interaction_only, include_bias)
             for kk in k.tolist()]
    nnz = sum(c * r for c, r in zip(per_k, np.bincount(inv, minlength=len(k)).tolist()))
    if nnz > MAX_STORED:
        raise ValueError(f"PolynomialFeatures(degree={(min_degree, max_degree)}) of this sparse X "
                         f"would store {nnz} values (more than {MAX_STORED}); lower the degree.")
    out_ptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.asarray(per_k, dtype=np.int64)[inv.ravel()], out=out_ptr[1:])
    degrees, offsets, offset = [], [], int(include_bias)
    for d in range(max(min_degree, 1), max_degree + 1):
        width = n_monomials(n, d, interaction_only)
        if width == 0:
            break
        degrees.append(d)
        offsets.append(offset)
        offset += width
    out_idx, out_val = _kp.csr_expand(X.indptr, X.indices, X.data, n, degrees, offsets,
                                      interaction_only, include_bias, out_ptr)
    if n_out <= np.iinfo(np.int32).max and nnz <= np.iinfo(np.int32).max:
        out_idx, out_ptr = out_idx.astype(np.int32), out_ptr.astype(np.int32)
    cls = sp.csr_matrix if sp.isspmatrix(X) else sp.csr_array
    out = cls((out_val, out_idx, out_ptr), shape=(n_rows, n_out), copy=False)
    out.has_sorted_indices = True
    return out
