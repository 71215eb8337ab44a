"""Optimizer paths on the Rosenbrock function

SGD with momentum, RMSprop, Adam and L-BFGS from ``fastml.nn.optim`` stepping
one 2-D parameter over the contours of the Rosenbrock function.
"""
import matplotlib.pyplot as plt

from fastml.nn.optim import LBFGS, SGD, Adam, RMSprop
from fastml.plot import OptimizerPathDisplay

disp = OptimizerPathDisplay.from_optimizers(
    {"SGD": (SGD, {"lr": 1e-3, "momentum": 0.9}),
     "RMSprop": (RMSprop, {"lr": 1e-2}),
     "Adam": (Adam, {"lr": 0.05}),
     "LBFGS": lambda params: LBFGS(params, lr=1, max_iter=5)},
    function="rosenbrock", n_steps=300)
plt.show()
