"""Pipeline: chain transformers and a final estimator (scikit-learn semantics).

Parameters of steps are addressed as "<step>__<param>" (GridSearchCV works
through get_params/set_params); a step may be "passthrough" or None.
"""
from .base import BaseEstimator, clone
from .utils._param_validation import HasMethods, Hidden

__all__ = ["Pipeline", "make_pipeline"]


class Pipeline(BaseEstimator):
    """steps: list of (name, estimator); all but the last must transform."""

    _parameter_constraints = {
        "steps": [list, Hidden(tuple)],
        "memory": [None, str, HasMethods(["cache"])],
        "verbose": ["boolean"],
    }

    def __init__(self, steps, *, memory=None, verbose=False):
        self.steps = steps
        self.memory = memory
        self.verbose = verbose

    # -- parameters: steps are exposed by name ----------------------------------
    def get_params(self, deep=True):
        out = {"steps": self.steps, "memory": self.memory, "verbose": self.verbose}
        if not deep:
            return out
        for name, est in self.steps:
            out[name] = est
            if hasattr(est, "get_params"):
                for k, v in est.get_params(deep=True).items():
                    out[f"{name}__{k}"] = v
        return out

    def set_params(self, **params):
        steps = dict(self.steps)
        for key in list(params):
            if key in steps:
                self.steps = [(n, params.pop(key) if n == key else e) for n, e in self.steps]
        for key, value in list(params.items()):
            if key in ("steps", "memory", "verbose"):
                setattr(self, key, value)
                del params[key]
        nested = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in dict(self.steps) or not sub:
                raise ValueError(f"Invalid parameter {key!r} for estimator {self!r}.")
            nested.setdefault(name, {})[sub] = value
        for name, sub in nested.items():
            dict(self.steps)[name].set_params(**sub)
        return self

    def _validate_steps(self):
        names = [n for n, _ in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"Names provided are not unique: {names!r}")
        for name, t in self.steps[:-1]:
            if t is None or t == "passthrough":
                continue
            if not (hasattr(t, "fit") or hasattr(t, "fit_transform")) or not hasattr(
                    t, "transform"):
                raise TypeError(f"All intermediate steps should be transformers and implement "
                                f"fit and transform or be 'passthrough'; {t!r} (step {name!r}) "
                                "doesn't.")

    @property
    def named_steps(self):
        return dict(self.steps)

    @property
    def _final_estimator(self):
        est = self.steps[-1][1]
        return "passthrough" if est is None else est

    @property
    def _estimator_type(self):
        return getattr(self._final_estimator, "_estimator_type", None)

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, ind):
        if isinstance(ind, slice):
            return Pipeline(self.steps[ind], memory=self.memory, verbose=self.verbose)
        if isinstance(ind, str):
            return self.named_steps[ind]
        return self.steps[ind][1]

    def _fit_transforms(self, X, y, fit_params):
        self._validate_params()
        self._validate_steps()
        steps = list(self.steps)
        for i, (name, t) in enumerate(steps[:-1]):
            if t is None or t == "passthrough":
                continue
            t = clone(t)
            kw = fit_params.get(name, {})
            X = t.fit_transform(X, y, **kw) if hasattr(t, "fit_transform") else \
                t.fit(X, y, **kw).transform(X)
            steps[i] = (name, t)
        self.steps = steps
        return X

    @staticmethod
    def _split_params(params):
        out = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            out.setdefault(name, {})[sub] = value
        return out

    def fit(self, X, y=None, **params):
        fp = self._split_params(params)
        Xt = self._fit_transforms(X, y, fp)
        last = self._final_estimator
        if last != "passthrough":
            last.fit(Xt, y, **fp.get(self.steps[-1][0], {}))
        return self

    def fit_transform(self, X, y=None, **params):
        fp = self._split_params(params)
        Xt = self._fit_transforms(X, y, fp)
        last = self._final_estimator
        if last == "passthrough":
            return Xt
        kw = fp.get(self.steps[-1][0], {})
        if hasattr(last, "fit_transform"):
            return last.fit_transform(Xt, y, **kw)
        return last.fit(Xt, y, **kw).transform(Xt)

    def _transform_until_last(self, X):
        for _, t in self.steps[:-1]:
            if t is None or t == "passthrough":
                continue
            X = t.transform(X)
        return X

    def __getattr__(self, name):
        # delegate predict/predict_proba/decision_function/score_samples/transform
        if name in ("predict", "predict_proba", "predict_log_proba", "decision_function",
                    "score_samples", "transform", "inverse_transform"):
            steps = self.__dict__.get("steps", [])
            last = steps[-1][1] if steps else None
            if name == "transform" and (last is None or last == "passthrough"):
                return self._transform_until_last
            if name == "inverse_transform":
                return self._inverse_transform
            if last is None or not hasattr(last, name):
                raise AttributeError(f"This 'Pipeline' has no attribute {name!r}")
            return lambda X, **kw: getattr(last, name)(self._transform_until_last(X), **kw)
        raise AttributeError(f"'Pipeline' object has no attribute {name!r}")

    def _inverse_transform(self, X):
        for _, t in reversed(self.steps):
            if t is None or t == "passthrough":
                continue
            X = t.inverse_transform(X)
        return X

    def score(self, X, y=None, sample_weight=None):
        Xt = self._transform_until_last(X)
        kw = {} if sample_weight is None else {"sample_weight": sample_weight}
        return self._final_estimator.score(Xt, y, **kw)

    @property
    def classes_(self):
        return self._final_estimator.classes_

    @property
    def n_features_in_(self):
        return self.steps[0][1].n_features_in_

    def __sklearn_is_fitted__(self):
        last = self._final_estimator
        if last == "passthrough":
            return True
        return any(k.endswith("_") and not k.startswith("__") for k in vars(last))

    def __sklearn_tags__(self):
        tags = self._final_estimator.__sklearn_tags__() if hasattr(
            self._final_estimator, "__sklearn_tags__") else super().__sklearn_tags__()
        return tags


def make_pipeline(*steps, memory=None, verbose=False):
    """Pipeline with step names derived from the lower-cased class names."""
    names = [type(s).__name__.lower() if s not in (None, "passthrough") else "passthrough"
             for s in steps]
    counts = {n: names.count(n) for n in names}
    seen = {}
    out = []
    for n, s in zip(names, steps):
        if counts[n] > 1:
            seen[n] = seen.get(n, 0) + 1
            n = f"{n}-{seen[n]}"
        out.append((n, s))
    return Pipeline(out, memory=memory, verbose=verbose)
