"""Exceptions and warnings raised by fastml (named like scikit-learn's, so
code and tools that look for those names recognise them)."""

__all__ = ["NotFittedError", "DataConversionWarning", "ConvergenceWarning",
           "InvalidParameterError"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before `fit`."""


class DataConversionWarning(UserWarning):
    """Input data was converted implicitly (e.g. a column-vector y was raveled)."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""


class InvalidParameterError(ValueError, TypeError):
    """A hyper-parameter (or function argument) has an invalid type or value.

    Subclasses both ValueError and TypeError, as scikit-learn's does, so code
    catching either keeps working. The message names the estimator, the
    parameter and the value.
    """
