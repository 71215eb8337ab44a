"""Declarative parameter validation (the shape scikit-learn uses).

An estimator declares ``_parameter_constraints``: parameter name -> list of
constraints, any one of which the value must satisfy. A constraint is

* an ``Interval(numbers.Integral | numbers.Real | RealNotInt, left, right,
  closed=...)``; NaN is never inside, and an unbounded side (None) means
  "finite": +/-inf are inside only when the bound is written as
  ``math.inf`` / ``-math.inf`` with that side closed (e.g. C in (0, inf]);
* ``StrOptions({...})`` or ``Options(type, {...})``;
* ``None``, a type (``dict``, ``list``, ...), ``callable``;
* one of the strings "boolean", "array-like", "random_state", "verbose",
  "n_jobs", "cv_object", "no_validation";
* ``HasMethods([...])``; ``Hidden(c)`` accepts like c but is left out of the
  error message.

numpy scalars count as their Python types (np.int64 is an int, np.float32 a
float, np.bool_ a boolean); Python's bool is not an int here.

``validate_parameter_constraints`` raises one error format::

    InvalidParameterError: The 'alpha' parameter of Ridge must be a float in
    the range [0.0, inf). Got nan instead.
"""
import math
import numbers
import os

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["Interval", "StrOptions", "Options", "HasMethods", "Hidden", "RealNotInt",
           "make_constraint", "validate_parameter_constraints", "max_n_jobs"]


class RealNotInt:
    """Marker type for Interval: a real number that is not an integer type
    (0.5 and np.float32(0.5), not 1 or np.int64(1))."""


def _is_bool(v):
    return isinstance(v, (bool, np.bool_))


def _is_int(v):
    return isinstance(v, numbers.Integral) and not _is_bool(v)


def _is_real(v):
    return isinstance(v, numbers.Real) and not _is_bool(v)


class _Constraint:
    hidden = False

    def is_satisfied_by(self, value):
        raise NotImplementedError

    def __str__(self):
        raise NotImplementedError


class _InstancesOf(_Constraint):
    def __init__(self, type_):
        self.type = type_

    def is_satisfied_by(self, value):
        return isinstance(value, self.type)

    def __str__(self):
        t = self.type
        name = t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
        return f"an instance of {name!r}"


class _NoneConstraint(_Constraint):
    def is_satisfied_by(self, value):
        return value is None

    def __str__(self):
        return "None"


class _Booleans(_Constraint):
    def is_satisfied_by(self, value):
        return _is_bool(value)

    def __str__(self):
        return "a bool"


class _Callables(_Constraint):
    def is_satisfied_by(self, value):
        return callable(value)

    def __str__(self):
        return "a callable"


class _ArrayLikes(_Constraint):
    def is_satisfied_by(self, value):
        if isinstance(value, (str, bytes)) or np.isscalar(value):
            return False
        return hasattr(value, "__len__") or hasattr(value, "shape") or hasattr(
            value, "__array__")

    def __str__(self):
        return "an array-like"


class _NoValidation(_Constraint):
    def is_satisfied_by(self, value):
        return True

    def __str__(self):
        return "anything"


class Interval(_Constraint):
    """Numbers of `type` between `left` and `right`; closed is "left",
    "right", "both" or "neither". None for a bound: unbounded but finite."""

    def __init__(self, type_, left, right, *, closed):
        if type_ not in (numbers.Integral, numbers.Real, RealNotInt):
            raise TypeError(f"Interval type must be Integral, Real or RealNotInt, got {type_!r}.")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError(f"closed must be 'left', 'right', 'both' or 'neither', "
                             f"got {closed!r}.")
        if left is not None and right is not None and left > right:
            raise ValueError(f"Interval with left={left} > right={right}.")
        self.type, self.left, self.right, self.closed = type_, left, right, closed

    def _type_ok(self, v):
        if self.type is numbers.Integral:
            return _is_int(v)
        if self.type is RealNotInt:
            return _is_real(v) and not isinstance(v, numbers.Integral)
        return _is_real(v)

    def __contains__(self, v):
        v = float(v) if not isinstance(v, numbers.Integral) else v
        if isinstance(v, float) and math.isnan(v):
            return False
        lo_closed = self.closed in ("left", "both")
        hi_closed = self.closed in ("right", "both")
        if self.left is None:
            if v == -math.inf:
                return False
        elif v < self.left or (v == self.left and not lo_closed):
            return False
        if self.right is None:
            if v == math.inf:
                return False
        elif v > self.right or (v == self.right and not hi_closed):
            return False
        return True

    def is_satisfied_by(self, value):
        return self._type_ok(value) and value in self

    def __str__(self):
        kind = "an int" if self.type is numbers.Integral else "a float"

        def fmt(b, default):
            if b is None:
                return default
            if isinstance(b, float) and math.isinf(b):
                return "inf" if b > 0 else "-inf"
            return str(int(b)) if self.type is numbers.Integral else str(float(b))

        lb = "[" if self.closed in ("left", "both") and self.left is not None else "("
        rb = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{kind} in the range {lb}{fmt(self.left, '-inf')}, {fmt(self.right, 'inf')}{rb}"


class Options(_Constraint):
    """Values of `type_` that are in `options`."""

    def __init__(self, type_, options):
        self.type = type_
        self.options = options

    def is_satisfied_by(self, value):
        try:
            return isinstance(value, self.type) and value in self.options
        except TypeError:  # unhashable
            return False

    def __str__(self):
        opts = ", ".join(repr(o) for o in sorted(self.options, key=repr))
        return f"a {self.type.__name__} among {{{opts}}}"


class StrOptions(Options):
    """One of a set of strings (case-sensitive)."""

    def __init__(self, options):
        super().__init__(str, set(options))


class HasMethods(_Constraint):
    """Objects with all the named methods (e.g. an estimator with fit)."""

    def __init__(self, methods):
        self.methods = [methods] if isinstance(methods, str) else list(methods)

    def is_satisfied_by(self, value):
        return not isinstance(value, type) and all(
            callable(getattr(value, m, None)) for m in self.methods)

    def __str__(self):
        names = [repr(m) for m in self.methods]  # scikit-learn's wording: 'a', 'b' and 'c'
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return "an object implementing " + listed


class Hidden(_Constraint):
    """Accepted like `constraint`, but not advertised in error messages."""

    hidden = True

    def __init__(self, constraint):
        self.constraint = make_constraint(constraint)

    def is_satisfied_by(self, value):
        return self.constraint.is_satisfied_by(value)

    def __str__(self):
        return str(self.constraint)


def max_n_jobs():
    """Most threads a positive n_jobs gets: 4 x the machine's core count (a
    larger n_jobs is accepted, as scikit-learn accepts it, and capped here)."""
    return 4 * (os.cpu_count() or 1)


class _NJobs(_Constraint):
    """None, a negative int (cores + 1 + n_jobs, at least 1) or a positive int
    (threads capped at max_n_jobs() by resolve_n_jobs)."""

    def is_satisfied_by(self, value):
        return value is None or (_is_int(value) and value != 0)

    def __str__(self):
        return "None or a nonzero int"


class _Composite(_Constraint):
    def __init__(self, constraints, name):
        self.constraints = [make_constraint(c) for c in constraints]
        self.name = name

    def is_satisfied_by(self, value):
        return any(c.is_satisfied_by(value) for c in self.constraints)

    def __str__(self):
        return self.name


def _random_state():
    return _Composite([None, Interval(numbers.Integral, 0, 2**32 - 1, closed="both"),
                       np.random.RandomState, np.random.Generator],
                      "None, an int in the range [0, 4294967295], a numpy RandomState "
                      "or Generator")


def _verbose():
    return _Composite([Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
                      "an int in the range [0, inf) or a bool")


def _cv_object():
    class _Iterable(_Constraint):
        def is_satisfied_by(self, value):
            return not isinstance(value, str) and hasattr(value, "__iter__")

        def __str__(self):
            return "an iterable"

    return _Composite([Interval(numbers.Integral, 2, None, closed="left"),
                       HasMethods(["split", "get_n_splits"]), _Iterable(), None],
                      "an int in the range [2, inf), a CV splitter, an iterable of "
                      "(train, test) splits or None")


_NAMED = {
    "boolean": _Booleans, "array-like": _ArrayLikes, "random_state": _random_state,
    "verbose": _verbose, "n_jobs": _NJobs, "cv_object": _cv_object,
    "no_validation": _NoValidation,
}


def make_constraint(c):
    """A constraint object from the short forms accepted in the lists."""
    if isinstance(c, _Constraint):
        return c
    if c is None:
        return _NoneConstraint()
    if c is callable:
        return _Callables()
    if isinstance(c, str):
        if c not in _NAMED:
            raise ValueError(f"Unknown constraint {c!r}; expected one of {sorted(_NAMED)}.")
        return _NAMED[c]()
    if isinstance(c, type):
        return _InstancesOf(c)
    raise TypeError(f"Unknown constraint {c!r}.")


_CACHE: dict[int, tuple] = {}


def _compiled(constraints):
    key = id(constraints)
    hit = _CACHE.get(key)
    if hit is None or hit[0] is not constraints:
        if len(_CACHE) > 512:  # ad-hoc dicts (function arguments): keep the cache bounded
            _CACHE.clear()
        hit = (constraints, {name: [make_constraint(c) for c in cs]
                             for name, cs in constraints.items() if cs != "no_validation"})
        _CACHE[key] = hit
    return hit[1]


def _describe(constraints):
    shown = [str(c) for c in constraints if not c.hidden]
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} or {shown[-1]}"


def validate_parameter_constraints(constraints, params, caller_name):
    """Check every params[name] with a declared constraint list; raise
    InvalidParameterError naming the caller, the parameter and the value."""
    compiled = _compiled(constraints)
    for name, value in params.items():
        cs = compiled.get(name)
        if cs is None:
            continue
        if any(c.is_satisfied_by(value) for c in cs):
            continue
        raise InvalidParameterError(
            f"The {name!r} parameter of {caller_name} must be {_describe(cs)}. "
            f"Got {value!r} instead.")
