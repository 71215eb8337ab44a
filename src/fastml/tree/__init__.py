"""Decision trees (histogram split search in compiled C)."""
from ._classes import DecisionTreeClassifier, DecisionTreeRegressor, Tree
from ._export import export_text

__all__ = ["DecisionTreeClassifier", "DecisionTreeRegressor", "Tree", "export_text"]
