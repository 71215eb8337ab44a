"""Exceptions and warnings raised by fastml (named like scikit-learn's, so
code and tools that look for those names recognise them).

fastml never imports scikit-learn. Where a warning is raised through
`fastml.utils.validation._interop_class`, the class used is also a subclass of
scikit-learn's class of the same name once scikit-learn is loaded, so both
`pytest.warns(fastml.exceptions.X)` and filters on `sklearn.exceptions.X` match.
"""

__all__ = ["NotFittedError", "DataConversionWarning", "ConvergenceWarning", "FitFailedWarning",
           "UndefinedMetricWarning", "InvalidParameterError"]


class NotFittedError(ValueError, AttributeError):
    """Raised when an estimator is used before `fit`."""


class DataConversionWarning(UserWarning):
    """Input data was converted implicitly (e.g. a column-vector y was raveled)."""


class ConvergenceWarning(UserWarning):
    """An iterative solver stopped before reaching its tolerance."""


class FitFailedWarning(RuntimeWarning):
    """Some fits failed during cross-validation or a parameter search (their
    scores are `error_score`)."""


class UndefinedMetricWarning(UserWarning):
    """A metric is not defined for the given input (e.g. R^2 on one sample)."""


class InvalidParameterError(ValueError, TypeError):
    """A hyper-parameter (or function argument) has an invalid type or value.

    Subclasses both ValueError and TypeError, as scikit-learn's does, so code
    catching either keeps working. The message names the estimator, the
    parameter and the value.
    """
