"""Cross-validation: cross_validate, cross_val_score and the per-split fit
and score they share with GridSearchCV (see fastml.model_selection)."""
import collections
import contextlib
import inspect
import itertools
import math
import numbers
import time
import traceback
import warnings

import numpy as np

from .._param_grid import ParameterGrid
from ..base import BaseEstimator, clone
from ..exceptions import FitFailedWarning
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       routing_enabled)
from ..utils._parallel import map_threads
from ..utils._param_validation import HasMethods, StrOptions
from ..utils.validation import _interop_class, check_random_state
from ._split import (_indexable, _is_classifier, _num_samples, _pairwise, _safe_index, check_cv)


def _score_all(scorers, est, X, y, score_params=None, error_score="raise"):
    """{name: score}; a scorer that raises gives `error_score` with a UserWarning
    (as scikit-learn) unless error_score == "raise"."""
    score_params = score_params or {}
    out = {}
    for name, scorer in scorers.items():
        try:
            kw = score_params.get(name, {})
            # an unsupervised scorer may take (estimator, X) only
            value = scorer(est, X, **kw) if y is None else scorer(est, X, y, **kw)
        except Exception:
            if isinstance(error_score, str) and error_score == "raise":
                raise
            out[name] = float(error_score)
            warnings.warn("Scoring failed. The score on this train-test partition for these "
                          f"parameters will be set to {error_score}. Details: \n"
                          f"{traceback.format_exc()}", UserWarning, stacklevel=2)
            continue
        # a callable scoring may return {name: score}; anything but numbers is an error
        # whatever error_score says (scikit-learn's rule)
        for key, v in (value.items() if isinstance(value, dict) else [(name, value)]):
            v = v.item() if isinstance(v, np.ndarray) and v.size == 1 else v
            if not isinstance(v, (numbers.Number, np.number)):
                raise ValueError(f"scoring must return a number, got {v!r} ({type(v)}) "
                                 f"instead. (scorer={key})")
            out[key] = float(v)
    return out


def _fold_params(fit_params, n_samples, indices):
    """Fit params for one fold: array-likes of length n_samples (sample_weight,
    ...) are indexed by the fold's rows, anything else passes through unchanged
    (scikit-learn's rule without metadata routing)."""
    out = {}
    for key, value in (fit_params or {}).items():
        arraylike = (hasattr(value, "__len__") or hasattr(value, "shape")
                     or hasattr(value, "__array__")) and not isinstance(value, (str, bytes))
        try:
            same_length = arraylike and _num_samples(value) == n_samples
        except TypeError:
            same_length = False
        out[key] = _safe_index(value, indices) if same_length else value
    return out


def _check_error_score(error_score):
    if not (isinstance(error_score, numbers.Number) or
            (isinstance(error_score, str) and error_score == "raise")):
        raise ValueError("error_score must be the string 'raise' or a numeric value. (Hint: "
                         "if using 'raise', please make sure that it has been spelled "
                         "correctly.)")


def _warn_or_raise_about_fit_failures(results, error_score):
    """Some fits failed: FitFailedWarning; all of them: ValueError (with the
    distinct tracebacks and how often each occurred)."""
    errors = [r["fit_error"] for r in results if r.get("fit_error") is not None]
    if not errors:
        return
    line = "-" * 80 + "\n"
    summary = "\n".join(f"{line}{n} fits failed with the following error:\n{err}"
                        for err, n in collections.Counter(errors).items())
    if len(errors) == len(results):
        raise ValueError(f"\nAll the {len(results)} fits failed.\nIt is very likely that "
                         "your model is misconfigured.\nYou can try to debug the error by "
                         "setting error_score='raise'.\n\nBelow are more details about the "
                         f"failures:\n{summary}")
    warnings.warn(f"\n{len(errors)} fits failed out of a total of {len(results)}.\nThe score "
                  "on these train-test partitions for these parameters will be set to "
                  f"{error_score}.\nIf these failures are not expected, you can try to debug "
                  "them by setting error_score='raise'.\n\nBelow are more details about the "
                  f"failures:\n{summary}", _interop_class(FitFailedWarning), stacklevel=3)


def _fit_and_score(estimator, X, y, train, test, scorers, params, fit_params,
                   return_train_score, return_estimator, error_score, score_params=None, *,
                   callback_ctx=None, caller=None):
    """Fit a clone on `train`, score on `test` (and `train`). fit_params and
    score_params ({scorer name: kwargs}) hold full-length arrays, sliced here.
    callback_ctx: the (leaf) callback task of `caller` this fit and score is;
    the clone's own fit joins it."""
    est = clone(estimator)
    if params:
        # estimators placed in a grid are cloned: the user's objects stay unfitted
        est.set_params(**{k: clone(v, safe=False) for k, v in params.items()})
    Xtr, Xte = _safe_index(X, train), _safe_index(X, test)
    if _pairwise(estimator):
        if not hasattr(X, "shape") or X.ndim != 2 or X.shape[0] != X.shape[1]:
            raise ValueError("X should be a square kernel matrix")
        Xtr, Xte = Xtr[:, train], Xte[:, train]
    ytr, yte = _safe_index(y, train), _safe_index(y, test)
    n_samples = _num_samples(X)
    fit_params = _fold_params(fit_params, n_samples, train)
    score_params = score_params or {}
    t0 = time.perf_counter()
    out = {"fit_error": None}
    task = contextlib.nullcontext()
    if callback_ctx is not None:
        sw = fit_params.get("sample_weight")
        metadata = None if sw is None else {"sample_weight": sw}
        task = _evaluation_task(callback_ctx, caller, est, Xtr, ytr, metadata)
    try:
        with task:
            if ytr is None:
                est.fit(Xtr, **fit_params)
            else:
                est.fit(Xtr, ytr, **fit_params)
    except Exception:
        if error_score == "raise":
            raise
        out["fit_error"] = traceback.format_exc()
        out["fit_time"] = time.perf_counter() - t0
        out["score_time"] = 0.0
        out["test"] = {name: float(error_score) for name in scorers}
        if return_train_score:
            out["train"] = dict(out["test"])
        out["estimator"] = est
        return out
    out["fit_time"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    out["test"] = _score_all(scorers, est, Xte, yte, {
        k: _fold_params(v, n_samples, test) for k, v in score_params.items()}, error_score)
    out["score_time"] = time.perf_counter() - t1
    if return_train_score:
        out["train"] = _score_all(scorers, est, Xtr, ytr, {
            k: _fold_params(v, n_samples, train) for k, v in score_params.items()},
            error_score)
    if return_estimator:
        out["estimator"] = est
    return out


@contextlib.contextmanager
def _evaluation_task(ctx, caller, estimator, X, y, metadata):
    """The fit of `estimator` as the callback task `ctx` of `caller` (ended
    whether the fit succeeds or raises)."""
    with ctx.propagate_callback_context(estimator):
        ctx.call_on_fit_task_begin(estimator=caller, X=X, y=y, metadata=metadata)
        try:
            yield
        finally:
            ctx.call_on_fit_task_end(estimator=caller, X=X, y=y, metadata=metadata)


def _scorers(estimator, scoring):
    from ..metrics import check_scoring

    if scoring is None or callable(scoring) or isinstance(scoring, str):
        return {"score": check_scoring(estimator, scoring)}, True
    from ..metrics._scorer import _check_multimetric_scoring

    # lists / tuples / sets of names and dicts of scorers, checked as scikit-learn does
    return _check_multimetric_scoring(estimator, scoring), False


def _scorer_accepts_sample_weight(scorer, estimator):
    """scikit-learn's test: a scorer object answers itself; the default scorer
    asks estimator.score's signature; a plain callable its own signature."""
    from ..metrics._scorer import _default_score

    if hasattr(scorer, "_accept_sample_weight"):
        return bool(scorer._accept_sample_weight())
    fn = getattr(estimator, "score", None) if scorer is _default_score else scorer
    try:
        return "sample_weight" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _search_score_params(search, scorers, single, fit_params):
    """{scorer name: {"sample_weight": w}} for the scorers that accept the
    sample_weight given to a search's fit; a UserWarning for those that do not
    (scikit-learn's behaviour without metadata routing)."""
    sample_weight = fit_params.get("sample_weight")
    if sample_weight is None:
        return {}
    out = {}
    for name, scorer in scorers.items():
        if _scorer_accepts_sample_weight(scorer, search.estimator):
            out[name] = {"sample_weight": sample_weight}
        else:
            label = search.scoring if single else f"{name}={scorer}"
            warnings.warn(f"The scoring {label} does not support sample_weight, which may "
                          f"lead to statistically incorrect results when fitting {search} "
                          "with sample_weight. ", UserWarning, stacklevel=3)
    return out


def _scorer_key(name, single):
    return "scorer" if single else f"scorer_{name}"


def _add_cv_routes(router, estimator, splitter, scorers, single, score_callers=("fit",),
                   callee="fit", splitter_last=False):
    """The children of a cross-validating router: the splitter (its split), the
    estimator (its fit, or `callee`) and each scorer (its score), all reached
    from fit. The order is scikit-learn's (it decides which unrequested
    metadata an error names first): splitter first as in cross_validate, or
    last (`splitter_last`) as in the searches."""
    if not splitter_last:
        router.add(splitter=splitter, method_mapping=method_mapping(("fit", "split")))
    router.add(estimator=estimator, method_mapping=method_mapping(("fit", callee)))
    from ..metrics._scorer import _PassthroughScorer

    for name, scorer in scorers.items():
        if isinstance(scorer, _PassthroughScorer):  # scoring=None: the estimator's score
            scorer = scorer._estimator
        router.add(**{_scorer_key(name, single): scorer},
                   method_mapping=method_mapping(*[(c, "score") for c in score_callers]))
    if splitter_last:
        router.add(splitter=splitter, method_mapping=method_mapping(("fit", "split")))
    return router


def _routing_groups_error(groups):
    if groups is not None:
        raise ValueError("`groups` can only be passed if metadata routing is not enabled via "
                         "`sklearn.set_config(enable_metadata_routing=True)`. When routing is "
                         "enabled, pass `groups` alongside other metadata via the `params` "
                         "argument instead.")


def _route_cv_params(owner, estimator, splitter, scorers, single, params, groups,
                     callee="fit"):
    """(fit params, split params, {scorer name: score params}) of a
    cross-validation function named `owner`. With metadata routing, `params`
    go where the estimator, the splitter and the scorers request them (an
    error naming `owner` for metadata nobody requested); without, `params` go
    to fit and `groups` to split."""
    params = dict(params or {})
    if not routing_enabled():
        return params, {"groups": groups}, {}
    _routing_groups_error(groups)
    router = _add_cv_routes(metadata_router(owner), estimator, splitter, scorers, single,
                            callee=callee)
    try:
        routed = process_routing(router, "fit", **params)
    except Exception as exc:  # scikit-learn's UnsetMetadataPassedError: name the function
        if type(exc).__name__ == "UnsetMetadataPassedError":
            raise type(exc)(message=str(exc).replace(f"{owner}.fit", owner),
                            unrequested_params=exc.unrequested_params,
                            routed_params=exc.routed_params) from None
        raise
    score = {name: dict(routed[_scorer_key(name, single)]["score"]) for name in scorers}
    return dict(routed["estimator"][callee]), dict(routed["splitter"]["split"]), score


def _run(tasks, n_jobs):
    from .._config import resolve_n_jobs

    n = 1 if n_jobs is None else resolve_n_jobs(n_jobs)
    return map_threads(lambda t: t(), tasks, n)


def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   params=None, return_train_score=False, return_estimator=False,
                   return_indices=False, error_score=np.nan):
    """Fit and score `estimator` on each split; dict of arrays fit_time,
    score_time, test_score (test_<name> for multi-metric), optionally train_*,
    estimator and indices ({"train": [...], "test": [...]}, the rows of each
    split)."""
    _check_error_score(error_score)
    X, y = _indexable(X), _indexable(y)
    splitter = check_cv(cv, y, classifier=_is_classifier(estimator))
    scorers, single = _scorers(estimator, scoring)
    fit_params, split_params, score_params = _route_cv_params(
        "cross_validate", estimator, splitter, scorers, single, params, groups)
    splits = list(splitter.split(X, y, **split_params))
    tasks = [lambda tr=tr, te=te: _fit_and_score(estimator, X, y, tr, te, scorers, None,
                                                 fit_params, return_train_score,
                                                 return_estimator, error_score, score_params)
             for tr, te in splits]
    results = _run(tasks, n_jobs)
    _warn_or_raise_about_fit_failures(results, error_score)
    out = {"fit_time": np.array([r["fit_time"] for r in results]),
           "score_time": np.array([r["score_time"] for r in results])}
    if return_estimator:
        out["estimator"] = [r["estimator"] for r in results]
    if return_indices:
        out["indices"] = {"train": [np.asarray(tr) for tr, _ in splits],
                          "test": [np.asarray(te) for _, te in splits]}
    names = list(results[0]["test"]) if results else list(scorers)
    single = single and names == ["score"]
    for name in names:
        key = "score" if single else name
        out[f"test_{key}"] = np.array([r["test"].get(name, np.nan) for r in results])
        if return_train_score:
            out[f"train_{key}"] = np.array([r["train"].get(name, np.nan) for r in results])
    return out


def cross_val_score(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                    params=None, error_score=np.nan):
    """Evaluate a score by cross-validation: the test score of each split.

    Parameters
    ----------
    estimator : estimator
        Cloned and fitted on the training part of every split.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
    groups : array-like of shape (n_samples,), default=None
        Group labels for group-aware splitters.
    scoring : str or callable, default=None
        One scorer name (``"accuracy"``, ``"r2"``, ``"neg_mean_squared_error"``,
        ...) or a ``scorer(estimator, X, y)``; None uses ``estimator.score``.
        Use :func:`cross_validate` for several.
    cv : int, splitter or iterable, default=None
        None is 5-fold; an int is (stratified for classifiers) k-fold.
    n_jobs : int, default=None
        Splits fitted in parallel.
    params : dict, default=None
        Fit parameters (routed as in scikit-learn).
    error_score : "raise" or float, default=nan
        Score of a split whose fit fails (with a FitFailedWarning), or raise.

    Returns
    -------
    scores : ndarray of shape (n_splits,)

    See Also
    --------
    cross_validate : several scores, fit and score times, the fitted estimators.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.model_selection import cross_val_score
    >>> from fastml.neighbors import KNeighborsClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> scores = cross_val_score(KNeighborsClassifier(n_neighbors=7), X, y, cv=5)
    >>> scores.shape, bool(scores.mean() > 0.9)
    ((5,), True)
    """
    if scoring is not None and not (callable(scoring) or isinstance(scoring, str)):
        raise ValueError("cross_val_score takes a single scoring; use cross_validate for "
                         "several.")
    return cross_validate(estimator, X, y, groups=groups, scoring=scoring, cv=cv, n_jobs=n_jobs,
                          params=params, error_score=error_score)["test_score"]
