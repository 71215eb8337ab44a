"""Learning and validation curves: cross-validated scores as the training-set
size or one hyperparameter varies (scikit-learn's signatures and results).

Built on the package's cross-validation helpers (_split, _validation).
"""
import numbers
import time
import warnings

import numpy as np

from ..base import clone
from ..utils.validation import check_random_state
from ._split import _is_classifier, _num_samples, _safe_index, check_cv
from ._validation import (_check_error_score, _fit_and_score, _fold_params, _route_cv_params,
                          _run, _score_all, _scorers, _warn_or_raise_about_fit_failures)

__all__ = ["learning_curve", "validation_curve"]

_CV = dict(check_cv=check_cv, is_classifier=_is_classifier, scorers=_scorers,
           fit_and_score=_fit_and_score, score_all=_score_all, fold_params=_fold_params,
           run=_run, check_error_score=_check_error_score,
           warn_fit_failures=_warn_or_raise_about_fit_failures, safe_index=_safe_index,
           num_samples=_num_samples)


def _helpers():
    return _CV


def _single_scorer(h, estimator, scoring, who):
    if scoring is not None and not (callable(scoring) or isinstance(scoring, str)):
        raise ValueError(f"{who} takes a single scoring (a string or a callable), got "
                         f"scoring={scoring!r}")
    scorers, _ = h["scorers"](estimator, scoring)
    return scorers


def _translate_train_sizes(train_sizes, n_max):
    """Relative (floats in (0, 1]) or absolute (ints in [1, n_max]) sizes ->
    the sorted distinct absolute sizes."""
    sizes = np.asarray(train_sizes)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError(f"train_sizes must be a 1-d array-like of sizes, got {train_sizes!r}")
    lo, hi = sizes.min(), sizes.max()
    if sizes.dtype.kind == "f":
        if lo <= 0.0 or hi > 1.0:
            raise ValueError("train_sizes has been interpreted as fractions of the maximum "
                             "number of training samples and must be within (0, 1], but is "
                             f"within [{lo}, {hi}].")
        abs_sizes = np.clip((sizes * n_max).astype(int, copy=False), 1, n_max)
    elif sizes.dtype.kind in "iu":
        if lo <= 0 or hi > n_max:
            raise ValueError("train_sizes has been interpreted as absolute numbers of "
                             f"training samples and must be within (0, {n_max}], but is "
                             f"within [{lo}, {hi}].")
        abs_sizes = sizes.astype(int)
    else:
        raise ValueError(f"train_sizes must be numbers, got dtype {sizes.dtype}")
    unique = np.unique(abs_sizes)
    if unique.shape[0] != abs_sizes.shape[0]:
        warnings.warn("Removed duplicate entries from 'train_sizes'. Number of ticks will be "
                      f"less than the size of 'train_sizes': {unique.shape[0]} instead of "
                      f"{abs_sizes.shape[0]}.", RuntimeWarning, stacklevel=3)
    return unique


def _incremental_fits(h, estimator, X, y, classes, train, test, sizes, scorer, error_score,
                      params, score_params=None):
    """One clone grown with partial_fit over the successive chunks of `train`;
    scored after each chunk (scikit-learn's exploit_incremental_learning)."""
    est = clone(estimator)
    rows = []
    n = h["num_samples"](X)
    fold = {k: v for k, v in (params or {}).items()}
    start = 0
    for size in sizes:
        chunk = train[start:size]
        start = size
        Xp, yp = h["safe_index"](X, chunk), h["safe_index"](y, chunk)
        chunk_params = _fold(h, fold, n, chunk)
        t0 = time.perf_counter()
        if classes is None:
            est.partial_fit(Xp, yp, **chunk_params)
        else:
            est.partial_fit(Xp, yp, classes=classes, **chunk_params)
        fit_time = time.perf_counter() - t0
        sub = train[:size]
        t1 = time.perf_counter()
        test_score = h["score_all"]({"s": scorer}, est, h["safe_index"](X, test),
                                    h["safe_index"](y, test),
                                    _fold_scores(h, score_params, n, test), error_score)["s"]
        score_time = time.perf_counter() - t1
        train_score = h["score_all"]({"s": scorer}, est, h["safe_index"](X, sub),
                                     h["safe_index"](y, sub),
                                     _fold_scores(h, score_params, n, sub), error_score)["s"]
        rows.append({"train": {"s": train_score}, "test": {"s": test_score},
                     "fit_time": fit_time, "score_time": score_time, "fit_error": None})
    return rows


def _fold_scores(h, score_params, n, idx):
    return {k: _fold(h, v, n, idx) for k, v in (score_params or {}).items()}


def _fold(h, params, n, idx):
    return h["fold_params"](params, n, idx)


def learning_curve(estimator, X, y, *, groups=None, train_sizes=np.linspace(0.1, 1.0, 5),
                   cv=None, scoring=None, exploit_incremental_learning=False, n_jobs=None,
                   pre_dispatch="all", verbose=0, shuffle=False, random_state=None,
                   error_score=np.nan, return_times=False, params=None):
    """Cross-validated train and test scores for growing training sets.

    For each split of `cv`, a clone of `estimator` is fitted on the first
    ``n`` rows of the split's training part for every size ``n`` in
    `train_sizes` (fractions of the largest training part, or absolute counts)
    and scored on that subset and on the split's test part.

    Parameters
    ----------
    estimator : estimator object with ``fit`` (and ``partial_fit`` when
        `exploit_incremental_learning` is True).
    X, y : array-likes of n_samples rows.
    groups : passed to the splitter's ``split``.
    train_sizes : array-like of floats in (0, 1] or ints in [1, n_max].
    cv : int, splitter or iterable of (train, test) index pairs (default 5-fold,
        stratified for classifiers).
    scoring : str or callable, default the estimator's ``score``.
    exploit_incremental_learning : bool, grow one clone per split with
        ``partial_fit`` instead of refitting for every size.
    n_jobs : int or None, threads running the fits.
    pre_dispatch : accepted for scikit-learn compatibility; fits run in threads
        and nothing is dispatched ahead, so it changes nothing.
    verbose : int, 1 prints the training sizes, 2 also one line per fit.
    shuffle, random_state : shuffle each training part (one permutation per
        split, drawn in split order) before taking prefixes.
    error_score : 'raise' or a number given to fits that fail.
    return_times : bool, also return fit and score times.
    params : dict of fit parameters (array-likes of n_samples are sliced).

    Returns
    -------
    train_sizes_abs : ndarray of shape (n_unique_ticks,)
    train_scores, test_scores : ndarrays of shape (n_ticks, n_cv_folds)
    fit_times, score_times : same shape, when `return_times`.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.neighbors import KNeighborsClassifier
    >>> from fastml.model_selection import learning_curve
    >>> X, y = load_iris(return_X_y=True)
    >>> sizes, train, test = learning_curve(KNeighborsClassifier(), X, y, cv=5,
    ...                                     train_sizes=[0.3, 1.0], shuffle=True,
    ...                                     random_state=0)
    >>> sizes.tolist(), test.shape
    ([36, 120], (2, 5))
    """
    h = _helpers()
    h["check_error_score"](error_score)
    if exploit_incremental_learning and not hasattr(estimator, "partial_fit"):
        raise ValueError("An estimator must support the partial_fit interface to exploit "
                         f"incremental learning, got {type(estimator).__name__}")
    is_clf = h["is_classifier"](estimator)
    splitter = h["check_cv"](cv, y, classifier=is_clf)
    scorer = _single_scorer(h, estimator, scoring, "learning_curve")["score"]
    params, split_params, score_params = _route_cv_params(
        "learning_curve", estimator, splitter, {"s": scorer}, True, params, groups,
        callee="partial_fit" if exploit_incremental_learning else "fit")
    splits = list(splitter.split(X, y, **split_params))
    if not splits:
        raise ValueError(f"cv={cv!r} produced no splits")
    sizes = _translate_train_sizes(train_sizes, len(splits[0][0]))
    if verbose > 0:
        print(f"[learning_curve] Training set sizes: {sizes}")
    if shuffle:
        rng = check_random_state(random_state)
        splits = [(rng.permutation(train), test) for train, test in splits]
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splits]
    if exploit_incremental_learning:
        classes = np.unique(y) if is_clf else None
        tasks = [lambda tr=tr, te=te: _incremental_fits(h, estimator, X, y, classes, tr, te,
                                                        sizes, scorer, error_score, params,
                                                        score_params)
                 for tr, te in splits]
        results = [r for rows in h["run"](tasks, n_jobs) for r in rows]
    else:
        tasks = [lambda tr=tr, te=te, n=n: h["fit_and_score"](
                    estimator, X, y, tr[:n], te, {"s": scorer}, None, params, True, False,
                    error_score, score_params)
                 for tr, te in splits for n in sizes]
        results = h["run"](tasks, n_jobs)
        h["warn_fit_failures"](results, error_score)
    _report(verbose, "learning_curve", [f"n_train={n}" for _ in splits for n in sizes],
            results)
    shape = (len(splits), len(sizes))

    def grid(get):
        return np.array([get(r) for r in results], dtype=float).reshape(shape).T

    out = [sizes, grid(lambda r: r["train"]["s"]), grid(lambda r: r["test"]["s"])]
    if return_times:
        out += [grid(lambda r: r["fit_time"]), grid(lambda r: r["score_time"])]
    return tuple(out)


def validation_curve(estimator, X, y, *, param_name, param_range, groups=None, cv=None,
                     scoring=None, n_jobs=None, pre_dispatch="all", verbose=0,
                     error_score=np.nan, params=None):
    """Cross-validated train and test scores as one hyperparameter varies.

    A clone of `estimator` with ``param_name=value`` is fitted on the training
    part of every split of `cv` for every value of `param_range`, and scored
    on the training and the test parts.

    Parameters
    ----------
    estimator : estimator object.
    X, y : array-likes of n_samples rows.
    param_name : str, a parameter of the estimator (``"step__param"`` in a
        Pipeline).
    param_range : array-like of the values to try.
    groups, cv, scoring, n_jobs, pre_dispatch, error_score, params : as in
        learning_curve.
    verbose : int, above 1 prints one line per fit.

    Returns
    -------
    train_scores, test_scores : ndarrays of shape (n_ticks, n_cv_folds)

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.neighbors import KNeighborsClassifier
    >>> from fastml.model_selection import validation_curve
    >>> X, y = load_iris(return_X_y=True)
    >>> train, test = validation_curve(KNeighborsClassifier(), X, y, cv=5,
    ...                                param_name="n_neighbors", param_range=[1, 5, 15])
    >>> test.shape
    (3, 5)
    """
    h = _helpers()
    h["check_error_score"](error_score)
    if not isinstance(param_name, str):
        raise ValueError(f"param_name must be a string, got {param_name!r}")
    values = list(param_range)
    if not values:
        raise ValueError("param_range must hold at least one value, got an empty range")
    splitter = h["check_cv"](cv, y, classifier=h["is_classifier"](estimator))
    scorer = _single_scorer(h, estimator, scoring, "validation_curve")["score"]
    params, split_params, score_params = _route_cv_params(
        "validation_curve", estimator, splitter, {"s": scorer}, True, params, groups)
    splits = [(np.asarray(tr), np.asarray(te))
              for tr, te in splitter.split(X, y, **split_params)]
    if not splits:
        raise ValueError(f"cv={cv!r} produced no splits")
    tasks = [lambda tr=tr, te=te, v=v: h["fit_and_score"](
                estimator, X, y, tr, te, {"s": scorer}, {param_name: v}, params, True, False,
                error_score, score_params)
             for tr, te in splits for v in values]
    results = h["run"](tasks, n_jobs)
    h["warn_fit_failures"](results, error_score)
    _report(verbose, "validation_curve", [f"{param_name}={v!r}" for _ in splits for v in values],
            results)
    shape = (len(splits), len(values))
    train = np.array([r["train"]["s"] for r in results], dtype=float).reshape(shape).T
    test = np.array([r["test"]["s"] for r in results], dtype=float).reshape(shape).T
    return train, test


def _report(verbose, who, labels, results):
    if not isinstance(verbose, numbers.Integral) or verbose < 2:
        return
    for label, r in zip(labels, results):
        print(f"[{who}] {label}: train {r['train']['s']:.3f}, test {r['test']['s']:.3f}, "
              f"fit {r['fit_time']:.3f}s")
