"""Multi-class and multi-label strategies built from binary classifiers:
one-vs-rest (also multi-label indicator targets), one-vs-one (votes plus
scaled summed confidences) and error-correcting output codes.

The binary problems are independent fits of clones of `estimator`; they run
on `n_jobs` Python threads (fastml's kernels release the GIL; each clone's
kernels then run single-threaded). predict / predict_proba /
decision_function follow scikit-learn's definitions, so e.g.
OneVsRestClassifier(LogisticRegression()) is the "one binary model per class"
procedure with normalised probabilities.

Metadata (sample_weight, ...) reach the binary estimators through
scikit-learn's metadata routing only: with routing enabled, fit /
partial_fit route what the estimator requested (``set_fit_request``);
one-vs-one gives each pair the rows of its two classes. Without routing,
passing metadata is an error, as in scikit-learn.
"""
import numbers
import warnings

import numpy as np

from .base import BaseEstimator, ClassifierMixin, clone
from .model_selection._validation import _fold_params
from .utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       raise_for_params, routing_enabled)
from .utils._param_validation import HasMethods, Interval
from .utils._parallel import map_threads
from .utils._set_output import available_if
from .utils._sparse import is_sparse
from .utils.validation import (check_classification_targets, check_random_state, column_or_1d,
                               resolve_n_jobs)

__all__ = ["OneVsRestClassifier", "OneVsOneClassifier", "OutputCodeClassifier"]


def _estimator_kind(est):
    """"classifier" / "regressor" / ...: scikit-learn's tags, else _estimator_type."""
    try:
        return est.__sklearn_tags__().estimator_type
    except Exception:
        return getattr(est, "_estimator_type", None)


def _is_classifier(est):
    return _estimator_kind(est) == "classifier"


def _is_regressor(est):
    return _estimator_kind(est) == "regressor"


def _inner_input_tag(est, name, default=False):
    try:
        return bool(getattr(est.__sklearn_tags__().input_tags, name))
    except Exception:
        return default


def _num_samples(X):
    shape = getattr(X, "shape", None)
    if shape is None and hasattr(X, "__array__"):
        shape = np.asarray(X).shape
    return int(shape[0]) if shape is not None else len(X)


def _check_Xy(X, y):
    """The meta-estimators' edge checks (the inner estimator validates X):
    y present, 1-D (a column vector is raveled with a DataConversionWarning),
    as long as X, and not empty. Returns y."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    if not is_sparse(y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
    n = _num_samples(X)
    if n != y.shape[0]:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: "
                         f"[{n}, {y.shape[0]}]")
    if n == 0:
        raise ValueError("Found array with 0 sample(s) (shape=(0, ...)) while a minimum of 1 "
                         "is required.")
    return y


def _rows(X, idx):
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if is_sparse(X) or isinstance(X, np.ndarray):
        return X[idx]
    return [X[i] for i in idx]


class _ConstantPredictor(BaseEstimator):
    """Stand-in for a binary problem whose training labels are all equal."""

    _parameter_constraints = {}

    def fit(self, X, y):
        shape = getattr(X, "shape", None)
        if shape is not None and len(shape) == 2:
            self.n_features_in_ = int(shape[1])
        self.y_ = y
        return self

    def predict(self, X):
        self._check_is_fitted()
        return np.repeat(self.y_, _num_samples(X))

    def decision_function(self, X):
        self._check_is_fitted()
        return np.repeat(self.y_, _num_samples(X))

    def predict_proba(self, X):
        self._check_is_fitted()
        y = np.asarray(self.y_, dtype=np.float64)
        return np.repeat([np.hstack([1 - y, y])], _num_samples(X), axis=0)


def _fit_binary(estimator, X, y, fit_params, classes=None):
    uniq = np.unique(y)
    if len(uniq) == 1:
        if classes is not None:
            c = 0 if y[0] == -1 else int(y[0])
            warnings.warn(f"Label {classes[c]} is present in all training examples.")
        return _ConstantPredictor().fit(X, uniq)
    est = clone(estimator)
    est.fit(X, y, **fit_params)
    return est


def _predict_binary(estimator, X):
    """Continuous score of a binary estimator: decision_function, else the
    positive-class probability (regressors: predict)."""
    if _is_regressor(estimator):
        return estimator.predict(X)
    try:
        return np.ravel(estimator.decision_function(X))
    except (AttributeError, NotImplementedError):
        return estimator.predict_proba(X)[:, 1]


def _threshold(estimator):
    return 0.0 if hasattr(estimator, "decision_function") and _is_classifier(estimator) \
        else 0.5


def _estimators_has(attr):
    """available_if check: the fitted estimators, else the template, has attr
    (its AttributeError, naming the inner estimator, becomes the cause)."""
    def check(self):
        ests = self.estimators_ if hasattr(self, "estimators_") else [self.estimator]
        for e in ests:
            if not hasattr(e, attr):
                raise AttributeError(f"'{type(e).__name__}' object has no attribute "
                                     f"'{attr}'")
        return True
    return check


def _binarize(y, classes=None):
    """(kind, classes, Y (n, k) int indicator) with scikit-learn's
    LabelBinarizer rules: binary -> one column (y == classes[1]); multiclass
    -> one-hot; a 2-D 0/1 indicator -> multilabel as is."""
    if is_sparse(y):
        Y = np.asarray(y.toarray())
    else:
        Y = np.asarray(y)
    if Y.ndim == 2 and Y.shape[1] > 1:
        if not np.isin(np.unique(Y), [0, 1]).all():
            raise ValueError("Multioutput target data is not supported with label "
                             "binarization")
        return "multilabel", np.arange(Y.shape[1]), Y.astype(int)
    y1 = Y.ravel()
    check_classification_targets(y1)
    cls = np.unique(y1) if classes is None else np.asarray(classes)
    if len(cls) <= 2:
        col = (y1 == cls[-1]).astype(int) if len(cls) == 2 else np.zeros(len(y1), int)
        return "binary", cls, col[:, None]
    return "multiclass", cls, (y1[:, None] == cls[None, :]).astype(int)


class _MetaBase(ClassifierMixin, BaseEstimator):
    # the binary estimators' methods reached by metadata routing
    _routed_methods: tuple[str, ...] = ("fit", "partial_fit")

    def _routed_params(self, method, params):
        """Metadata for the binary estimators' `method`: routed with metadata
        routing enabled; an error if any is passed without (scikit-learn)."""
        raise_for_params(params, self, method)
        if not routing_enabled():
            return {}
        return dict(process_routing(self, method, **params)["estimator"][method])

    def get_metadata_routing(self):
        """Routing of this meta-estimator (scikit-learn's MetadataRouter):
        fit (and partial_fit) metadata go to the same method of the estimator."""
        router = metadata_router(self)
        router.add(estimator=self.estimator,
                   method_mapping=method_mapping(*[(m, m) for m in self._routed_methods]))
        return router

    def _copy_features(self):
        """n_features_in_ / feature_names_in_ from the first member that
        recorded them (a constant predictor for a one-class column records
        nothing); a refit on data without names drops stale ones."""
        members = [e[0] if isinstance(e, tuple) else e for e in self.estimators_]
        for attr in ("n_features_in_", "feature_names_in_"):
            src = next((e for e in members if hasattr(e, attr)), None)
            if src is not None:
                setattr(self, attr, getattr(src, attr))
            else:
                self.__dict__.pop(attr, None)

    @property
    def n_classes_(self):
        return len(self.classes_)

    def _fastml_tags(self):
        return {"sparse": _inner_input_tag(self.estimator, "sparse", True),
                "allow_nan": _inner_input_tag(self.estimator, "allow_nan"),
                "pairwise": _inner_input_tag(self.estimator, "pairwise")}


class OneVsRestClassifier(_MetaBase):
    """One binary classifier per class (class vs the rest); a multi-label
    indicator y (n, k) fits one per label. predict takes the highest score
    (multi-class) or thresholds each label (binary / multi-label)."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "n_jobs": [numbers.Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator, *, n_jobs=None, verbose=0):
        self.estimator = estimator
        self.n_jobs = n_jobs
        self.verbose = verbose

    def fit(self, X, y, **fit_params):
        """One binary fit per class (per label); fit_params: metadata, routed
        to each estimator's fit (metadata routing only)."""
        self._validate_params()
        fit_params = self._routed_params("fit", fit_params)
        y = _check_Xy(X, y)
        kind, classes, Y = _binarize(y)
        self._kind, self._sparse_y = kind, is_sparse(y)
        self.classes_ = classes
        self.estimators_ = map_threads(
            lambda i: _fit_binary(self.estimator, X, Y[:, i], fit_params,
                                  classes=[f"not {classes[i]}", classes[i]]),
            range(Y.shape[1]), resolve_n_jobs(self.n_jobs))
        self._copy_features()
        return self

    @available_if(_estimators_has("partial_fit"))
    def partial_fit(self, X, y, classes=None, **partial_fit_params):
        """One partial_fit of every binary estimator; classes required on the
        first call."""
        first = not hasattr(self, "estimators_")
        if first:
            self._validate_params()
        partial_fit_params = self._routed_params("partial_fit", partial_fit_params)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            cls = np.unique(classes)
            self._kind = "binary" if len(cls) <= 2 else "multiclass"
            self._sparse_y = False
            self.classes_ = cls
            k = 1 if len(cls) == 2 else len(cls)
            self.estimators_ = [clone(self.estimator) for _ in range(k)]
        y = np.asarray(y)
        if y.ndim == 1 and len(np.setdiff1d(y, self.classes_)):
            raise ValueError(f"Mini-batch contains {np.unique(y)} while classes must be "
                             f"subset of {self.classes_}")
        if y.ndim == 2:
            Y = y.astype(int)
        else:
            Y = (y[:, None] == self.classes_[None, -1:] if len(self.classes_) == 2
                 else y[:, None] == self.classes_[None, :]).astype(int)

        def step(i):
            self.estimators_[i].partial_fit(X, Y[:, i], classes=np.array((0, 1)),
                                            **partial_fit_params)
            return self.estimators_[i]
        self.estimators_ = map_threads(step, range(len(self.estimators_)),
                                       resolve_n_jobs(self.n_jobs))
        self._copy_features()
        return self

    @property
    def multilabel_(self):
        return self._kind == "multilabel"

    def predict(self, X):
        self._check_is_fitted()
        n = _num_samples(X)
        if self._kind == "multiclass":
            maxima = np.full(n, -np.inf)
            arg = np.zeros(n, dtype=int)
            for i, e in enumerate(self.estimators_):
                pred = _predict_binary(e, X)
                up = pred > maxima  # ties keep the first class, as argmax
                maxima[up] = pred[up]
                arg[up] = i
            return self.classes_[arg]
        thresh = _threshold(self.estimators_[0])
        ind = np.column_stack([_predict_binary(e, X) > thresh for e in self.estimators_])
        if self._kind == "binary":
            return self.classes_[ind[:, 0].astype(int)] if len(self.classes_) == 2 \
                else np.repeat(self.classes_[0], n)
        ind = ind.astype(int)
        if self._sparse_y:
            import scipy.sparse as sp
            return sp.csr_matrix(ind)
        return ind

    @available_if(_estimators_has("predict_proba"))
    def predict_proba(self, X):
        """Per-class positive probabilities, normalised to sum to 1 unless
        multi-label."""
        self._check_is_fitted()
        Y = np.array([e.predict_proba(X)[:, 1] for e in self.estimators_]).T
        if len(self.estimators_) == 1:
            Y = np.concatenate(((1 - Y), Y), axis=1)
        if not self.multilabel_:
            tot = np.sum(Y, axis=1)[:, None]  # rows no estimator claims stay 0
            Y = np.divide(Y, tot, out=np.zeros_like(Y, dtype=np.float64), where=tot != 0)
        return Y

    @available_if(_estimators_has("decision_function"))
    def decision_function(self, X):
        self._check_is_fitted()
        if len(self.estimators_) == 1:
            return self.estimators_[0].decision_function(X)
        return np.array([e.decision_function(X).ravel() for e in self.estimators_]).T


def _ovo_decision(predictions, confidences, k):
    """Votes per class plus the summed confidences squashed into (-1/3, 1/3),
    so they only break ties between equal vote counts."""
    n = predictions.shape[0]
    votes = np.zeros((n, k))
    conf = np.zeros((n, k))
    m = 0
    for i in range(k):
        for j in range(i + 1, k):
            conf[:, i] -= confidences[:, m]
            conf[:, j] += confidences[:, m]
            votes[predictions[:, m] == 0, i] += 1
            votes[predictions[:, m] == 1, j] += 1
            m += 1
    return votes + conf / (3 * (np.abs(conf) + 1))


class OneVsOneClassifier(_MetaBase):
    """One binary classifier per pair of classes (trained on those two
    classes' samples); predict is the class with the most votes, ties broken
    by the summed confidences."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, estimator, *, n_jobs=None):
        self.estimator = estimator
        self.n_jobs = n_jobs

    def _pairs(self):
        k = len(self.classes_)
        return [(i, j) for i in range(k) for j in range(i + 1, k)]

    def fit(self, X, y, **fit_params):
        """One binary fit per pair of classes on their rows; fit_params:
        metadata, routed (metadata routing only), per-sample values sliced to
        the pair's rows."""
        self._validate_params()
        fit_params = self._routed_params("fit", fit_params)
        Xv = self._validate_X(X)
        y = _check_Xy(Xv, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) == 1:
            raise ValueError("OneVsOneClassifier can not be fit when only one class is "
                             "present.")

        def fit_pair(pair):
            i, j = pair
            idx = np.flatnonzero((y == self.classes_[i]) | (y == self.classes_[j]))
            yb = (y[idx] == self.classes_[j]).astype(int)
            Xp = _rows(Xv, idx)
            if pairwise:  # a precomputed kernel: the pair's rows and columns
                Xp = Xp[:, idx]
            return _fit_binary(self.estimator, Xp, yb, _fold_params(fit_params, len(y), idx),
                               classes=[self.classes_[i], self.classes_[j]]), idx
        pairwise = self._pairwise()
        out = map_threads(fit_pair, self._pairs(), resolve_n_jobs(self.n_jobs))
        self.estimators_ = [e for e, _ in out]
        self.pairwise_indices_ = [idx for _, idx in out] if pairwise else None
        self._copy_features()
        if pairwise:  # the pair estimators saw column subsets of the kernel
            self.n_features_in_ = int(Xv.shape[1])
        return self

    def _pairwise(self):
        return _inner_input_tag(self.estimator, "pairwise")

    def _validate_X(self, X):
        """Row-indexable X: sparse as CSR, data frames as they are, others as
        arrays (the inner estimator validates the values)."""
        if is_sparse(X):
            return X.tocsr()
        if hasattr(X, "iloc"):
            return X
        return X if isinstance(X, np.ndarray) else np.asarray(X)

    @available_if(_estimators_has("partial_fit"))
    def partial_fit(self, X, y, classes=None, **partial_fit_params):
        first = not hasattr(self, "estimators_")
        if first:
            self._validate_params()
        partial_fit_params = self._routed_params("partial_fit", partial_fit_params)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self.classes_ = np.unique(classes)
            self.estimators_ = [clone(self.estimator) for _ in self._pairs()]
            self.pairwise_indices_ = None
        y = np.asarray(y)
        if len(np.setdiff1d(y, self.classes_)):
            raise ValueError(f"Mini-batch contains {np.unique(y)} while it must be subset of "
                             f"{self.classes_}")
        Xv = self._validate_X(X)

        def step(m):
            i, j = self._pairs()[m]
            idx = np.flatnonzero((y == self.classes_[i]) | (y == self.classes_[j]))
            if len(idx):
                self.estimators_[m].partial_fit(
                    _rows(Xv, idx), (y[idx] == self.classes_[j]).astype(int),
                    classes=np.array((0, 1)),
                    **_fold_params(partial_fit_params, len(y), idx))
            return self.estimators_[m]
        self.estimators_ = map_threads(step, range(len(self.estimators_)),
                                       resolve_n_jobs(self.n_jobs))
        self._copy_features()
        return self

    def decision_function(self, X):
        """(n, n_classes) votes + squashed confidences ((n,) for 2 classes)."""
        self._check_is_fitted()
        Xv = self._validate_X(X)
        if self.pairwise_indices_ is None:
            Xs = [Xv] * len(self.estimators_)
        else:
            Xs = [Xv[:, idx] for idx in self.pairwise_indices_]
        pred = np.vstack([e.predict(x) for e, x in zip(self.estimators_, Xs)]).T
        conf = np.vstack([_predict_binary(e, x) for e, x in zip(self.estimators_, Xs)]).T
        Y = _ovo_decision(pred, conf, len(self.classes_))
        return Y[:, 1] if len(self.classes_) == 2 else Y

    def predict(self, X):
        Y = self.decision_function(X)
        if len(self.classes_) == 2:
            return self.classes_[(Y > _threshold(self.estimators_[0])).astype(int)]
        return self.classes_[Y.argmax(axis=1)]


class OutputCodeClassifier(_MetaBase):
    """Error-correcting output codes: each class gets a random code word of
    int(n_classes * code_size) bits; one binary classifier per bit; predict
    is the class whose code word is nearest (Euclidean) to the scores."""

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "decision_function"]),
                      HasMethods(["fit", "predict_proba"])],
        "code_size": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "random_state": ["random_state"],
        "n_jobs": [numbers.Integral, None],
    }

    _routed_methods = ("fit",)

    def __init__(self, estimator, *, code_size=1.5, random_state=None, n_jobs=None):
        self.estimator = estimator
        self.code_size = code_size
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, **fit_params):
        """One binary fit per code bit; fit_params: metadata, routed to each
        estimator's fit (metadata routing only)."""
        self._validate_params()
        fit_params = self._routed_params("fit", fit_params)
        y = _check_Xy(X, y)
        rs = check_random_state(self.random_state)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        k = len(self.classes_)
        if k == 0:
            raise ValueError("OutputCodeClassifier can not be fit when no class is present.")
        n_est = int(k * self.code_size)
        book = rs.uniform(size=(k, n_est))
        book[book > 0.5] = 1.0
        book[book != 1] = -1.0 if hasattr(self.estimator, "decision_function") else 0.0
        self.code_book_ = book
        Y = book[np.searchsorted(self.classes_, y)].astype(int)
        self.estimators_ = map_threads(lambda i: _fit_binary(self.estimator, X, Y[:, i],
                                                             fit_params),
                                       range(n_est), resolve_n_jobs(self.n_jobs))
        self._copy_features()
        return self

    def predict(self, X):
        self._check_is_fitted()
        Y = np.array([_predict_binary(e, X) for e in self.estimators_], dtype=np.float64).T
        d = (Y * Y).sum(axis=1)[:, None] - 2.0 * Y @ self.code_book_.T \
            + (self.code_book_ ** 2).sum(axis=1)[None, :]
        return self.classes_[np.argmin(d, axis=1)]
