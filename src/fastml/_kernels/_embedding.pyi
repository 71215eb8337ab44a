# Stub of the compiled module _embedding (built from _embedding.pyx): type checkers cannot
# read extension modules, so its attributes are typed Any.
from typing import Any

def __getattr__(name: str) -> Any: ...
