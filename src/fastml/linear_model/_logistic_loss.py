"""The logistic objective over theta = [W.ravel(), b]: value, gradient,
Hessian-vector products and the full Hessian, evaluated in row blocks.

    F(W, b) = sum_i sn_i loss_i + lam/2 ||W||^2       (sn: weights summing to 1)

K = 1 (binary: sigmoid, labels +-1) or K = n_classes (softmax). Each row block
of X (a few MB, so it stays in cache between the two products) is read once
per evaluation: logits Z = W X_b^T (class-major (K, rows): the softmax runs
along long rows), softmax / sigmoid in place, then the gradient D X_b and the
intercept gradient. Blocks run on ``nthreads`` Python threads (NumPy and BLAS
release the GIL; BLAS is held at one thread meanwhile) and their partial sums
are added in block order, so results do not depend on the thread count.

X may be a scipy.sparse CSR matrix: the logits are then one threaded CSR
times dense product (fastml._kernels.sparse.csr_dense, n_jobs threads over the
rows) and the gradient scipy's product on the transpose view (no copy of X);
nothing is densified except the bounded row chunks of the dense Hessian
(newton-cholesky).

Binary problems on a dense C-contiguous X evaluate the value, gradient and
curvature weights in one compiled pass (fastml._kernels.logistic: fixed row
blocks on n_jobs threads, block sums added in order) instead of the Python
row blocks.
"""
import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np

_BLOCK_BYTES = 2 << 20
_MIN_ROWS = 256


_CONTROLLER: list = []


def _blas_single_thread():
    """Context holding BLAS at one thread (threadpoolctl), or None. The blocks'
    products are small: a multi-threaded BLAS only adds synchronisation (and
    oversubscribes the cores when the blocks run on threads of their own)."""
    if not _CONTROLLER:
        try:
            from threadpoolctl import ThreadpoolController
            _CONTROLLER.append(ThreadpoolController())
        except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
            _CONTROLLER.append(None)
    ctl = _CONTROLLER[0]
    return None if ctl is None else ctl.limit(limits=1, user_api="blas")


class LogisticLoss:
    def __init__(self, X, y_idx, s, n_classes, lam, fit_intercept, nthreads=1):
        self.sparse = hasattr(X, "tocsr") and hasattr(X, "nnz")
        if self.sparse:
            X = X.tocsr()
        self.X = X
        self.n, self.p = X.shape
        self.K = 1 if n_classes == 2 else n_classes
        self.fi = bool(fit_intercept)
        self.S = float(s.sum())
        self.sn = s / self.S
        self.lam = float(lam)
        self.size = self.K * self.p + (self.K if self.fi else 0)
        rows = max(_MIN_ROWS, _BLOCK_BYTES // (8 * max(self.p, 1)))
        if self.sparse:  # one block: the kernels thread over rows themselves
            rows = max(self.n, 1)
        self.bounds = [(a, min(a + rows, self.n)) for a in range(0, self.n, rows)]
        self._kernel_threads = max(1, int(nthreads))
        if self.K == 1:
            self.ypm = np.where(y_idx == 1, 1.0, -1.0)
        else:
            # position of each sample's own logit in the block's (K, rows) array
            self.flat = [y_idx[a:b] * (b - a) + np.arange(b - a) for a, b in self.bounds]
        self.nthreads = max(1, min(int(nthreads), len(self.bounds)))
        # one compiled pass for binary dense problems (value, gradient, curvature)
        self.fused = (not self.sparse and self.K == 1 and self.n > 0 and self.p > 0
                      and X.dtype in (np.float32, np.float64) and X.flags.c_contiguous)
        self._cache = None  # per-block curvature weights at the last grad_hess point

    # ---- plumbing ---------------------------------------------------------------
    @contextlib.contextmanager
    def session(self):
        """Single-threaded BLAS and the block thread pool for one solve."""
        limiter = _blas_single_thread() if len(self.bounds) > 1 or self.p > 64 else None
        self._pool = ThreadPoolExecutor(self.nthreads) if self.nthreads > 1 else None
        scope = contextlib.nullcontext()
        if self.sparse or self.fused:
            from .._config import threads_scope
            scope = threads_scope(self._kernel_threads)
        try:
            with scope:
                yield self
        finally:
            if self._pool is not None:
                self._pool.shutdown()
            self._pool = None
            if limiter is not None:
                limiter.restore_original_limits()

    def _map(self, fn):
        pool = getattr(self, "_pool", None)
        idx = range(len(self.bounds))
        # one block (sparse X, the fused kernel) runs on the calling thread: its
        # kernels thread themselves, and OpenMP regions opened from alternating pool
        # workers would wake a second team while the first still spins
        if pool is None or len(idx) == 1:
            return [fn(i) for i in idx]
        return list(pool.map(fn, idx))

    def unpack(self, theta):
        W = theta[: self.K * self.p].reshape(self.K, self.p)
        b = theta[self.K * self.p:] if self.fi else np.zeros(self.K)
        return W, b

    def _pack(self, gW, gb):
        return np.concatenate([gW.ravel(), gb]) if self.fi else gW.ravel().copy()

    def _block_rows(self, i):
        a, e = self.bounds[i]
        return self.X if self.sparse else self.X[a:e]

    def _logits(self, W, b, Xb):
        """W Xb^T (+ b): (K, rows), C-contiguous."""
        if hasattr(Xb, "nnz"):  # the whole sparse X (one block)
            from .._kernels import sparse as _ks
            Z = np.ascontiguousarray(_ks.csr_dense(Xb, np.ascontiguousarray(W.T)).T)
        else:
            Z = W @ Xb.T
        if self.fi:
            Z += b[:, None]
        return Z

    def _times_rows(self, D, Xb):
        """D Xb: (K, rows) x (rows, p) -> (K, p)."""
        if hasattr(Xb, "nnz"):  # the whole sparse X
            if D.shape[0] == 1:  # X^T d: the threaded CSR kernel (fixed row lanes)
                from .._kernels import sparse as _ks
                return _ks.class_sums(Xb, np.zeros(Xb.shape[0], dtype=np.int64), 1, D[0])
            return np.asarray(Xb.T @ D.T).T  # X^T D^T on the transpose view
        return D @ Xb

    # ---- per-block pieces -------------------------------------------------------
    def _block(self, W, b, i, keep):
        """(loss, gW, gb, curvature) of block i; D = dloss/dZ in place of Z."""
        a, e = self.bounds[i]
        Xb, sn = self._block_rows(i), self.sn[a:e]
        Z = self._logits(W, b, Xb)
        if self.K == 1:
            yz = Z[0] * self.ypm[a:e]
            # one vectorised exp for both: with e = exp(-|yz|) in (0, 1],
            # log(1 + exp(-yz)) = max(-yz, 0) + log1p(e) and q = 1 - sigmoid(yz)
            # = e / (1 + e) (yz >= 0) or 1 / (1 + e) (no overflow either way;
            # 3x faster than np.logaddexp + scipy's expit, which loop in scalar code)
            ez = np.abs(yz)
            np.negative(ez, out=ez)
            np.exp(ez, out=ez)
            lz = np.log1p(ez)
            lz += np.maximum(-yz, 0.0)
            loss = float(sn @ lz)
            q = np.where(yz >= 0, ez, 1.0)
            q /= ez + 1.0
            np.multiply(q, sn, out=Z[0])
            Z[0] *= -self.ypm[a:e]
            curv = sn * q * (1.0 - q) if keep else None
        else:
            flat = self.flat[i]
            zmax = Z.max(axis=0)
            zy = Z.ravel().take(flat)
            Z -= zmax
            np.exp(Z, out=Z)
            se = Z.sum(axis=0)
            loss = float(sn @ (np.log(se) + zmax - zy))
            if keep:
                Z *= 1.0 / se
                curv = Z.copy()  # probabilities P (K, rows)
                Z *= sn
            else:
                Z *= sn / se
                curv = None
            Z.ravel()[flat] -= sn
        return loss, self._times_rows(Z, Xb), (Z.sum(axis=1) if self.fi else None), curv

    def _reduce(self, parts, W):
        loss = sum(p[0] for p in parts)
        gW = parts[0][1].copy()
        for p in parts[1:]:
            gW += p[1]
        gb = None
        if self.fi:
            gb = parts[0][2].copy()
            for p in parts[1:]:
                gb += p[2]
        if self.lam:
            loss += 0.5 * self.lam * float((W * W).sum())
            gW += self.lam * W
        return loss, self._pack(gW, gb)

    # ---- the objective ----------------------------------------------------------
    def _fused_parts(self, W, b, keep):
        from .._kernels import logistic as _klg
        loss, gw, gb, curv = _klg.binary(self.X, self.ypm,
                                         np.ascontiguousarray(self.sn, dtype=np.float64),
                                         np.ascontiguousarray(W[0], dtype=np.float64),
                                         float(b[0]) if self.fi else 0.0, keep)
        part = (loss, gw[None, :], np.array([gb]) if self.fi else None, None)
        return [part], (None if curv is None else [curv[a:e] for a, e in self.bounds])

    def smooth(self, theta):
        """(F, grad F) at theta: one read of X."""
        W, b = self.unpack(theta)
        if self.fused:
            return self._reduce(self._fused_parts(W, b, False)[0], W)
        return self._reduce(self._map(lambda i: self._block(W, b, i, False)), W)

    def grad_hess(self, theta):
        """(F, grad F, hvp) with hvp(v) = Hessian(theta) v (two reads of X per call)."""
        W, b = self.unpack(theta)
        if self.fused:
            parts, curv = self._fused_parts(W, b, True)
            f, g = self._reduce(parts, W)
        else:
            parts = self._map(lambda i: self._block(W, b, i, True))
            f, g = self._reduce(parts, W)
            curv = [p[3] for p in parts]

        def hvp(v):
            V, vb = self.unpack(v)
            res = self._map(lambda i: self._hvp_block(V, vb, curv[i], i))
            HW = res[0][0].copy()
            for r in res[1:]:
                HW += r[0]
            if self.lam:
                HW += self.lam * V
            if not self.fi:
                return HW.ravel().copy()
            Hb = sum(r[1] for r in res)
            return np.concatenate([HW.ravel(), Hb])
        return f, g, hvp

    def _hvp_block(self, V, vb, c, i):
        a, e = self.bounds[i]
        Xb = self._block_rows(i)
        U = self._logits(V, vb, Xb)
        if self.K == 1:
            U[0] *= c
        else:
            # R = P * (U - sum_k P_k U_k) * sn
            U -= (c * U).sum(axis=0)
            U *= c
            U *= self.sn[a:e]
        return self._times_rows(U, Xb), (U.sum(axis=1) if self.fi else None)

    def grad_hess_full(self, theta):
        """(F, grad F, H) with the dense (size, size) Hessian (K p)^2 n / 2 FLOP."""
        f, g, _ = self.grad_hess(theta)
        W, b = self.unpack(theta)
        K, p, fi = self.K, self.p, self.fi
        pa = p + fi
        H = np.zeros((K * pa, K * pa))
        rows = max(64, (4 << 20) // (8 * K * pa))
        for a in range(0, self.n, rows):
            e = min(a + rows, self.n)
            Xr = self.X[a:e].toarray() if self.sparse else self.X[a:e]  # bounded chunk
            Xa = np.hstack([Xr, np.ones((e - a, 1))]) if fi else Xr
            sn = self.sn[a:e]
            Z = self._logits(W, b, Xr)
            if K == 1:
                from scipy.special import expit
                pr = expit(Z[0])
                H += (Xa * (sn * pr * (1 - pr))[:, None]).T @ Xa
                continue
            Z -= Z.max(axis=0)
            np.exp(Z, out=Z)
            Z /= Z.sum(axis=0)
            # H = blockdiag_k(Xa^T diag(sn p_k) Xa) - A^T diag(sn) A, A = [p_k x]
            A = (Z.T[:, :, None] * Xa[:, None, :]).reshape(e - a, K * pa)
            H -= (A * sn[:, None]).T @ A
            for k in range(K):
                H[k * pa:(k + 1) * pa, k * pa:(k + 1) * pa] += (Xa * (sn * Z[k])[:, None]).T @ Xa
        if fi:  # per-class [w_k, b_k] blocks -> theta's [W.ravel(), b] order
            idx = np.arange(K * pa).reshape(K, pa)
            perm = np.concatenate([idx[:, :-1].ravel(), idx[:, -1]])
            H = H[np.ix_(perm, perm)]
        if self.lam:
            d = np.arange(K * p)
            H[d, d] += self.lam
        return f, g, H

    def lipschitz(self):
        """A Lipschitz constant of grad F: c * lambda_max(Xa^T diag(sn) Xa) + lam."""
        pa = self.p + self.fi
        if pa <= 2048 and not self.sparse:
            G = np.zeros((pa, pa))
            for a, e in self.bounds:
                Xa = self.X[a:e]
                if self.fi:
                    Xa = np.hstack([Xa, np.ones((e - a, 1))])
                G += (Xa * self.sn[a:e, None]).T @ Xa
            top = float(np.linalg.eigvalsh(G)[-1])
        else:  # power iteration on Xa^T diag(sn) Xa
            v = np.ones(pa) / np.sqrt(pa)
            top = 0.0
            for _ in range(50):
                u = np.asarray(self.X @ v[: self.p]).ravel() + (v[-1] if self.fi else 0.0)
                w = np.empty(pa)
                w[: self.p] = np.asarray(self.X.T @ (u * self.sn)).ravel()
                if self.fi:
                    w[-1] = float(u @ self.sn)
                top = float(np.linalg.norm(w))
                v = w / max(top, 1e-300)
            top *= 1.01
        return top * (0.25 if self.K == 1 else 0.5) + self.lam
