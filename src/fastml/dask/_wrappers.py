"""Meta-estimators for the embarrassingly parallel part of the work:
ParallelPostFit (fit in memory, predict / transform blockwise over a dask
collection) and Incremental (fit block after block through partial_fit,
each step on the worker that holds the block)."""
import numbers

import numpy as np

import dask
from dask import delayed

from ..base import BaseEstimator, clone
from ..utils._param_validation import HasMethods, Interval
from ..utils.validation import check_random_state
from ._utils import apply_method, as_dask_array, blocks, is_dask_collection, is_sparse

_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
            "transform")


def _in_memory(X):
    if X is None or not is_dask_collection(X):
        return X
    out = X.compute()
    return out


class ParallelPostFit(BaseEstimator):
    """Wrap any fastml (or scikit-learn) estimator: fit runs the estimator's
    own fit on the data brought into memory (a dask collection is computed;
    for data that does not fit, see Incremental or the distributed
    estimators), and predict / predict_proba / predict_log_proba /
    decision_function / transform run the fitted estimator on every block of
    a dask array (map_blocks) or partition of a dask DataFrame
    (map_partitions, with meta from the estimator's output on one row).
    In-memory X goes straight to the estimator. The fitted estimator_ is put
    in the task graph once.

    Parameters
    ----------
    estimator : estimator
    """

    _parameter_constraints = {"estimator": [HasMethods(["fit"]), None]}

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y=None, **fit_params):
        self._validate_params()
        est = clone(self.estimator)
        fit_params = {k: _in_memory(v) for k, v in fit_params.items()}
        if y is None:
            est.fit(_in_memory(X), **fit_params)
        else:
            est.fit(_in_memory(X), _in_memory(y), **fit_params)
        return self._store(est)

    def _store(self, est):
        self.estimator_ = est
        for name in ("classes_", "n_features_in_", "feature_names_in_"):
            if hasattr(est, name):
                setattr(self, name, getattr(est, name))
        return self

    def _apply(self, method, X):
        self._check_is_fitted("estimator_")
        if not hasattr(self.estimator_, method):
            raise AttributeError(f"The wrapped {type(self.estimator_).__name__} has no "
                                 f"method {method!r}.")
        if not is_dask_collection(X):
            return getattr(self.estimator_, method)(X)
        return apply_method(self.estimator_, method, X)

    def predict(self, X):
        return self._apply("predict", X)

    def predict_proba(self, X):
        return self._apply("predict_proba", X)

    def predict_log_proba(self, X):
        return self._apply("predict_log_proba", X)

    def decision_function(self, X):
        return self._apply("decision_function", X)

    def transform(self, X):
        return self._apply("transform", X)

    def score(self, X, y=None, **kwargs):
        self._check_is_fitted("estimator_")
        X, y = _in_memory(X), _in_memory(y)
        return self.estimator_.score(X, y, **kwargs) if y is not None else \
            self.estimator_.score(X, **kwargs)


def _partial_fit(est, Xb, yb, kwargs):
    est = _copy(est)
    Xb = Xb if is_sparse(Xb) else np.asarray(Xb)  # sparse blocks go as they are
    if yb is None:
        est.partial_fit(Xb, **kwargs)
    else:
        est.partial_fit(Xb, np.asarray(yb), **kwargs)
    return est


def _copy(est):
    import copy

    return copy.deepcopy(est)


class Incremental(ParallelPostFit):
    """Train an estimator with partial_fit over the blocks of a dask
    collection, in order (or shuffled with shuffle_blocks), as a chain of
    tasks: the model moves from block to block, each partial_fit running on
    the worker that holds the block, so no worker ever holds more than one
    block plus the model. Works with every partial_fit estimator of fastml
    (SGDClassifier / SGDRegressor, the naive Bayes classifiers,
    MLPClassifier / MLPRegressor, MiniBatchKMeans, ...). predict and transform
    run blockwise as in ParallelPostFit.

    Parameters
    ----------
    estimator : estimator with partial_fit
    shuffle_blocks : bool, default False
    random_state : int, RandomState or None (the block order with shuffle_blocks)
    n_passes : int, default 1
        Passes over the blocks (fit); partial_fit always makes one.
    fit_kwargs : dict or None
        Passed to every partial_fit call (e.g. {"classes": [0, 1]}); keyword
        arguments of fit / partial_fit are added to them.
    """

    _parameter_constraints = {"estimator": [HasMethods(["partial_fit"]), None],
                              "shuffle_blocks": ["boolean"],
                              "random_state": ["random_state"],
                              "n_passes": [Interval(numbers.Integral, 1, None,
                                                    closed="left")],
                              "fit_kwargs": [dict, None]}

    def __init__(self, estimator=None, *, shuffle_blocks=False, random_state=None,
                 n_passes=1, fit_kwargs=None):
        self.estimator = estimator
        self.shuffle_blocks = shuffle_blocks
        self.random_state = random_state
        self.n_passes = n_passes
        self.fit_kwargs = fit_kwargs

    def _run(self, est, X, y, passes, kwargs):
        self._validate_params()
        Xd = as_dask_array(X, "X")
        xb = blocks(Xd)
        yb = [None] * len(xb)
        if y is not None:
            yd = as_dask_array(y, "y", ndim=1)
            if yd.shape[0] != Xd.shape[0]:
                raise ValueError(f"Found input variables with inconsistent numbers of "
                                 f"samples: [{Xd.shape[0]}, {yd.shape[0]}]")
            yb = blocks(yd.rechunk({0: Xd.chunks[0]}))
        rng = check_random_state(self.random_state)
        kw = {**(self.fit_kwargs or {}), **{k: _in_memory(v) for k, v in kwargs.items()}}
        model = delayed(est, pure=False)
        step = delayed(_partial_fit, pure=False)
        for _ in range(passes):
            order = rng.permutation(len(xb)) if self.shuffle_blocks else range(len(xb))
            for i in order:
                model = step(model, xb[i], yb[i], kw)
        est = dask.compute(model)[0]
        return self._store(est)

    def fit(self, X, y=None, **fit_kwargs):
        """Fresh clone of the estimator, n_passes passes over the blocks."""
        return self._run(clone(self.estimator), X, y, self.n_passes, fit_kwargs)

    def partial_fit(self, X, y=None, **fit_kwargs):
        """One more pass over the blocks, from the current estimator_."""
        est = self.estimator_ if hasattr(self, "estimator_") else clone(self.estimator)
        return self._run(est, X, y, 1, fit_kwargs)
