"""Bagging meta-estimators: any base estimator (a fastml decision tree by
default) fit on random subsets of the rows and/or columns, predictions averaged.

The draws are scikit-learn's, seed for seed: one int32 seed per estimator
from random_state; from it, the feature subset (without replacement unless
bootstrap_features) and then the rows (randint draws with bootstrap, else a
draw without replacement; with sample_weight, rows drawn in proportion to the
weights). An estimator whose fit takes sample_weight receives the rows as
integer counts over all of X (no copy of X); others get X[rows]. The base
estimator's random_state is drawn from the same seed. So at the same
random_state, estimators_samples_, estimators_features_ and (with fastml
trees, which grow as scikit-learn's do) the predictions match scikit-learn's.

Estimators are fit in parallel on `n_jobs` Python threads; fastml's tree
builder and kernels release the GIL, so the threads run truly in parallel.
"""
import inspect
import numbers
import warnings

import numpy as np

from ..base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from ..metrics import accuracy_score, r2_score
from ..tree import DecisionTreeClassifier, DecisionTreeRegressor
from ..utils._metadata_routing import (get_routing_for_object, metadata_router,
                                       method_mapping, process_routing, raise_for_params,
                                       routing_enabled)
from ..utils._parallel import map_threads
from ..utils._param_validation import HasMethods, Interval, RealNotInt
from ..utils._set_output import available_if, dataframe_to_numpy
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import (_check_sample_weight, check_array, check_classification_targets,
                                check_is_fitted, check_random_state, column_or_1d,
                                resolve_n_jobs)

__all__ = ["BaggingClassifier", "BaggingRegressor"]

_MAX_INT = np.iinfo(np.int32).max


# ---- the draws (scikit-learn's sequence of random numbers) ------------------------------
def sample_without_replacement(n_population, n_samples, rng):
    """n_samples distinct ints of range(n_population) drawn as scikit-learn's
    method="auto" draws them: a permutation prefix for 1% < ratio < 99%, else
    set-tracked randint draws (ratio < 20%) or reservoir sampling."""
    ratio = n_samples / n_population if n_population else 1.0
    if 0.01 < ratio < 0.99:
        return rng.permutation(n_population)[:n_samples]
    if ratio < 0.2:
        out, seen = np.empty(n_samples, dtype=np.int64), set()
        for i in range(n_samples):
            j = rng.randint(n_population)
            while j in seen:
                j = rng.randint(n_population)
            seen.add(j)
            out[i] = j
        return out
    out = np.arange(n_samples, dtype=np.int64)
    for i in range(n_samples, n_population):
        j = rng.randint(0, i + 1)
        if j < n_samples:
            out[j] = i
    return out


def _draw(rng, bootstrap, n_population, n_samples):
    if bootstrap:
        return rng.randint(0, n_population, n_samples)
    return sample_without_replacement(n_population, n_samples, rng)


def _bagging_indices(seed, bootstrap_features, bootstrap, n_features, n_samples, max_features,
                     max_samples, sample_weight):
    """(feature indices, row indices) of the estimator seeded `seed`."""
    rng = np.random.RandomState(seed)
    features = _draw(rng, bootstrap_features, n_features, max_features)
    if sample_weight is None:
        rows = _draw(rng, bootstrap, n_samples, max_samples)
    else:
        rows = rng.choice(n_samples, max_samples, replace=bootstrap,
                          p=sample_weight / np.sum(sample_weight))
    return features, rows


def _set_random_states(estimator, seed):
    """Every random_state parameter (nested ones too) of `estimator` drawn from `seed`."""
    rng = np.random.RandomState(seed)
    keys = [k for k in sorted(estimator.get_params(deep=True))
            if k == "random_state" or k.endswith("__random_state")]
    if keys:
        estimator.set_params(**{k: int(rng.randint(_MAX_INT)) for k in keys})


def _accepts(fn, name):
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _estimator_has(attr):
    def check(self):
        est = getattr(self, "estimator_", None)
        if est is None:
            est = self._default_estimator() if self.estimator is None else self.estimator
        getattr(est, attr)
        return True
    return check


def _n_samples_bootstrap(n, max_samples, w):
    """Rows drawn per estimator: n (None), a count, or a fraction of n (of the
    total weight with sample weights), with scikit-learn's low-count warning."""
    if max_samples is None:
        return n
    if isinstance(max_samples, numbers.Integral):
        return int(max_samples)
    total = n if w is None else float(np.sum(w))
    what = (f"the number of samples is {n} " if w is None else
            f"the total sum of sample weights is {total} ")
    n_boot = max(int(max_samples * total), 1)
    if n_boot < max(10, n ** (1 / 3)):
        warnings.warn(f"Using the fractional value max_samples={max_samples} when {what}"
                      f"results in a low number ({n_boot}) of bootstrap samples. We recommend "
                      "passing `max_samples` as an integer instead.", UserWarning)
    return n_boot


class BaseBagging(BaseEstimator):
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_samples": [None, Interval(numbers.Integral, 1, None, closed="left"),
                        Interval(RealNotInt, 0, 1, closed="right")],
        "max_features": [Interval(numbers.Integral, 1, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="right")],
        "bootstrap": ["boolean"],
        "bootstrap_features": ["boolean"],
        "oob_score": ["boolean"],
        "warm_start": ["boolean"],
        "n_jobs": ["n_jobs"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, n_estimators=10, *, max_samples=None, max_features=1.0,
                 bootstrap=True, bootstrap_features=False, oob_score=False, warm_start=False,
                 n_jobs=None, random_state=None, verbose=0):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    def __setstate__(self, state):
        """Restored state is checked before use: every member's feature subset
        must index columns of n_features_in_ (the members check their own state)."""
        self.__dict__.update(state)
        ests = state.get("estimators_")
        if ests is None:
            return
        feats = state.get("estimators_features_")
        d = state.get("n_features_in_")
        own = type(self).__name__
        if not isinstance(feats, list) or len(feats) != len(ests) or \
                len(state.get("_seeds", ())) != len(ests):
            raise ValueError(f"Invalid pickled state of {own}: estimators_features_ and the "
                             "seeds must have one entry per estimator.")
        for f in feats:
            f = np.asarray(f)
            if f.ndim != 1 or f.dtype.kind not in "iu" or (f.size and (
                    f.min() < 0 or f.max() >= d)):
                raise ValueError(f"Invalid pickled state of {own}: estimators_features_ "
                                 f"must hold column indices in [0, {d}).")

    # ---- input -------------------------------------------------------------------
    def _check_X(self, X, reset):
        self._check_feature_names(X, reset=reset)
        X = dataframe_to_numpy(X)
        if is_sparse(X):
            X = check_sparse(X, accept=("csr", "csc"), dtype=None, allow_nan=True)
        else:
            X = check_array(X, dtype=None, ensure_all_finite=False)
            if X.dtype.kind == "f" and np.isinf(X).any():
                raise ValueError(f"Input X contains infinity or a value too large for "
                                 f"{X.dtype!r}.")
            if X.dtype.kind in "OUS":
                X = X.astype(np.float64)  # TypeError / ValueError naming the bad entry
        self._check_n_features(X, reset=reset)
        return X

    def _fit_input(self, X, y, sample_weight):
        X = self._check_X(X, reset=True)
        if y is None:
            raise ValueError("This estimator requires y to be passed, but the target y is None.")
        y = np.asarray(dataframe_to_numpy(y))
        if y.dtype.kind == "f" and not np.isfinite(y).all():
            raise ValueError("Input y contains NaN." if np.isnan(y).any() else
                             "Input y contains infinity or a value too large.")
        if y.shape[0] != X.shape[0]:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"[{X.shape[0]}, {y.shape[0]}]")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
            if not self.bootstrap:
                warnings.warn(f"When fitting {type(self).__name__} with sample_weight it is "
                              f"recommended to use bootstrap=True, got {self.bootstrap}.",
                              UserWarning)
        return X, y, sample_weight

    # ---- fit ---------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit n_estimators clones of the base estimator on random subsets of
        (X, y); sample_weight makes rows be drawn in proportion to it. Other
        fit_params go to the base estimator's fit (with metadata routing
        enabled: those it requests)."""
        self._validate_params()
        X, y, sample_weight = self._fit_input(X, y, sample_weight)
        return self._fit(X, y, sample_weight, fit_params)

    def _fit(self, X, y, sample_weight, fit_params):
        rng = check_random_state(self.random_state)
        n, d = X.shape
        self._n_samples = n
        y = self._validate_y(y)
        est = self._default_estimator() if self.estimator is None else self.estimator
        self.estimator_ = est
        max_samples = _n_samples_bootstrap(n, self.max_samples, sample_weight)
        if not self.bootstrap and max_samples > n:
            raise ValueError(f"Effective max_samples={max_samples} must be <= n_samples={n} "
                             "to be able to sample without replacement.")
        self._max_samples = max_samples
        mf = self.max_features
        mf = mf if isinstance(mf, numbers.Integral) else int(mf * d)
        if mf > d:
            raise ValueError("max_features must be <= n_features")
        self._max_features = max(1, int(mf))
        self._sample_weight = sample_weight
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.warm_start and self.oob_score:
            raise ValueError("Out of bag estimate only available if warm_start=False")
        if hasattr(self, "oob_score_") and self.warm_start:
            del self.oob_score_
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_, self.estimators_features_, self._seeds = [], [], np.empty(0, int)
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(f"n_estimators={self.n_estimators} must be larger or equal to "
                             f"len(estimators_)={len(self.estimators_)} when warm_start==True")
        if n_more == 0:
            warnings.warn("Warm-start fitting without increasing n_estimators does not fit "
                          "new trees.", UserWarning)
            return self
        if self.warm_start and len(self.estimators_) > 0:
            rng.randint(_MAX_INT, size=len(self.estimators_))
        seeds = rng.randint(_MAX_INT, size=n_more)
        self._seeds = np.concatenate([self._seeds, seeds])
        if routing_enabled():
            # sample_weight is the draw's; the base estimator gets the draw as
            # counts when it requests sample_weight, else the drawn rows
            fit_params = dict(process_routing(self, "fit", **fit_params)["estimator"]["fit"])
            try:
                uses_weight = get_routing_for_object(est).consumes("fit", ("sample_weight",))
            except (AttributeError, TypeError):  # an estimator outside the protocol
                uses_weight = set()
            uses_weight = bool(uses_weight)
        else:
            uses_weight = _accepts(est.fit, "sample_weight")
        has_check_input = _accepts(est.fit, "check_input")
        index_cols = self.bootstrap_features or self._max_features != d
        Xc = X.tocsc() if is_sparse(X) and index_cols else X

        def build(seed):
            e = clone(est)
            _set_random_states(e, seed)
            feats, rows = _bagging_indices(seed, self.bootstrap_features, self.bootstrap, d, n,
                                           self._max_features, self._max_samples,
                                           sample_weight)
            kw = dict(fit_params)
            if has_check_input:
                kw["check_input"] = True
            if uses_weight:
                kw["sample_weight"] = np.bincount(rows, minlength=n)
                Xs = Xc[:, feats] if index_cols else X
                e.fit(Xs, y, **kw)
            else:
                Xs = X[rows]
                Xs = Xs[:, feats] if index_cols else Xs
                e.fit(Xs, y[rows], **{k: _take(v, rows, n) for k, v in kw.items()})
            return e, feats

        if self.verbose:
            print(f"Building {n_more} estimators on {resolve_n_jobs(self.n_jobs)} threads")
        built = map_threads(build, [int(s) for s in seeds], resolve_n_jobs(self.n_jobs))
        self.estimators_ += [b[0] for b in built]
        self.estimators_features_ += [b[1] for b in built]
        if self.oob_score:
            self._set_oob_score(X, y)
        return self

    def _get_estimators_indices(self):
        for seed in self._seeds:
            yield _bagging_indices(int(seed), self.bootstrap_features, self.bootstrap,
                                   self.n_features_in_, self._n_samples, self._max_features,
                                   self._max_samples, self._sample_weight)

    @property
    def estimators_samples_(self):
        """The rows drawn for each estimator (with repeats under bootstrap),
        regenerated from the seeds at each access."""
        check_is_fitted(self, "estimators_")
        return [rows for _, rows in self._get_estimators_indices()]

    def _oob_masks(self, n):
        for rows in self.estimators_samples_:
            mask = np.ones(n, dtype=bool)
            mask[rows] = False
            yield mask

    # ---- metadata routing --------------------------------------------------------
    def _base_for_routing(self):
        est = getattr(self, "estimator_", None)
        if est is None:
            est = self._default_estimator() if self.estimator is None else self.estimator
        return est

    def _method_pairs(self, est):
        return [("fit", "fit"), ("predict", "predict")]

    def get_metadata_routing(self):
        """Routing of this ensemble (scikit-learn's MetadataRouter): `fit`
        metadata go to the base estimator's `fit`; predict-time metadata to the
        base estimator's method that the caller uses."""
        est = self._base_for_routing()
        router = metadata_router(self)
        router.add(estimator=est, method_mapping=method_mapping(*self._method_pairs(est)))
        return router

    def _routed(self, caller, callee, params):
        """Metadata of a predict-time call for the base estimator's `callee`."""
        if not routing_enabled():
            raise_for_params(params, self, caller)
            return {}
        return dict(process_routing(self, caller, **params)["estimator"][callee])

    # ---- predict helpers ----------------------------------------------------------
    def _predict_input(self, X):
        check_is_fitted(self, "estimators_")
        X = self._check_X(X, reset=False)
        return X.tocsc() if is_sparse(X) and self._index_cols() else X

    def _index_cols(self):
        return self.bootstrap_features or self._max_features != self.n_features_in_

    def _sum_over(self, fn, X):
        """sum of fn(estimator, X[:, features]) over the estimators (threads)."""
        cols = self._index_cols()
        jobs = list(zip(self.estimators_, self.estimators_features_))
        parts = map_threads(lambda j: fn(j[0], X[:, j[1]] if cols else X), jobs,
                            resolve_n_jobs(self.n_jobs))
        total = parts[0].astype(np.float64, copy=True)
        for p in parts[1:]:
            total += p
        return total

    def __len__(self):
        return len(self.estimators_)

    def __iter__(self):
        return iter(self.estimators_)

    def __getitem__(self, i):
        return self.estimators_[i]

    def _fastml_tags(self):
        est = self._default_estimator() if self.estimator is None else self.estimator
        tags = est._fastml_tags() if hasattr(est, "_fastml_tags") else {}
        out = {"allow_nan": bool(tags.get("allow_nan", False)),
               "sparse": bool(tags.get("sparse", False))}
        if not hasattr(est, "_fastml_tags"):
            try:
                inner = est.__sklearn_tags__()
                out = {"allow_nan": inner.input_tags.allow_nan,
                       "sparse": inner.input_tags.sparse}
            except AttributeError:
                pass
        return out


def _take(v, rows, n):
    """A per-row fit parameter restricted to `rows` (others pass unchanged)."""
    if hasattr(v, "__len__") and not isinstance(v, str) and len(v) == n:
        return np.asarray(v)[rows]
    return v


class BaggingClassifier(ClassifierMixin, BaseBagging):
    """A bagging classifier: base classifiers (default: a fastml
    DecisionTreeClassifier) fit on random subsets of rows (bootstrap or
    pasting) and/or features (random subspaces / patches); the prediction is
    the class with the highest mean predict_proba (a vote when the base
    estimator has none). Attributes: estimator_, estimators_,
    estimators_features_, estimators_samples_, classes_, n_classes_,
    oob_score_ / oob_decision_function_ (oob_score=True).
    """

    def _default_estimator(self):
        return DecisionTreeClassifier()

    def _validate_y(self, y):
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_, y = np.unique(y, return_inverse=True)
        self.n_classes_ = len(self.classes_)
        return y

    def _method_pairs(self, est):
        proba = "predict_proba" if hasattr(est, "predict_proba") else "predict"
        log_proba = "predict_log_proba" if hasattr(est, "predict_log_proba") else proba
        return [("fit", "fit"), ("decision_function", "decision_function"),
                ("predict", proba), ("predict_proba", proba),
                ("predict_log_proba", log_proba)]

    def _estimator_proba(self, est, X, params=None):
        k = self.n_classes_
        params = params or {}
        if hasattr(est, "predict_proba"):
            p = est.predict_proba(X, **params)
            if p.shape[1] == k:
                return p
            out = np.zeros((X.shape[0], k))
            out[:, est.classes_.astype(np.intp)] = p
            return out
        out = np.zeros((X.shape[0], k))
        out[np.arange(X.shape[0]), np.asarray(est.predict(X, **params)).astype(np.intp)] += 1
        return out

    def _set_oob_score(self, X, y):
        n = y.shape[0]
        pred = np.zeros((n, self.n_classes_))
        cols = self._index_cols()
        Xr = X.tocsr() if is_sparse(X) else X
        for est, feats, mask in zip(self.estimators_, self.estimators_features_,
                                    self._oob_masks(n)):
            if not mask.any():
                continue
            Xm = Xr[np.flatnonzero(mask)]
            pred[mask] += self._estimator_proba(est, Xm[:, feats] if cols else Xm)
        if (pred.sum(axis=1) == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "estimators were used to compute any reliable oob estimates.",
                          UserWarning)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_decision_function_ = pred / pred.sum(axis=1)[:, None]
        self.oob_score_ = accuracy_score(y, np.argmax(pred, axis=1))

    def _proba_callee(self):
        return "predict_proba" if hasattr(self.estimator_, "predict_proba") else "predict"

    def predict(self, X, **params):
        """The class with the highest mean predicted probability (params: metadata
        for the base estimator's predict_proba, or predict, with routing enabled)."""
        check_is_fitted(self, "estimators_")
        routed = self._routed("predict", self._proba_callee(), params)
        return self.classes_.take(np.argmax(self._mean_proba(X, routed), axis=1), axis=0)

    def _mean_proba(self, X, routed):
        X = self._predict_input(X)
        return self._sum_over(lambda e, Xs: self._estimator_proba(e, Xs, routed), X) / \
            len(self.estimators_)

    def predict_proba(self, X, **params):
        """Mean of the estimators' class probabilities (vote shares when they have none)."""
        check_is_fitted(self, "estimators_")
        return self._mean_proba(X, self._routed("predict_proba", self._proba_callee(), params))

    def predict_log_proba(self, X, **params):
        """log of the mean class probabilities (log-sum-exp of the estimators'
        log-probabilities when they provide them)."""
        check_is_fitted(self, "estimators_")
        if not hasattr(self.estimator_, "predict_log_proba"):
            routed = self._routed("predict_log_proba", self._proba_callee(), params)
            with np.errstate(divide="ignore"):
                return np.log(self._mean_proba(X, routed))
        routed = self._routed("predict_log_proba", "predict_log_proba", params)
        X = self._predict_input(X)
        cols = self._index_cols()
        k = self.n_classes_
        logp = np.full((X.shape[0], k), -np.inf)
        for est, feats in zip(self.estimators_, self.estimators_features_):
            lp = est.predict_log_proba(X[:, feats] if cols else X, **routed)
            if lp.shape[1] == k:
                logp = np.logaddexp(logp, lp)
            else:
                idx = est.classes_.astype(np.intp)
                logp[:, idx] = np.logaddexp(logp[:, idx], lp)
        return logp - np.log(len(self.estimators_))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X, **params):
        """Mean of the estimators' decision functions."""
        check_is_fitted(self, "estimators_")
        routed = self._routed("decision_function", "decision_function", params)
        X = self._predict_input(X)
        return self._sum_over(lambda e, Xs: np.asarray(e.decision_function(Xs, **routed)),
                              X) / len(self.estimators_)


class BaggingRegressor(RegressorMixin, BaseBagging):
    """A bagging regressor: base regressors (default: a fastml
    DecisionTreeRegressor) fit on random subsets of rows and/or features,
    predictions averaged. Attributes as BaggingClassifier, with
    oob_prediction_ / oob_score_ (R^2) when oob_score=True.
    """

    def _default_estimator(self):
        return DecisionTreeRegressor()

    def _validate_y(self, y):
        if y.ndim == 1 or y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.dtype.kind in "OUSb":
            y = y.astype(np.float64)
        return y

    def _set_oob_score(self, X, y):
        n = y.shape[0]
        pred = np.zeros(y.shape, dtype=np.float64)
        hits = np.zeros(n)
        cols = self._index_cols()
        Xr = X.tocsr() if is_sparse(X) else X
        for est, feats, mask in zip(self.estimators_, self.estimators_features_,
                                    self._oob_masks(n)):
            if not mask.any():
                continue
            Xm = Xr[np.flatnonzero(mask)]
            pred[mask] += np.asarray(est.predict(Xm[:, feats] if cols else Xm)).reshape(
                pred[mask].shape)
            hits[mask] += 1
        if (hits == 0).any():
            warnings.warn("Some inputs do not have OOB scores. This probably means too few "
                          "estimators were used to compute any reliable oob estimates.",
                          UserWarning)
            hits[hits == 0] = 1
        pred /= hits if pred.ndim == 1 else hits[:, None]
        self.oob_prediction_ = pred
        self.oob_score_ = r2_score(y, pred)

    def predict(self, X, **params):
        """Mean of the estimators' predictions."""
        check_is_fitted(self, "estimators_")
        routed = self._routed("predict", "predict", params)
        X = self._predict_input(X)
        return self._sum_over(lambda e, Xs: np.asarray(e.predict(Xs, **routed),
                                                       dtype=np.float64), X) / \
            len(self.estimators_)
