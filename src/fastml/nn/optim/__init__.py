"""Optimizers (PyTorch update rules and argument names), learning-rate
schedulers and regularisation helpers for fastml.nn."""
from . import lr_scheduler
from .adaptive import NAdam, RAdam, Adamax, Rprop
from .first_order import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop
from .lr_scheduler import (CosineAnnealingLR, CosineAnnealingWarmRestarts, ExponentialLR,
                           LambdaLR, LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau,
                           SequentialLR, StepLR)
from .optimizer import Optimizer
from .regularization import clip_grad_norm_, clip_grad_value_, l1_penalty
from .second_order import LBFGS, ConjugateGradient

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "NAdam",
           "RAdam", "Adamax", "Rprop", "LBFGS", "ConjugateGradient", "StepLR", "ExponentialLR",
           "CosineAnnealingLR", "LambdaLR", "MultiStepLR", "LinearLR", "OneCycleLR",
           "ReduceLROnPlateau", "CosineAnnealingWarmRestarts", "SequentialLR",
           "lr_scheduler", "clip_grad_norm_", "clip_grad_value_", "l1_penalty"]
