"""Small bundled datasets and synthetic data generators.

Loaders (data shipped inside the package, NumPy only at run time):
:func:`load_iris`, :func:`load_digits`, :func:`load_breast_cancer`,
:func:`load_diabetes`. They return a :class:`Bunch` (a dict with attribute
access) or ``(X, y)`` with ``return_X_y=True``.

Generators: :func:`make_blobs`, :func:`make_classification`,
:func:`make_regression`, :func:`make_advertising`, :func:`make_moons`,
:func:`make_circles`.
"""

from ._base import Bunch, load_breast_cancer, load_diabetes, load_digits, load_iris
from ._generators import make_advertising, make_blobs, make_classification, make_regression
from ._shapes import make_circles, make_moons

__all__ = [
    "Bunch",
    "load_iris",
    "load_digits",
    "load_breast_cancer",
    "load_diabetes",
    "make_blobs",
    "make_classification",
    "make_regression",
    "make_advertising",
    "make_moons",
    "make_circles",
]
