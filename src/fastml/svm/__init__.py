"""Support vector machines with kernels: SVC, NuSVC, SVR, NuSVR, OneClassSVM.

The dual problems are solved by fastml's SMO solver (csrc/svm*.c: second-order
working-set selection, shrinking, an LRU cache of SIMD-computed kernel rows),
with scikit-learn's (libsvm's) parameters, fitted attributes and decision
values.
"""
from ._classes import SVC, SVR, NuSVC, NuSVR, OneClassSVM

__all__ = ["SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM"]
