"""The embedding weight gradient (csrc/embedding.c) behind one facade.

Contract (checked by fastml.nn.functional.embedding, trusted here): g is
C-contiguous float32/float64 (ntok, D); idx int64 (ntok,) with every index in
[0, V); padding_idx None or in [0, V). Returns dw (V, D) of g's dtype: the
scatter-add of g's rows at idx, row padding_idx zero. Every row sums its
tokens in token order, so results do not depend on the thread count. The
compiled kernel or its twin (reference/embedding.py, same signature) is chosen
once, at import.
"""
import numpy as np

from ._backend import COMPILED
from ._threads import current as _threads


def _embedding_backward(g, idx, V, padding_idx=None):
    dw = np.empty((V, g.shape[1]), g.dtype)
    _embedding.backward(dw, g, idx, -1 if padding_idx is None else int(padding_idx),
                        _threads())
    return dw


if COMPILED:
    from . import _embedding

    embedding_backward = _embedding_backward
else:
    from .reference.embedding import embedding_backward  # noqa: F401
