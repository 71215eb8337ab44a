"""fastml: fast classic machine learning.

Compiled kernels (C with SIMD and OpenMP, Cython at the boundary, Numba where
a JIT fits) behind scikit-learn-style estimators and a small PyTorch-style
``fastml.nn``. Subpackages are imported on first use, so ``import fastml`` is
cheap.
"""
import importlib

from ._version import __version__

from ._config import (  # noqa: E402
    config_context, get_config, get_num_threads, set_config, set_num_threads, show_config)

_SUBMODULES = (
    "base", "callback", "cluster", "compose", "datasets", "decomposition",
    "discriminant_analysis", "dummy",
    "ensemble", "exceptions", "feature_selection", "linear_model", "metrics", "mixture",
    "model_selection", "multiclass", "naive_bayes", "neighbors", "neural_network", "nn",
    "pipeline", "plot", "preprocessing", "rl", "svm", "tree", "utils",
    "multioutput",
)

__all__ = ["__version__", "config_context", "get_config", "get_num_threads", "set_config",
           "set_num_threads", "show_config",
           *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'fastml' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
