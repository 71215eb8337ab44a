"""Tensor methods in PyTorch's spelling, attached to Tensor once (like
_tensor_methods.py), so code written for torch runs on fastml.nn.

Reductions take ``dim=`` / ``keepdim=`` (NumPy's ``axis=`` / ``keepdims=``
still work); ``x.max(dim)`` / ``x.min(dim)`` return ``(values, indices)``
whose values route the gradient to the returned index, as torch's do (a full
``x.max()`` shares it among ties, as torch's does); ``x.max(other)`` is the
elementwise maximum. ``size()`` is a method returning a ``Size`` tuple
(``size(d)`` an int), ``numel()`` the element count.

Deliberate difference: ``.data`` is the NumPy array itself (fastml's storage),
not a Tensor. Write ``p.add_(g, alpha=-lr)`` under ``no_grad()`` instead of
``p.data.add_(...)``; in-place methods on a tensor that requires grad raise
outside ``no_grad()`` (torch tracks versions to allow some of them).
"""
import collections

import numpy as np

from . import _grad_mode
from . import functional as F
from .tensor import Tensor, _coerce, _raw_index, make_op

__all__ = ["Size", "dtype_of"]

_orig = {name: getattr(Tensor, name) for name in ("sum", "mean", "max", "min", "squeeze",
                                                   "unsqueeze")}

# dtype names torch code passes (also exported by fastml.nn: nn.float32, nn.long ...)
DTYPES = {"float32": np.float32, "float": np.float32, "float64": np.float64,
          "double": np.float64, "int64": np.int64, "long": np.int64, "int32": np.int32,
          "int": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8,
          "bool": np.bool_}


class Size(tuple):
    """The shape of a tensor, as ``x.size()`` returns it (a tuple)."""

    def numel(self):
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self):
        return f"fastml.nn.Size({list(self)})"


_MaxMin = collections.namedtuple("return_types", ["values", "indices"])  # type: ignore[name-match]


def dtype_of(dtype):
    """numpy dtype for a torch-style dtype argument (a NumPy dtype, a name or None)."""
    if dtype is None:
        return None
    if isinstance(dtype, str) and dtype in DTYPES:
        return np.dtype(DTYPES[dtype])
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be a NumPy dtype or one of {sorted(DTYPES)}, "
                        f"got {dtype!r}") from None


def _dim(dim, axis):
    if dim is not None and axis is not None:
        raise TypeError("pass dim= or axis=, not both")
    d = axis if dim is None else dim
    return tuple(d) if isinstance(d, list) else d


def _keep(keepdim, keepdims):
    return bool(keepdim if keepdims is None else keepdims)


# ---- reductions ---------------------------------------------------------------
def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
    """Sum over ``dim`` (int, tuple or None: all)."""
    out = _orig["sum"](self, _dim(dim, axis), _keep(keepdim, keepdims))
    return out if dtype is None else out.to(dtype)


def mean(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
    """Mean over ``dim`` (int, tuple or None: all)."""
    x = self if dtype is None else self.to(dtype)
    return _orig["mean"](x, _dim(dim, axis), _keep(keepdim, keepdims))


def _along(self, dim, keepdim, pick):
    a = self.data
    d = dim % max(a.ndim, 1) if a.ndim else None
    if d is None:  # 0-d tensor: itself, index 0
        idx = np.zeros((), dtype=np.int64)
        return _MaxMin(make_op(a.copy(), (self,), lambda g: (g,)), Tensor(idx))
    idx_k = pick(a, axis=d, keepdims=True)
    vals = np.take_along_axis(a, idx_k, axis=d)

    def backward(g):
        full = np.zeros(a.shape, dtype=a.dtype)
        np.put_along_axis(full, idx_k, g if keepdim else np.expand_dims(g, d), axis=d)
        return (full,)

    idx = idx_k
    if not keepdim:
        vals, idx = np.squeeze(vals, axis=d), np.squeeze(idx_k, axis=d)
    return _MaxMin(make_op(vals, (self,), backward), Tensor(idx.astype(np.int64)))


def _extreme(name, pick, elementwise):
    def method(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        if isinstance(dim, (Tensor, np.ndarray)):
            return elementwise(self, dim)
        if dim is None:  # full reduction or NumPy-style axis=: values only
            return _orig[name](self, axis, _keep(keepdim, keepdims))
        if axis is not None:
            raise TypeError("pass dim= or axis=, not both")
        if isinstance(dim, (tuple, list)):
            return _orig[name](self, tuple(dim), _keep(keepdim, keepdims))
        return _along(self, int(dim), _keep(keepdim, keepdims), pick)

    method.__name__ = name
    method.__doc__ = (f"``x.{name}()``: the {name} of all elements; ``x.{name}(dim)``: "
                      f"(values, indices) along dim; ``x.{name}(other)``: elementwise.")
    return method


def maximum(self, other):
    """Elementwise maximum; the gradient goes to the larger (half each on ties)."""
    return _pairwise_extreme(self, other, np.maximum, np.greater)


def minimum(self, other):
    """Elementwise minimum; the gradient goes to the smaller (half each on ties)."""
    return _pairwise_extreme(self, other, np.minimum, np.less)


def _pairwise_extreme(self, other, fn, better):
    from ._shapes import unbroadcast

    o = _coerce(other, self)
    a, b = self.data, o.data
    out = fn(a, b)

    def backward(g):
        wa = np.where(better(a, b), 1.0, np.where(a == b, 0.5, 0.0)).astype(out.dtype)
        return (unbroadcast(g * wa, a.shape) if self.requires_grad else None,
                unbroadcast(g * (1 - wa), b.shape) if o.requires_grad else None)

    return make_op(out, (self, o), backward)


def argmax(self, dim=None, keepdim=False, *, axis=None):
    """Index of the maximum (flattened when dim is None) as an int64 tensor."""
    d = _dim(dim, axis)
    out = np.argmax(self.data, axis=d, keepdims=bool(keepdim) and d is not None)
    return Tensor(np.asarray(out, dtype=np.int64))


def argmin(self, dim=None, keepdim=False, *, axis=None):
    """Index of the minimum (flattened when dim is None) as an int64 tensor."""
    d = _dim(dim, axis)
    out = np.argmin(self.data, axis=d, keepdims=bool(keepdim) and d is not None)
    return Tensor(np.asarray(out, dtype=np.int64))


def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
        keepdims=None):
    """Variance with Bessel's correction by default (torch's ``correction=1``)."""
    if unbiased is not None and correction is not None:
        raise TypeError("pass unbiased= or correction=, not both")
    c = 1 if correction is None and unbiased is None else (
        correction if correction is not None else int(bool(unbiased)))
    d = _dim(dim, axis)
    k = _keep(keepdim, keepdims)
    n = self.data.size if d is None else int(np.prod([self.data.shape[i] for i in
                                                      ((d,) if np.isscalar(d) else d)]))
    dev = self - _orig["mean"](self, d, True)
    return _orig["sum"](dev * dev, d, k) / max(n - c, 0)


def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
        keepdims=None):
    """Standard deviation (the square root of ``var`` with the same arguments)."""
    return var(self, dim, unbiased, keepdim, correction=correction, axis=axis,
               keepdims=keepdims).sqrt()


def all_(self, dim=None, keepdim=False):
    return Tensor(np.all(self.data, axis=dim, keepdims=keepdim))


def any_(self, dim=None, keepdim=False):
    return Tensor(np.any(self.data, axis=dim, keepdims=keepdim))


# ---- shape -------------------------------------------------------------------------
def size(self, dim=None):
    """The shape as a ``Size`` tuple, or its length along ``dim``."""
    s = self.data.shape
    return Size(s) if dim is None else s[dim]


def numel(self):
    return int(self.data.size)


def dim(self):
    return self.data.ndim


def squeeze(self, dim=None, *, axis=None):
    d = _dim(dim, axis)
    if d is not None:  # torch: squeezing a dimension that is not 1 is a no-op
        dims = (d,) if np.isscalar(d) else d
        d = tuple(i for i in dims if self.data.shape[i] == 1) or None
        if d is None:
            return self
    return _orig["squeeze"](self, d)


def unsqueeze(self, dim=None, *, axis=None):
    return _orig["unsqueeze"](self, _dim(dim, axis))


def view_as(self, other):
    return self.reshape(other.shape)


def expand_as(self, other):
    return self.expand(other.shape)


def t(self):
    """Transpose of a 2-D tensor (0-d and 1-d tensors are returned as they are)."""
    if self.data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, got {self.data.ndim}")
    return self if self.data.ndim < 2 else self.permute(1, 0)


def repeat(self, *sizes):
    """Tile the tensor ``sizes`` times along each dimension (torch's repeat)."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    a = self.data
    if len(sizes) < a.ndim:
        raise RuntimeError("number of repeat dims can not be smaller than the tensor's dims")
    src = (1,) * (len(sizes) - a.ndim) + a.shape
    out = np.tile(a.reshape(src), sizes)

    def backward(g):
        inter = []
        for r, s in zip(sizes, src):
            inter += [r, s]
        return (g.reshape(inter).sum(axis=tuple(range(0, 2 * len(src), 2))).reshape(a.shape),)

    return make_op(out, (self,), backward)


def contiguous(self):
    return self


def clone(self):
    """A copy that stays in the graph (the gradient flows through it)."""
    return make_op(self.data.copy(), (self,), lambda g: (g,))


def detach_(self):
    self.requires_grad = False
    self._parents, self._backward = (), None
    return self


# ---- dtype and device ----------------------------------------------------------
def to(self, *args, **kwargs):
    """``to(dtype)``, ``to(other_tensor)`` or ``to("cpu")`` (the only device)."""
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None)
    kwargs.pop("copy", None)
    device = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"to() got unexpected arguments {sorted(kwargs)}")
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and a not in DTYPES:
            device = a
        else:
            dtype = a
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"fastml.nn runs on the CPU only; got device {device!r}")
    return self if dtype is None else self.astype(dtype_of(dtype))


def type_as(self, other):
    return self.astype(other.dtype)


def _cast(dtype):
    def method(self):
        return self.astype(dtype)
    return method


def cpu(self):
    return self


def cuda(self, *args, **kwargs):
    raise RuntimeError("fastml.nn runs on the CPU only (no CUDA)")


# ---- in place (outside the graph) ------------------------------------------------
def _inplace_ok(self, name):
    if self.requires_grad and _grad_mode._enabled:
        raise RuntimeError(f"{name}: in-place change of a tensor that requires grad; wrap it "
                           "in `with fastml.nn.no_grad():` (fastml.nn does not track versions)")


def _store(self, value, name):
    _inplace_ok(self, name)
    if not self.data.flags.writeable:
        self.data = self.data.copy()
    self.data[...] = value
    return self


def add_(self, other, *args, alpha=1):
    """self += alpha * other (also torch's old ``add_(alpha, other)`` spelling)."""
    if args:
        if len(args) != 1 or not np.isscalar(other):
            raise TypeError("add_(other, *, alpha=1)")
        other, alpha = args[0], other
    o = other.data if isinstance(other, Tensor) else other
    return _store(self, self.data + alpha * np.asarray(o), "add_")


def sub_(self, other, *, alpha=1):
    o = other.data if isinstance(other, Tensor) else other
    return _store(self, self.data - alpha * np.asarray(o), "sub_")


def mul_(self, other):
    o = other.data if isinstance(other, Tensor) else other
    return _store(self, self.data * o, "mul_")


def div_(self, other):
    o = other.data if isinstance(other, Tensor) else other
    return _store(self, self.data / o, "div_")


def zero_(self):
    return _store(self, 0, "zero_")


def fill_(self, value):
    return _store(self, value.data if isinstance(value, Tensor) else value, "fill_")


def clamp_(self, min=None, max=None):
    return _store(self, np.clip(self.data, min, max), "clamp_")


def copy_(self, src):
    s = src.data if isinstance(src, Tensor) else np.asarray(src)
    return _store(self, np.broadcast_to(s, self.data.shape), "copy_")


def normal_(self, mean=0.0, std=1.0):
    from ._random import generator
    return _store(self, generator().normal(mean, std, self.data.shape), "normal_")


def uniform_(self, a=0.0, b=1.0):
    from ._random import generator
    return _store(self, generator().uniform(a, b, self.data.shape), "uniform_")


def __setitem__(self, idx, value):
    _inplace_ok(self, "__setitem__")
    idx = _raw_index(idx)
    if not self.data.flags.writeable:
        self.data = self.data.copy()
    self.data[idx] = value.data if isinstance(value, Tensor) else value


# ---- math in method form ---------------------------------------------------------
def pow(self, exponent):
    return self ** exponent


def _binary(op):
    def method(self, other):
        return op(self, other)
    return method


def square(self):
    return self * self


def neg(self):
    return -self


def log1p(self):
    a = self.data
    return make_op(np.log1p(a), (self,), lambda g: (g / (1 + a),))


def reciprocal(self):
    return 1 / self


def sign(self):
    return Tensor(np.sign(self.data))


def leaky_relu(self, negative_slope=0.01):
    return F.leaky_relu(self, negative_slope)


def new_tensor(self, data, dtype=None):
    return Tensor(np.array(data.data if isinstance(data, Tensor) else data,
                           dtype=dtype_of(dtype) or self.dtype))


def _new(fill):
    def method(self, *size, dtype=None, requires_grad=False):
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        arr = fill(size, dtype_of(dtype) or self.dtype)
        return Tensor(arr, requires_grad=requires_grad)
    return method


def new_full(self, size, fill_value, dtype=None, requires_grad=False):
    return Tensor(np.full(size, fill_value, dtype=dtype_of(dtype) or self.dtype),
                  requires_grad=requires_grad)


_METHODS = dict(
    sum=sum, mean=mean, max=_extreme("max", np.argmax, maximum),
    min=_extreme("min", np.argmin, minimum), maximum=maximum, minimum=minimum,
    argmax=argmax, argmin=argmin, var=var, std=std, all=all_, any=any_, size=size,
    numel=numel, nelement=numel, dim=dim, ndimension=dim, squeeze=squeeze,
    unsqueeze=unsqueeze, view_as=view_as, reshape_as=view_as, expand_as=expand_as, t=t,
    repeat=repeat, contiguous=contiguous, clone=clone, detach_=detach_, to=to,
    type_as=type_as, long=_cast(np.int64), int=_cast(np.int32), bool=_cast(np.bool_),
    cpu=cpu, cuda=cuda, add_=add_, sub_=sub_, mul_=mul_, div_=div_, zero_=zero_,
    fill_=fill_, clamp_=clamp_, clip_=clamp_, copy_=copy_, normal_=normal_,
    uniform_=uniform_, __setitem__=__setitem__, pow=pow, square=square, neg=neg,
    log1p=log1p, reciprocal=reciprocal, sign=sign, leaky_relu=leaky_relu,
    add=_binary(lambda a, b: a + b), sub=_binary(lambda a, b: a - b),
    mul=_binary(lambda a, b: a * b), div=_binary(lambda a, b: a / b),
    matmul=_binary(lambda a, b: a @ b), mm=_binary(lambda a, b: a @ b),
    eq=_binary(lambda a, b: a == b), ne=_binary(lambda a, b: a != b),
    lt=_binary(lambda a, b: a < b), le=_binary(lambda a, b: a <= b),
    gt=_binary(lambda a, b: a > b), ge=_binary(lambda a, b: a >= b),
    new_tensor=new_tensor, new_zeros=_new(np.zeros), new_ones=_new(np.ones),
    new_empty=_new(np.empty), new_full=new_full,
)

for _name, _f in _METHODS.items():
    if _f.__name__ in ("method", "<lambda>"):
        _f.__name__ = _name
    _f.__qualname__ = f"Tensor.{_name}"
    setattr(Tensor, _name, _f)
del _name, _f
