"""fastml.utils.all_estimators: every public estimator class of fastml."""
import importlib
import inspect
import pkgutil

__all__ = ["all_estimators"]

# Subpackages without estimators (or with optional dependencies): not walked.
_SKIP = {"fastml.nn", "fastml.demos", "fastml.datasets", "fastml.plot", "fastml.rl",
         "fastml.dask", "fastml.utils", "fastml.metrics"}

_FILTERS = {"classifier": "ClassifierMixin", "regressor": "RegressorMixin",
            "transformer": "TransformerMixin", "cluster": "ClusterMixin"}


def _public_modules():
    import fastml

    for info in pkgutil.walk_packages(fastml.__path__, prefix="fastml."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")):
            continue
        if any(name == s or name.startswith(s + ".") for s in _SKIP):
            continue
        yield name


def all_estimators(type_filter=None):
    """Sorted (name, class) pairs of fastml's public estimators.

    An estimator is a class reachable under a public name from a public
    fastml module (private modules and names starting with "_" are left out)
    that derives from fastml.base.BaseEstimator, other than the base classes
    themselves. type_filter: None, or one of / a list of "classifier",
    "regressor", "transformer", "cluster" (the union of the kinds).
    """
    from .. import base

    if type_filter is not None:
        kinds = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = [k for k in kinds if k not in _FILTERS]
        if unknown:
            raise ValueError(f"type_filter must be None or among {sorted(_FILTERS)}, "
                             f"got {type_filter!r}.")
        mixins = tuple(getattr(base, _FILTERS[k]) for k in kinds)
    found = {}
    for modname in _public_modules():
        try:
            module = importlib.import_module(modname)
        except ImportError:  # a module whose optional dependency is missing
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if name.startswith("_") or not cls.__module__.startswith("fastml."):
                continue
            if cls.__module__ == base.__name__ or not issubclass(cls, base.BaseEstimator):
                continue
            if inspect.isabstract(cls):
                continue
            found[name] = cls
    pairs = sorted(found.items())
    if type_filter is not None:
        pairs = [(n, c) for n, c in pairs if issubclass(c, mixins)]
    return pairs
