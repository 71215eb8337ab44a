"""embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
scale_grad_by_freq=False, sparse=False), as torch.nn.functional.embedding.

Forward is a row gather (``np.take``). The backward is a dense scatter-add
into a (num_embeddings, embedding_dim) gradient (fastml._kernels.embedding:
compiled, threads owning blocks of rows -- each zeroes its block and adds the
tokens landing there in token order, no atomics; the NumPy twin sorts the
indices and sums per distinct index in the same order). Only ``sparse=False``
is supported (fastml has no sparse gradients).
"""
import numpy as np

from ..._kernels import embedding as _kemb
from ..tensor import Tensor, make_op
from ._util import float_tensor

__all__ = ["embedding"]


def _indices(input):
    idx = input.data if isinstance(input, Tensor) else np.asarray(input)
    if idx.dtype.kind not in "iu":
        raise TypeError("embedding: input (indices) must be an integer tensor (int64 or "
                        f"int32), got dtype {idx.dtype}")
    return idx


def check_padding_idx(padding_idx, num_embeddings):
    """torch's rule: -num_embeddings <= padding_idx < num_embeddings; negative
    values count from the end. Returns the non-negative index or None."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise ValueError(f"padding_idx must be an int or None, got {padding_idx!r}")
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(f"padding_idx must be within num_embeddings={num_embeddings}, got "
                         f"{padding_idx}")
    return int(padding_idx) % num_embeddings


def _renorm_(w, flat, max_norm, norm_type):
    """In place, as torch.embedding_renorm_: every looked-up row whose norm_type
    norm exceeds max_norm is scaled by max_norm / (norm + 1e-7)."""
    rows = np.unique(flat)
    sub = w[rows]
    if norm_type == np.inf:
        norms = np.abs(sub).max(axis=1)
    elif norm_type == 1:
        norms = np.abs(sub).sum(axis=1)
    elif norm_type == 2:
        norms = np.sqrt(np.einsum("ij,ij->i", sub, sub))
    else:
        norms = (np.abs(sub) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] = sub[big] * scale[:, None]


def _scatter_add(g, flat, V, padding_idx, scale_grad_by_freq):
    """dW (V, D) with dW[i] = the sum of the g rows whose index is i (compiled:
    threads own blocks of rows; twin: sorted, vectorised sums)."""
    g = np.ascontiguousarray(g)
    dw = _kemb.embedding_backward(g, np.ascontiguousarray(flat, dtype=np.int64), V,
                                  padding_idx)
    if scale_grad_by_freq and flat.size:
        counts = np.bincount(flat, minlength=V)
        rows = np.flatnonzero(counts)
        dw[rows] /= counts[rows].astype(g.dtype)[:, None]
    return dw


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of weight (num_embeddings, embedding_dim) at the integer indices of
    input (any shape) -> input.shape + (embedding_dim,). padding_idx: that row
    gets no gradient. max_norm: looked-up rows are renormalised in place first
    (modifies weight.data, like torch)."""
    weight = float_tensor(weight, "weight")
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                         f"got shape {weight.shape}")
    if sparse:
        raise ValueError("embedding: sparse=True is not supported (fastml.nn has no sparse "
                         "gradients); use sparse=False")
    idx = _indices(input)
    V, D = weight.shape
    padding_idx = check_padding_idx(padding_idx, V)
    flat = idx.reshape(-1).astype(np.intp, copy=False)
    if flat.size and (flat.min() < 0 or flat.max() >= V):
        bad = flat[(flat < 0) | (flat >= V)][0]
        raise IndexError(f"embedding: index {bad} is out of range for num_embeddings={V}")
    if max_norm is not None:
        if not max_norm > 0:
            raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
        if not norm_type > 0:
            raise ValueError(f"norm_type must be > 0, got {norm_type!r}")
        _renorm_(weight.data, flat, float(max_norm), float(norm_type))
    out = np.take(weight.data, flat, axis=0).reshape(idx.shape + (D,))

    def backward(g):
        return (_scatter_add(g.reshape(-1, D), flat, V, padding_idx, scale_grad_by_freq),)

    return make_op(out, (weight,), backward)
