"""Meta-estimators that compose transformers: ColumnTransformer (different
transformers for different columns, e.g. of a pandas or polars DataFrame),
make_column_transformer, make_column_selector and TransformedTargetRegressor
(a regressor fitted on a transformed target)."""
from ._column_transformer import ColumnTransformer, make_column_selector, make_column_transformer
from ._target import TransformedTargetRegressor

__all__ = ["ColumnTransformer", "TransformedTargetRegressor", "make_column_selector",
           "make_column_transformer"]
