"""Pure-NumPy twins of every compiled kernel: the executable specification and
the test oracle. Written for clarity, not speed (float64-capable; dtype in =
dtype out). One module per kernel family."""
from . import distance
from . import kmeans, tree  # estimators-trees
from . import enet, sgd  # estimators-linear
from . import activation, dense, dropout, loss  # nn-core
from . import optim, recurrent  # nn-training
from . import batchnorm, conv2d, pool2d  # nn-kernels
from . import kdtree, knn  # neighbors

__all__ = ["distance"]
