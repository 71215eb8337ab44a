"""Support vector machines.

Kernel SVMs (SVC, NuSVC, SVR, NuSVR, OneClassSVM): the dual problems are solved
by fastml's SMO solver (csrc/svm*.c: second-order working-set selection,
shrinking, an LRU cache of SIMD-computed kernel rows), with scikit-learn's
(libsvm's) parameters, fitted attributes and decision values. Large dense
problems (>= 20000 points, >= 8192 points of >= 16 features, or >= 4096
points of >= 64 features) go to a working-set solver instead
(csrc/svm_block*.c): each round takes the most violating variables, computes
their kernel rows against all points as GEMM blocks, solves the subproblem by
the same SMO and updates the full gradient; it stops at the same
maximal-violating-pair gap (tol), so the answer agrees with libsvm's to that
tolerance rather than bit for bit.

Linear SVMs (LinearSVC, LinearSVR): dual coordinate descent as in liblinear,
primal coordinate descent for the l1 penalty, a primal Newton method for
dual=False.
"""
from ._classes import SVC, SVR, NuSVC, NuSVR, OneClassSVM
from ._linear import LinearSVC, LinearSVR

__all__ = ["SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM", "LinearSVC", "LinearSVR"]
