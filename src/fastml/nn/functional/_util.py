"""Input checks shared by fastml.nn.functional ops (the API edge)."""
import numpy as np

from ..tensor import Tensor


class DtypeMismatchError(ValueError, RuntimeError):
    """Mixed floating dtypes in one layer, e.g. a float64 NumPy array fed to a
    float32 model. As torch, fastml does not cast silently: it raises, naming
    both dtypes. The class is a RuntimeError (what torch raises for most layers,
    so torch code's handlers still catch it) and a ValueError (fastml's error
    for bad input)."""

    def __init__(self, message):
        super().__init__(f"{message}; convert the input (x.float(), x.double(), "
                         f"x.to(dtype)) or the model (model.float(), model.double())")


def float_tensor(x, name):
    """x as a floating Tensor (arrays are wrapped; dtype is kept)."""
    if not isinstance(x, Tensor):
        x = Tensor(x)
    if x.data.dtype.kind != "f":
        raise ValueError(f"{name} must be a floating tensor, got dtype {x.data.dtype}")
    return x


def contiguous(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def target_array(target, like, name="target"):
    """A target as a C-contiguous array of like's dtype and shape (never needs grad)."""
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.shape != like.shape:
        raise ValueError(f"{name} shape {t.shape} does not match input shape {like.shape}")
    return contiguous(t.astype(like.dtype, copy=False))


def check_reduction(reduction, allowed=("mean", "sum", "none")):
    if reduction not in allowed:
        raise ValueError(f"reduction must be one of {allowed}, got {reduction!r}")


def norm_dim(dim, ndim, name="dim"):
    if ndim == 0:
        raise ValueError(f"{name}: input must have at least one dimension")
    if not -ndim <= dim < ndim:
        raise ValueError(f"{name}={dim} is out of range for a {ndim}-d input")
    return dim % ndim
