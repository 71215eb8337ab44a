"""Model selection: splitting, cross-validation and grid search.

Works with any estimator that follows scikit-learn's conventions (fastml's or
scikit-learn's own): estimators are cloned through get_params, scored with
`scoring` (see fastml.metrics.get_scorer) or their own `score`. Splits match
scikit-learn's for KFold and StratifiedKFold with the same random_state.
Parallel work (n_jobs) runs in threads: the compiled kernels and BLAS release
the GIL, and nothing is pickled.
"""
import collections
import inspect
import itertools
import math
import numbers
import time
import traceback
import warnings

import numpy as np

from ._param_grid import ParameterGrid
from .base import BaseEstimator, clone
from .exceptions import FitFailedWarning
from .utils._parallel import map_threads
from .utils._param_validation import HasMethods, StrOptions
from .utils.validation import _interop_class, check_random_state

__all__ = ["train_test_split", "KFold", "StratifiedKFold", "ParameterGrid", "cross_val_score",
           "cross_validate", "GridSearchCV"]


def _num_samples(x):
    if hasattr(x, "shape") and len(x.shape) > 0:
        return x.shape[0]
    return len(x)


def _indexable(x):
    """scipy.sparse input as CSR (row-indexable; scikit-learn's `indexable`)."""
    if x is not None and hasattr(x, "tocsr") and hasattr(x, "nnz"):
        return x.tocsr()
    return x


def _safe_index(x, idx):
    if x is None:
        return None
    if hasattr(x, "iloc"):
        return x.iloc[idx]
    if hasattr(x, "shape"):
        return _indexable(x)[idx]
    return [x[i] for i in idx]


def _pairwise(estimator):
    """True for estimators whose X is a precomputed (n, n) kernel / distance
    matrix (tag input_tags.pairwise), which splits on both axes."""
    try:
        return bool(estimator.__sklearn_tags__().input_tags.pairwise)
    except AttributeError:
        return False


def _split_sizes(n, test_size, train_size, default_test=0.25):
    if test_size is None and train_size is None:
        test_size = default_test

    def check(name, v):
        if v is None:
            return None
        if isinstance(v, numbers.Integral) and not isinstance(v, bool):
            if not 0 < v < n:
                raise ValueError(f"{name}={v} should be either positive and smaller than the "
                                 f"number of samples {n} or a float in the (0, 1) range")
            return "int"
        if isinstance(v, numbers.Real):
            if not 0 < v < 1:
                raise ValueError(f"{name}={v} should be a float in the (0, 1) range or an int.")
            return "float"
        raise ValueError(f"Invalid value for {name}: {v!r}")

    kt, kr = check("test_size", test_size), check("train_size", train_size)
    n_test = None if kt is None else (math.ceil(test_size * n) if kt == "float" else test_size)
    n_train = None if kr is None else (math.floor(train_size * n) if kr == "float"
                                       else train_size)
    if n_train is None:
        n_train = n - n_test
    elif n_test is None:
        n_test = n - n_train
    if n_train + n_test > n:
        raise ValueError(f"The sum of train_size and test_size = {n_train + n_test}, should be "
                         f"smaller than the number of samples {n}.")
    if n_train == 0 or n_test == 0:
        raise ValueError(f"With n_samples={n}, test_size={test_size} and train_size="
                         f"{train_size}, one of the resulting sets is empty.")
    return n_train, n_test


def train_test_split(*arrays, test_size=None, train_size=None, random_state=None, shuffle=True,
                     stratify=None):
    """Split arrays into random train and test subsets.

    Returns [a_train, a_test for a in arrays]. The split is scikit-learn's
    (same random_state -> same split); with stratify, its
    StratifiedShuffleSplit, so class frequencies in train and test match y's.
    """
    if not arrays:
        raise ValueError("At least one array required as input")
    n = _num_samples(arrays[0])
    for a in arrays[1:]:
        if _num_samples(a) != n:
            raise ValueError("Found input variables with inconsistent numbers of samples: "
                             f"{[_num_samples(a) for a in arrays]}")
    n_train, n_test = _split_sizes(n, test_size, train_size)
    if not shuffle:
        if stratify is not None:
            raise ValueError("Stratified train/test split is not implemented for shuffle=False")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    elif stratify is None:
        perm = check_random_state(random_state).permutation(n)
        test, train = perm[:n_test], perm[n_test:n_test + n_train]
    else:
        train, test = _stratified_indices(np.asarray(stratify), n_train, n_test, random_state)
    arrays = [_indexable(a) for a in arrays]
    return list(itertools.chain.from_iterable(
        (_safe_index(a, train), _safe_index(a, test)) for a in arrays))


def _approximate_mode(counts, n_draws, rng):
    """Per-class draw counts summing to n_draws, proportional to counts: the
    floors, then one more for the largest remainders, ties broken at random
    (scikit-learn's rule and random draws)."""
    continuous = counts / counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add_now = min(len(inds), need)
            inds = rng.choice(inds, size=add_now, replace=False)
            floored[inds] += 1
            need -= add_now
            if need == 0:
                break
    return floored.astype(int)


def _stratified_indices(y, n_train, n_test, random_state):
    """One stratified shuffle split, scikit-learn's StratifiedShuffleSplit
    (same random_state -> same split)."""
    if y.ndim == 2:
        y = np.array([" ".join(np.asarray(row).astype("str")) for row in y])
    classes, y_idx, counts = np.unique(y, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError("The least populated classes in y have only 1 member, which is too "
                         "few. The minimum number of groups for any class cannot be less than "
                         f"2. Classes with too few members are: {classes[counts < 2].tolist()}")
    if n_train < len(classes):
        raise ValueError(f"The train_size = {n_train} should be greater or equal to the number "
                         f"of classes = {len(classes)}")
    if n_test < len(classes):
        raise ValueError(f"The test_size = {n_test} should be greater or equal to the number "
                         f"of classes = {len(classes)}")
    class_indices = np.split(np.argsort(y_idx, kind="stable"), np.cumsum(counts)[:-1])
    rng = check_random_state(random_state)
    n_i = _approximate_mode(counts, n_train, rng)
    t_i = _approximate_mode(counts - n_i, n_test, rng)
    train, test = [], []
    for k in range(len(classes)):
        members = class_indices[k].take(rng.permutation(counts[k]), mode="clip")
        train.extend(members[:n_i[k]])
        test.extend(members[n_i[k]:n_i[k] + t_i[k]])
    return rng.permutation(train), rng.permutation(test)


class KFold:
    """K consecutive folds (shuffled first when shuffle=True); the first
    n_samples % n_splits folds get one extra sample."""

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if not isinstance(n_splits, numbers.Integral) or n_splits < 2:
            raise ValueError(f"k-fold cross-validation requires at least one train/test split "
                             f"by setting n_splits=2 or more, got n_splits={n_splits}.")
        if not shuffle and random_state is not None:
            raise ValueError("Setting a random_state has no effect since shuffle is False. You "
                             "should leave random_state to its default (None), or set "
                             "shuffle=True.")
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def _test_masks(self, X, y):
        n = _num_samples(X)
        if self.n_splits > n:
            raise ValueError(f"Cannot have number of splits n_splits={self.n_splits} greater "
                             f"than the number of samples: n_samples={n}.")
        idx = np.arange(n)
        if self.shuffle:
            check_random_state(self.random_state).shuffle(idx)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        start = 0
        for s in sizes:
            yield idx[start:start + s]
            start += s

    def split(self, X, y=None, groups=None):
        n = _num_samples(X)
        for test in self._test_masks(X, y):
            mask = np.zeros(n, dtype=bool)
            mask[test] = True
            yield np.flatnonzero(~mask), np.flatnonzero(mask)

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, random_state="
                f"{self.random_state!r}, shuffle={self.shuffle})")


class StratifiedKFold(KFold):
    """K folds that preserve class frequencies (scikit-learn's allocation:
    classes in order of first appearance, sorted labels dealt round-robin)."""

    def split(self, X, y, groups=None):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        n = _num_samples(X)
        if len(y) != n:
            raise ValueError(f"X has {n} samples but y has {len(y)}.")
        _, y_first, y_inv = np.unique(y, return_index=True, return_inverse=True)
        _, perm = np.unique(y_first, return_inverse=True)
        y_enc = perm[y_inv.ravel()]
        n_classes = len(y_first)
        counts = np.bincount(y_enc)
        if self.n_splits > counts.max():
            raise ValueError(f"n_splits={self.n_splits} cannot be greater than the number of "
                             f"members in each class.")
        y_order = np.sort(y_enc)
        alloc = np.asarray([np.bincount(y_order[i::self.n_splits], minlength=n_classes)
                            for i in range(self.n_splits)])
        test_folds = np.empty(n, dtype=np.int64)
        rng = check_random_state(self.random_state) if self.shuffle else None
        for k in range(n_classes):
            folds = np.arange(self.n_splits).repeat(alloc[:, k])
            if rng is not None:
                rng.shuffle(folds)
            test_folds[y_enc == k] = folds
        for i in range(self.n_splits):
            yield np.flatnonzero(test_folds != i), np.flatnonzero(test_folds == i)


def _is_classifier(est):
    return getattr(est, "_estimator_type", None) == "classifier" or (
        hasattr(est, "__sklearn_tags__") and
        getattr(est.__sklearn_tags__(), "estimator_type", None) == "classifier")


def check_cv(cv=5, y=None, *, classifier=False):
    """int -> (Stratified)KFold; splitter objects and iterables pass through."""
    if cv is None:
        cv = 5
    if isinstance(cv, numbers.Integral):
        if classifier and y is not None and np.asarray(y).ndim == 1 and (
                np.asarray(y).dtype.kind not in "f" or np.all(np.mod(y, 1) == 0)):
            return StratifiedKFold(cv)
        return KFold(cv)
    if hasattr(cv, "split"):
        return cv
    splits = list(cv)
    return _Predefined(splits)


class _Predefined:
    def __init__(self, splits):
        self.splits = splits

    def split(self, X=None, y=None, groups=None):
        return iter(self.splits)

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.splits)


def _score_all(scorers, est, X, y, score_params=None, error_score="raise"):
    """{name: score}; a scorer that raises gives `error_score` with a UserWarning
    (as scikit-learn) unless error_score == "raise"."""
    score_params = score_params or {}
    out = {}
    for name, scorer in scorers.items():
        try:
            value = scorer(est, X, y, **score_params.get(name, {}))
            if isinstance(value, dict):  # a callable scoring returning {name: score}
                out.update({k: float(v) for k, v in value.items()})
            else:
                out[name] = float(value)
        except Exception:
            if isinstance(error_score, str) and error_score == "raise":
                raise
            out[name] = float(error_score)
            warnings.warn("Scoring failed. The score on this train-test partition for these "
                          f"parameters will be set to {error_score}. Details: \n"
                          f"{traceback.format_exc()}", UserWarning, stacklevel=2)
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
                   return_train_score, return_estimator, error_score, score_params=None):
    """Fit a clone on `train`, score on `test` (and `train`). fit_params and
    score_params ({scorer name: kwargs}) hold full-length arrays, sliced here."""
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
    try:
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


def _scorers(estimator, scoring):
    from .metrics import check_scoring

    if scoring is None or callable(scoring) or isinstance(scoring, str):
        return {"score": check_scoring(estimator, scoring)}, True
    if isinstance(scoring, dict):
        return {k: check_scoring(estimator, v) for k, v in scoring.items()}, False
    return {k: check_scoring(estimator, k) for k in scoring}, False


def _scorer_accepts_sample_weight(scorer, estimator):
    """scikit-learn's test: a scorer object answers itself; the default scorer
    asks estimator.score's signature; a plain callable its own signature."""
    from .metrics._scorer import _default_score

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


def _run(tasks, n_jobs):
    from ._config import resolve_n_jobs

    n = 1 if n_jobs is None else resolve_n_jobs(n_jobs)
    return map_threads(lambda t: t(), tasks, n)


def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   params=None, return_train_score=False, return_estimator=False,
                   error_score=np.nan):
    """Fit and score `estimator` on each split; dict of arrays fit_time,
    score_time, test_score (test_<name> for multi-metric), optionally train_*
    and estimator."""
    _check_error_score(error_score)
    X = _indexable(X)
    splitter = check_cv(cv, y, classifier=_is_classifier(estimator))
    scorers, single = _scorers(estimator, scoring)
    splits = list(splitter.split(X, y, groups))
    tasks = [lambda tr=tr, te=te: _fit_and_score(estimator, X, y, tr, te, scorers, None, params,
                                                 return_train_score, return_estimator,
                                                 error_score)
             for tr, te in splits]
    results = _run(tasks, n_jobs)
    _warn_or_raise_about_fit_failures(results, error_score)
    out = {"fit_time": np.array([r["fit_time"] for r in results]),
           "score_time": np.array([r["score_time"] for r in results])}
    if return_estimator:
        out["estimator"] = [r["estimator"] for r in results]
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
    """Array of test scores, one per split."""
    if scoring is not None and not (callable(scoring) or isinstance(scoring, str)):
        raise ValueError("cross_val_score takes a single scoring; use cross_validate for "
                         "several.")
    return cross_validate(estimator, X, y, groups=groups, scoring=scoring, cv=cv, n_jobs=n_jobs,
                          params=params, error_score=error_score)["test_score"]


class GridSearchCV(BaseEstimator):
    """Exhaustive search over a parameter grid with cross-validation.

    n_jobs fits (candidate, split) pairs in threads. With refit=True the best
    parameters are refitted on all data (best_estimator_) and predict,
    predict_proba, decision_function, transform and score delegate to it.
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "param_grid": [dict, list],
        "scoring": [str, callable, list, tuple, dict, None],
        "n_jobs": ["n_jobs"],
        "refit": ["boolean", str, callable],
        "cv": ["cv_object"],
        "return_train_score": ["boolean"],
        "error_score": [StrOptions({"raise"}), numbers.Real],
        "verbose": ["verbose"],
        "pre_dispatch": [numbers.Integral, str],
    }

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, refit=True, cv=None,
                 verbose=0, pre_dispatch="2*n_jobs", error_score=np.nan,
                 return_train_score=False):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.return_train_score = return_train_score
        self.error_score = error_score
        self.verbose = verbose
        self.pre_dispatch = pre_dispatch  # accepted for scikit-learn parity; threads need none

    @property
    def _estimator_type(self):
        return getattr(self.estimator, "_estimator_type", None)

    def fit(self, X, y=None, **fit_params):
        """Fit every candidate on every split. Array-like fit params of length
        n_samples (sample_weight, ...) are sliced to each training fold and
        passed whole to the refit; `groups` goes to the splitter. As in
        scikit-learn without metadata routing, sample_weight also weights the
        scorers that accept it (test-fold weights; train-fold for train scores)."""
        self._validate_params()
        _check_error_score(self.error_score)
        fit_params = dict(fit_params)
        groups = fit_params.pop("groups", None)
        X = _indexable(X)
        candidates = list(ParameterGrid(self.param_grid))
        splitter = check_cv(self.cv, y, classifier=_is_classifier(self.estimator))
        scorers, single = _scorers(self.estimator, self.scoring)
        if not single and self.refit is True:
            raise ValueError("For multi-metric scoring, refit must be the name of the scorer "
                             "used to pick the best parameters, or False.")
        score_params = _search_score_params(self, scorers, single, fit_params)
        splits = list(splitter.split(X, y, groups))
        if self.verbose > 0:
            print(f"Fitting {len(splits)} folds for each of {len(candidates)} candidates, "
                  f"totalling {len(splits) * len(candidates)} fits")
        tasks = [lambda p=p, tr=tr, te=te: _fit_and_score(
                     self.estimator, X, y, tr, te, scorers, p, fit_params,
                     self.return_train_score, False, self.error_score, score_params)
                 for p in candidates for tr, te in splits]
        results = _run(tasks, self.n_jobs)
        _warn_or_raise_about_fit_failures(results, self.error_score)
        n_s = len(splits)
        res = {"params": candidates}
        for key in ("fit_time", "score_time"):
            arr = np.array([r[key] for r in results]).reshape(len(candidates), n_s)
            res[f"mean_{key}"], res[f"std_{key}"] = arr.mean(1), arr.std(1)
        all_keys = sorted({k for p in candidates for k in p})
        for k in all_keys:
            res[f"param_{k}"] = np.ma.masked_array([p.get(k) for p in candidates],
                                                   mask=[k not in p for p in candidates],
                                                   dtype=object)
        for name in scorers:
            key = "score" if single else name
            for part in (("test", "train") if self.return_train_score else ("test",)):
                arr = np.array([r[part][name] for r in results]).reshape(len(candidates), n_s)
                for i in range(n_s):
                    res[f"split{i}_{part}_{key}"] = arr[:, i]
                res[f"mean_{part}_{key}"] = arr.mean(1)
                res[f"std_{part}_{key}"] = arr.std(1)
                if not np.isfinite(arr.mean(1)).all():
                    warnings.warn(f"One or more of the {part} scores are non-finite: "
                                  f"{arr.mean(1)}", UserWarning, stacklevel=2)
            mean = res[f"mean_test_{key}"]
            filled = np.where(np.isnan(mean), -np.inf, mean)
            # rank 1 = best; ties share the smallest rank (scipy's "min" method)
            order = np.sort(filled)[::-1]
            res[f"rank_test_{key}"] = np.searchsorted(-order, -filled, side="left").astype(
                np.int32) + 1
        self.cv_results_ = res
        self.n_splits_ = n_s
        self.multimetric_ = not single
        refit_key = "score" if single else self.refit
        if self.refit is not False:
            self.best_index_ = int(np.argmin(res[f"rank_test_{refit_key}"]))
            self.best_params_ = candidates[self.best_index_]
            self.best_score_ = float(res[f"mean_test_{refit_key}"][self.best_index_])
            t0 = time.perf_counter()
            self.best_estimator_ = clone(self.estimator).set_params(
                **{k: clone(v, safe=False) for k, v in self.best_params_.items()})
            if y is None:
                self.best_estimator_.fit(X, **fit_params)
            else:
                self.best_estimator_.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - t0
            self.scorer_ = scorers[next(iter(scorers))] if single else scorers[self.refit]
            if hasattr(self.best_estimator_, "classes_"):
                self.classes_ = self.best_estimator_.classes_
            if hasattr(self.best_estimator_, "n_features_in_"):
                self.n_features_in_ = self.best_estimator_.n_features_in_
        return self

    def _best(self):
        if not hasattr(self, "best_estimator_"):
            from .exceptions import NotFittedError
            raise NotFittedError("This GridSearchCV instance was not fitted with refit=True; "
                                 "call fit with refit enabled first.")
        return self.best_estimator_

    def predict(self, X):
        return self._best().predict(X)

    def predict_proba(self, X):
        return self._best().predict_proba(X)

    def predict_log_proba(self, X):
        return self._best().predict_log_proba(X)

    def decision_function(self, X):
        return self._best().decision_function(X)

    def transform(self, X):
        return self._best().transform(X)

    def inverse_transform(self, X):
        return self._best().inverse_transform(X)

    def score(self, X, y=None):
        return float(self.scorer_(self._best(), X, y))
