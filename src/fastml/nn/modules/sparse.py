"""Embedding: a lookup table of num_embeddings rows (torch.nn.Embedding), over
fastml.nn.functional.embedding (row gather forward, vectorised scatter-add
backward)."""
import numpy as np

from .. import init
from ..functional.sparse import check_padding_idx, embedding
from ..tensor import Parameter, Tensor
from .layers import _check_int
from .module import Module

__all__ = ["Embedding"]


class Embedding(Module):
    """Embedding(num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
    norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
    _freeze=False, dtype=np.float32).

    weight (num_embeddings, embedding_dim) ~ N(0, 1) with the padding_idx row
    zeroed (PyTorch's init); the padding_idx row never receives a gradient.
    max_norm renormalises the looked-up rows of weight in place on every call.
    Only sparse=False (dense gradients) is supported.
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, dtype=np.float32):
        super().__init__()
        self.num_embeddings = _check_int("num_embeddings", num_embeddings, 0)
        self.embedding_dim = _check_int("embedding_dim", embedding_dim, 0)
        self.padding_idx = check_padding_idx(padding_idx, self.num_embeddings)
        if max_norm is not None and not max_norm > 0:
            raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
        if sparse:
            raise ValueError("Embedding: sparse=True is not supported (fastml.nn has no "
                             "sparse gradients); use sparse=False")
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = bool(scale_grad_by_freq)
        self.sparse = False
        if _weight is None:
            self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            w = _weight.data if isinstance(_weight, Tensor) else np.asarray(_weight)
            if w.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError("Shape of weight does not match num_embeddings and "
                                 f"embedding_dim: expected {(self.num_embeddings, self.embedding_dim)}"
                                 f", got {w.shape}")
            self.weight = Parameter(w, requires_grad=not _freeze)

    def reset_parameters(self):
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input):
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight is `embeddings` (2-D; float data, shared, not
        copied, as torch); freeze=True: the weight does not require grad."""
        data = embeddings.data if isinstance(embeddings, Tensor) else np.asarray(embeddings)
        if data.ndim != 2:
            raise ValueError("Embeddings parameter is expected to be 2-dimensional, got shape "
                             f"{data.shape}")
        if data.dtype.kind != "f":
            raise ValueError(f"embeddings must be floating, got dtype {data.dtype}")
        rows, cols = data.shape
        return cls(rows, cols, padding_idx=padding_idx, max_norm=max_norm,
                   norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
                   _weight=data, _freeze=freeze, dtype=data.dtype)

