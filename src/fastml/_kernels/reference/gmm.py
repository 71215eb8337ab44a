"""NumPy twin of csrc/gmm.c (same signature as the facade fastml._kernels.gmm)."""
import numpy as np


def estep(resp, lse, Y, ks, S, B, c):
    """Fill resp (n, k) and lse (n): lp_ij = c_j - 0.5 ||Y[i, j*ks:j*ks+d] * S_j - B_j||^2,
    lse_i = log sum_j exp(lp_ij) (max-shifted), resp_ij = exp(lp_ij - lse_i);
    a row with no finite lp_ij gets lse_i = -inf and uniform resp."""
    n = Y.shape[0]
    k, d = B.shape
    if n == 0 or k == 0:
        return
    lp = np.empty((n, k), dtype=resp.dtype)
    for j in range(k):
        y = Y[:, j * ks:j * ks + d]
        u = (y if S is None else y * S[j]) - B[j]
        lp[:, j] = c[j] - 0.5 * np.einsum("ij,ij->i", u, u)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = np.where(np.isnan(lp), -np.inf, lp).max(axis=1)
        none = ~(m > -np.inf)  # no finite lp_ij: uniform resp, lse = -inf
        e = np.exp(np.where(none[:, None], 0.0, lp - m[:, None]))
        s = e.sum(axis=1)
        lse[:] = m + np.log(s)
        resp[:] = e / s[:, None]


LDP = 64


def estep_tri(resp, lse, X, P, B, c):
    """The same outputs with lp_ij = c_j - 0.5 ||X_i P_j[:, :d] - B_j[:d]||^2;
    P (k, d, ldp) upper triangular, P and B (k, ldp) zero padded beyond column d."""
    n, d = X.shape
    k = P.shape[0]
    if n == 0 or k == 0:
        return
    Y = np.concatenate([X @ P[j, :, :d] for j in range(k)], axis=1)
    estep(resp, lse, Y, d, None, np.ascontiguousarray(B[:, :d]), c)
