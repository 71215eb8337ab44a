"""Model selection: splitting, cross-validation and grid search.

Works with any estimator that follows scikit-learn's conventions (fastml's or
scikit-learn's own): estimators are cloned through get_params, scored with
`scoring` (see fastml.metrics.get_scorer) or their own `score`. Splits match
scikit-learn's for KFold and StratifiedKFold with the same random_state.
Parallel work (n_jobs) runs in threads: the compiled kernels and BLAS release
the GIL, and nothing is pickled.
"""
from .._param_grid import ParameterGrid
from ._search import GridSearchCV
from ._split import KFold, StratifiedKFold, check_cv, train_test_split
from ._validation import cross_val_score, cross_validate
from ._learning_curve import learning_curve, validation_curve

__all__ = ["train_test_split", "KFold", "StratifiedKFold", "ParameterGrid", "cross_val_score",
           "cross_validate", "GridSearchCV", "learning_curve", "validation_curve"]
