"""Ensembles of fastml trees: random forests, AdaBoost (SAMME), gradient boosting."""
from ._forest import RandomForestClassifier, RandomForestRegressor
from ._forest import ExtraTreesClassifier, ExtraTreesRegressor
from ._gb import GradientBoostingClassifier, GradientBoostingRegressor
from ._hgb import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from ._weight_boosting import AdaBoostClassifier

__all__ = ["RandomForestClassifier", "RandomForestRegressor", "AdaBoostClassifier",
           "GradientBoostingClassifier", "GradientBoostingRegressor",
           "HistGradientBoostingClassifier", "HistGradientBoostingRegressor",
           "ExtraTreesClassifier", "ExtraTreesRegressor"]
