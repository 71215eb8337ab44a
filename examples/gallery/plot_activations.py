"""Activation functions and their derivatives

The forward values come from the ``fastml.nn`` kernels and the derivatives
from autograd.
"""
import matplotlib.pyplot as plt

from fastml.plot import ActivationDisplay

ActivationDisplay.from_functions(["sigmoid", "tanh", "relu", "leaky_relu", "elu"])
plt.show()
