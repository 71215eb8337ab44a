"""NumPy twin of csrc/embedding.c: the dense weight gradient of an embedding
lookup.

embedding_backward(g, idx, V, padding_idx=None) -> dw (V, D) with dw[i] = the
sum of the rows g[t] whose idx[t] == i, added in token order (``np.add.at``
applies its updates in order, unbuffered), so it equals the compiled kernel
bitwise; row padding_idx stays zero.
"""
import numpy as np


def embedding_backward(g, idx, V, padding_idx=None):
    """g (ntok, D) float; idx (ntok,) int64 in [0, V)."""
    dw = np.zeros((V, g.shape[1]), g.dtype)
    if idx.size:
        np.add.at(dw, idx, g)
    if padding_idx is not None:
        dw[padding_idx] = 0
    return dw
