"""The fused E-step of Gaussian mixtures (csrc/gmm.c) behind one facade.

Contract (checked by the caller, trusted here): resp (n, k) and lse (n,)
C-contiguous outputs of Y's dtype (float32/float64); Y (n, m) with unit column
stride, m >= (k - 1) * ks + d; S None or (k, d), B (k, d), c (k,)
C-contiguous, Y's dtype. Fills

    lp_ij = c_j - 0.5 ||Y[i, j*ks : j*ks + d] * S_j - B_j||^2
    lse_i = log sum_j exp(lp_ij),   resp_ij = exp(lp_ij - lse_i)

(full covariances: Y = X @ [P_0 .. P_k-1], ks = d; tied: Y = X @ P, ks = 0;
diagonal: Y = X, S = the precision Cholesky factors, ks = 0).
estep_tri(resp, lse, X, P, B, c) does the whitening itself: lp_ij = c_j -
0.5 ||X_i P_j - B_j||^2 with P (k, d, ldp) upper triangular (zeros below
the diagonal) and P, B zero padded to ldp columns, ldp a
multiple of LDP: the full-covariance E-step in one pass and one parallel
region. Rows are
independent: the result does not depend on the thread count. The compiled
kernel or its twin (reference/gmm.py, same signature) is chosen once, at
import.
"""
from ._backend import COMPILED
from ._threads import current as _threads
from .reference.gmm import LDP


def _estep(resp, lse, Y, ks, S, B, c):
    _gmm.estep(resp, lse, Y, ks, S, B, c, _threads())


def _estep_tri(resp, lse, X, P, B, c):
    _gmm.estep_tri(resp, lse, X, P, B, c, _threads())


if COMPILED:
    from . import _gmm

    assert _gmm.LDP == LDP
    estep = _estep
    estep_tri = _estep_tri
else:
    from .reference.gmm import estep, estep_tri  # noqa: F401
