"""fastml.nn.functional: differentiable ops, each a compiled forward/backward
pair behind fastml._kernels (NumPy twins with FASTML_BACKEND=reference)."""
from .activation import (elu, identity, leaky_relu, log_softmax, relu, sigmoid,  # noqa: F401
                         softmax, tanh)
from .dense import linear  # noqa: F401
from .dropout import dropout  # noqa: F401
from .loss import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                   cross_entropy, hinge_embedding_loss, hinge_loss, huber_loss, kl_div,
                   l1_loss, mse_loss, nll_loss, smooth_l1_loss)
from .conv import conv2d  # noqa: F401
from .normalization import batch_norm  # noqa: F401
from .pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d  # noqa: F401
from .conv import conv1d, conv_transpose1d, conv_transpose2d  # noqa: F401
from .padding import pad  # noqa: F401
from .pooling import adaptive_max_pool2d, max_unpool2d  # noqa: F401
from .upsample import (interpolate, upsample, upsample_bilinear,  # noqa: F401
                       upsample_nearest)
from .sparse import embedding  # noqa: F401
from .activation import (gelu, hardswish, hardtanh, logsigmoid, mish, prelu,  # noqa: F401,E402
                         selu, silu, softplus, softsign)
from .dropout import dropout2d  # noqa: F401,E402
from .normalization import group_norm, layer_norm  # noqa: F401,E402
