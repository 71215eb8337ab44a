"""torch.nn.utils counterparts: gradient clipping and flat parameter vectors."""
import numpy as np

from ..optim.regularization import clip_grad_norm_ as _clip_norm
from ..optim.regularization import clip_grad_value_ as _clip_value
from ..tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters"]


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients together so their joint norm_type-norm is <= max_norm (scale
    max_norm / (norm + 1e-6) when it is larger). Returns the total norm before clipping
    (a NumPy float64, so ``.item()`` works as on torch's tensor); NaN/inf norms follow
    torch, or raise RuntimeError with error_if_nonfinite=True. foreach is accepted
    for torch compatibility and ignored."""
    return np.float64(_clip_norm(parameters, max_norm, norm_type, error_if_nonfinite))


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clip every gradient element to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    _clip_value(parameters, clip_value)


def _param_list(parameters, fn):
    if isinstance(parameters, Tensor):
        return [parameters]
    if isinstance(parameters, np.ndarray) or not hasattr(parameters, "__iter__"):
        raise TypeError(f"{fn} expects an iterable of Tensors (e.g. model.parameters()), "
                        f"but got: {type(parameters).__name__}")
    ps = list(parameters)
    for p in ps:
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn} expects Tensors, but got: {type(p).__name__}")
    return ps


def parameters_to_vector(parameters):
    """One flat Tensor with every parameter's values, in order (differentiable, as
    torch's: the gradient flows back to the parameters)."""
    from .._factories import cat

    ps = _param_list(parameters, "parameters_to_vector")
    if not ps:
        raise ValueError("parameters_to_vector got no parameters")
    return cat([p.reshape(-1) for p in ps], dim=0)


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the flat vec into the parameters, in order.

    Unlike torch (which makes each parameter a view of vec), the values are copied
    into the parameters' own arrays, keeping their dtype; vec must hold exactly as
    many values as the parameters."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected fastml.nn.Tensor, but got: {type(vec).__name__}")
    data = np.asarray(vec.data)
    if data.ndim != 1:
        raise ValueError(f"vec must be 1-D, got shape {data.shape}")
    ps = _param_list(parameters, "vector_to_parameters")
    total = sum(p.data.size for p in ps)
    if total != data.size:
        raise ValueError(f"vec has {data.size} elements, the parameters hold {total}")
    off = 0
    for p in ps:
        n = p.data.size
        p.data[...] = data[off:off + n].reshape(p.data.shape)
        off += n
