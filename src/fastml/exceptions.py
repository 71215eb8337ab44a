"""Exceptions and warnings raised by fastml (named like scikit-learn's, so
code and tools that look for those names recognise them).

When scikit-learn is installed and loaded, each class here also derives from
scikit-learn's class of the same name: ``except sklearn.exceptions.NotFittedError``
catches fastml's error, ``warnings.filterwarnings("ignore",
category=sklearn.exceptions.ConvergenceWarning)`` silences fastml's warning and
``pytest.warns`` with either class matches. Without scikit-learn they are
fastml's own classes.

fastml never imports scikit-learn itself (``import fastml`` stays cheap). The
link is made the first time one of these classes is instantiated -- which
happens for every ``raise`` and every ``warnings.warn`` before the warning
filters are consulted -- or when `link_sklearn` is called, provided the
process has loaded scikit-learn by then. Linking inserts scikit-learn's class
as the first base of fastml's class (the class object stays the same, so
earlier ``from fastml.exceptions import ...`` keep working).
"""
import sys

__all__ = ["NotFittedError", "DataConversionWarning", "ConvergenceWarning", "FitFailedWarning",
           "UndefinedMetricWarning", "EfficiencyWarning", "DataDimensionalityWarning",
           "PositiveSpectrumWarning", "InvalidParameterError", "link_sklearn"]

# fastml class name -> (scikit-learn module, class name)
_SKLEARN_NAMES = {
    "NotFittedError": ("sklearn.exceptions", "NotFittedError"),
    "DataConversionWarning": ("sklearn.exceptions", "DataConversionWarning"),
    "ConvergenceWarning": ("sklearn.exceptions", "ConvergenceWarning"),
    "FitFailedWarning": ("sklearn.exceptions", "FitFailedWarning"),
    "UndefinedMetricWarning": ("sklearn.exceptions", "UndefinedMetricWarning"),
    "EfficiencyWarning": ("sklearn.exceptions", "EfficiencyWarning"),
    "DataDimensionalityWarning": ("sklearn.exceptions", "DataDimensionalityWarning"),
    "PositiveSpectrumWarning": ("sklearn.exceptions", "PositiveSpectrumWarning"),
    "InvalidParameterError": ("sklearn.utils._param_validation", "InvalidParameterError"),
}
_linked: set[str] = set()   # names of the classes already linked
_public: dict[str, type] = {}      # name -> fastml class


def link_sklearn():
    """Derive fastml's exception classes from scikit-learn's where scikit-learn
    is loaded in this process (a no-op otherwise, and once done). Returns the
    names linked so far."""
    if len(_linked) == len(_SKLEARN_NAMES) or "sklearn" not in sys.modules:
        return frozenset(_linked)
    for name, (modname, skname) in _SKLEARN_NAMES.items():
        if name in _linked:
            continue
        mod = sys.modules.get(modname)
        if mod is None and modname == "sklearn.utils._param_validation" and \
                "sklearn.exceptions" in sys.modules:
            # loaded with scikit-learn's base modules; the import is cheap then
            try:
                import importlib

                mod = importlib.import_module(modname)
            except Exception:  # pragma: no cover - a scikit-learn without it
                mod = None
        sk_cls = getattr(mod, skname, None) if mod is not None else None
        if sk_cls is None:
            continue
        cls = _public[name]
        if not issubclass(cls, sk_cls):
            # (sk_cls, own root): same instance layout, so the assignment is legal
            cls.__bases__ = (sk_cls,) + cls.__bases__
        _linked.add(name)
    return frozenset(_linked)


class _LinkOnUse(type):
    """Metaclass: link to scikit-learn's classes before the first instance."""

    def __call__(cls, *args, **kwargs):
        if len(_linked) < len(_SKLEARN_NAMES):
            link_sklearn()
        return super().__call__(*args, **kwargs)


def _define(name, bases, doc):
    # a private root carries the builtin bases; the public class derives from
    # it alone, so scikit-learn's class (same layout) can be put in front later
    root = _LinkOnUse(f"_{name}Base", bases, {"__module__": __name__})
    cls = _LinkOnUse(name, (root,), {"__module__": __name__, "__doc__": doc,
                                     "__qualname__": name})
    _public[name] = cls
    return cls


NotFittedError = _define("NotFittedError", (ValueError, AttributeError),
                         "Raised when an estimator is used before `fit`.")
DataConversionWarning = _define(
    "DataConversionWarning", (UserWarning,),
    "Input data was converted implicitly (e.g. a column-vector y was raveled).")
ConvergenceWarning = _define("ConvergenceWarning", (UserWarning,),
                             "An iterative solver stopped before reaching its tolerance.")
FitFailedWarning = _define(
    "FitFailedWarning", (RuntimeWarning,),
    "Some fits failed during cross-validation or a parameter search (their scores are "
    "`error_score`).")
UndefinedMetricWarning = _define(
    "UndefinedMetricWarning", (UserWarning,),
    "A metric is not defined for the given input (e.g. R^2 on one sample).")
EfficiencyWarning = _define("EfficiencyWarning", (UserWarning,),
                            "The computation may be inefficient for the given input.")
DataDimensionalityWarning = _define(
    "DataDimensionalityWarning", (UserWarning,),
    "The dimensionality of the data may be a problem for the method.")
PositiveSpectrumWarning = _define(
    "PositiveSpectrumWarning", (UserWarning,),
    "The eigenvalues of a matrix expected to be positive semi-definite are not all "
    "positive.")
InvalidParameterError = _define(
    "InvalidParameterError", (ValueError, TypeError),
    "A hyper-parameter (or function argument) has an invalid type or value.\n\n"
    "Subclasses both ValueError and TypeError, as scikit-learn's does, so code catching "
    "either keeps working. The message names the estimator, the parameter and the value.")

link_sklearn()  # scikit-learn loaded before fastml: linked right away
