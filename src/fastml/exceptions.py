"""Exceptions and warnings raised by fastml (named like scikit-learn's, so
code and tools that look for those names recognise them)."""

__all__ = ["NotFittedError", "DataConversionWarning", "ConvergenceWarning"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before `fit`."""


class DataConversionWarning(UserWarning):
    """Input data was converted implicitly (e.g. a column-vector y was raveled)."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""
