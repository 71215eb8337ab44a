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
from ._bagging import BaggingClassifier, BaggingRegressor  # noqa: E402
from ._voting import VotingClassifier, VotingRegressor  # noqa: E402
from ._stacking import StackingClassifier, StackingRegressor  # noqa: E402

__all__ += ["BaggingClassifier", "BaggingRegressor", "VotingClassifier", "VotingRegressor",
            "StackingClassifier", "StackingRegressor"]
