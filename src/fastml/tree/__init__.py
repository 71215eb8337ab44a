"""Decision trees: exact (sorted-value) and histogram split search in compiled C."""
from ._classes import (DecisionTreeClassifier, DecisionTreeRegressor, ExtraTreeClassifier,
                       ExtraTreeRegressor, Tree)
from ._export import export_text
from ._plot import plot_tree

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "ExtraTreeClassifier",
           "ExtraTreeRegressor", "Tree", "export_text", "plot_tree"]
