"""scipy.sparse input at the API edge: detection, validation, canonical form.

Sparse matrices (spmatrix) and arrays (sparray) are both accepted; outputs
keep the flavour of the input (`like`). scipy is imported only when a sparse
input arrives (`import fastml` does not import it).
"""
import numpy as np

from .validation import FLOAT_DTYPES


def is_sparse(X):
    """True for a scipy.sparse matrix or array (duck-typed: no scipy import)."""
    return hasattr(X, "tocsr") and hasattr(X, "nnz") and hasattr(X, "format")


def dense_required(input_name="X"):
    """scikit-learn's error for sparse input where dense data is required."""
    return TypeError(f"Sparse data was passed for {input_name}, but dense data is required. "
                     "Use '.toarray()' to convert to a dense numpy array.")


def check_sparse(X, *, accept=("csr", "csc"), dtype=FLOAT_DTYPES, input_name="X",
                 ensure_min_samples=1, ensure_min_features=1, allow_nan=False, copy=False):
    """A validated sparse matrix in one of the `accept` formats (converted to
    accept[0] otherwise), canonical (sorted, unique indices; copied only when
    it is not), with values of `dtype` (a tuple keeps a listed dtype, else
    converts to its first entry; "numeric" keeps any numeric dtype) and
    finite values (NaN allowed with allow_nan, inf never). Index arrays keep
    scipy's dtype (int32 or int64)."""
    if X.format not in accept:
        X = X.asformat(accept[0])
        copy = False  # already a new matrix
    if isinstance(dtype, tuple):
        if not any(X.dtype == np.dtype(d) for d in dtype):
            X = X.astype(dtype[0])
            copy = False
    elif dtype == "numeric":
        if X.dtype.kind not in "biuf":
            raise ValueError(f"Sparse {input_name} must hold numbers, got dtype {X.dtype}.")
    elif dtype is not None and X.dtype != np.dtype(dtype):
        X = X.astype(dtype)
        copy = False
    if X.dtype.kind == "c":
        raise ValueError(f"Complex data not supported for {input_name}.")
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
        copy = False
    if copy:
        X = X.copy()
    if X.ndim != 2:
        raise ValueError(f"Expected 2D sparse input for {input_name}, got {X.ndim}D.")
    n, d = X.shape
    if ensure_min_samples > 0 and n < ensure_min_samples:
        raise ValueError(f"Found array with {n} sample(s) (shape={X.shape}) while a minimum "
                         f"of {ensure_min_samples} is required for {input_name}.")
    if ensure_min_features > 0 and d < ensure_min_features:
        raise ValueError(f"Found array with {d} feature(s) (shape={X.shape}) while a minimum "
                         f"of {ensure_min_features} is required for {input_name}.")
    if X.dtype.kind == "f" and not np.isfinite(X.data).all():
        if np.isinf(X.data).any() or not allow_nan:
            kind = "NaN" if np.isnan(X.data).any() and not allow_nan else "infinity"
            if kind == "NaN":
                raise ValueError(f"Input {input_name} contains NaN.")
            raise ValueError(f"Input {input_name} contains infinity or a value too large for "
                             f"{X.dtype!r}.")
    return X


def like(M, ref):
    """M in the sparse flavour of ref: a matrix (spmatrix) for a matrix input,
    an array (sparray) for an array input; the format of M is kept."""
    import scipy.sparse as sp

    if sp.isspmatrix(ref) == sp.isspmatrix(M):
        return M
    if sp.isspmatrix(ref):
        return getattr(sp, M.format + "_matrix")(M)
    return getattr(sp, M.format + "_array")(M)


def as_csr(X):
    """X (sparse) as CSR, canonical, keeping its value and index dtypes."""
    return check_sparse(X, accept=("csr",), dtype=None, ensure_min_samples=0,
                        ensure_min_features=0, allow_nan=True)


def _entry_rows_cols(X):
    """(row, column) of every stored entry of CSR or CSC X (int64)."""
    outer = np.repeat(np.arange(X.shape[0] if X.format == "csr" else X.shape[1]),
                      np.diff(X.indptr))
    inner = X.indices.astype(np.int64, copy=False)
    return (outer, inner) if X.format == "csr" else (inner, outer)


def column_mean_var(X, w=None):
    """Per-column weighted mean, population variance and weight sum of CSR/CSC
    X, implicit zeros included and NaN entries ignored (float64). The variance
    is two-pass with the rounding correction of the deviations' sum
    (sum w d^2 - (sum w d)^2 / W, d = x - mean, zeros included), so a constant
    column has variance exactly 0."""
    n, d = X.shape
    if X.format == "csr" and w is None:  # rows are not needed
        cols = X.indices
    else:
        rows, cols = _entry_rows_cols(X)
    data = X.data.astype(np.float64, copy=False)
    wr = None if w is None else np.asarray(w, dtype=np.float64)[rows]
    nan = np.isnan(data)
    if nan.any():
        total = (n if w is None else float(np.sum(w))) - np.bincount(
            cols[nan], None if w is None else wr[nan], minlength=d)
        ok = ~nan
        c, v, ww = cols[ok], data[ok], None if w is None else wr[ok]
    else:
        total = np.full(d, n if w is None else float(np.sum(w)), dtype=np.float64)
        c, v, ww = cols, data, wr
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(c, v if w is None else ww * v, minlength=d) / total
        # weight of the implicit zeros: exactly 0 for a column stored in full
        stored = np.bincount(c, minlength=d)
        n_rows = n - np.bincount(cols[nan], minlength=d) if nan.any() else n
        stored_w = stored if w is None else np.bincount(c, ww, minlength=d)
        zeros = np.where(stored == n_rows, 0.0, total - stored_w)
        dev = v - mean[c]
        wdev = dev if w is None else ww * dev
        sq = np.bincount(c, wdev * dev, minlength=d) + zeros * mean * mean
        corr = np.bincount(c, wdev, minlength=d) - zeros * mean
        var = (sq - corr * corr / total) / total
    return mean, np.where(var < 0, 0.0, var), total


def column_absmax(X):
    """max |x| per column of CSR/CSC X (implicit zeros included, NaN ignored)."""
    _, cols = _entry_rows_cols(X)
    out = np.zeros(X.shape[1])
    a = np.abs(X.data.astype(np.float64, copy=False))
    ok = ~np.isnan(a)
    np.maximum.at(out, cols[ok], a[ok])
    return out


def scale_columns(X, s):
    """Copy of CSR/CSC X with column j multiplied by s[j] (X's dtype)."""
    _, cols = _entry_rows_cols(X)
    out = X.copy()
    out.data = (out.data * np.asarray(s)[cols]).astype(X.dtype, copy=False)
    return out


def scale_rows(X, s):
    """Copy of CSR/CSC X with row i multiplied by s[i] (X's dtype)."""
    rows, _ = _entry_rows_cols(X)
    out = X.copy()
    out.data = (out.data * np.asarray(s)[rows]).astype(X.dtype, copy=False)
    return out
