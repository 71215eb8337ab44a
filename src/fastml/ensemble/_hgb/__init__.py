"""Histogram gradient boosting on fastml's compiled engine (csrc/hgb*.c)."""
from .estimators import HistGradientBoostingClassifier, HistGradientBoostingRegressor

__all__ = ["HistGradientBoostingClassifier", "HistGradientBoostingRegressor"]
