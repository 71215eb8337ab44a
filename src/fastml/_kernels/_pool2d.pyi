# Stub of the compiled module _pool2d (built from _pool2d.pyx): type checkers cannot
# read extension modules, so its attributes are typed Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
