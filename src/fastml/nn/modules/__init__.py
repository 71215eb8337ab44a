"""fastml.nn modules: Module, containers, layers, RNN/LSTM, save/load."""
from .conv import AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, MaxPool2d
from .layers import (ELU, Dropout, Flatten, Identity, LeakyReLU, Linear, LogSoftmax, ReLU,
                     Sigmoid, Softmax, Tanh)
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss,
                   HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss, MarginRankingLoss, MSELoss,
                   NLLLoss, SmoothL1Loss)
from .module import Module, ModuleList, Sequential
from .containers import ModuleDict, ParameterDict, ParameterList
from .rnn import LSTM, RNN
from .serialization import load, save

__all__ = ["Module", "Sequential", "ModuleList", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d",
           "BatchNorm1d", "BatchNorm2d", "Dropout", "Flatten", "Identity", "ReLU", "LeakyReLU",
           "ELU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "RNN", "LSTM", "save", "load",
           "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "MSELoss", "L1Loss",
           "HuberLoss", "SmoothL1Loss", "KLDivLoss", "HingeEmbeddingLoss", "MarginRankingLoss",
           "CosineEmbeddingLoss",
           "ModuleDict", "ParameterList", "ParameterDict"]
