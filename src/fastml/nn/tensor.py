"""Tensor: a NumPy array with reverse-mode autograd (micrograd-shaped).

A Tensor produced by an op records its parents and a ``backward`` closure
``backward(grad_out) -> tuple`` giving one gradient (ndarray or None) per
parent, already reduced to that parent's shape. ``Tensor.backward`` walks
the graph in reverse topological order, sums the gradients flowing into each
node and accumulates (``+=``) into the ``.grad`` of leaf tensors, like
PyTorch. Intermediate tensors keep no ``.grad`` unless ``retain_grad()``.

Every op lives here with its backward right next to its forward; the
extension point for compiled ops elsewhere (fastml.nn.functional) is
``make_op(out_data, parents, backward)``. This module never imports
fastml.nn.functional: the methods that are functional ops (``relu``,
``sigmoid``, ``tanh``, ``softmax``, ``log_softmax``) are attached in one place,
fastml/nn/_tensor_methods.py, which fastml/nn/__init__.py imports after both.

dtype: float32 and float64 arrays and NumPy scalars keep their dtype (float16
becomes float32); Python scalars and lists become float32; other NumPy dtypes (ints, bools) are kept but cannot require
grad. Scalars mixed into arithmetic take the tensor's dtype.
"""
import numpy as np

from . import _grad_mode
from ._grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from ._shapes import expand_reduced as _expand_reduced
from ._shapes import is_basic_index as _is_basic_index
from ._shapes import matmul_backward as _matmul_backward
from ._shapes import norm_axes as _norm_axes
from ._shapes import unbroadcast as _unbroadcast

__all__ = ["Tensor", "Parameter", "make_op", "no_grad", "enable_grad", "is_grad_enabled",
           "set_grad_enabled", "concat", "cat", "stack", "as_tensor"]

def _to_array(data, dtype=None):
    if isinstance(data, Tensor):
        data = data.data
    elif isinstance(data, np.generic):  # NumPy scalars keep their dtype, like arrays
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        if dtype is not None and data.dtype != dtype:
            return data.astype(dtype)
        if data.dtype == np.float16:
            return data.astype(np.float32)
        return data
    if dtype is None:
        arr = np.asarray(data)
        if arr.dtype.kind in "fiu":  # Python numbers and lists -> float32
            arr = arr.astype(np.float32)
        return arr
    return np.asarray(data, dtype=dtype)


class Tensor:
    """N-d array with autograd. ``Tensor(data, requires_grad=False, dtype=None)``."""

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_retain",
                 "__weakref__")
    __array_priority__ = 1000  # ndarray <op> Tensor defers to Tensor's reflected op

    def __init__(self, data, requires_grad=False, dtype=None):
        arr = _to_array(data, None if dtype is None else np.dtype(dtype))
        if requires_grad and arr.dtype.kind != "f":
            raise ValueError(f"requires_grad=True needs a floating dtype, got {arr.dtype}")
        self.data = arr
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self._parents = ()
        self._backward = None
        self._retain = False

    # ---- basic properties -------------------------------------------------
    @property
    def shape(self):
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return self.data.size

    @property
    def is_leaf(self):
        return self._backward is None

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", precision=4, threshold=20,
                               prefix="Tensor(")
        extra = ", requires_grad=True" if self.requires_grad else ""
        if self.data.dtype != np.float32:
            extra = f", dtype={self.data.dtype}" + extra
        return f"Tensor({body}{extra})"

    def numpy(self):
        return self.data

    def item(self):
        return self.data.item()

    def tolist(self):
        return self.data.tolist()

    def detach(self):
        return Tensor(self.data)

    def zero_grad(self):
        self.grad = None

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf tensor after backward."""
        self._retain = True
        return self

    def requires_grad_(self, flag=True):
        if flag and self.data.dtype.kind != "f":
            raise ValueError(f"requires_grad=True needs a floating dtype, got {self.dtype}")
        self.requires_grad = bool(flag)
        return self

    def astype(self, dtype):
        dtype = np.dtype(dtype)
        src = self.data.dtype
        if dtype == src:
            return self
        return make_op(self.data.astype(dtype), (self,), lambda g: (g.astype(src),))

    def float(self):
        return self.astype(np.float32)

    def double(self):
        return self.astype(np.float64)

    # ---- autograd -----------------------------------------------------------
    def backward(self, grad=None):
        """Accumulate d(self)/d(leaf) * grad into every leaf's ``.grad``.

        grad defaults to 1 for a one-element tensor; otherwise it must have
        self's shape.
        """
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad")
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for one-element "
                                   f"tensors; got shape {self.shape}")
            grad = np.ones(self.data.shape, dtype=self.data.dtype)
        else:
            # no copy: ops never write into a gradient, and the user's array is
            # never stored as a leaf's .grad (see the ownership test below)
            grad = np.asarray(grad.data if isinstance(grad, Tensor) else grad,
                              dtype=self.data.dtype)
            if grad.shape != self.data.shape:
                raise ValueError(f"grad shape {grad.shape} does not match tensor shape "
                                 f"{self.shape}")
        # Reverse topological order by iterative DFS over nodes that need grad.
        order = []
        seen = set()
        stack = [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            nid = id(node)
            if nid in seen:
                continue
            seen.add(nid)
            stack.append((node, True))
            for p in node._parents:
                if isinstance(p, Tensor) and p.requires_grad and id(p) not in seen:
                    stack.append((p, False))
        grads = {id(self): grad}
        leaves = []
        for node in reversed(order):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._backward is None:
                leaves.append((node, g))
                continue
            if node._retain:
                leaves.append((node, g))
            pgrads = node._backward(g)
            for p, pg in zip(node._parents, pgrads):
                if pg is None or not isinstance(p, Tensor) or not p.requires_grad:
                    continue
                pid = id(p)
                prev = grads.get(pid)
                grads[pid] = pg if prev is None else prev + pg  # never in place: aliasing
        owned = set()
        for leaf, g in leaves:
            if leaf.grad is not None:
                leaf.grad += g
            elif (g.base is None and g.flags.writeable and g.dtype == leaf.data.dtype
                  and id(g) not in owned and g is not grad):
                leaf.grad = g  # fresh array produced by an op: take it without a copy
                owned.add(id(g))
            else:
                leaf.grad = np.array(g, dtype=leaf.data.dtype)
                if leaf.grad.shape != leaf.data.shape:
                    leaf.grad = np.broadcast_to(leaf.grad, leaf.data.shape).copy()

    # ---- arithmetic (broadcasting) -----------------------------------------
    def __add__(self, other):
        o = _coerce(other, self)
        a, b = self.data, o.data
        sa, sb = a.shape, b.shape
        return make_op(a + b, (self, o),
                       lambda g: (_unbroadcast(g, sa), _unbroadcast(g, sb)))

    def __radd__(self, other):
        return _coerce(other, self).__add__(self)

    def __sub__(self, other):
        o = _coerce(other, self)
        a, b = self.data, o.data
        sa, sb = a.shape, b.shape
        return make_op(a - b, (self, o),
                       lambda g: (_unbroadcast(g, sa), _unbroadcast(-g, sb)))

    def __rsub__(self, other):
        return _coerce(other, self).__sub__(self)

    def __mul__(self, other):
        o = _coerce(other, self)
        a, b = self.data, o.data
        return make_op(a * b, (self, o),
                       lambda g: (_unbroadcast(g * b, a.shape) if self.requires_grad else None,
                                  _unbroadcast(g * a, b.shape) if o.requires_grad else None))

    def __rmul__(self, other):
        return _coerce(other, self).__mul__(self)

    def __truediv__(self, other):
        o = _coerce(other, self)
        a, b = self.data, o.data
        out = a / b
        return make_op(out, (self, o),
                       lambda g: (_unbroadcast(g / b, a.shape) if self.requires_grad else None,
                                  _unbroadcast(-g * out / b, b.shape) if o.requires_grad
                                  else None))

    def __rtruediv__(self, other):
        return _coerce(other, self).__truediv__(self)

    def __neg__(self):
        return make_op(-self.data, (self,), lambda g: (-g,))

    def __pos__(self):
        return self

    def __pow__(self, other):
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            a = self.data
            e = other
            out = a ** e
            if e == 2:
                return make_op(out, (self,), lambda g: (g * (2 * a),))
            return make_op(out, (self,), lambda g: (g * (e * a ** (e - 1)),))
        o = _coerce(other, self)
        a, b = self.data, o.data
        out = a ** b

        def backward(g):
            ga = _unbroadcast(g * b * a ** (b - 1), a.shape) if self.requires_grad else None
            gb = None
            if o.requires_grad:
                with np.errstate(divide="ignore", invalid="ignore"):
                    loga = np.where(a > 0, np.log(np.where(a > 0, a, 1)), 0).astype(out.dtype)
                gb = _unbroadcast(g * out * loga, b.shape)
            return ga, gb

        return make_op(out, (self, o), backward)

    def __rpow__(self, other):
        return _coerce(other, self).__pow__(self)

    def __matmul__(self, other):
        o = _coerce(other, self)
        a, b = self.data, o.data
        if a.ndim == 2 and b.ndim == 2:
            return make_op(a @ b, (self, o),
                           lambda g: (g @ b.T if self.requires_grad else None,
                                      a.T @ g if o.requires_grad else None))
        return make_op(np.matmul(a, b), (self, o), lambda g: _matmul_backward(a, b, g))

    def __rmatmul__(self, other):
        return _coerce(other, self).__matmul__(self)

    # ---- comparisons: plain boolean tensors, no graph ------------------------
    def __lt__(self, other):
        return Tensor(self.data < _raw(other))

    def __le__(self, other):
        return Tensor(self.data <= _raw(other))

    def __gt__(self, other):
        return Tensor(self.data > _raw(other))

    def __ge__(self, other):
        return Tensor(self.data >= _raw(other))

    def __eq__(self, other):
        return Tensor(self.data == _raw(other))

    def __ne__(self, other):
        return Tensor(self.data != _raw(other))

    __hash__ = object.__hash__

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    # ---- reductions -----------------------------------------------------------
    def sum(self, axis=None, keepdims=False):
        shape = self.data.shape
        out = np.sum(self.data, axis=axis, keepdims=keepdims)
        return make_op(np.asarray(out), (self,),
                       lambda g: (_expand_reduced(g, shape, axis, keepdims),))

    def mean(self, axis=None, keepdims=False):
        shape = self.data.shape
        out = np.asarray(np.mean(self.data, axis=axis, keepdims=keepdims))
        n = self.data.size // max(out.size, 1) if self.data.size else 1
        scale = np.asarray(1.0 / n, dtype=self.data.dtype)
        return make_op(out, (self,),
                       lambda g: (_expand_reduced(g * scale, shape, axis, keepdims),))

    def max(self, axis=None, keepdims=False):
        """Max reduction; the gradient is shared equally among tied maxima."""
        return self._extremum(np.max, axis, keepdims)

    def min(self, axis=None, keepdims=False):
        return self._extremum(np.min, axis, keepdims)

    def _extremum(self, fn, axis, keepdims):
        a = self.data
        out_k = fn(a, axis=axis, keepdims=True)
        out = out_k if keepdims else np.asarray(fn(a, axis=axis, keepdims=False))

        def backward(g):
            mask = (a == out_k)
            count = mask.sum(axis=axis, keepdims=True)
            if keepdims:
                gk = g
            elif axis is None:
                gk = np.reshape(g, out_k.shape)
            else:
                gk = np.expand_dims(g, _norm_axes(axis, a.ndim))
            return ((mask * (gk / count)).astype(a.dtype, copy=False),)

        return make_op(out, (self,), backward)

    def argmax(self, axis=None):
        return np.argmax(self.data, axis=axis)

    def argmin(self, axis=None):
        return np.argmin(self.data, axis=axis)

    # ---- shape ops -----------------------------------------------------------
    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        src = self.data.shape
        return make_op(self.data.reshape(shape), (self,), lambda g: (g.reshape(src),))

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        s = self.data.shape
        if not s:
            return self.reshape(1)
        nd = len(s)
        start, end = start_dim % nd, end_dim % nd
        new = s[:start] + (int(np.prod(s[start:end + 1])),) + s[end + 1:]
        return self.reshape(new)

    def transpose(self, *axes):
        """No argument: reverse axes; two ints (PyTorch style): swap them;
        otherwise a full permutation."""
        nd = self.data.ndim
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not axes:
            perm = tuple(range(nd))[::-1]
        elif len(axes) == 2:
            perm = list(range(nd))
            i, j = axes[0] % nd, axes[1] % nd
            perm[i], perm[j] = perm[j], perm[i]
            perm = tuple(perm)
        else:
            perm = tuple(a % nd for a in axes)
        return self.permute(perm)

    def permute(self, *perm):
        if len(perm) == 1 and isinstance(perm[0], (tuple, list)):
            perm = tuple(perm[0])
        inv = tuple(np.argsort(perm))
        return make_op(self.data.transpose(perm), (self,), lambda g: (g.transpose(inv),))

    @property
    def T(self):
        return self.permute(tuple(range(self.data.ndim))[::-1])

    def squeeze(self, axis=None):
        src = self.data.shape
        return make_op(np.squeeze(self.data, axis=axis), (self,), lambda g: (g.reshape(src),))

    def unsqueeze(self, axis):
        src = self.data.shape
        return make_op(np.expand_dims(self.data, axis), (self,), lambda g: (g.reshape(src),))

    def expand(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        src = self.data.shape
        shape = tuple(s if s != -1 else src[i - len(shape) + len(src)]
                      for i, s in enumerate(shape))
        return make_op(np.broadcast_to(self.data, shape), (self,),
                       lambda g: (_unbroadcast(g, src),))

    def __getitem__(self, idx):
        idx = _raw_index(idx)
        a = self.data
        out = a[idx]
        basic = _is_basic_index(idx)

        def backward(g):
            full = np.zeros(a.shape, dtype=a.dtype)
            if basic:
                full[idx] = g  # basic indexing selects each element at most once
            else:
                np.add.at(full, idx, g)
            return (full,)

        return make_op(np.asarray(out), (self,), backward)

    # ---- elementwise math --------------------------------------------------------
    def exp(self):
        out = np.exp(self.data)
        return make_op(out, (self,), lambda g: (g * out,))

    def log(self):
        a = self.data
        return make_op(np.log(a), (self,), lambda g: (g / a,))

    def sqrt(self):
        out = np.sqrt(self.data)
        return make_op(out, (self,), lambda g: (g / (2 * out),))

    def abs(self):
        a = self.data
        return make_op(np.abs(a), (self,), lambda g: (g * np.sign(a),))

    def clip(self, min=None, max=None):
        """Clamp to [min, max]; gradient passes where the input is inside."""
        a = self.data
        out = np.clip(a, min, max)

        def backward(g):
            mask = np.ones(a.shape, dtype=bool)
            if min is not None:
                mask &= a >= min
            if max is not None:
                mask &= a <= max
            return (g * mask,)

        return make_op(out, (self,), backward)

    clamp = clip

    # relu, sigmoid, tanh, softmax, log_softmax: attached by fastml/nn/_tensor_methods.py
    # (they are fastml.nn.functional ops, and functional imports this module)


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as trainable (requires_grad=True)."""

    __slots__ = ()

    def __init__(self, data, requires_grad=True, dtype=None):
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self):
        return "Parameter(" + super().__repr__()[len("Tensor("):]


def make_op(out_data, parents, backward):
    """Wrap an op's result and record it in the graph.

    out_data: the forward result (ndarray). parents: tuple of inputs (Tensors
    or anything else, e.g. arrays or scalars). backward(grad_out) -> tuple
    with one ndarray-or-None per parent, shaped like that parent; it may
    return None for parents that are not Tensors or do not require grad, and
    must not modify grad_out in place or return an array it keeps elsewhere
    other than grad_out itself. The graph is recorded only when grad is enabled
    and some parent requires grad.
    """
    t = Tensor.__new__(Tensor)
    t.data = out_data
    t.grad = None
    t._retain = False
    if _grad_mode._enabled:
        for p in parents:
            if isinstance(p, Tensor) and p.requires_grad:
                t.requires_grad = True
                t._parents = parents
                t._backward = backward
                return t
    t.requires_grad = False
    t._parents = ()
    t._backward = None
    return t


def as_tensor(x, like=None):
    """x as a Tensor (no copy for Tensors); scalars take like's dtype."""
    return x if isinstance(x, Tensor) else _coerce(x, like)


def _coerce(x, like):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    dtype = like.data.dtype if like is not None and like.data.dtype.kind == "f" else np.float32
    return Tensor(np.asarray(x, dtype=dtype))


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def _raw_index(idx):
    """An index with Tensors (masks, index arrays) replaced by their arrays."""
    if isinstance(idx, tuple):
        return tuple(_raw(i) for i in idx)
    return _raw(idx)


def concat(tensors, axis=0):
    """Join tensors along an existing axis."""
    ts = [as_tensor(t) for t in tensors]
    if not ts:
        raise ValueError("concat needs at least one tensor")
    datas = [t.data for t in ts]
    axis_n = axis % datas[0].ndim
    bounds = np.cumsum([d.shape[axis_n] for d in datas])[:-1]
    return make_op(np.concatenate(datas, axis=axis_n), tuple(ts),
                   lambda g: tuple(np.split(g, bounds, axis=axis_n)))


cat = concat


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis."""
    ts = [as_tensor(t) for t in tensors]
    if not ts:
        raise ValueError("stack needs at least one tensor")
    out = np.stack([t.data for t in ts], axis=axis)
    ax = axis % out.ndim
    return make_op(out, tuple(ts),
                   lambda g: tuple(np.take(g, i, axis=ax) for i in range(len(ts))))
