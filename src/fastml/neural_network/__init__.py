"""Multi-layer perceptrons with scikit-learn's API, trained with fastml.nn.

MLPClassifier and MLPRegressor follow sklearn.neural_network's parameters,
fitted attributes (coefs_, intercepts_, loss_curve_, n_iter_, out_activation_,
...) and algorithm: the output activation is softmax for multi-class, logistic
for binary and multi-label targets, identity (squared error / 2) or exp
(half Poisson deviance) for regression; the L2 term is
alpha / (2 sum(sample_weight)) * sum ||W||^2 over weights, not biases;
Glorot-uniform initialisation from the same random draws; scikit-learn's SGD
(momentum, Nesterov, "constant" / "invscaling" / "adaptive" learning rates)
and Adam update rules; L-BFGS through scipy.optimize (max_iter, max_fun,
gtol=tol); the stopping rule (loss not improving by tol for n_iter_no_change
epochs, or the validation score with early_stopping). Forward and backward
passes run on fastml.nn's compiled dense kernels in the dtype of X (float32
stays float32). Sparse X (CSR/CSC) is never densified: the first layer is a
sparse product and its weight gradient X.T @ delta.
"""
from ._multilayer_perceptron import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
