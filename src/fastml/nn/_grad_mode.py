"""Grad mode: whether ops record the autograd graph (``no_grad`` etc.).

A process-wide switch (not per thread), read by ``tensor.make_op``.
"""
import functools

_enabled = True


def is_grad_enabled():
    """True unless inside ``no_grad()`` (or ``set_grad_enabled(False)``): whether
    ops on tensors that require gradients record the autograd graph.

    Examples
    --------
    >>> import fastml.nn as nn
    >>> nn.is_grad_enabled()
    True
    >>> with nn.no_grad():
    ...     nn.is_grad_enabled()
    False
    """
    return _enabled


class set_grad_enabled:
    """Context manager / decorator setting whether ops record the graph."""

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self.prev = None

    def __enter__(self):
        global _enabled
        self.prev = _enabled
        _enabled = self.mode
        return self

    def __exit__(self, *exc):
        global _enabled
        _enabled = self.prev
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """``with no_grad(): ...`` -- ops build no graph (inference, optimizer steps)."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    def __init__(self):
        super().__init__(True)
