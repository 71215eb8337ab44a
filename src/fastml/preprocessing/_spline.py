"""SplineTransformer: a B-spline basis per feature (splines + a linear model
= spline regression).

The basis is evaluated by fastml._kernels.bspline (Numba, parallel over rows;
its NumPy twin holds the contract) straight into the output: the values agree
with scikit-learn's SplineTransformer (which calls SciPy's BSpline) bit for bit.
"""
import numbers

import numpy as np

from .._kernels import bspline as _kb
from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, StrOptions
from ..utils._state import state_array, state_int
from ..utils.validation import _check_sample_weight, check_array
from ._common import check_allow_nan, frame_to_array

__all__ = ["SplineTransformer"]

_MAX_DENSE = 2 ** 34  # refuse dense outputs with more values (> 128 GiB in float64)


def weighted_percentile(a, sample_weight, percentile_rank, average=False):
    """Weighted percentiles of the 1-D `a` (float64 result, one per rank in
    percent): NumPy's "inverted_cdf" (the smallest value whose cumulative
    weight reaches rank / 100 of the total), or with `average` its
    "averaged_inverted_cdf" (the mean of that value and the next one with
    positive weight when the rank falls exactly on a cumulative weight). NaN
    values get weight 0; all-zero weights give NaN."""
    a = np.asarray(a, dtype=np.float64)
    w = np.array(sample_weight, dtype=np.float64)
    w[np.isnan(a)] = 0.0
    ranks = np.atleast_1d(np.asarray(percentile_rank, dtype=np.float64))
    if not (w > 0).any():
        return np.full(ranks.shape, np.nan)
    order = np.argsort(a, kind="stable")
    sa, sw = a[order], w[order]
    cdf = np.cumsum(sw)
    last = a.shape[0] - 1
    targets = ranks / 100 * cdf[-1]
    targets[targets == 0] = np.nextafter(0.0, 1.0)
    idx = np.minimum(np.searchsorted(cdf, targets), last)
    out = sa[idx]
    if average:
        exact = cdf[idx] - targets <= np.finfo(np.float64).eps
        for r in np.flatnonzero(exact):
            nxt = min(idx[r] + 1, last)
            if sw[nxt] == 0:  # skip zero-weight values: the next one that counts
                nxt = int(np.searchsorted(cdf, cdf[idx[r]], side="right"))
                nxt = idx[r] if nxt > last else nxt
            out[r] = (sa[idx[r]] + sa[nxt]) / 2
    return out


class SplineTransformer(TransformerMixin, BaseEstimator):
    """Univariate B-spline bases of each feature: n_splines = n_knots + degree
    - 1 columns per feature (n_knots - 1 with extrapolation="periodic"; the
    last one dropped without include_bias), in scikit-learn's order and with
    its values.

    knots: "uniform" (n_knots equally spaced between the feature's min and
    max, over samples with positive weight), "quantile" (at equally spaced
    percentiles, weighted with sample_weight) or an array (n_knots,
    n_features) of sorted knots. extrapolation outside the base knots:
    "error", "constant" (the end values), "linear", "continue" (the end
    polynomials) or "periodic" (period = last - first knot).
    handle_missing="zeros" encodes NaN as all-zero splines ("error" rejects
    NaN). sparse_output gives a CSR matrix; order the layout of dense output.

    Differences from scikit-learn 1.9, on purpose: with handle_missing="zeros",
    +/-inf is still rejected with a clear error (scikit-learn lets it through
    and may return NaN); the fitted degree, extrapolation and include_bias are
    the ones transform uses (set_params after fit needs a new fit); with
    extrapolation="linear" and degree <= 1 every feature is extended alike
    (scikit-learn reuses the first feature's bumped degree for the others);
    degree=0 with "constant" / "linear" gives zeros outside the knots (where
    scikit-learn raises a shape error above the last knot); with sparse_output
    and degree=0 out-of-range rows equal the dense output (zeros).
    """

    _parameter_constraints = {
        "n_knots": [Interval(numbers.Integral, 2, None, closed="left")],
        "degree": [Interval(numbers.Integral, 0, None, closed="left")],
        "knots": [StrOptions({"uniform", "quantile"}), "array-like"],
        "extrapolation": [StrOptions({"error", "constant", "linear", "continue", "periodic"})],
        "include_bias": ["boolean"],
        "order": [StrOptions({"C", "F"})],
        "handle_missing": [StrOptions({"error", "zeros"})],
        "sparse_output": ["boolean"],
    }

    def __init__(self, n_knots=5, degree=3, *, knots="uniform", extrapolation="constant",
                 include_bias=True, order="C", handle_missing="error", sparse_output=False):
        self.n_knots = n_knots
        self.degree = degree
        self.knots = knots
        self.extrapolation = extrapolation
        self.include_bias = include_bias
        self.order = order
        self.handle_missing = handle_missing
        self.sparse_output = sparse_output

    @staticmethod
    def _get_base_knot_positions(X, n_knots=10, knots="uniform", sample_weight=None):
        """(n_knots, n_features) base knots: equally spaced between each
        feature's min and max ("uniform", over samples with positive weight;
        an all-NaN feature gives 0), or at equally spaced percentiles
        ("quantile": NumPy's linear method, or the weighted inverted CDF with
        sample_weight). NaN values are ignored."""
        X = np.asarray(X, dtype=np.float64)
        if knots == "quantile":
            ranks = 100 * np.linspace(0, 1, num=n_knots, dtype=np.float64)
            if sample_weight is None:
                return np.nanpercentile(X, ranks, axis=0)
            sw = np.asarray(sample_weight, dtype=np.float64)
            return np.stack([weighted_percentile(X[:, j], sw, ranks)
                             for j in range(X.shape[1])], axis=1)
        rows = slice(None) if sample_weight is None else np.asarray(sample_weight) > 0
        lo = np.zeros(X.shape[1])
        hi = np.zeros(X.shape[1])
        for j in range(X.shape[1]):
            x = X[rows, j]
            x = x[~np.isnan(x)]
            if x.size:
                lo[j], hi[j] = x.min(), x.max()
        return np.linspace(lo, hi, num=n_knots, endpoint=True, dtype=np.float64)

    def _check_X(self, X, reset):
        X = frame_to_array(self, X, reset=reset)
        try:
            if self.handle_missing == "zeros":
                X = check_allow_nan(X)
            else:
                X = check_array(X, ensure_min_samples=2 if reset else 1)
        except ValueError as e:
            if "Input X contains NaN" in str(e) and self.handle_missing == "error":
                raise ValueError(
                    "Input X contains NaN values and `SplineTransformer` is configured to "
                    "error in this case (handle_missing='error'). To avoid this error, set "
                    "handle_missing='zeros' to encode missing values as splines with value "
                    "0 or ensure no missing values in X.") from e
            raise
        if reset and X.shape[0] < 2:
            raise ValueError(f"Found array with {X.shape[0]} sample(s) (shape={X.shape}) while "
                             "a minimum of 2 is required by SplineTransformer.")
        self._check_n_features(X, reset=reset)
        return X

    def fit(self, X, y=None, sample_weight=None):
        """Place the knots of every feature (base knots padded by degree knots
        on each side, or wrapped around for periodic splines)."""
        self._validate_params()
        X = self._check_X(X, reset=True)
        sw = _check_sample_weight(sample_weight, X)
        n_features = X.shape[1]
        if isinstance(self.knots, str):
            base = self._get_base_knot_positions(X, n_knots=self.n_knots, knots=self.knots,
                                                 sample_weight=sw)
        else:
            base = check_array(self.knots, dtype=np.float64, input_name="knots")
            if base.shape[0] < 2:
                raise ValueError("Number of knots, knots.shape[0], must be >= 2.")
            if base.shape[1] != n_features:
                raise ValueError("knots.shape[1] == n_features is violated.")
            if not np.all(np.diff(base, axis=0) > 0):
                raise ValueError("knots must be sorted without duplicates.")
        n_knots, k = base.shape[0], int(self.degree)
        periodic = self.extrapolation == "periodic"
        if periodic and n_knots <= k:
            raise ValueError(f"Periodic splines require degree < n_knots. Got n_knots="
                             f"{n_knots} and degree={k}.")
        if periodic:
            period = base[-1] - base[0]
            T = np.r_[base[-(k + 1):-1] - period, base, base[1:k + 1] + period]
        else:
            dmin, dmax = base[1] - base[0], base[-1] - base[-2]
            T = np.r_[np.linspace(base[0] - k * dmin, base[0] - dmin, num=k), base,
                      np.linspace(base[-1] + dmax, base[-1] + k * dmax, num=k)]
        self._knots = np.ascontiguousarray(T.T, dtype=np.float64)  # (n_features, m)
        self._degree = k
        self._mode = self.extrapolation
        self._include_bias = bool(self.include_bias)
        self._edges = _kb.edge_table(self._knots, k, self._mode)
        n_splines = n_knots - 1 if periodic else n_knots + k - 1
        self._n_splines = n_splines
        self.n_features_out_ = n_features * (n_splines - (not self.include_bias))
        self.bsplines_ = self._make_bsplines()
        return self

    def _make_bsplines(self):
        """SciPy BSpline objects with the identity coefficients, as scikit-learn
        exposes them (bsplines_[i](x) evaluates feature i's basis)."""
        from scipy.interpolate import BSpline

        ns, k = self._n_splines, self._degree
        coef = np.eye(ns, dtype=np.float64)
        if self._mode == "periodic":
            coef = np.concatenate((coef, coef[:k, :]))
        extrapolate = self._mode in ("periodic", "continue")
        return [BSpline.construct_fast(t.copy(), coef, k, extrapolate=extrapolate)
                for t in self._knots]

    def transform(self, X):
        """The basis of every feature side by side: dense (n_samples,
        n_features_out_) in `order`, or CSR with sparse_output."""
        self._check_is_fitted("_knots")
        X = self._check_X(X, reset=False)
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        args = (X, self._knots, self._degree, self._mode, self._include_bias,
                self.handle_missing == "zeros", self._edges)
        if self.sparse_output:
            import scipy.sparse as sp

            indptr, indices, data, bad = _kb.spline_csr(*args, dtype)
            self._raise_out_of_range(bad)
            return sp.csr_matrix((data, indices, indptr),
                                 shape=(X.shape[0], self.n_features_out_))
        if self.n_features_out_ * max(X.shape[0], 1) > _MAX_DENSE:
            raise ValueError(f"SplineTransformer output of {X.shape[0]} x "
                             f"{self.n_features_out_} values is too large for a dense array; "
                             "use sparse_output=True.")
        out = np.zeros((X.shape[0], self.n_features_out_), dtype=dtype, order=self.order)
        self._raise_out_of_range(_kb.spline_dense(*args, out))
        return out

    def _raise_out_of_range(self, bad):
        if bad:
            raise ValueError(f"`X` contains values beyond the limits of the knots (Out of "
                             f"bounds: {bad} value(s) outside the base knots with "
                             "extrapolation='error').")

    def get_feature_names_out(self, input_features=None):
        """"<feature>_sp_<j>" for each feature and spline."""
        self._check_is_fitted("n_features_in_")
        names = _input_feature_names(self, input_features)
        per = self._n_splines - (not self._include_bias)
        return np.asarray([f"{name}_sp_{j}" for name in names for j in range(per)],
                          dtype=object)

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "_knots" not in state:
            return
        own = type(self).__name__
        p = state_int(own, "n_features_in_", state.get("n_features_in_"), 1)
        k = state_int(own, "_degree", state.get("_degree"), 0)
        mode = state.get("_mode")
        if mode not in _kb.MODES:
            raise ValueError(f"Invalid pickled state of {own}: _mode {mode!r} is unknown.")
        T = state_array(own, "_knots", state["_knots"], ndim=2, dtype=np.float64,
                        shape=(p, None), finite=True)
        ns = T.shape[1] - k - 1 - (k if mode == "periodic" else 0)
        need = max(k, 1) if mode == "periodic" else k + 1
        if ns < need or (np.diff(T, axis=1) < 0).any():
            raise ValueError(f"Invalid pickled state of {own}: _knots must be sorted rows "
                             f"giving at least {need} splines of degree {k}, got shape "
                             f"{T.shape}.")
        if state.get("_n_splines") != ns:
            raise ValueError(f"Invalid pickled state of {own}: _n_splines must be {ns}.")
        E = state_array(own, "_edges", state.get("_edges"), ndim=3, dtype=np.float64,
                        shape=(p, 4, k + 1))
        self._knots, self._edges = T, E
        self._include_bias = bool(state.get("_include_bias"))
        self.n_features_out_ = p * (ns - (not self._include_bias))

    def _fastml_tags(self):
        return {"allow_nan": self.handle_missing == "zeros",
                "preserves_dtype": ["float64", "float32"]}
