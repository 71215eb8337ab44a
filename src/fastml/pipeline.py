"""Pipeline: chain transformers and a final estimator (scikit-learn semantics).

Parameters of steps are addressed as "<step>__<param>" (GridSearchCV works
through get_params/set_params); a step may be "passthrough" or None. As in
scikit-learn, `fit` fits the step objects the user passed (no copies), except
when `memory` caches the transformers' fits: then each transformer is cloned
before fitting (so a cached fit can be reused) and the fitted clone replaces
it in `steps`.
"""
from ._composition import (  # noqa: F401
    _BaseComposition,
    _cached,
    _check_memory,
    _fit_transform_one,
    _fit_transform_one_reporting,
    _message_with_time,
    _name_estimators,
    _print_elapsed_time,
)
from .base import clone
from .callback import CallbackSupportMixin, with_callbacks
from .datasets._base import Bunch
from .utils._metadata_routing import (
    get_routing_for_object,
    metadata_router,
    method_mapping,
    process_routing,
    raise_for_params,
    routing_enabled,
)
from .utils._param_validation import HasMethods, Hidden
from .utils._set_output import available_if, safe_set_output
from .utils.validation import check_is_fitted

__all__ = ["Pipeline", "make_pipeline"]


def _final_estimator_has(attr):
    def check(self):
        getattr(self._final_estimator, attr)  # AttributeError: the reason it is missing
        return True
    return check


def _can_transform(self):
    last = self._final_estimator
    return last == "passthrough" or hasattr(last, "transform")


def _can_fit_transform(self):
    last = self._final_estimator
    return last == "passthrough" or hasattr(last, "transform") or \
        hasattr(last, "fit_transform")


def _can_inverse_transform(self):
    return all(hasattr(t, "inverse_transform") for _, _, t in self._iter())


class Pipeline(CallbackSupportMixin, _BaseComposition):
    """steps: list of (name, estimator); all but the last must transform.

    memory: None (no caching), a cache directory (str, needs joblib) or an
    object with a joblib.Memory-like ``cache`` method; with a cache the
    transformers are cloned before fitting and their fits are reused.
    verbose: print the time each step took to fit.
    """

    _parameter_constraints = {
        "steps": [list, Hidden(tuple)],
        "transform_input": [list, None],
        "memory": [None, str, HasMethods(["cache"])],
        "verbose": ["boolean"],
    }

    def __init__(self, steps, *, transform_input=None, memory=None, verbose=False):
        self.steps = steps
        self.transform_input = transform_input
        self.memory = memory
        self.verbose = verbose

    # -- parameters: steps are exposed by name ----------------------------------
    def get_params(self, deep=True):
        return self._get_params("steps", deep=deep)

    def set_params(self, **params):
        return self._set_params("steps", **params)

    def set_output(self, *, transform=None):
        """set_output(transform=...) on every step that transforms; returns self."""
        for _, _, step in self._iter():
            safe_set_output(step, transform=transform)
        return self

    def _validate_steps(self):
        if not self.steps:
            raise ValueError("The pipeline is empty. Please add steps.")
        names, estimators = zip(*self.steps)
        self._validate_names(names)
        self._check_instances(estimators)
        for t in estimators[:-1]:
            if t is None or t == "passthrough":
                continue
            if not (hasattr(t, "fit") or hasattr(t, "fit_transform")) or \
                    not hasattr(t, "transform"):
                raise TypeError("All intermediate steps should be transformers and implement "
                                "fit and transform or be the string 'passthrough' "
                                f"'{t}' (type {type(t)}) doesn't")
        last = estimators[-1]
        if last is not None and last != "passthrough" and not hasattr(last, "fit"):
            raise TypeError("Last step of Pipeline should implement fit or be the string "
                            f"'passthrough'. '{last}' (type {type(last)}) doesn't")

    def _iter(self, with_final=True, filter_passthrough=True):
        """(index, name, estimator) of the steps (the last one only if with_final)."""
        stop = len(self.steps) if with_final else len(self.steps) - 1
        for idx, (name, trans) in enumerate(self.steps[:stop]):
            if not filter_passthrough or (trans is not None and trans != "passthrough"):
                yield idx, name, trans

    # -- container protocol -------------------------------------------------------
    def __len__(self):
        return len(self.steps)

    def __getitem__(self, ind):
        """pipe[1:3] is a Pipeline of those steps (the same objects), pipe[0]
        and pipe["name"] a step's estimator."""
        if isinstance(ind, slice):
            if ind.step not in (1, None):
                raise ValueError("Pipeline slicing only supports a step of 1")
            return type(self)(self.steps[ind], transform_input=self.transform_input,
                              memory=self.memory, verbose=self.verbose)
        if isinstance(ind, str):
            return self.named_steps[ind]
        return self.steps[ind][1]

    @property
    def named_steps(self):
        """The steps by name, as a dict that also allows attribute access."""
        return Bunch(**dict(self.steps))

    @property
    def _final_estimator(self):
        try:
            est = self.steps[-1][1]
        except IndexError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 "'_final_estimator'") from None
        except (ValueError, AttributeError, TypeError):
            return None  # invalid steps: fit's validation reports them
        return "passthrough" if est is None else est

    @property
    def _estimator_type(self):
        try:
            return getattr(self._final_estimator, "_estimator_type", None)
        except AttributeError:  # empty pipeline
            return None

    def _log_message(self, idx):
        if not self.verbose:
            return None
        return f"(step {idx + 1} of {len(self.steps)}) Processing {self.steps[idx][0]}"

    # -- fitting ------------------------------------------------------------------
    def _check_transform_input(self):
        if self.transform_input is not None:
            if not routing_enabled():
                raise ValueError("The `transform_input` parameter can only be set if metadata "
                                 "routing is enabled. You can enable metadata routing using "
                                 "`sklearn.set_config(enable_metadata_routing=True)`.")

    def _step_params(self, idx, step_params, all_params):
        """The routed params of step idx; those named in transform_input are
        first transformed by the (fitted) steps before it (each element of a
        tuple separately), with the metadata those steps' transform request."""
        if self.transform_input is None or not all_params or not step_params or idx == 0:
            return step_params
        head = self[:idx]
        wanted = get_routing_for_object(head).consumes(method="transform",
                                                       params=all_params.keys())
        transform_params = {k: v for k, v in all_params.items() if k in wanted}
        done = {}

        def transformed(name, value):
            if name not in done:
                done[name] = tuple(head.transform(v, **transform_params) for v in value) \
                    if isinstance(value, tuple) else head.transform(value, **transform_params)
            return done[name]

        return {method: {k: transformed(k, v) if k in self.transform_input else v
                         for k, v in params.items()}
                for method, params in step_params.items()}

    # -- metadata routing ---------------------------------------------------------
    def get_metadata_routing(self):
        """Routing of this pipeline (scikit-learn's MetadataRouter): fit metadata
        go to each step's fit / fit_transform, predict-time metadata to the
        transformers' transform and the final step's method of the same name."""
        router = metadata_router(self)
        for _, name, trans in self._iter(with_final=False):
            if hasattr(trans, "fit_transform"):
                pairs = [("fit", "fit_transform"), ("fit_transform", "fit_transform"),
                         ("fit_predict", "fit_transform")]
            else:
                pairs = [(c, m) for c in ("fit", "fit_transform", "fit_predict")
                         for m in ("fit", "transform")]
            pairs += [(c, "transform") for c in ("predict", "predict_proba",
                                                 "decision_function", "predict_log_proba",
                                                 "transform", "score")]
            pairs.append(("inverse_transform", "inverse_transform"))
            router.add(method_mapping=method_mapping(*pairs), **{name: trans})
        name, last = self.steps[-1]
        if last is None or (isinstance(last, str) and last == "passthrough"):
            return router
        pairs = [("fit_transform", "fit_transform")] if hasattr(last, "fit_transform") else \
            [("fit", "fit"), ("fit", "transform")]
        pairs += [(m, m) for m in ("fit", "predict", "fit_predict", "predict_proba",
                                   "decision_function", "predict_log_proba", "transform",
                                   "inverse_transform", "score")]
        router.add(method_mapping=method_mapping(*pairs), **{name: last})
        return router

    def _route_fit(self, params, method="fit"):
        if routing_enabled():
            self.steps = list(self.steps)
            self._validate_steps()
            return process_routing(self, method, **params)
        return self._check_method_params(params)

    def _route(self, method, params):
        """process_routing for a predict-time method (None without routing)."""
        if not routing_enabled():
            return None
        return process_routing(self, method, **params)

    def _transform_routed(self, X, routed):
        for _, name, trans in self._iter(with_final=False):
            X = trans.transform(X, **(routed[name]["transform"] if routed is not None else {}))
        return X

    def _check_method_params(self, params):
        """{step name: {"fit": {...}, "fit_transform": {...}, "fit_predict": {...}}}
        from "<step>__<param>" keyword arguments."""
        per_step = {name: {"fit": {}, "fit_transform": {}, "fit_predict": {}}
                    for name, step in self.steps if step is not None}
        for key, value in params.items():
            if "__" not in key:
                raise ValueError(
                    f"Pipeline.fit does not accept the {key} parameter. You can pass "
                    "parameters to specific steps of your pipeline using the "
                    "stepname__parameter format, e.g. `Pipeline.fit(X, y, "
                    "logisticregression__sample_weight=sample_weight)`.")
            step, param = key.split("__", 1)
            if step not in per_step:
                raise ValueError(f"Pipeline.fit got {key}={value!r}, but the pipeline has no "
                                 f"step named {step!r}; steps are {list(per_step)}.")
            for method in per_step[step].values():
                method[param] = value
        return per_step

    def _fit(self, X, y, routed, all_params=None, callback_ctx=None):
        """Fit (or load from the cache) every transformer before the last step,
        each as one subtask of `callback_ctx`; returns X transformed by them."""
        self.steps = list(self.steps)
        self._validate_steps()
        memory = _check_memory(self.memory)
        caching = memory is not None and getattr(memory, "location", "") is not None
        fit_one = _fit_transform_one_reporting
        if caching:
            fit_one = _cached(memory, fit_one, ["caller", "callback_ctx"])
        for idx, name, trans in self._iter(with_final=False, filter_passthrough=False):
            task = callback_ctx.subcontext(task_name=f"fit-transform-{name}")
            if trans is None or trans == "passthrough":
                with _print_elapsed_time("Pipeline", self._log_message(idx)):
                    task.call_on_fit_task_begin(estimator=self, X=X, y=y)
                    task.call_on_fit_task_end(estimator=self, X=X, y=y)
                    continue
            est = clone(trans) if caching else trans
            X, fitted = fit_one(est, X, y, None, message_clsname="Pipeline",
                                message=self._log_message(idx),
                                params=self._step_params(idx, routed[name], all_params),
                                caller=self, callback_ctx=task)
            self.steps[idx] = (name, fitted)
        return X

    def _final_task(self, ctx, task_name, Xt, y, run):
        """run(final step) as the last subtask of `ctx` (its fit joins that task);
        returns what run returns (None for "passthrough")."""
        task = ctx.subcontext(task_name=task_name)
        last = self._final_estimator
        if last is None or last == "passthrough":
            task.call_on_fit_task_begin(estimator=self, X=Xt, y=y)
            task.call_on_fit_task_end(estimator=self, X=Xt, y=y)
            return None
        with task.propagate_callback_context(last):
            task.call_on_fit_task_begin(estimator=self, X=Xt, y=y)
            out = run(last)
            task.call_on_fit_task_end(estimator=self, X=Xt, y=y)
        return out

    def _start_fit(self, X, y, params, method, task_name):
        """Validate, open the fit's callback task (one subtask per step) and
        fit the transformers: (context, routed params, transformed X)."""
        self._validate_params()
        self._check_transform_input()
        routed = self._route_fit(params, method)
        ctx = self._init_callback_context(task_name=task_name,
                                          max_subtasks=len(self.steps))
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        return ctx, routed, self._fit(X, y, routed, params, callback_ctx=ctx)

    @with_callbacks
    def fit(self, X, y=None, **params):
        """Fit the transformers in turn, then the final estimator on their
        output. params: "<step>__<param>" fit parameters. Returns self."""
        ctx, routed, Xt = self._start_fit(X, y, params, "fit", "fit")
        def run(last):
            kw = self._step_params(len(self.steps) - 1, routed[self.steps[-1][0]], params)
            return last.fit(Xt, y, **kw["fit"])

        with _print_elapsed_time("Pipeline", self._log_message(len(self.steps) - 1)):
            self._final_task(ctx, "fit-final-estimator", Xt, y, run)
        ctx.call_on_fit_task_end(estimator=self, X=Xt, y=y)
        return self

    @available_if(_can_fit_transform)
    @with_callbacks
    def fit_transform(self, X, y=None, **params):
        ctx, routed, Xt = self._start_fit(X, y, params, "fit_transform", "fit-transform")

        def run(last):
            kw = self._step_params(len(self.steps) - 1, routed[self.steps[-1][0]], params)
            if hasattr(last, "fit_transform"):
                return last.fit_transform(Xt, y, **kw["fit_transform"])
            return last.fit(Xt, y, **kw["fit"]).transform(Xt)

        with _print_elapsed_time("Pipeline", self._log_message(len(self.steps) - 1)):
            out = self._final_task(ctx, "fit-transform-final-estimator", Xt, y, run)
        Xt = Xt if out is None else out
        ctx.call_on_fit_task_end(estimator=self, X=Xt, y=y)
        return Xt

    @available_if(_final_estimator_has("fit_predict"))
    @with_callbacks
    def fit_predict(self, X, y=None, **params):
        ctx, routed, Xt = self._start_fit(X, y, params, "fit_predict", "fit-predict")
        with _print_elapsed_time("Pipeline", self._log_message(len(self.steps) - 1)):
            out = self._final_task(
                ctx, "fit-predict-final-estimator", Xt, y,
                lambda last: last.fit_predict(Xt, y, **routed[self.steps[-1][0]]["fit_predict"]))
        ctx.call_on_fit_task_end(estimator=self, X=Xt, y=y)
        return out

    # -- prediction ---------------------------------------------------------------
    def _transform_until_last(self, X):
        for _, _, trans in self._iter(with_final=False):
            X = trans.transform(X)
        return X

    @available_if(_final_estimator_has("predict"))
    def predict(self, X, **params):
        check_is_fitted(self)
        routed = self._route("predict", params)
        if routed is None:
            return self.steps[-1][1].predict(self._transform_until_last(X), **params)
        name, last = self.steps[-1]
        Xt = self._transform_routed(X, routed)
        return last.predict(Xt, **routed[name]["predict"])

    @available_if(_final_estimator_has("predict_proba"))
    def predict_proba(self, X, **params):
        check_is_fitted(self)
        routed = self._route("predict_proba", params)
        if routed is None:
            return self.steps[-1][1].predict_proba(self._transform_until_last(X), **params)
        name, last = self.steps[-1]
        Xt = self._transform_routed(X, routed)
        return last.predict_proba(Xt, **routed[name]["predict_proba"])

    @available_if(_final_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X, **params):
        check_is_fitted(self)
        routed = self._route("predict_log_proba", params)
        if routed is None:
            return self.steps[-1][1].predict_log_proba(self._transform_until_last(X), **params)
        name, last = self.steps[-1]
        Xt = self._transform_routed(X, routed)
        return last.predict_log_proba(Xt, **routed[name]["predict_log_proba"])

    @available_if(_final_estimator_has("decision_function"))
    def decision_function(self, X, **params):
        check_is_fitted(self)
        routed = self._route("decision_function", params)
        if routed is None:
            raise_for_params(params, self, "decision_function")
            return self.steps[-1][1].decision_function(self._transform_until_last(X), **params)
        name, last = self.steps[-1]
        Xt = self._transform_routed(X, routed)
        return last.decision_function(Xt, **routed[name]["decision_function"])

    @available_if(_final_estimator_has("score_samples"))
    def score_samples(self, X):
        check_is_fitted(self)
        return self.steps[-1][1].score_samples(self._transform_until_last(X))

    @available_if(_can_transform)
    def transform(self, X, **params):
        """X through every step (the last one included)."""
        check_is_fitted(self)
        routed = self._route("transform", params)
        if routed is None:
            raise_for_params(params, self, "transform")
        for _, name, trans in self._iter():
            X = trans.transform(X, **(routed[name]["transform"] if routed is not None else {}))
        return X

    @available_if(_can_inverse_transform)
    def inverse_transform(self, X, **params):
        check_is_fitted(self)
        routed = self._route("inverse_transform", params)
        if routed is None:
            raise_for_params(params, self, "inverse_transform")
        for _, name, trans in reversed(list(self._iter())):
            X = trans.inverse_transform(
                X, **(routed[name]["inverse_transform"] if routed is not None else {}))
        return X

    @available_if(_final_estimator_has("score"))
    def score(self, X, y=None, sample_weight=None, **params):
        check_is_fitted(self)
        kw = dict(params)
        if sample_weight is not None:
            kw["sample_weight"] = sample_weight
        routed = self._route("score", kw)
        if routed is None:
            return self.steps[-1][1].score(self._transform_until_last(X), y, **kw)
        name, last = self.steps[-1]
        return last.score(self._transform_routed(X, routed), y, **routed[name]["score"])

    # -- fitted attributes delegated to the steps --------------------------------------
    @property
    def classes_(self):
        try:
            return self.steps[-1][1].classes_
        except IndexError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 "'classes_'") from None

    @property
    def n_features_in_(self):
        try:
            return self.steps[0][1].n_features_in_
        except IndexError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 "'n_features_in_'") from None

    @property
    def feature_names_in_(self):
        try:
            return self.steps[0][1].feature_names_in_
        except IndexError:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute "
                                 "'feature_names_in_'") from None

    def get_feature_names_out(self, input_features=None):
        """Names out of the last step, each step given the previous step's names."""
        names = input_features
        for _, name, trans in self._iter():
            if not hasattr(trans, "get_feature_names_out"):
                raise AttributeError(
                    f"Estimator {name} does not provide get_feature_names_out. Did you mean "
                    "to call pipeline[:-1].get_feature_names_out()?")
            names = trans.get_feature_names_out(names)
        return names

    def __sklearn_is_fitted__(self):
        from .exceptions import NotFittedError

        last = None
        for _, est in reversed(self.steps):
            if est is not None and est != "passthrough":
                last = est
                break
        if last is None:
            return True
        try:
            check_is_fitted(last)
            return True
        except NotFittedError:
            return False

    def __sklearn_tags__(self):
        try:
            last = self._final_estimator
        except AttributeError:  # empty pipeline
            last = None
        if last not in (None, "passthrough") and hasattr(last, "__sklearn_tags__"):
            tags = last.__sklearn_tags__()
            # as scikit-learn: sparse input only when every step accepts it
            tags.input_tags.sparse = all(
                s.__sklearn_tags__().input_tags.sparse for _, s in self.steps
                if s not in (None, "passthrough") and hasattr(s, "__sklearn_tags__"))
            # and pairwise input (a kernel matrix) is what the first step takes
            first = self.steps[0][1]
            if first not in (None, "passthrough") and hasattr(first, "__sklearn_tags__"):
                tags.input_tags.pairwise = first.__sklearn_tags__().input_tags.pairwise
            return tags
        return super().__sklearn_tags__()


def make_pipeline(*steps, memory=None, transform_input=None, verbose=False):
    """Pipeline with step names derived from the lower-cased class names."""
    return Pipeline(_name_estimators(steps), memory=memory, transform_input=transform_input,
                    verbose=verbose)
