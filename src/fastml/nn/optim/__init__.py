"""Optimizers (PyTorch update rules and argument names), learning-rate
schedulers and regularisation helpers for fastml.nn."""
from . import lr_scheduler
from .first_order import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop
from .lr_scheduler import CosineAnnealingLR, ExponentialLR, StepLR
from .optimizer import Optimizer
from .regularization import clip_grad_norm_, clip_grad_value_, l1_penalty
from .second_order import LBFGS, ConjugateGradient

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "LBFGS",
           "ConjugateGradient", "StepLR", "ExponentialLR", "CosineAnnealingLR",
           "lr_scheduler", "clip_grad_norm_", "clip_grad_value_", "l1_penalty"]
