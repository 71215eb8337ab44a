"""Preprocessing: scalers, encoders, normalisation and polynomial features.

Transformers keep float32 as float32 (dtype in = dtype out); statistics are
accumulated in float64.
"""
from .._sparse_preprocessing import MaxAbsScaler
from ._data import MinMaxScaler, Normalizer, StandardScaler, normalize
from ._encoders import OneHotEncoder
from ._label import LabelEncoder
from ._polynomial import PolynomialFeatures
from ._spline import SplineTransformer
from ._discretization import KBinsDiscretizer

__all__ = ["StandardScaler", "MinMaxScaler", "MaxAbsScaler", "OneHotEncoder", "LabelEncoder",
           "normalize", "Normalizer", "PolynomialFeatures"]
__all__ += ["SplineTransformer", "KBinsDiscretizer"]
