# Stub of the compiled module _conv2d (built from _conv2d.pyx): type checkers cannot
# read extension modules, so its attributes are typed Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
