"""PolynomialFeatures: monomials of the input features (dense or sparse)."""
import collections.abc
import itertools
import math
import numbers

import numpy as np

from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, StrOptions
from ..utils._sparse import check_sparse, is_sparse
from ..utils.validation import check_array
from ._common import frame_to_array
from ._csr_expansion import csr_polynomial

_MAX_INDEX = np.iinfo(np.intp).max
_MAX_DENSE = 2 ** 34  # refuse dense outputs with more values (> 128 GiB in float64)


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """All monomials of the features with total degree in [min_degree,
    max_degree] (degree=d means [0, d]; degree=(lo, hi) a range), or only
    products of distinct features with interaction_only; in scikit-learn's
    column order: bias, degree 1, degree 2, ... (combinations with
    replacement in lexicographic order within a degree). The bias column (all
    ones) is included with include_bias whatever min_degree is.

    Dense input gives a dense array in `order` ("C" or "F"); CSR / CSC input
    gives CSR / CSC output computed from the stored entries only (the number
    of output columns may be huge: n_features=10**5 at degree 3 is fine when
    the rows are sparse; column indices become int64 past 2**31)."""

    _parameter_constraints = {
        "degree": [Interval(numbers.Integral, 0, None, closed="left"), "array-like"],
        "interaction_only": ["boolean"],
        "include_bias": ["boolean"],
        "order": [StrOptions({"C", "F"})],
    }

    def __init__(self, degree=2, *, interaction_only=False, include_bias=True, order="C"):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias
        self.order = order

    @staticmethod
    def _num_combinations(n_features, min_degree, max_degree, interaction_only,
                          include_bias):
        """Number of output columns (an exact Python int, may exceed int64)."""
        if interaction_only:
            total = sum(math.comb(n_features, d)
                        for d in range(max(1, min_degree), min(max_degree, n_features) + 1))
        else:
            total = math.comb(n_features + max_degree, max_degree) - 1
            if min_degree > 0:
                total -= math.comb(n_features + min_degree - 1, min_degree - 1) - 1
        return total + bool(include_bias)

    @staticmethod
    def _combinations(n_features, min_degree, max_degree, interaction_only, include_bias):
        """Iterator over the output columns as tuples of feature indices."""
        comb = itertools.combinations if interaction_only else \
            itertools.combinations_with_replacement
        start = max(1, min_degree)
        top = min(max_degree, n_features) if interaction_only else max_degree
        iters = [comb(range(n_features), d) for d in range(start, top + 1)]
        if include_bias:
            iters.insert(0, [()])
        return itertools.chain.from_iterable(iters)

    def _degrees(self):
        d = self.degree
        if isinstance(d, numbers.Integral):
            if d == 0 and not self.include_bias:
                raise ValueError("Setting degree to zero and include_bias to False would result "
                                 "in an empty output array.")
            return 0, int(d)
        if isinstance(d, collections.abc.Iterable) and len(d) == 2:
            lo, hi = d
            if not (isinstance(lo, numbers.Integral) and isinstance(hi, numbers.Integral)
                    and 0 <= lo <= hi):
                raise ValueError("degree=(min_degree, max_degree) must be non-negative "
                                 "integers that fulfil min_degree <= max_degree, got "
                                 f"{d}.")
            if hi == 0 and not self.include_bias:
                raise ValueError("Setting both min_degree and max_degree to zero and "
                                 "include_bias to False would result in an empty output array.")
            return int(lo), int(hi)
        raise ValueError(f"degree must be a non-negative int or tuple (min_degree, max_degree), "
                         f"got {d}.")

    def fit(self, X, y=None):
        self._validate_params()
        X = frame_to_array(self, X, reset=True)
        X = check_sparse(X, dtype="numeric") if is_sparse(X) else check_array(X)
        self._check_n_features(X, reset=True)
        self._min_degree, self._max_degree = self._degrees()
        n = X.shape[1]
        args = (n, self._min_degree, self._max_degree, self.interaction_only,
                self.include_bias)
        count = self._num_combinations(*args)
        if count > _MAX_INDEX:
            raise ValueError(
                f"The output that would result from the current configuration would have "
                f"{count} features which is too large to be indexed by "
                f"{np.dtype(np.intp).name}. Please change some or all of the following:\n"
                f"- The number of features in the input, currently n_features={n}\n"
                f"- The range of degrees to calculate, currently [{self._min_degree}, "
                f"{self._max_degree}]\n- Whether to include only interaction terms, currently "
                f"{self.interaction_only}\n- Whether to include a bias term, currently "
                f"{self.include_bias}.")
        self.n_output_features_ = count
        return self

    @property
    def powers_(self):
        """(n_output_features_, n_features_in_) exponent of each input feature
        in each output column."""
        self._check_is_fitted("n_output_features_")
        n = self.n_features_in_
        P = np.zeros((self.n_output_features_, n), dtype=np.int64)
        combos = self._combinations(n, self._min_degree, self._max_degree,
                                    self.interaction_only, self.include_bias)
        for k, c in enumerate(combos):
            np.add.at(P[k], list(c), 1)
        return P

    def transform(self, X):
        self._check_is_fitted("n_output_features_")
        X = frame_to_array(self, X, reset=False)
        if is_sparse(X):
            X = check_sparse(X)
            self._check_n_features(X, reset=False)
            csc = X.format == "csc"
            out = csr_polynomial(X.tocsr() if csc else X, self._min_degree, self._max_degree,
                                 self.interaction_only, self.include_bias,
                                 self.n_output_features_)
            return out.tocsc() if csc else out
        X = check_array(X)
        self._check_n_features(X, reset=False)
        count = self.n_output_features_
        if count * max(X.shape[0], 1) > _MAX_DENSE:
            raise ValueError(f"PolynomialFeatures(degree={self.degree}) on {X.shape[1]} features "
                             f"gives {count} output features: a dense {X.shape[0]} x {count} "
                             f"output is too large; lower degree or pass scipy.sparse X.")
        return self._transform_dense(X)

    def _transform_dense(self, X):
        """Degree by degree: the degree-k block is, for each feature j, the
        degree-(k-1) columns whose first factor is >= j (> j with
        interaction_only) times column j."""
        n_samples, n = X.shape
        lo, hi = self._min_degree, self._max_degree
        blocks = [np.ones((n_samples, 1), dtype=X.dtype)] if self.include_bias else []
        prev, starts = None, None  # last degree's block and where feature j's part starts
        for d in range(1, hi + 1):
            if d == 1:
                cur, new_starts = X, np.arange(n + 1)
            else:
                parts, new_starts = [], [0]
                for j in range(n):
                    a = starts[j + 1] if self.interaction_only else starts[j]
                    parts.append(prev[:, a:] * X[:, j:j + 1])
                    new_starts.append(new_starts[-1] + parts[-1].shape[1])
                cur = np.hstack(parts) if parts else np.empty((n_samples, 0), X.dtype)
                new_starts = np.asarray(new_starts)
            if cur.shape[1] == 0:
                break
            if d >= lo:
                blocks.append(cur)
            prev, starts = cur, new_starts
        out = np.hstack(blocks) if blocks else np.empty((n_samples, 0), X.dtype)
        return np.asarray(out, order=self.order)

    def get_feature_names_out(self, input_features=None):
        """Monomial names in output order: "1", "x0", "x0^2", "x0 x1", ..."""
        powers = self.powers_
        names = _input_feature_names(self, input_features)
        out = []
        for row in powers:
            terms = [names[j] if p == 1 else f"{names[j]}^{p}" for j, p in enumerate(row) if p]
            out.append(" ".join(terms) if terms else "1")
        return np.asarray(out, dtype=object)

    def _fastml_tags(self):
        return {"preserves_dtype": ["float64", "float32"], "sparse": True}
