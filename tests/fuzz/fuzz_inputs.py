"""Array recipes for the fuzz suite: a small, picklable, printable description
of an input array that the worker subprocess turns into the array itself.

A recipe is a plain dict (so a failing case prints as a reproducer):

    {"shape": (n, d), "dtype": "float32", "fill": "randn", "scale": 1e19,
     "seed": 3, "special": [(i, j, value), ...], "dup_rows": True,
     "const_cols": [0], "layout": "F", "storage": "guard_after"}

fill     randn | uniform | near (scale*(1 + 1e-7 randn)) | halves (+scale in
         the first half of the rows, -scale
         in the second, as in issue 11 item 1) | constant | integers | values
         (then "values" is the flat list of elements, cycled)
layout   C | F | rows_step2 | cols_step2 | transposed | reversed
storage  heap | readonly | guard_after | guard_before
         guard_*: the array's bytes sit in an anonymous mapping, flush against
         a PROT_NONE page after (or before) the data, so any read past the end
         (or before the start) of the buffer is a SIGSEGV in the worker.
"""
import ctypes
import mmap

import numpy as np

PAGE = mmap.PAGESIZE
_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                       ctypes.c_int, ctypes.c_long]
_libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_PROT_NONE, _PROT_RW = 0, mmap.PROT_READ | mmap.PROT_WRITE
_MAP_FLAGS = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS

# Mappings are never unmapped while the worker lives (a fitted model may keep a
# view of its input); the worker restarts after MAX_MAPPED bytes.
MAPPED_BYTES = [0]
_KEEP = []

DTYPES = ("float64", "float32", "int64", "int32", "uint8", "bool", "object", "float16")
FLOAT_DTYPES = ("float64", "float32")
LAYOUTS = ("C", "F", "rows_step2", "cols_step2", "transposed", "reversed")
STORAGES = ("heap", "readonly", "guard_after", "guard_before")


def guarded_buffer(nbytes, where):
    """A writable ctypes char array of nbytes flush against a PROT_NONE page
    (where = "after": the page right after the last byte; "before": the page
    right before the first byte)."""
    data_pages = max(1, -(-nbytes // PAGE))
    total = (data_pages + 1) * PAGE
    addr = _libc.mmap(None, total, _PROT_RW, _MAP_FLAGS, -1, 0)
    if addr in (None, ctypes.c_void_p(-1).value):
        raise MemoryError("mmap failed")
    if where == "after":
        guard = addr + data_pages * PAGE
        start = guard - nbytes
    else:
        guard = addr
        start = addr + PAGE
    if _libc.mprotect(guard, PAGE, _PROT_NONE) != 0:
        raise OSError(ctypes.get_errno(), "mprotect failed")
    MAPPED_BYTES[0] += total
    buf = (ctypes.c_char * max(nbytes, 1)).from_address(start)
    _KEEP.append(buf)
    return buf


def _place(a, storage):
    """Copy C-contiguous `a` into storage; returns the new base array."""
    if storage == "heap":
        return a
    if storage == "readonly":
        a = a.copy()
        a.flags.writeable = False
        return a
    if a.dtype == object:  # object arrays hold pointers: no raw buffer copies
        return a
    buf = guarded_buffer(a.nbytes, "after" if storage == "guard_after" else "before")
    out = np.frombuffer(buf, dtype=a.dtype, count=a.size).reshape(a.shape)
    out[...] = a
    return out


def _values(recipe, shape, rng):
    n = int(np.prod(shape))
    fill = recipe.get("fill", "randn")
    scale = recipe.get("scale", 1.0)
    if fill == "randn":
        v = rng.standard_normal(n) * scale
    elif fill == "uniform":
        v = rng.uniform(-1.0, 1.0, n) * scale
    elif fill == "halves":
        v = np.empty(shape, dtype=np.float64)
        if len(shape):
            h = (shape[0] + 1) // 2
            v[:h] = scale
            v[h:] = -scale
        else:
            v[...] = scale
        v = v.reshape(-1)
    elif fill == "constant":
        v = np.full(n, float(scale))
    elif fill == "near":     # near-duplicate huge rows: the BLAS expansion cancels
        v = scale * (1.0 + 1e-7 * rng.standard_normal(n))
    elif fill == "integers":
        v = rng.integers(-3, 4, n).astype(np.float64) * scale
    elif fill == "values":
        vals = list(recipe.get("values") or [0.0])
        v = np.array([vals[i % len(vals)] for i in range(n)], dtype=np.float64)
    else:
        raise ValueError(f"unknown fill {fill!r}")
    return np.asarray(v, dtype=np.float64).reshape(shape)


def build(recipe):
    """The array a recipe describes (None recipes give None)."""
    if recipe is None:
        return None
    if not isinstance(recipe, dict):
        return recipe  # a literal (list, scalar): passed as is
    shape = tuple(recipe["shape"])
    rng = np.random.default_rng(recipe.get("seed", 0))
    v = _values(recipe, shape, rng)
    if len(shape) == 2 and shape[0] and shape[1]:
        for c in recipe.get("const_cols", ()):
            v[:, c % shape[1]] = v[0, c % shape[1]]
        if recipe.get("dup_rows") and shape[0] > 1:
            v[1::2] = v[0::2][: v[1::2].shape[0]]
    for idx, val in recipe.get("special", ()):
        if v.size:
            v.reshape(-1)[idx % v.size] = val
    dtype = recipe.get("dtype", "float64")
    with np.errstate(all="ignore"):
        if dtype == "object":
            a = v.astype(object)
        elif dtype == "bool":
            a = v > 0
        elif np.dtype(dtype).kind in "iu":
            info = np.iinfo(dtype)
            a = np.nan_to_num(v, nan=0, posinf=info.max, neginf=info.min)
            a = np.clip(a, info.min, info.max).astype(dtype)
        else:
            # extreme finite values saturate at the dtype's largest finite value
            # (1e300 as float32 is 3.4e38, not inf): finite stays finite
            big = float(np.finfo(dtype).max)
            a = np.where(np.isfinite(v), np.clip(v, -big, big), v).astype(dtype)
    layout = recipe.get("layout", "C")
    storage = recipe.get("storage", "heap")
    if a.ndim != 2 or layout == "C":
        return _place(np.ascontiguousarray(a), storage)
    n, d = a.shape
    if layout == "F":
        base = _place(np.ascontiguousarray(a.T), storage)
        return base.T
    if layout == "transposed":
        base = _place(np.ascontiguousarray(a.T), storage)
        return base.T
    if layout == "rows_step2":
        big = np.zeros((2 * n, d), dtype=a.dtype)
        big[1::2] = a    # the last row of the view is the last row of the buffer
        return _place(big, storage)[1::2]
    if layout == "cols_step2":
        big = np.zeros((n, 2 * d), dtype=a.dtype)
        big[:, 1::2] = a
        return _place(big, storage)[:, 1::2]
    if layout == "reversed":
        base = _place(np.ascontiguousarray(a[::-1]), storage)
        return base[::-1]
    raise ValueError(f"unknown layout {layout!r}")


def finite_float(a):
    """True when `a` is a numeric array whose values are all finite."""
    try:
        b = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(b).all())
