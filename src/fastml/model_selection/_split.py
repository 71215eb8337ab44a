"""Splitting: train_test_split, KFold, StratifiedKFold, check_cv (see
fastml.model_selection)."""
import collections
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
from ..utils._parallel import map_threads
from ..utils._metadata_routing import UNUSED, MetadataRequesterMixin
from ..utils._param_validation import HasMethods, StrOptions
from ..utils.validation import _interop_class, check_random_state


def _num_samples(x):
    if hasattr(x, "shape") and len(x.shape) > 0:
        return x.shape[0]
    if not hasattr(x, "__len__") and hasattr(x, "__array__"):  # array-likes without len
        x = np.asarray(x)
        return x.shape[0] if x.ndim else len(x)
    return len(x)


def _indexable(x):
    """scipy.sparse input as CSR (row-indexable; scikit-learn's `indexable`)."""
    if x is not None and hasattr(x, "tocsr") and hasattr(x, "nnz"):
        return x.tocsr()
    if x is not None and not hasattr(x, "__getitem__") and not hasattr(x, "iloc"):
        return np.asarray(x)  # an array-like that cannot be indexed (only __array__)
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
    if kt == kr == "float" and test_size + train_size > 1:
        raise ValueError(f"The sum of test_size and train_size = {test_size + train_size}, "
                         "should be in the (0, 1) range. Reduce test_size and/or train_size.")
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
        which = "train" if n_train == 0 else "test"
        raise ValueError(f"With n_samples={n}, test_size={test_size} and train_size="
                         f"{train_size}, the resulting {which} set will be empty. Adjust any "
                         "of the aforementioned parameters.")
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


class KFold(MetadataRequesterMixin):
    """K consecutive folds (shuffled first when shuffle=True); the first
    n_samples % n_splits folds get one extra sample. groups is ignored (with
    a warning, as scikit-learn): its metadata routing requests nothing."""

    __metadata_request__split = {"groups": UNUSED}

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        if not isinstance(n_splits, numbers.Integral) or n_splits < 2:
            raise ValueError(f"k-fold cross-validation requires at least one train/test split "
                             f"by setting n_splits=2 or more, got n_splits={n_splits}.")
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"shuffle must be True or False; got {shuffle}")
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
        """(train, test) index arrays per fold (a generator)."""
        _warn_groups_ignored(self, groups)
        return self._split(X, y)

    def _split(self, X, y):
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
        """(train, test) index arrays per fold (a generator)."""
        _warn_groups_ignored(self, groups)
        return self._split(X, y)

    def _split(self, X, y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if y.ndim > 1:  # several targets: no single label to stratify on
            kind = "multilabel-indicator" if y.ndim == 2 and np.isin(y, (0, 1)).all() \
                else "multiclass-multioutput"
            raise ValueError("Supported target types are: ('binary', 'multiclass'). "
                             f"Got {kind!r} instead.")
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
        if self.n_splits > counts.min():
            warnings.warn(f"The least populated class in y has only {counts.min()} members, "
                          f"which is less than n_splits={self.n_splits}.", UserWarning,
                          stacklevel=3)
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


def _warn_groups_ignored(splitter, groups):
    if groups is not None:
        warnings.warn(f"The groups parameter is ignored by {type(splitter).__name__}",
                      UserWarning, stacklevel=3)


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
