"""Elastic-net coordinate descent (csrc/enet*.c) behind one facade.

Contract (the twin's, reference/enet.py; the caller passes float64
C-contiguous arrays and trusts nothing else): w (p,) is the start and is
updated in place; XT (p, n) is the centred X transposed; y (n,) one centred
target. Returns (n_iter, duality gap). random=True replaces the cyclic sweeps
by scikit-learn's selection="random": each of a sweep's p updates takes a
feature drawn from scikit-learn's 32-bit xorshift generator started at seed
(0 <= seed < 2**32; index = draw % p), the same sequence as scikit-learn's.
enet_cd_gram is the same descent on the Gram form: G = X^T X (p, p),
c = X^T y (p,), yy = y.y of the centred data.

The compiled kernel or its NumPy twin (same signature) is chosen once, at
import.
"""
from ._backend import COMPILED
from ._threads import current as _threads


def _enet_cd(w, XT, y, l1, l2, max_iter, tol, positive=False, random=False, seed=0):
    """Coordinate descent in place on w; returns (n_iter, duality gap)."""
    n_iter, gap = _enet.enet_cd(w, XT, y, float(l1), float(l2), int(max_iter), float(tol),
                                bool(positive), bool(random), int(seed), _threads())
    return int(n_iter), float(gap)


def _enet_cd_gram(w, G, c, yy, l1, l2, max_iter, tol, positive=False, random=False, seed=0):
    """Coordinate descent in place on w from the Gram form; returns (n_iter, duality gap)."""
    n_iter, gap = _enet.enet_cd_gram(w, G, c, float(yy), float(l1), float(l2), int(max_iter),
                                     float(tol), bool(positive), bool(random), int(seed),
                                     _threads())
    return int(n_iter), float(gap)


if COMPILED:
    from . import _enet

    enet_cd = _enet_cd
    enet_cd_gram = _enet_cd_gram
else:
    from .reference.enet import enet_cd, enet_cd_gram  # noqa: F401
