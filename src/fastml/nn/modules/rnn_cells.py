"""RNNCell, LSTMCell, GRUCell: one time step (torch.nn.*Cell semantics and
parameter names weight_ih, weight_hh, bias_ih, bias_hh).

Each step is the compiled sequence kernel of modules/rnn.py run with T = 1, so
cells and layers share one forward/backward implementation.
"""
import math

import numpy as np

from .. import init
from ..functional._util import DtypeMismatchError
from ..tensor import Parameter, Tensor
from .layers import _check_int
from .module import Module
from .rnn import gru_layer, lstm_layer, rnn_layer

__all__ = ["RNNCell", "LSTMCell", "GRUCell"]


class _CellBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, bias=True, dtype=np.float32):
        super().__init__()
        self.input_size = _check_int("input_size", input_size)
        self.hidden_size = _check_int("hidden_size", hidden_size)
        self.bias = bool(bias)
        G, H = self._gates, self.hidden_size
        self.weight_ih = Parameter(np.empty((G * H, self.input_size), dtype))
        self.weight_hh = Parameter(np.empty((G * H, H), dtype))
        if self.bias:
            self.bias_ih = Parameter(np.empty(G * H, dtype))
            self.bias_hh = Parameter(np.empty(G * H, dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)), as in PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _params(self):
        return (self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)

    def _input(self, x):
        """x (B, I) or unbatched (I,) -> ((1, B, I) Tensor, unbatched)."""
        name = type(self).__name__
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {x.ndim}D instead")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{name}: input has inconsistent input_size: got {x.shape[-1]} "
                             f"expected {self.input_size}")
        if x.data.dtype != self.weight_ih.data.dtype:
            raise DtypeMismatchError(f"{name}: input dtype {x.data.dtype} does not match the cell's "
                             f"dtype {self.weight_ih.data.dtype}")
        unbatched = x.ndim == 1
        x = x.unsqueeze(0) if unbatched else x
        if x.shape[0] < 1:
            raise ValueError(f"{name} got an empty batch: {x.shape}")
        return x.unsqueeze(0), unbatched

    def _state(self, h, name, B, unbatched):
        shape = (B, self.hidden_size)
        if h is None:
            return Tensor(np.zeros(shape, self.weight_ih.data.dtype))
        h = h if isinstance(h, Tensor) else Tensor(h)
        if unbatched and h.ndim == 1:
            h = h.unsqueeze(0)
        if h.shape != shape:
            want = (self.hidden_size,) if unbatched else shape
            raise ValueError(f"{type(self).__name__}: expected {name} of shape {want}, got "
                             f"{h.shape if not unbatched else h.shape[1:]}")
        if h.data.dtype != self.weight_ih.data.dtype:
            raise ValueError(f"{type(self).__name__}: {name} dtype {h.data.dtype} does not "
                             f"match the cell's dtype {self.weight_ih.data.dtype}")
        return h

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        return s


class RNNCell(_CellBase):
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu.
    forward(input, hx=None) -> h'."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh",
                 dtype=np.float32):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity!r} (expected 'tanh' or "
                             "'relu')")
        self.__dict__["nonlinearity"] = nonlinearity
        super().__init__(input_size, hidden_size, bias, dtype)

    def forward(self, input, hx=None):
        x, unbatched = self._input(input)
        h0 = self._state(hx, "hx", x.shape[1], unbatched)
        _, h = rnn_layer(x, h0, *self._params(), relu=self.nonlinearity == "relu")
        return h.squeeze(0) if unbatched else h

    def extra_repr(self):
        s = super().extra_repr()
        return s + (f", nonlinearity={self.nonlinearity}" if self.nonlinearity != "tanh" else "")


class LSTMCell(_CellBase):
    """One LSTM step, gates i, f, g, o stacked in weight_ih (4H, I).
    forward(input, (h, c)=None) -> (h', c')."""

    _gates = 4

    def forward(self, input, hx=None):
        x, unbatched = self._input(input)
        B = x.shape[1]
        if hx is None:
            h0 = c0 = self._state(None, "hx", B, unbatched)
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise ValueError("LSTMCell: hx must be a tuple (h, c)")
            h0 = self._state(hx[0], "hx[0]", B, unbatched)
            c0 = self._state(hx[1], "hx[1]", B, unbatched)
        _, h, c = lstm_layer(x, h0, c0, *self._params())
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)


class GRUCell(_CellBase):
    """One GRU step (PyTorch: gates r, z, n; n = tanh(W_in x + b_in + r * (W_hn h +
    b_hn)); h' = (1 - z) * n + z * h). forward(input, hx=None) -> h'."""

    _gates = 3

    def forward(self, input, hx=None):
        x, unbatched = self._input(input)
        h0 = self._state(hx, "hx", x.shape[1], unbatched)
        _, h = gru_layer(x, h0, *self._params())
        return h.squeeze(0) if unbatched else h
