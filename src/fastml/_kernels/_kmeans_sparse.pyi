# Stub of the compiled module _kmeans_sparse (built from _kmeans_sparse.pyx): type checkers cannot
# read extension modules, so its attributes are typed Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
