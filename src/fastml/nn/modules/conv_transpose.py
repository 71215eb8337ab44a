"""ConvTranspose1d / ConvTranspose2d modules like torch.nn's, over
fastml.nn.functional.conv_transpose1d / conv_transpose2d (compiled: the
conv2d family's input-gradient kernels run the forward)."""
from .. import functional as F
from .conv import _ConvNd, _input

__all__ = ["ConvTranspose1d", "ConvTranspose2d"]


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, output_padding,
                 groups, bias, dilation, padding_mode, device, dtype):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{type(self).__name__}, got {padding_mode!r}')
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__}: padding must be an int or a tuple of "
                             f"ints, got {padding!r}")
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)
        for o, s, d in zip(self.output_padding, self.stride, self.dilation):
            if o >= max(s, d):
                raise ValueError("output padding must be smaller than either stride or "
                                 f"dilation, but got output_padding={self.output_padding}, "
                                 f"stride={self.stride}, dilation={self.dilation}")

    def _output_padding(self, x, output_size):
        """torch's rule: an explicit output_size (the last n entries are the spatial
        size) picks the output_padding that reaches it."""
        if output_size is None:
            return self.output_padding
        n = self._n
        output_size = tuple(int(v) for v in output_size)[-n:]
        if len(output_size) != n:
            raise ValueError(f"output_size must have {n} or {n + 2} elements, got "
                             f"{output_size!r}")
        spatial = x.shape[-n:]
        out = []
        for i in range(n):
            lo = ((spatial[i] - 1) * self.stride[i] - 2 * self.padding[i]
                  + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            hi = lo + self.stride[i] - 1
            if not lo <= output_size[i] <= hi:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {lo} to {hi} (for an input of {spatial})")
            out.append(output_size[i] - lo)
        return tuple(out)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution (the gradient of Conv2d with respect to its input)
    like torch.nn.ConvTranspose2d: weight (in, out/groups, kh, kw), torch's init;
    input (N, C, H, W) or (C, H, W); forward(x, output_size=None)."""

    _n = 2

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, device, dtype)

    def forward(self, x, output_size=None):
        x = _input(x, (3, 4), "ConvTranspose2d", self.in_channels, unbatched=True)
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(x, output_size), self.groups,
                                  self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution like torch.nn.ConvTranspose1d: weight
    (in, out/groups, k); input (N, C, L) or (C, L)."""

    _n = 1

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding,
                         output_padding, groups, bias, dilation, padding_mode, device, dtype)

    def forward(self, x, output_size=None):
        x = _input(x, (2, 3), "ConvTranspose1d", self.in_channels, unbatched=True)
        return F.conv_transpose1d(x, self.weight, self.bias, self.stride[0], self.padding[0],
                                  self._output_padding(x, output_size)[0], self.groups,
                                  self.dilation[0])
