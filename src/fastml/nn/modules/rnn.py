"""RNN, LSTM and GRU layers (PyTorch parameter names, LSTM gates i, f, g, o, GRU gates
r, z, n;
multi-layer, batch_first, dropout between layers, bidirectional).

Each layer is ONE autograd op over the whole sequence: the compiled kernel
(fastml._kernels.recurrent) runs every time step in C -- one input-projection
GEMM, per step a hidden GEMM plus a fused gate kernel -- and its backward is
the compiled BPTT. The hidden states h_1..h_T are that op's output; the final
states h_n / c_n are light nodes on top of it that hand their gradients to the
kernel's backward (see _final_state) instead of scattering them.
"""
import math
import warnings

import numpy as np

from ..._kernels import recurrent as _k
from .. import init
from ..functional._util import DtypeMismatchError
from ..tensor import Parameter, Tensor, concat, make_op, stack
from .layers import _check_int
from .module import Module

__all__ = ["RNN", "LSTM", "GRU", "lstm_layer", "rnn_layer", "gru_layer"]


def _c(a):
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _needs(t):
    return isinstance(t, Tensor) and t.requires_grad


def _final_state(data, ys, box, key):
    """A graph node for a final state (h_n or c_n): a view of kernel output whose
    backward only hands its gradient to the sequence op (through `box`) instead
    of scattering it into a full (T, B, H) array; the sequence op's backward
    passes it to the kernel (dhn / dcn). Its gradient to `ys` is a zero view."""
    zero = np.zeros((), data.dtype)

    def backward(g):
        box[key] = box[key] + g if key in box else g
        return (np.broadcast_to(zero, ys.shape),)

    return make_op(data, (ys,), backward)


def lstm_layer(x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM layer over x (T, B, I) Tensor -> (y (T, B, H), h_n (B, H), c_n (B, H))."""
    T, B, I = x.shape
    H = w_hh.shape[1]
    xd = _c(x.data.reshape(T * B, I))
    h0d, c0d = _c(h0.data), _c(c0.data)
    wi, wh = _c(w_ih.data), _c(w_hh.data)
    bias = None if b_ih is None else _c(b_ih.data + b_hh.data)
    y, c_all, gates = _k.lstm_forward(xd, h0d, c0d, wi, wh, bias, T, B)
    box = {}

    def backward(g):
        dhn, dcn = box.pop("h", None), box.pop("c", None)
        dx, dh0, dc0, dwi, dwh, db = _k.lstm_backward(
            _c(g.reshape(T * B, H)), None if dhn is None else _c(dhn),
            None if dcn is None else _c(dcn), xd, h0d, c0d, wi, wh, y, c_all, gates, T, B,
            need_dx=_needs(x))
        grads = (None if dx is None else dx.reshape(T, B, I), dh0, dc0, dwi, dwh)
        return grads if b_ih is None else grads + (db, db.copy())

    parents = (x, h0, c0, w_ih, w_hh) + (() if b_ih is None else (b_ih, b_hh))
    ys = make_op(y.reshape(T, B, H), parents, backward)
    h_n = _final_state(y[(T - 1) * B:], ys, box, "h")
    c_n = _final_state(c_all[(T - 1) * B:], ys, box, "c")
    return ys, h_n, c_n


def rnn_layer(x, h0, w_ih, w_hh, b_ih=None, b_hh=None, relu=False):
    """One Elman RNN layer over x (T, B, I) -> (y (T, B, H), h_n (B, H))."""
    T, B, I = x.shape
    H = w_hh.shape[1]
    xd = _c(x.data.reshape(T * B, I))
    h0d, wi, wh = _c(h0.data), _c(w_ih.data), _c(w_hh.data)
    bias = None if b_ih is None else _c(b_ih.data + b_hh.data)
    y = _k.rnn_forward(xd, h0d, wi, wh, bias, T, B, relu)
    box = {}

    def backward(g):
        dhn = box.pop("h", None)
        dx, dh0, dwi, dwh, db = _k.rnn_backward(
            _c(g.reshape(T * B, H)), None if dhn is None else _c(dhn), xd, h0d, wi, wh, y, T,
            B, relu, need_dx=_needs(x))
        grads = (None if dx is None else dx.reshape(T, B, I), dh0, dwi, dwh)
        return grads if b_ih is None else grads + (db, db.copy())

    parents = (x, h0, w_ih, w_hh) + (() if b_ih is None else (b_ih, b_hh))
    ys = make_op(y.reshape(T, B, H), parents, backward)
    return ys, _final_state(y[(T - 1) * B:], ys, box, "h")


def gru_layer(x, h0, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU layer over x (T, B, I) Tensor -> (y (T, B, H), h_n (B, H))."""
    T, B, I = x.shape
    H = w_hh.shape[1]
    xd = _c(x.data.reshape(T * B, I))
    h0d, wi, wh = _c(h0.data), _c(w_ih.data), _c(w_hh.data)
    bi = None if b_ih is None else _c(b_ih.data)
    bh = None if b_hh is None else _c(b_hh.data)
    y, gates = _k.gru_forward(xd, h0d, wi, wh, bi, bh, T, B)
    box = {}

    def backward(g):
        dhn = box.pop("h", None)
        dx, dh0, dwi, dwh, dbi, dbh = _k.gru_backward(
            _c(g.reshape(T * B, H)), None if dhn is None else _c(dhn), xd, h0d, wi, wh, y,
            gates, T, B, need_dx=_needs(x))
        grads = (None if dx is None else dx.reshape(T, B, I), dh0, dwi, dwh)
        return grads if b_ih is None else grads + (dbi, dbh)

    parents = (x, h0, w_ih, w_hh) + (() if b_ih is None else (b_ih, b_hh))
    ys = make_op(y.reshape(T, B, H), parents, backward)
    return ys, _final_state(y[(T - 1) * B:], ys, box, "h")

def _flip_time(t):
    """t (T, B, F) with the time axis reversed (a graph node; the gradient is
    reversed back)."""
    return make_op(t.data[::-1], (t,), lambda g: (g[::-1],))


class _RNNBase(Module):
    _gates = 1

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, dtype=np.float32):
        super().__init__()
        self.input_size = _check_int("input_size", input_size)
        self.hidden_size = _check_int("hidden_size", hidden_size)
        self.num_layers = _check_int("num_layers", num_layers)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        if not 0 <= dropout <= 1:
            raise ValueError(f"dropout must be in [0, 1], got {dropout!r}")
        self.dropout = float(dropout)
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", UserWarning,
                          stacklevel=3)
        self.bidirectional = bool(bidirectional)
        G, H = self._gates, self.hidden_size
        for layer in range(self.num_layers):
            inp = self.input_size if layer == 0 else H * self._directions
            for sfx in self._suffixes:
                setattr(self, f"weight_ih_l{layer}{sfx}", Parameter(np.empty((G * H, inp), dtype)))
                setattr(self, f"weight_hh_l{layer}{sfx}", Parameter(np.empty((G * H, H), dtype)))
                if self.bias:
                    setattr(self, f"bias_ih_l{layer}{sfx}", Parameter(np.empty(G * H, dtype)))
                    setattr(self, f"bias_hh_l{layer}{sfx}", Parameter(np.empty(G * H, dtype)))
        self.reset_parameters()

    @property
    def _directions(self):
        return 2 if self.bidirectional else 1

    @property
    def _suffixes(self):
        return ("", "_reverse") if self.bidirectional else ("",)

    def reset_parameters(self):
        """Every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H)), as in PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _layer_params(self, layer, sfx=""):
        names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if self.bias else [])
        ps = [getattr(self, f"{n}_l{layer}{sfx}") for n in names]
        return ps if self.bias else ps + [None, None]

    def _run_layer(self, step, y, layer, states):
        """One layer in each direction: step(x, index) -> (out, *finals) runs the
        compiled layer with the initial state(s) of direction `index`. The
        reverse direction reads the sequence backwards and its outputs are put
        back in time order; outputs are joined on the feature axis (forward
        first), finals are appended to `states` per direction, as PyTorch
        orders h_n."""
        outs = []
        for d, sfx in enumerate(self._suffixes):
            x = y if d == 0 else _flip_time(y)
            out, *finals = step(x, layer * self._directions + d, sfx)
            outs.append(out if d == 0 else _flip_time(out))
            for lst, f in zip(states, finals):
                lst.append(f)
        return outs[0] if len(outs) == 1 else concat(outs, axis=2)

    def _prepare(self, x):
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(f"{type(self).__name__} expects input of shape (T, B, "
                             f"input_size={self.input_size}) (or (B, T, input_size) with "
                             f"batch_first, or unbatched (T, input_size)), got {x.shape}")
        if x.data.dtype != self.weight_ih_l0.data.dtype:
            raise DtypeMismatchError(f"input dtype {x.data.dtype} does not match the layer's "
                                     f"dtype "
                             f"{self.weight_ih_l0.data.dtype}")
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        if x.shape[0] < 1 or x.shape[1] < 1:
            raise ValueError(f"{type(self).__name__} got an empty sequence or batch: {x.shape}")
        return x, unbatched

    def _state(self, h, name, B, unbatched):
        shape = (self.num_layers * self._directions, B, self.hidden_size)
        if h is None:
            return Tensor(np.zeros(shape, self.weight_ih_l0.data.dtype))
        h = h if isinstance(h, Tensor) else Tensor(h)
        if unbatched and h.ndim == 2:
            h = h.unsqueeze(1)
        if h.shape != shape:
            raise ValueError(f"expected {name} of shape {shape}, got {h.shape}")
        return h

    def _finish(self, y, unbatched):
        if unbatched:
            return y.squeeze(1)
        return y.transpose(0, 1) if self.batch_first else y

    def _between_layers(self, y, layer):
        if self.dropout > 0 and self.training and layer < self.num_layers - 1:
            from .. import functional as F
            return F.dropout(y, self.dropout, True)
        return y

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(_RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.
    forward(x, h0=None) -> (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, dtype=np.float32):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.__dict__["nonlinearity"] = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype)

    def forward(self, x, hx=None):
        x, unbatched = self._prepare(x)
        h0 = self._state(hx, "hx", x.shape[1], unbatched)
        relu = self.nonlinearity == "relu"
        hn = []
        y = x

        def step(xs, i, sfx):
            return rnn_layer(xs, h0[i], *self._layer_params(layer, sfx), relu)

        for layer in range(self.num_layers):
            y = self._run_layer(step, y, layer, (hn,))
            y = self._between_layers(y, layer)
        h_n = stack(hn, 0)
        return self._finish(y, unbatched), (h_n.squeeze(1) if unbatched else h_n)

    def extra_repr(self):
        s = super().extra_repr()
        return s + (", nonlinearity='relu'" if self.nonlinearity == "relu" else "")


class LSTM(_RNNBase):
    """Long short-term memory, gates i, f, g, o stacked in weight_ih_l{k} (4H, I).
    forward(x, (h0, c0)=None) -> (output, (h_n, c_n))."""

    _gates = 4

    def forward(self, x, hx=None):
        x, unbatched = self._prepare(x)
        B = x.shape[1]
        if hx is None:
            h0 = c0 = self._state(None, "h0", B, unbatched)
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise ValueError("LSTM hx must be a tuple (h0, c0)")
            h0 = self._state(hx[0], "h0", B, unbatched)
            c0 = self._state(hx[1], "c0", B, unbatched)
        hn, cn = [], []
        y = x

        def step(xs, i, sfx):
            return lstm_layer(xs, h0[i], c0[i], *self._layer_params(layer, sfx))

        for layer in range(self.num_layers):
            y = self._run_layer(step, y, layer, (hn, cn))
            y = self._between_layers(y, layer)
        h_n, c_n = stack(hn, 0), stack(cn, 0)
        if unbatched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(y, unbatched), (h_n, c_n)


class GRU(_RNNBase):
    """Gated recurrent unit, PyTorch's formulation and gate order r, z, n stacked in
    weight_ih_l{k} (3H, I)::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.

    forward(x, hx=None) -> (output, h_n)."""

    _gates = 3

    def forward(self, x, hx=None):
        x, unbatched = self._prepare(x)
        h0 = self._state(hx, "hx", x.shape[1], unbatched)
        hn = []
        y = x

        def step(xs, i, sfx):
            return gru_layer(xs, h0[i], *self._layer_params(layer, sfx))

        for layer in range(self.num_layers):
            y = self._run_layer(step, y, layer, (hn,))
            y = self._between_layers(y, layer)
        h_n = stack(hn, 0)
        return self._finish(y, unbatched), (h_n.squeeze(1) if unbatched else h_n)
