"""Multi-output meta-estimators: one single-output estimator per target column.

* MultiOutputRegressor / MultiOutputClassifier fit an independent clone of
  `estimator` per column of y; the fits (and partial_fits and predicts) run on
  `n_jobs` Python threads through fastml's thread pool, which hands every
  worker the caller's configuration (fastml's and scikit-learn's
  ``config_context``); each clone's kernels then run single-threaded.
* ClassifierChain / RegressorChain fit the columns in `order`, each model
  seeing X plus the previous columns of the chain: the true columns at fit
  time (or, with `cv`, out-of-fold predictions of the previous models) and
  the chain's own predictions at predict time.

The rules follow scikit-learn 1.9's ``sklearn.multioutput``: the same
parameters and attributes (``estimator``, ``order_``, ``chain_method_``,
``classes_`` a list per output), ``sample_weight`` checked against the
estimator's fit signature, metadata routed with metadata routing enabled
(``set_fit_request``) and, without it, fit parameters of MultiOutput* and
RegressorChain passed to every sub-estimator as given while
ClassifierChain.fit and partial_fit refuse them. One deliberate difference:
a scipy.sparse y is densified before it is split into columns (scikit-learn
hands each estimator a sparse column).
"""
import numpy as np

from .base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from .model_selection import check_cv
from .multiclass import _estimator_kind, _inner_input_tag, _num_samples, _rows
from ._composition import _print_elapsed_time
from .utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       raise_for_params, routing_enabled)
from .utils._parallel import map_threads
from .utils._param_validation import HasMethods, StrOptions
from .utils._set_output import available_if
from .utils._sparse import check_sparse, is_sparse
from .utils.validation import (check_array, check_classification_targets, check_is_fitted,
                               check_random_state, resolve_n_jobs)

__all__ = ["MultiOutputRegressor", "MultiOutputClassifier", "ClassifierChain",
           "RegressorChain"]

_CHAIN_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function")


def _check_multi_y(y, classifier):
    """y as a 2-D array (n_samples, n_outputs): present, finite, numeric
    labels for a classifier; a 1-D y is an error (scikit-learn's message)."""
    if y is None:
        raise ValueError("This estimator requires y to be passed, but the target y is None.")
    if is_sparse(y):
        y = y.toarray()
    y = check_array(y, dtype=None, ensure_2d=False, input_name="y")
    if classifier:
        check_classification_targets(np.ravel(y) if y.dtype.kind != "O" else y.ravel())
    if y.ndim == 1:
        raise ValueError("y must have at least two dimensions for multi-output regression "
                         "but has only one.")
    return y


def _accepts_fit_param(est, name):
    import inspect

    try:
        params = inspect.signature(est.fit).parameters
    except (TypeError, ValueError, AttributeError):
        return False
    return name in params


def _fit_clone(template, X, y, params):
    est = clone(template)
    est.fit(X, y, **params)
    return est


class _MultiOutputEstimator(BaseEstimator):
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "n_jobs": ["n_jobs"],
    }

    def __init__(self, estimator, *, n_jobs=None):
        self.estimator = estimator
        self.n_jobs = n_jobs

    def _method_params(self, method, sample_weight, params, pass_through):
        """The keyword arguments every sub-estimator's `method` receives:
        routed metadata with routing on; otherwise sample_weight (checked
        against the estimator's fit signature) plus `params` when
        `pass_through` (else passing any is an error)."""
        if routing_enabled():
            if sample_weight is not None:
                params = {**params, "sample_weight": sample_weight}
            return dict(process_routing(self, method, **params)["estimator"][method])
        if not pass_through:
            raise_for_params(params, self, method)
        if sample_weight is not None and not _accepts_fit_param(self.estimator,
                                                                 "sample_weight"):
            raise ValueError("Underlying estimator does not support sample weights.")
        out = dict(params) if pass_through else {}
        if sample_weight is not None:
            out["sample_weight"] = sample_weight
        return out

    def _copy_features(self, first):
        for attr in ("n_features_in_", "feature_names_in_"):
            if hasattr(first, attr):
                setattr(self, attr, getattr(first, attr))
            else:
                self.__dict__.pop(attr, None)

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit one clone of `estimator` per column of y (on n_jobs threads).

        sample_weight goes to every fit (an error when the estimator's fit
        takes none); other fit_params go to every fit as given, or where
        requested with metadata routing enabled."""
        self._validate_params()
        y = _check_multi_y(y, isinstance(self, ClassifierMixin))
        if _num_samples(X) != y.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{_num_samples(X)}, {y.shape[0]}]")
        params = self._method_params("fit", sample_weight, fit_params, pass_through=True)
        self.estimators_ = map_threads(
            lambda i: _fit_clone(self.estimator, X, y[:, i], params),
            range(y.shape[1]), resolve_n_jobs(self.n_jobs))
        self._copy_features(self.estimators_[0])
        return self

    def _partial_fit(self, X, y, classes, sample_weight, partial_fit_params):
        first = not hasattr(self, "estimators_")
        if first:
            self._validate_params()
        raise_for_params(partial_fit_params, self, "partial_fit")
        y = _check_multi_y(y, False)
        if not first and y.shape[1] != len(self.estimators_):
            raise ValueError(f"y has {y.shape[1]} outputs, but {type(self).__name__} was "
                             f"fitted with {len(self.estimators_)}.")
        params = self._method_params("partial_fit", sample_weight, partial_fit_params,
                                     pass_through=False)

        def step(i):
            est = clone(self.estimator) if first else self.estimators_[i]
            kw = dict(params)
            if classes is not None:
                kw["classes"] = classes[i]
            est.partial_fit(X, y[:, i], **kw)
            return est
        self.estimators_ = map_threads(step, range(y.shape[1]), resolve_n_jobs(self.n_jobs))
        if first:
            self._copy_features(self.estimators_[0])
        return self

    def predict(self, X):
        """(n_samples, n_outputs): each estimator's predict as a column."""
        check_is_fitted(self)
        if not hasattr(self.estimators_[0], "predict"):
            raise ValueError("The base estimator should implement a predict method")
        preds = map_threads(lambda e: e.predict(X), self.estimators_,
                            resolve_n_jobs(self.n_jobs))
        return np.asarray(preds).T

    def get_metadata_routing(self):
        """fit / partial_fit metadata go to the same method of `estimator`."""
        router = metadata_router(self)
        router.add(estimator=self.estimator,
                   method_mapping=method_mapping(("partial_fit", "partial_fit"),
                                                 ("fit", "fit")))
        return router

    def _fastml_tags(self):
        return {"sparse": _inner_input_tag(self.estimator, "sparse", False),
                "allow_nan": _inner_input_tag(self.estimator, "allow_nan"),
                "single_output": False, "multi_output": True}


def _has_partial_fit(self):
    ests = self.estimators_ if hasattr(self, "estimators_") else [self.estimator]
    return all(hasattr(e, "partial_fit") for e in ests)


class MultiOutputRegressor(RegressorMixin, _MultiOutputEstimator):
    """One regressor per target: fits a clone of `estimator` on each column
    of y (n_samples, n_outputs) and predicts the columns side by side.

    Parameters
    ----------
    estimator : estimator with fit and predict
    n_jobs : int or None
        Threads over the outputs for fit, partial_fit and predict (None: the
        fastml.set_num_threads default, -1: all cores).

    Attributes: estimators_ (one per output), n_features_in_ and
    feature_names_in_ (when the estimators record them).
    """

    def __init__(self, estimator, *, n_jobs=None):
        super().__init__(estimator, n_jobs=n_jobs)

    @available_if(_has_partial_fit)
    def partial_fit(self, X, y, sample_weight=None, **partial_fit_params):
        """One partial_fit of every output's estimator (created on the first
        call); extra metadata only with metadata routing."""
        return self._partial_fit(X, y, None, sample_weight, partial_fit_params)


class MultiOutputClassifier(ClassifierMixin, _MultiOutputEstimator):
    """One classifier per output: fits a clone of `estimator` on each column
    of Y. classes_ is a list (one array per output), predict_proba a list
    of (n_samples, n_classes_j) arrays and score the subset accuracy (all
    outputs of a row right)."""

    def __init__(self, estimator, *, n_jobs=None):
        super().__init__(estimator, n_jobs=n_jobs)

    def fit(self, X, Y, sample_weight=None, **fit_params):
        super().fit(X, Y, sample_weight, **fit_params)
        self.classes_ = [e.classes_ for e in self.estimators_]
        return self

    @available_if(_has_partial_fit)
    def partial_fit(self, X, y, classes=None, sample_weight=None, **partial_fit_params):
        """One partial_fit of every output's estimator; `classes` (a list with
        the labels of each output) is required by most estimators on the
        first call."""
        self._partial_fit(X, y, classes, sample_weight, partial_fit_params)
        if all(hasattr(e, "classes_") for e in self.estimators_):
            self.classes_ = [e.classes_ for e in self.estimators_]
        return self

    def _check_predict_proba(self):
        ests = self.estimators_ if hasattr(self, "estimators_") else [self.estimator]
        for e in ests:
            getattr(e, "predict_proba")  # its AttributeError is the cause
        return True

    @available_if(_check_predict_proba)
    def predict_proba(self, X):
        """List of n_outputs arrays (n_samples, n_classes of that output)."""
        check_is_fitted(self)
        return [e.predict_proba(X) for e in self.estimators_]

    def score(self, X, y):
        """Subset accuracy: the fraction of rows whose every output is right."""
        check_is_fitted(self)
        y = np.asarray(y)
        if y.ndim == 1:
            raise ValueError("y must have at least two dimensions for multi target "
                             "classification but has only one")
        if y.shape[1] != len(self.estimators_):
            raise ValueError(f"The number of outputs of Y for fit {len(self.estimators_)} "
                             f"and score {y.shape[1]} should be same")
        return float(np.mean(np.all(y == self.predict(X), axis=1)))


# ------------------------------------------------------------------- chains
def _response(est, X, method):
    """One chain column from `method`'s output: a binary probability's
    positive-class column, a (n, 1) output raveled, a 1-D output as is."""
    out = np.asarray(getattr(est, method)(X))
    if out.ndim == 2 and out.shape[1] == 2 and method in ("predict_proba",
                                                           "predict_log_proba"):
        return out[:, 1]
    if out.ndim == 2 and out.shape[1] == 1:
        return out[:, 0]
    return out


def _out_of_fold(template, X, y, cv, method, classifier):
    """Out-of-fold `method` responses of clones of `template` (what
    cross_val_predict gives the chain), predictions put back in row order.
    The folds run one after the other (each fit uses the estimator's own
    threads): fold-parallel threads measured no faster on 2 cores. A probability column of the positive
    class is 0 (log: -inf) in a fold whose training part lacks that class."""
    splitter = check_cv(cv, y, classifier=classifier)
    splits = list(splitter.split(X, y))
    test_all = np.concatenate([te for _, te in splits])
    n = _num_samples(X)
    if len(test_all) != n or not np.array_equal(np.sort(test_all), np.arange(n)):
        raise ValueError("cross_val_predict only works for partitions")
    classes = np.unique(y) if classifier else None

    def run(split):
        tr, te = split
        model = clone(template).fit(_rows(X, tr), y[tr])
        out = np.asarray(getattr(model, method)(_rows(X, te)))
        if out.ndim == 2 and classes is not None and method != "predict":
            full = np.full((len(te), len(classes)),
                           {"predict_proba": 0.0, "predict_log_proba": -np.inf}.get(
                               method, np.finfo(np.float64).min))
            full[:, np.searchsorted(classes, model.classes_)] = out
            out = full
        return te, out
    parts = [run(split) for split in splits]
    first = parts[0][1]
    res = np.empty((n,) + first.shape[1:], dtype=np.result_type(*[p.dtype for _, p in parts]))
    for te, out in parts:
        res[te] = out
    if res.ndim > 1:
        res = res[:, 1] if res.shape[1] > 1 else res[:, 0]
    return res


def _hstack(X, cols):
    """[X, cols] (CSR when X is sparse, keeping its matrix / array flavour)."""
    if is_sparse(X):
        import scipy.sparse as sp

        block = sp.csr_matrix(cols) if isinstance(X, sp.spmatrix) else sp.csr_array(cols)
        return sp.hstack((X, block), format="csr")
    return np.hstack((X, cols))


def _chain_method_of(estimator, chain_method):
    """The first of chain_method's names that estimator has (scikit-learn's
    rule); AttributeError naming them when it has none."""
    names = [chain_method] if isinstance(chain_method, str) else list(chain_method)
    for name in names:
        if name not in _CHAIN_METHODS:
            raise ValueError(f"chain_method must be among {list(_CHAIN_METHODS)}, got "
                             f"{name!r}.")
    from .metrics._scorer import _pick_method

    return _pick_method(estimator, names)


class _BaseChain(BaseEstimator):
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        "order": ["array-like", StrOptions({"random"}), None],
        "cv": ["cv_object", StrOptions({"prefit"})],
        "random_state": ["random_state"],
        "verbose": ["boolean"],
    }

    def __init__(self, estimator, *, order=None, cv=None, random_state=None, verbose=False):
        self.estimator = estimator
        self.order = order
        self.cv = cv
        self.random_state = random_state
        self.verbose = verbose

    def _check_X(self, X, reset):
        if is_sparse(X):
            self._check_feature_names(X, reset=reset)
            X = check_sparse(X.tocsr(), accept=("csr",))
            self._check_n_features(X, reset=reset)
            return X
        return self._validate_data(X, reset=reset)

    def _fit_chain(self, X, Y, fit_params, chain_method):
        Xv = self._check_X(X, reset=True)
        Y = _check_multi_y(Y, False)
        if Y.shape[0] != Xv.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{Xv.shape[0]}, {Y.shape[0]}]")
        k = Y.shape[1]
        order = self.order
        if order is None:
            order = np.arange(k)
        elif isinstance(order, str):  # "random", the only string the constraints allow
            order = check_random_state(self.random_state).permutation(k)
        else:
            order = np.asarray(order)
            if sorted(order.tolist()) != list(range(k)):
                raise ValueError("invalid order")
        self.order_ = order
        if routing_enabled():
            params = dict(process_routing(self, "fit", **fit_params)["estimator"]["fit"])
        else:
            params = dict(fit_params)
        d = Xv.shape[1]
        classifier = isinstance(self, ClassifierMixin)
        # the chain's extra columns: the true labels, or out-of-fold predictions
        extra = Y[:, order].astype(np.float64) if self.cv is None else np.zeros((len(Y), k))
        dense = not is_sparse(Xv)
        X_aug = np.hstack((Xv, extra)) if dense else Xv
        self.estimators_ = [clone(self.estimator) for _ in range(k)]
        for i, est in enumerate(self.estimators_):
            message = (f"({i + 1} of {k}) Processing order {order[i]}"
                       if self.verbose else None)
            y = Y[:, order[i]]
            Xi = X_aug[:, :d + i] if dense else X_aug
            with _print_elapsed_time("Chain", message):
                est.fit(Xi, y, **params)
            if i == k - 1:
                break
            if self.cv is not None:
                pred = _out_of_fold(self.estimator, Xi, y, self.cv, chain_method, classifier)
                if dense:
                    X_aug[:, d + i] = pred
                else:
                    extra[:, i] = pred
            if not dense:
                X_aug = _hstack(Xv, extra[:, :i + 1])
        return self

    def _predictions(self, X, output_method):
        check_is_fitted(self)
        Xv = self._check_X(X, reset=False)
        chain_method = getattr(self, "chain_method_", "predict")
        n, k = Xv.shape[0], len(self.estimators_)
        feats = np.zeros((n, k))
        outs = np.zeros((n, k))
        for i, est in enumerate(self.estimators_):
            X_aug = _hstack(Xv, feats[:, :i])
            feats[:, i] = _response(est, X_aug, chain_method)
            outs[:, i] = (feats[:, i] if output_method == chain_method
                          else _response(est, X_aug, output_method))
        inv = np.empty_like(self.order_)
        inv[self.order_] = np.arange(k)
        return outs[:, inv]

    def predict(self, X):
        """(n_samples, n_outputs) predictions, each model fed the previous
        models' chain_method outputs, in the columns' original order."""
        return self._predictions(X, "predict")

    def get_metadata_routing(self):
        """fit metadata go to every chain member's fit."""
        router = metadata_router(self)
        router.add(estimator=self.estimator, method_mapping=method_mapping(("fit", "fit")))
        return router

    def _fastml_tags(self):
        return {"sparse": _inner_input_tag(self.estimator, "sparse", False),
                "single_output": False, "multi_output": True}


def _base_has(attr):
    def check(self):
        return hasattr(self.estimator, attr) or (
            hasattr(self, "estimators_") and all(hasattr(e, attr) for e in self.estimators_))
    return check


class ClassifierChain(ClassifierMixin, _BaseChain):
    """Binary classifiers in a chain: model i sees X plus the outputs of
    models 0..i-1 (true labels at fit, or out-of-fold predictions with `cv`;
    its chain_method's output at predict).

    Parameters
    ----------
    estimator : classifier with fit and predict
    order : None (column order), "random" (seeded by random_state) or a
        permutation of range(n_outputs)
    cv : None, int, CV splitter or iterable of (train, test) splits; with
        cv the chain features are out-of-fold predictions
    chain_method : "predict", "predict_proba", "predict_log_proba",
        "decision_function", or a list of them (the first the estimator has)
    random_state : seed of the "random" order
    verbose : print each model's fit time
    """

    _parameter_constraints = {
        **_BaseChain._parameter_constraints,
        "chain_method": [list, tuple, StrOptions(set(_CHAIN_METHODS))],
    }

    def __init__(self, estimator, *, order=None, cv=None, chain_method="predict",
                 random_state=None, verbose=False):
        super().__init__(estimator, order=order, cv=cv, random_state=random_state,
                         verbose=verbose)
        self.chain_method = chain_method

    def fit(self, X, Y, **fit_params):
        """Fit the chain; fit_params only with metadata routing enabled."""
        self._validate_params()
        raise_for_params(fit_params, self, "fit")
        check_classification_targets(np.ravel(np.asarray(Y)) if not is_sparse(Y) else
                                     Y.toarray().ravel())
        self.chain_method_ = _chain_method_of(self.estimator, self.chain_method)
        self._fit_chain(X, Y, fit_params, self.chain_method_)
        self.classes_ = [e.classes_ for e in self.estimators_]
        return self

    @available_if(_base_has("predict_proba"))
    def predict_proba(self, X):
        """(n_samples, n_outputs): each model's positive-class probability."""
        return self._predictions(X, "predict_proba")

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    @available_if(_base_has("decision_function"))
    def decision_function(self, X):
        """(n_samples, n_outputs): each model's decision function."""
        return self._predictions(X, "decision_function")


class RegressorChain(RegressorMixin, _BaseChain):
    """Regressors in a chain: model i sees X plus targets 0..i-1 in `order`
    (true values at fit, out-of-fold predictions with `cv`, the chain's own
    predictions at predict). Parameters as ClassifierChain without
    chain_method. Without metadata routing, fit_params go to every fit."""

    def fit(self, X, Y, **fit_params):
        """Fit the chain; fit_params go to every member's fit."""
        self._validate_params()
        return self._fit_chain(X, Y, fit_params, "predict")
