"""Small shared helpers: input validation, random state handling and
estimator discovery (all_estimators)."""
from .discovery import all_estimators
from .validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    check_random_state,
    check_X_y,
    column_or_1d,
)

__all__ = [
    "all_estimators",
    "check_array",
    "check_consistent_length",
    "check_is_fitted",
    "check_random_state",
    "check_X_y",
    "column_or_1d",
]
