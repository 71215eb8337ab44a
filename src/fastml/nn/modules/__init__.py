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
           "CosineEmbeddingLoss", "ModuleDict", "ParameterList", "ParameterDict"]

from .conv import Conv1d  # noqa: E402
from .conv_transpose import ConvTranspose1d, ConvTranspose2d  # noqa: E402
from .pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, MaxUnpool2d  # noqa: E402
from .upsample import (CircularPad1d, CircularPad2d, ConstantPad1d,  # noqa: E402
                       ConstantPad2d, ReflectionPad1d, ReflectionPad2d, ReplicationPad1d,
                       ReplicationPad2d, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d,
                       ZeroPad2d)

__all__ += ["Conv1d", "ConvTranspose1d", "ConvTranspose2d", "AdaptiveAvgPool2d",
            "AdaptiveMaxPool2d", "MaxUnpool2d", "Upsample", "UpsamplingNearest2d",
            "UpsamplingBilinear2d", "ZeroPad2d", "ConstantPad1d", "ConstantPad2d",
            "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d",
            "CircularPad1d", "CircularPad2d"]
from .rnn import GRU  # noqa: E402
from .rnn_cells import GRUCell, LSTMCell, RNNCell  # noqa: E402
from .sparse import Embedding  # noqa: E402

__all__ += ["GRU", "RNNCell", "LSTMCell", "GRUCell", "Embedding"]
from .activation import (GELU, SELU, Hardswish, Hardtanh, LogSigmoid, Mish,  # noqa: E402
                         PReLU, SiLU, Softplus, Softsign)
from .layers import Dropout2d, Unflatten  # noqa: E402
from .normalization import GroupNorm, LayerNorm  # noqa: E402

__all__ += ["GELU", "SiLU", "Softplus", "Mish", "Hardswish", "PReLU", "SELU", "Softsign",
            "LogSigmoid", "Hardtanh", "Dropout2d", "Unflatten", "LayerNorm", "GroupNorm"]
