"""Upsample / UpsamplingNearest2d / UpsamplingBilinear2d and the padding modules
(ZeroPad2d, ConstantPad1d/2d, ReflectionPad1d/2d, ReplicationPad1d/2d,
CircularPad1d/2d) like torch.nn's, over fastml.nn.functional.interpolate / pad."""
from .. import functional as F
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d", "ZeroPad2d",
           "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d", "ReflectionPad2d",
           "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d", "CircularPad2d"]


class Upsample(Module):
    """torch.nn.Upsample(size=None, scale_factor=None, mode='nearest',
    align_corners=None, recompute_scale_factor=None): modes nearest,
    nearest-exact, linear, bilinear."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, (int, float)) \
            else (tuple(float(f) for f in scale_factor) if scale_factor else None)
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self):
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class _PadNd(Module):
    _n = 2
    _mode = "constant"

    def __init__(self, padding, value=None):
        super().__init__()
        if isinstance(padding, (tuple, list)):
            if len(padding) != 2 * self._n:
                raise ValueError(f"padding must be an int or a tuple of {2 * self._n} ints, "
                                 f"got {padding!r}")
            self.padding = tuple(int(p) for p in padding)
        else:
            self.padding = (int(padding),) * (2 * self._n)
        self.value = value

    def forward(self, input):
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        if self._mode == "constant" and type(self).__name__ != "ZeroPad2d":
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


def _pad_class(name, n, mode, constant_arg):
    if constant_arg:
        def __init__(self, padding, value):
            _PadNd.__init__(self, padding, value)
    else:
        def __init__(self, padding):  # type: ignore[misc]  # one signature per class made
            _PadNd.__init__(self, padding, 0.0 if mode == "constant" else None)
    how = {"constant": "a constant value" + ("" if constant_arg else " (zero)"),
           "reflect": "the reflection of the input (edge not repeated)",
           "replicate": "copies of the edge values",
           "circular": "the input wrapped around (periodic)"}[mode]
    dims = "last dimension" if n == 1 else "last two dimensions"
    pads = "(left, right)" if n == 1 else "(left, right, top, bottom)"
    value_doc = "\n    value : float\n        The fill value." if constant_arg else ""
    shape_in, shape_out = ("2, 3", "(1, 2, 5)") if n == 1 else ("1, 2, 3", "(1, 1, 4, 5)")
    args = ("(1, 1)" if n == 1 else "1") if not constant_arg else \
        ("(1, 1), 9.0" if n == 1 else "(1, 1, 1, 1), 9.0")
    doc = (f"Pads the {dims} of the input with {how}, as torch.nn.{name}.\n\n"
           f"    Parameters\n    ----------\n"
           f"    padding : int or tuple of {2 * n} ints\n"
           f"        One int pads every side by it; a tuple gives {pads}.{value_doc}\n\n"
           f"    Examples\n    --------\n"
           f"    >>> import fastml.nn as nn\n"
           f"    >>> x = nn.arange(6, dtype=nn.float32).reshape(1, {shape_in})\n"
           f"    >>> nn.{name}({args})(x).shape\n"
           f"    {shape_out}\n")
    return type(name, (_PadNd,), {"_n": n, "_mode": mode, "__init__": __init__,
                                  "__module__": __name__, "__doc__": doc})


ZeroPad2d = _pad_class("ZeroPad2d", 2, "constant", False)
ConstantPad1d = _pad_class("ConstantPad1d", 1, "constant", True)
ConstantPad2d = _pad_class("ConstantPad2d", 2, "constant", True)
ReflectionPad1d = _pad_class("ReflectionPad1d", 1, "reflect", False)
ReflectionPad2d = _pad_class("ReflectionPad2d", 2, "reflect", False)
ReplicationPad1d = _pad_class("ReplicationPad1d", 1, "replicate", False)
ReplicationPad2d = _pad_class("ReplicationPad2d", 2, "replicate", False)
CircularPad1d = _pad_class("CircularPad1d", 1, "circular", False)
CircularPad2d = _pad_class("CircularPad2d", 2, "circular", False)
