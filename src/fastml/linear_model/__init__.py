"""Linear models: least squares, ridge, lasso / elastic net (compiled coordinate
descent), logistic regression (L-BFGS, Newton, CG, gradient descent, SGD) and
SGD classifiers/regressors (compiled per-sample epochs)."""
from ._base import LinearRegression, Ridge
from ._coordinate_descent import ElasticNet, Lasso
from ._logistic import LogisticRegression
from ._sgd import SGDClassifier, SGDRegressor

__all__ = ["LinearRegression", "Ridge", "Lasso", "ElasticNet", "LogisticRegression",
           "SGDClassifier", "SGDRegressor"]

from ._perceptron import Perceptron  # noqa: E402

__all__ += ["Perceptron"]
