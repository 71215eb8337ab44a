"""Centred Gram matrices X_c^T W X_c and cross products X_c^T W Y_c through BLAS.

The normal-equation solvers (LinearRegression, Ridge) and PCA's covariance
solver need, for X (n, p), targets Y (n, k) and weights w (n,):

    mean  = sum_i w_i x_i / sum_i w_i
    G     = sum_i w_i (x_i - mean)(x_i - mean)^T        (p, p)
    C     = sum_i w_i (x_i - mean)(y_i - ymean)^T       (p, k)

without a centred copy of X. Up to _KERNEL_MAX_M columns of [X | Y | 1] (tall
data, the common case) one pass of fastml's gram kernel (fastml._kernels.gram)
computes every sum at once: rows shifted by a provisional mean (the mean of the
first 1024 rows), products and sums in float64 whatever X's dtype, fixed row
lanes (the result does not depend on the thread count), then the same exact
correction by (mean - shift) as the blocked path below. float64 data keeps to
the kernel up to _KERNEL_MAX_M_F64 columns (from 256 columns on the kernel runs
a packed SYRK over fastml's threads; see the constant for why it is not wider). Wider data takes one of two BLAS paths (the SYRK/GEMM that NumPy and SciPy ship, threaded by the BLAS
itself):

- direct (no weights): G = X^T X - n mean mean^T, C = X^T Y - n mean ymean^T.
  X is read in row blocks of a few thousand rows, on fastml's threads (fixed
  lanes): per block one SYRK and one GEMM with [Y | 1] (X_b^T Y_b and the
  column sums; no copy of the block); the
  correction is a (p, p) update. It loses digits when |mean_j| >> std_j (cancellation); the
  result checks every diagonal entry and, when more than ~half of the
  working precision was cancelled, the blocked path below recomputes.
- blocked (weights, or after cancellation): rows in blocks of ~4096; each
  block is shifted by a provisional mean (the mean of the first block), scaled
  by sqrt(w) and written to a small float64 buffer [sqrt(w)(x - s) | sqrt(w)(y - t)
  | sqrt(w)], whose SYRK accumulates every sum at once (the last row holds the
  weighted column sums, the corner sum w). Memory is bounded by the buffer; X is
  read once; the final correction by (mean - s) is small, hence stable.

float32 input keeps the first path's per-block products in float32 BLAS (as
scikit-learn and scikit-learn-intelex compute in float32) and accumulates the
blocks and the correction in float64; the blocked path always
accumulates in float64.
"""
import contextlib

import numpy as np

__all__ = ["centered_gram", "row_gram", "blas_threads", "blas_limit", "small_blas"]

_BLOCK_BYTES = 1 << 21  # ~2 MiB float64 buffer per block (the blocked path)
# fastml's gram kernel up to this many columns of [X | Y | 1]; measured faster than
# the BLAS paths below up to ~350 on 2 cores (SYRK's blocking wins beyond)
_KERNEL_MAX_M = 320
# float64 takes the kernel up to its limit (its packed SYRK path, from 256
# columns on): at 10000 x 1000 it runs 1.8x faster than the per-block BLAS path
# below on one thread (91 GFLOP/s of CPU time against 48: the BLAS ships Haswell
# kernels for this CPU); on two threads, quiet: 81 ms against 117 ms
_KERNEL_MAX_M_F64 = 8192  # the kernel's MAX_M


_CONTROLLER = None
_LANES = 4  # fixed partial sums: results do not depend on the thread count


def _controller():
    global _CONTROLLER
    if _CONTROLLER is None:
        try:
            import scipy.linalg.blas  # noqa: F401  (load both BLAS builds before the scan)
            from threadpoolctl import ThreadpoolController

            _CONTROLLER = ThreadpoolController()
        except ImportError:  # pragma: no cover - threadpoolctl is optional
            _CONTROLLER = False
    return _CONTROLLER


@contextlib.contextmanager
def blas_limit(n):
    """Run the BLAS (NumPy's and SciPy's) with at most n threads inside the block
    (needs threadpoolctl; without it the BLAS keeps its own setting)."""
    c = _controller()
    if not c:
        yield
        return
    with c.limit(limits=int(n), user_api="blas"):
        yield


@contextlib.contextmanager
def blas_threads(n_jobs):
    """Run with resolve_n_jobs(n_jobs) threads: fastml's thread scope (the Gram
    lanes) and the BLAS's limit (None: leave both as they are)."""
    if n_jobs is None:
        yield
        return
    from .._kernels import _threads
    from .validation import resolve_n_jobs

    n = resolve_n_jobs(n_jobs)
    with _threads.scope(n), blas_limit(n):
        yield


def _n_threads():
    from .._kernels import _threads

    return max(1, int(_threads.current()))


def small_blas(p):
    """Context for the (p, p) factorisations (Cholesky, eigh): one BLAS thread.
    Measured on a shared 2-core machine: a 1000 x 1000 eigh took 0.54 s on one
    thread and 5-32 s on two (LAPACK's many small BLAS calls each synchronise the
    threads); the O(n p^2) Gram pass dominates anyway."""
    return blas_limit(1)


def centered_gram(X, Y=None, sample_weight=None, *, center=True, want_gram=True):
    """(G, C, mean, ymean, wsum) as float64 for X (n, p) and Y (n, k) or None.

    center=False: the plain weighted products (mean, ymean are zeros).
    want_gram=False skips G (returns None for it).
    """
    n, p = X.shape
    if Y is not None and Y.ndim == 1:
        Y = Y[:, None]
    k = 0 if Y is None else Y.shape[1]
    kmax = _KERNEL_MAX_M_F64 if X.dtype == np.float64 else _KERNEL_MAX_M
    if (want_gram and X.dtype in (np.float32, np.float64) and p + k + 1 <= kmax
            and (n <= 1 or X.strides[1] == X.itemsize)):
        return _kernel(X, Y, sample_weight, center)
    if sample_weight is None and X.dtype in (np.float32, np.float64):
        out = _direct(X, Y, center, want_gram)
        if out is not None:
            return out
    return _blocked(X, Y, sample_weight, center)


# row_gram: row blocks per side (fixed, so the result never depends on the thread
# count) and the size from which blocks pay (smaller: one BLAS call)
_ROW_GRAM_BLOCKS = 4
_ROW_GRAM_MIN_FLOPS = 2e8
_ROW_GRAM_OWN = True


def row_gram(A):
    """A A^T, the full symmetric (n, n) product of the rows of a dense A (n, p),
    in A's dtype (the kernel matrix of the wide least-squares solvers).

    Large float64 products (n < the gram kernel's MAX_M) run on fastml's packed
    SYRK, the gram kernel applied to the rows of A^T (one transposed copy of A):
    1000 x 5000 at one thread 60 ms against 131 ms for the blocks below. Other
    large products run as the lower-triangle blocks of a fixed 4 x 4 row
    partition: a diagonal block is one SYRK (NumPy's matmul of a block with its
    own transpose), an off-diagonal block one GEMM, each a single-threaded BLAS
    call on fastml's threads, largest first; the upper triangle is the mirror.
    The threaded SYRK of a BLAS splits a triangle poorly over two cores (measured
    at 1000 x 5000 float64: one thread 51 GFLOP/s, two threads ~59 GFLOP/s wall);
    separate blocks keep both cores on full GEMM tiles. The blocks depend on n
    only, so the result does not depend on the thread count."""
    n, p = A.shape
    nb = _ROW_GRAM_BLOCKS
    if n < 4 * nb or float(n) * n * p < _ROW_GRAM_MIN_FLOPS:
        return A @ A.T
    if _ROW_GRAM_OWN and A.dtype == np.float64 and _KERNEL_MAX_M_F64 >= n + 1:
        # fastml's packed SYRK (the gram kernel) on the rows of A^T: z_i = [A[:, i], 1]
        from .._kernels import gram as _kgram

        S = _kgram.shifted_gram(np.ascontiguousarray(A.T), None, None, np.zeros(n))
        return np.ascontiguousarray(S[:n, :n])
    e = [n * j // nb for j in range(nb + 1)]
    K = np.empty((n, n), dtype=np.result_type(A.dtype, np.float32))
    tasks = sorted(((i, j) for i in range(nb) for j in range(i + 1)), key=lambda t: t[0] == t[1])

    def run(t):
        i, j = t
        Ai = A[e[i]:e[i + 1]]
        K[e[i]:e[i + 1], e[j]:e[j + 1]] = Ai @ Ai.T if i == j else Ai @ A[e[j]:e[j + 1]].T

    nthreads = min(_n_threads(), len(tasks))
    with blas_limit(1):
        if nthreads > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(nthreads) as pool:
                list(pool.map(run, tasks))
        else:
            for t in tasks:
                run(t)
    for i in range(nb):
        for j in range(i):
            K[e[j]:e[j + 1], e[i]:e[i + 1]] = K[e[i]:e[i + 1], e[j]:e[j + 1]].T
    return K


def _row_blocks(n, p, f32):
    """Row blocks [(start, stop)] of the direct path: a multiple of _LANES blocks of
    near-equal size (the lanes balance on any thread count) of at most 4096 rows,
    2048 for float32 (per-block float32 sums keep ~eps32 sqrt(rows)). Blocks are
    views (no copy); big ones keep the (p, p) result and add per block small
    next to the block's rows p^2 flops (measured at 10000 x 1000, one thread:
    256-row blocks 278 ms, 1024 rows 228 ms, 2500 rows 213 ms = one whole SYRK).
    Depends on n and p only, never on the thread count."""
    bs = 2048 if f32 else 4096
    nb = _LANES * max(1, -(-n // (_LANES * bs)))
    edges = [n * j // nb for j in range(nb + 1)]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def _direct(X, Y, center, want_gram):
    """Uncentred sums over row blocks: per block one SYRK (X_b^T X_b, NumPy's matmul
    of a block with its own transpose) and one GEMM X_b^T [Y_b | 1] (cross products
    and sums), accumulated in float64 in _LANES fixed partial sums (block b goes to
    lane b % _LANES); fastml's threads run the lanes with single-threaded BLAS
    calls (NumPy's matmul: it fills both triangles, so no symmetrising copies;
    measured at 10000 x 1000 on 2 threads, 166 ms against 274 ms for per-block
    SciPy dsyrk calls, which ran at one core's speed), and the lanes are added in
    order. Then the rank-one centring correction."""
    n, p = X.shape
    k = 0 if Y is None else Y.shape[1]
    f32 = X.dtype == np.float32
    R = np.empty((n, k + 1), dtype=X.dtype)  # [Y | 1]: one small GEMM per block
    if k:
        R[:, :k] = Y
    R[:, k] = 1.0
    sy = R[:, :k].sum(axis=0, dtype=np.float64)
    blocks = _row_blocks(n, p, f32)
    lanes = min(_LANES, len(blocks))
    nthreads = min(_n_threads(), lanes)
    # one BLAS thread per lane always: the products then do not depend on the
    # BLAS's own thread partition either
    with blas_limit(1):
        if nthreads > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(nthreads) as pool:
                parts = list(pool.map(lambda j: _lane(X, R, blocks[j::lanes], want_gram),
                                      range(lanes)))
        else:
            parts = [_lane(X, R, blocks[j::lanes], want_gram) for j in range(lanes)]
    G, XtR = parts[0]
    for Gl, XtRl in parts[1:]:
        XtR += XtRl
        if want_gram:
            G += Gl
    C, sx = XtR[:, :k], XtR[:, k]
    mean = sx / n if center else np.zeros(p)
    ymean = sy / n if center else np.zeros(k)
    C = C - n * np.outer(mean, ymean) if k else None
    if not want_gram:
        return None, C, mean, ymean, float(n)
    if center:
        raw = np.diag(G).copy()
        G -= n * np.outer(mean, mean)
        # cancellation check: the centred diagonal must keep >= ~half the digits
        eps = np.finfo(X.dtype).eps
        lost = np.diag(G) < np.sqrt(eps) * raw * 1e2
        if np.any(lost & (raw > 0)):
            return None
    return G, C, mean, ymean, float(n)


def _lane(X, R, blocks, want_gram):
    """One lane's float64 sums over its row blocks: (sum X_b^T X_b, X^T R); the
    Gram products are full symmetric matrices (NumPy's SYRK fills both halves)."""
    p = X.shape[1]
    G = None
    XtR = np.zeros((p, R.shape[1]))
    for a, b in blocks:
        Xb = X[a:b]
        if want_gram:
            Gb = Xb.T @ Xb  # float32 products for float32 X, float64 accumulation
            if G is None:
                G = Gb.astype(np.float64, copy=False)
            else:
                G += Gb
        XtR += Xb.T @ R[a:b]
    if want_gram and G is None:
        G = np.zeros((p, p))
    return G, XtR


def _shift(X, Y, sw, center, rows):
    """The provisional mean (xs, ys): the (weighted) mean of the first `rows`
    rows, zeros without centring."""
    n, p = X.shape
    k = 0 if Y is None else Y.shape[1]
    if not center:
        return np.zeros(p), np.zeros(k)
    first = slice(0, min(n, rows))
    w0 = None if sw is None else sw[first]
    if w0 is not None and not w0.sum() > 0:
        w0 = None
    xs = np.average(np.asarray(X[first], dtype=np.float64), axis=0, weights=w0) if n \
        else np.zeros(p)
    ys = np.average(np.asarray(Y[first], dtype=np.float64), axis=0, weights=w0) if k and n \
        else np.zeros(k)
    return xs, ys


def _finish(S, xs, ys, p, k, center):
    """(G, C, mean, ymean, wsum) from the full shifted sums S ((m, m), m = p + k + 1)."""
    m = p + k + 1
    wsum = S[m - 1, m - 1]
    d = S[:m - 1, m - 1] / wsum if wsum else np.zeros(m - 1)  # mean of the shifted data
    # sum w (z - s - d)(z - s - d)^T = S - wsum d d^T
    if center:
        A = S[:m - 1, :m - 1] - wsum * np.outer(d, d)
    else:
        A, d = S[:m - 1, :m - 1], np.zeros(m - 1)
    G = A[:p, :p]
    C = A[:p, p:] if k else None
    return np.ascontiguousarray(G), C, xs + d[:p], ys + d[p:], float(wsum)


def _kernel(X, Y, sw, center):
    """One pass of fastml's gram kernel (fastml._kernels.gram): rows shifted by
    the mean of the first rows, products and sums in float64, fixed row lanes."""
    from .._kernels import gram as _kgram

    p = X.shape[1]
    k = 0 if Y is None else Y.shape[1]
    xs, ys = _shift(X, Y, sw, center, 1024)
    S = _kgram.shifted_gram(X, Y, sw, np.concatenate([xs, ys]))
    return _finish(S, xs, ys, p, k, center)


def _blocked(X, Y, sw, center):
    n, p = X.shape
    k = 0 if Y is None else Y.shape[1]
    m = p + k + 1
    bs = max(64, min(n, _BLOCK_BYTES // (8 * m)))
    from scipy.linalg.blas import dsyrk

    buf = np.empty((bs, m))
    xs, ys = _shift(X, Y, sw, center, bs)
    S = np.zeros((m, m), order="F")
    for i in range(0, n, bs):
        j = min(n, i + bs)
        v = buf[: j - i]
        np.subtract(X[i:j], xs, out=v[:, :p])
        if k:
            np.subtract(Y[i:j], ys, out=v[:, p:p + k])
        if sw is None:
            v[:, m - 1] = 1.0
        else:
            r = np.sqrt(sw[i:j])
            v[:, :m - 1] *= r[:, None]
            v[:, m - 1] = r
        S = dsyrk(1.0, v.T, beta=1.0, c=S, overwrite_c=1)  # upper triangle
    S = np.triu(S) + np.triu(S, 1).T
    return _finish(S, xs, ys, p, k, center)
