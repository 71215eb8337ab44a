"""Category helpers for the encoders: sorted unique values of a column with
missing values (None, NaN) last, and value -> category-index codes.

Numeric columns use NumPy (np.unique / searchsorted, all NaNs one category);
object columns use a hash table, as Python objects have no vectorised order.
"""
import numpy as np


def is_nan(v):
    """True for a float NaN scalar (not for None or strings)."""
    try:
        return isinstance(v, (float, np.floating)) and v != v
    except TypeError:
        return False


def _split_missing(values):
    """(set without None/NaN, has None, has NaN) of an iterable of objects."""
    has_none = has_nan = False
    out = set()
    for v in values:
        if v is None:
            has_none = True
        elif is_nan(v):
            has_nan = True
        else:
            out.add(v)
    return out, has_none, has_nan


def _sorted_objects(values, counts):
    """Sorted distinct objects of `values` (None then NaN at the end), with
    their counts when asked."""
    try:
        distinct = set(values)  # hashing at C speed; missing values split off after
    except TypeError:
        distinct = list(values)
    vals, has_none, has_nan = _split_missing(distinct)
    try:
        uniq = sorted(vals)
    except TypeError:
        types = sorted({type(v).__qualname__ for v in values})
        raise TypeError("Encoders require their input argument must be uniformly strings or "
                        "numbers. Got {}".format(types)) from None
    uniq += [None] * has_none + [np.nan] * has_nan
    out = np.empty(len(uniq), dtype=object)
    out[:] = uniq
    if not counts:
        return out
    return out, object_counts(values, out)


def object_counts(values, cats):
    """Occurrences of each of `cats` in the object column `values`."""
    codes, known = encode(np.asarray(values, dtype=object), np.asarray(cats, dtype=object))
    return np.bincount(codes[known], minlength=len(cats)).astype(np.int64)


def unique(col, return_counts=False):
    """Sorted distinct values of a 1-D column; for floats every NaN is one
    category placed last (None and NaN last for objects)."""
    if col.dtype == object:
        return _sorted_objects(col, return_counts)
    uniq, counts = np.unique(col, return_counts=True)
    if uniq.size and uniq.dtype.kind in "fc" and np.isnan(uniq[-1]):
        k = int(np.searchsorted(uniq, np.nan))  # first NaN
        counts = np.append(counts[:k], counts[k:].sum())
        uniq = uniq[:k + 1]
    return (uniq, counts) if return_counts else uniq


def _table(cats):
    """dict category -> index with the NaN index stored under key 'nan'
    separately (NaN != NaN, so it cannot be a dict key)."""
    table, nan_at = {}, None
    for k, c in enumerate(cats):
        if is_nan(c):
            nan_at = k
        else:
            table.setdefault(c, k)
    return table, nan_at


def _safe_get(table, v):
    try:
        return table.get(v, -1)
    except TypeError:
        return -1


def encode(col, cats):
    """(codes, known): codes[i] = index of col[i] in cats where known[i]
    (0 elsewhere). Numeric cats must be sorted (NaN last); string cats may
    come in any order."""
    n = len(col)
    if col.dtype == object or cats.dtype == object:
        table, nan_at = _table(cats)
        get = table.get
        try:  # one C-level dict lookup per value
            codes = np.fromiter((get(v, -1) for v in col), dtype=np.int64, count=n)
        except TypeError:  # an unhashable value: look values up one by one
            codes = np.fromiter((_safe_get(table, v) for v in col), dtype=np.int64, count=n)
        miss = codes < 0
        if nan_at is not None and miss.any():  # NaN never equals itself: match it here
            idx = np.flatnonzero(miss)
            nan = np.fromiter((is_nan(col[i]) for i in idx), dtype=bool, count=idx.size)
            codes[idx[nan]] = nan_at
            miss[idx[nan]] = False
        known = ~miss
        codes[miss] = 0
        return codes, known
    if cats.size == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    cat_nan = cats.dtype.kind == "f" and np.isnan(cats[-1])
    body = cats[:-1] if cat_nan else cats
    if (col.dtype.kind in "USV") != (cats.dtype.kind in "USV") or \
            (col.dtype.kind in "USV" and col.dtype.kind != cats.dtype.kind):
        return encode(col.astype(object), cats.astype(object))
    # string categories given by the user need not be sorted
    order = np.argsort(body, kind="stable") if body.dtype.kind in "USV" else None
    pos = np.searchsorted(body, col, sorter=order)
    pos_c = np.minimum(pos, max(len(body) - 1, 0))
    if order is not None and len(body):
        pos_c = order[pos_c]
    known = (body[pos_c] == col) if len(body) else np.zeros(n, dtype=bool)
    known = np.asarray(known, dtype=bool)
    codes = np.where(known, pos_c, 0).astype(np.int64)
    if cat_nan and col.dtype.kind == "f":
        isn = np.isnan(col)
        codes[isn] = len(cats) - 1
        known |= isn
    return codes, known


def unknown_values(col, known):
    """The distinct unknown values (for error messages), missing last."""
    bad = col[~known]
    if bad.dtype == object:
        vals, has_none, has_nan = _split_missing(bad)
        try:
            vals = sorted(vals)
        except TypeError:
            vals = list(vals)
        return vals + [None] * has_none + [np.nan] * has_nan
    return list(unique(bad))
