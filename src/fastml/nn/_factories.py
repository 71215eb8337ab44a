"""Module-level functions in PyTorch's spelling: tensor factories
(``tensor``, ``zeros``, ``ones``, ``empty``, ``full``, ``arange``,
``linspace``, ``rand``, ``randn``, ``randint``, ``*_like``), ``cat`` /
``stack`` with ``dim=``, ``where``, and the math torch code calls at module
level (``exp``, ``log``, ``sum``, ``mean``, ``max`` ...), all on Tensors.

dtypes follow torch: Python floats make float32 (torch's default dtype),
Python ints int64, bools bool; NumPy arrays keep their dtype. Random
factories draw from fastml.nn's generator, seeded by ``manual_seed``.
"""
import builtins

import numpy as np

from . import functional as F
from . import tensor as _t
from ._random import generator
from ._torch_api import DTYPES, Size, dtype_of  # noqa: F401  (Size: re-exported)
from .tensor import Tensor, as_tensor

__all__ = ["tensor", "from_numpy", "is_tensor", "zeros", "ones", "empty", "full", "arange",
           "linspace", "rand", "randn", "randint", "zeros_like", "ones_like", "empty_like",
           "full_like", "rand_like", "randn_like", "cat", "concat", "stack", "where", "exp",
           "log", "sqrt", "abs", "pow", "sum", "mean", "max", "min", "argmax", "argmin",
           "matmul", "mm", "softmax", "log_softmax", "sigmoid", "tanh", "relu", "clamp",
           "maximum", "minimum", "flatten", "reshape", "transpose", "squeeze", "unsqueeze",
           "numel", "Size", *DTYPES]


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, builtins.bool) or not isinstance(s, (builtins.int, np.integer)) or s < 0:
            raise ValueError(f"size must be non-negative ints, got {size!r}")
        out.append(builtins.int(s))
    return tuple(out)


def _infer(data):
    """torch.tensor's dtype for data without an explicit dtype."""
    if isinstance(data, (np.ndarray, np.generic)):
        arr = np.asarray(data)
        return arr.astype(np.float32) if arr.dtype == np.float16 else arr
    arr = np.asarray(data)
    if arr.dtype.kind == "f":
        return arr.astype(np.float32)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "b":
        return arr
    raise TypeError(f"could not make a tensor from {type(data).__name__} of dtype {arr.dtype}")


def tensor(data, dtype=None, requires_grad=False, device=None):
    """A new tensor holding a copy of ``data`` (lists, numbers, arrays, tensors)."""
    if device is not None and str(device).split(":")[0] != "cpu":
        raise RuntimeError(f"fastml.nn runs on the CPU only; got device {device!r}")
    src = data.data if isinstance(data, Tensor) else data
    arr = np.array(src, dtype=dtype_of(dtype)) if dtype is not None else _infer(src).copy()
    return Tensor(arr, requires_grad=requires_grad)


def from_numpy(array):
    """A tensor sharing ``array``'s memory and dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects an ndarray, got {type(array).__name__}")
    return Tensor(array)


def is_tensor(obj):
    """True when obj is a fastml.nn.Tensor (a Parameter included), as torch.is_tensor.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.is_tensor(nn.zeros(2)), nn.is_tensor([0.0, 0.0])
    (True, False)
    """
    return isinstance(obj, Tensor)


_FACTORY_DOC = """{summary}

    Parameters
    ----------
    *size : ints, or one tuple / list of ints
        The shape: ``{name}(2, 3)`` or ``{name}((2, 3))``.
    dtype : torch-style dtype name, NumPy dtype or None
        None: float32 (torch's default).
    requires_grad : bool, default False
    device : None or "cpu"
        Accepted for torch compatibility; fastml runs on the CPU.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.manual_seed(0)
    >>> t = nn.{name}(2, 3)
    >>> t.shape, t.dtype
    ((2, 3), dtype('float32'))
    """


def _factory(name, fill, summary):
    def make(*size, dtype=None, requires_grad=False, device=None):
        arr = fill(_size(size), dtype_of(dtype) or np.dtype(np.float32))
        return tensor(arr, requires_grad=requires_grad, device=device)
    make.__name__ = make.__qualname__ = name
    make.__doc__ = _FACTORY_DOC.format(summary=summary, name=name)
    return make


zeros = _factory("zeros", np.zeros, "A tensor of zeros.")
ones = _factory("ones", np.ones, "A tensor of ones.")
empty = _factory("empty", np.zeros,
                 "An uninitialised tensor in torch; zeros here (never garbage).")
rand = _factory("rand", lambda s, d: generator().random(s).astype(d),
                "Samples uniform on [0, 1), from fastml.nn's generator (manual_seed).")
randn = _factory("randn", lambda s, d: generator().standard_normal(s).astype(d),
                 "Standard normal samples, from fastml.nn's generator (manual_seed).")


def full(size, fill_value, dtype=None, requires_grad=False, device=None):
    """A tensor of shape ``size`` filled with ``fill_value``; its dtype is
    inferred from the value (float32 for floats, int64 for ints) unless given.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.full((2, 2), 7).tolist()
    [[7, 7], [7, 7]]
    >>> nn.full((2,), 0.5).dtype
    dtype('float32')
    """
    if dtype is None:
        dtype = _infer(fill_value).dtype
    arr = np.full(_size((size,) if np.isscalar(size) else tuple(size)), fill_value,
                  dtype=dtype_of(dtype))
    return tensor(arr, requires_grad=requires_grad, device=device)


def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None):
    """Values from start (default 0) to end (excluded) by step; int64 when all
    three are ints, else float32 (torch's rule)."""
    if end is None:
        start, end = 0, start
    if dtype is None:
        ints = builtins.all(isinstance(v, (builtins.int, np.integer))
                            and not isinstance(v, builtins.bool)
                            for v in (start, end, step))
        dtype = np.int64 if ints else np.float32
    return tensor(np.arange(start, end, step, dtype=np.float64).astype(dtype_of(dtype)),
                  requires_grad=requires_grad, device=device)


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None):
    """``steps`` evenly spaced values from start to end (both included),
    float32 unless dtype is given.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.linspace(0, 1, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    vals = np.linspace(start, end, builtins.int(steps))
    return tensor(vals.astype(dtype_of(dtype) or np.float32),
                  requires_grad=requires_grad, device=device)


def randint(low, high=None, size=None, dtype=None, requires_grad=False, device=None):
    """Integers in [low, high) (``randint(high, size)`` as in torch)."""
    if size is None:
        if high is None or not isinstance(high, (tuple, list)):
            raise TypeError("randint(low=0, high, size) needs size")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    vals = generator().integers(low, high, _size(tuple(size)))
    return tensor(vals.astype(dtype_of(dtype) or np.int64), requires_grad=requires_grad,
                  device=device)


def _like(fill):
    def make(input, dtype=None, requires_grad=False, device=None):
        t = as_tensor(input)
        return fill(*t.shape, dtype=dtype_of(dtype) or t.dtype, requires_grad=requires_grad,
                    device=device)
    name = fill.__name__ + "_like"
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"""``{fill.__name__}`` with the shape (and, unless dtype is given, the
    dtype) of ``input``.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.manual_seed(0)
    >>> x = nn.zeros(2, 3, dtype=nn.float64)
    >>> y = nn.{name}(x)
    >>> y.shape, y.dtype
    ((2, 3), dtype('float64'))
    """
    return make


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)
rand_like, randn_like = _like(rand), _like(randn)


def full_like(input, fill_value, dtype=None, requires_grad=False, device=None):
    """``full`` with the shape (and, unless dtype is given, the dtype) of input.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.full_like(nn.zeros(3), 2.5).tolist()
    [2.5, 2.5, 2.5]
    """
    t = as_tensor(input)
    return full(t.shape, fill_value, dtype=dtype_of(dtype) or t.dtype,
                requires_grad=requires_grad, device=device)


def _axis(dim, axis):
    if dim is not None and axis is not None:
        raise TypeError("pass dim= or axis=, not both")
    return 0 if dim is None and axis is None else (axis if dim is None else dim)


def cat(tensors, dim=None, *, axis=None):
    """Join tensors along an existing dimension (``dim``, default 0)."""
    return _t.concat(tensors, _axis(dim, axis))


concat = cat


def stack(tensors, dim=None, *, axis=None):
    """Join same-shaped tensors along a new dimension (``dim``, default 0)."""
    return _t.stack(tensors, _axis(dim, axis))


def where(condition, input, other):
    """input where condition holds, else other; gradients go to the chosen side."""
    from ._shapes import unbroadcast
    from .tensor import _coerce, make_op

    c = np.asarray(condition.data if isinstance(condition, Tensor) else condition, dtype=bool)
    like = input if isinstance(input, Tensor) else other if isinstance(other, Tensor) else None
    a, b = _coerce(input, like), _coerce(other, like)
    out = np.where(c, a.data, b.data)
    return make_op(out, (a, b), lambda g: (
        unbroadcast(np.where(c, g, 0).astype(g.dtype), a.shape) if a.requires_grad else None,
        unbroadcast(np.where(c, 0, g).astype(g.dtype), b.shape) if b.requires_grad else None))


def _method(name):
    def fn(input, *args, **kwargs):
        return getattr(as_tensor(input), name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``fastml.nn.{name}(x, ...)`` is ``x.{name}(...)``."
    return fn


exp, log, sqrt, abs, pow = (_method(n) for n in ("exp", "log", "sqrt", "abs", "pow"))
sum, mean, max, min = (_method(n) for n in ("sum", "mean", "max", "min"))
argmax, argmin, matmul, mm = (_method(n) for n in ("argmax", "argmin", "matmul", "mm"))
clamp, maximum, minimum = (_method(n) for n in ("clamp", "maximum", "minimum"))
flatten, reshape, transpose = (_method(n) for n in ("flatten", "reshape", "transpose"))
squeeze, unsqueeze, numel = (_method(n) for n in ("squeeze", "unsqueeze", "numel"))


def softmax(input, dim):
    """exp(x) / sum(exp(x)) along ``dim`` (compiled, max-shifted), as torch.softmax.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> p = nn.softmax(nn.tensor([[1.0, 2.0, 3.0]]), dim=1)
    >>> [round(v, 4) for v in p.tolist()[0]]
    [0.09, 0.2447, 0.6652]
    """
    return F.softmax(input, dim)


def log_softmax(input, dim):
    """log(softmax(x)) along ``dim``, computed stably (x - logsumexp(x)).

    Examples
    --------
    >>> import fastml.nn as nn
    >>> lp = nn.log_softmax(nn.tensor([[1.0, 2.0, 3.0]]), dim=1)
    >>> [round(v, 4) for v in lp.tolist()[0]]
    [-2.4076, -1.4076, -0.4076]
    """
    return F.log_softmax(input, dim)


sigmoid, tanh, relu = F.sigmoid, F.tanh, F.relu

# torch's dtype names (nn.float32, nn.long ...) as NumPy scalar types; set last:
# inside this module int/float/bool are builtins.* above
globals().update({name: np.dtype(dt).type for name, dt in DTYPES.items()})
