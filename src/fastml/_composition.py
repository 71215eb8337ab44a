"""Helpers shared by Pipeline, ColumnTransformer, FeatureUnion and the voting /
multi-output ensembles: the verbose step timings, the fit cache of `memory`,
one-transformer fits and the parameter handling of named sub-estimators."""
import contextlib
import time

from .base import BaseEstimator


def _message_with_time(source, message, seconds):
    """"[source] ....... message, total=   0.1s" padded to 70 characters."""
    start = f"[{source}] "
    t = f"{seconds / 60:4.1f}min" if seconds > 60 else f" {seconds:5.1f}s"
    end = f" {message}, total={t}"
    return start + "." * (70 - len(start) - len(end)) + end


@contextlib.contextmanager
def _print_elapsed_time(source, message=None):
    """Print how long the block took (nothing when message is None)."""
    if message is None:
        yield
        return
    start = time.perf_counter()
    yield
    print(_message_with_time(source, message, time.perf_counter() - start), flush=True)


def _check_memory(memory):
    """None, or an object with a joblib.Memory-like `cache` method (a str is a
    joblib cache directory)."""
    if memory is None:
        return None
    if isinstance(memory, str):
        try:
            import joblib
        except ImportError as exc:  # pragma: no cover - joblib ships with scikit-learn
            raise ImportError(f"memory={memory!r} (a cache directory) needs joblib "
                              "(pip install joblib); or pass memory=None.") from exc
        return joblib.Memory(location=memory, verbose=0)
    if not hasattr(memory, "cache"):
        raise ValueError("'memory' should be None, a string or have the same interface as "
                         f"joblib.Memory. Got memory='{memory}' instead.")
    return memory


def _fit_transform_one(transformer, X, y, weight, message_clsname="", message=None,
                       params=None):
    """(transformed X, the fitted transformer); module level so joblib can cache it."""
    params = params or {}
    with _print_elapsed_time(message_clsname, message):
        if hasattr(transformer, "fit_transform"):
            out = transformer.fit_transform(X, y, **params.get("fit_transform", {}))
        else:
            out = transformer.fit(X, y, **params.get("fit", {})).transform(
                X, **params.get("transform", {}))
    return (out, transformer) if weight is None else (out * weight, transformer)


def _fit_transform_one_reporting(transformer, X, y, weight, message_clsname="", message=None,
                                 params=None, *, caller=None, callback_ctx=None):
    """_fit_transform_one as the task `callback_ctx` of the pipeline `caller`
    (the transformer's own fit joins that task). With `memory`, the cache
    ignores caller and callback_ctx: a cache hit skips the task."""
    with callback_ctx.propagate_callback_context(transformer):
        callback_ctx.call_on_fit_task_begin(estimator=caller, X=X, y=y)
        Xt, fitted = _fit_transform_one(transformer, X, y, weight, message_clsname, message,
                                        params)
        callback_ctx.call_on_fit_task_end(estimator=caller, X=Xt, y=y)
    return Xt, fitted


def _cached(memory, func, ignore):
    """memory.cache(func) leaving the `ignore` arguments out of the cache key
    (joblib.Memory); cache objects without that option hash every argument."""
    try:
        return memory.cache(func, ignore=ignore)
    except TypeError:
        return memory.cache(func)


class _BaseComposition(BaseEstimator):
    """get_params / set_params of a meta-estimator whose estimators live in a
    list attribute of (name, estimator[, ...]) tuples: each is a parameter
    named after it, and its parameters are "<name>__<param>"."""

    def _get_params(self, attr, deep=True):
        out = BaseEstimator.get_params(self, deep=deep)  # nested: e.g. remainder__<param>
        if not deep:
            return out
        items = getattr(self, attr)
        try:
            pairs = [(item[0], item[1]) for item in items]
        except (TypeError, IndexError):  # invalid steps: left to fit's validation
            return out
        for name, est in pairs:
            out[name] = est
            if hasattr(est, "get_params") and not isinstance(est, type):
                for key, value in est.get_params(deep=True).items():
                    out[f"{name}__{key}"] = value
        return out

    def _set_params(self, attr, **params):
        if attr in params:
            setattr(self, attr, params.pop(attr))
        items = getattr(self, attr)
        try:
            names = [item[0] for item in items]
        except (TypeError, IndexError):
            names = []
        for name in list(params):
            if "__" not in name and name in names:
                self._replace_estimator(attr, name, params.pop(name))
        BaseEstimator.set_params(self, **params)
        return self

    def _replace_estimator(self, attr, name, new):
        items = list(getattr(self, attr))
        for i, item in enumerate(items):
            if item[0] == name:
                items[i] = (name, new, *item[2:])
                break
        setattr(self, attr, items)

    def _validate_names(self, names):
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {list(names)!r}")
        conflict = set(names).intersection(BaseEstimator.get_params(self, deep=False))
        if conflict:
            raise ValueError("Estimator names conflict with constructor arguments: "
                             f"{sorted(conflict)!r}")
        dunder = [n for n in names if "__" in n]
        if dunder:
            raise ValueError(f"Estimator names must not contain __: got {dunder!r}")

    @staticmethod
    def _check_instances(estimators):
        for est in estimators:
            if isinstance(est, type):
                raise TypeError(f"Expected an estimator instance ({est.__name__}()), got "
                                f"estimator class instead ({est.__name__}).")



def _name_estimators(estimators):
    """(name, estimator) pairs named by lower-cased class name ("-1", "-2", ...
    appended to names that repeat)."""
    names = [e if isinstance(e, str) else type(e).__name__.lower() for e in estimators]
    repeats = {n: names.count(n) for n in names if names.count(n) > 1}
    for i in reversed(range(len(estimators))):
        if names[i] in repeats:
            name = names[i]
            names[i] = f"{name}-{repeats[name]}"
            repeats[name] -= 1
    return list(zip(names, estimators))
