"""Support vector machines.

Kernel SVMs (SVC, NuSVC, SVR, NuSVR, OneClassSVM): the dual problems are solved
by fastml's SMO solver (csrc/svm*.c: second-order working-set selection,
shrinking, an LRU cache of SIMD-computed kernel rows), with scikit-learn's
(libsvm's) parameters, fitted attributes and decision values.

Linear SVMs (LinearSVC, LinearSVR): dual coordinate descent as in liblinear,
primal coordinate descent for the l1 penalty, a primal Newton method for
dual=False.
"""
from ._classes import SVC, SVR, NuSVC, NuSVR, OneClassSVM
from ._linear import LinearSVC, LinearSVR

__all__ = ["SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM", "LinearSVC", "LinearSVR"]
