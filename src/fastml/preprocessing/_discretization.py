"""KBinsDiscretizer: bin each feature into intervals (uniform widths, equal
counts, or 1-D k-means), encoded as ordinal bin ids or one-hot columns."""
import numbers
import warnings

import numpy as np

from .._kernels import binning as _kbins
from ..base import BaseEstimator, TransformerMixin, _input_feature_names
from ..utils._param_validation import Interval, Options, StrOptions
from ..utils._sparse import is_sparse
from ..utils.validation import _check_sample_weight, check_array, check_random_state
from ._common import frame_to_array
from ._spline import weighted_percentile

__all__ = ["KBinsDiscretizer"]

_QUANTILE_METHODS = {"inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                     "interpolated_inverted_cdf", "hazen", "weibull", "linear",
                     "median_unbiased", "normal_unbiased"}


class KBinsDiscretizer(TransformerMixin, BaseEstimator):
    """Bin continuous features into intervals.

    strategy: "uniform" (equal widths between the min and max of the samples
    with positive weight), "quantile" (edges at equally spaced percentiles,
    NumPy's `quantile_method`; with sample_weight the weighted inverted CDF,
    plain or averaged) or "kmeans" (edges half way between the centres of a
    1-D fastml KMeans started from the uniform bin centres). Bins narrower
    than 1e-8 are merged (UserWarning); a constant feature gets one bin.
    encode: "onehot" (CSR), "onehot-dense" or "ordinal" (bin ids as floats).
    subsample: fit on that many rows drawn with replacement (weighted by
    sample_weight, which is then dropped), as scikit-learn draws them for the
    same random_state. bin_edges_[j] holds n_bins_[j] + 1 edges; transform
    uses the inner ones (values beyond the outer edges go to the end bins).

    Difference from scikit-learn, on purpose: inverse_transform returns a
    constant feature's value (scikit-learn returns NaN, the centre of the
    bin (-inf, inf)).
    """

    _parameter_constraints = {
        "n_bins": [Interval(numbers.Integral, 2, None, closed="left"), "array-like"],
        "encode": [StrOptions({"onehot", "onehot-dense", "ordinal"})],
        "strategy": [StrOptions({"uniform", "quantile", "kmeans"})],
        "quantile_method": [StrOptions(_QUANTILE_METHODS)],
        "dtype": [Options(type, {np.float64, np.float32}), None],
        "subsample": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, n_bins=5, *, encode="onehot", strategy="quantile",
                 quantile_method="averaged_inverted_cdf", dtype=None, subsample=200_000,
                 random_state=None):
        self.n_bins = n_bins
        self.encode = encode
        self.strategy = strategy
        self.quantile_method = quantile_method
        self.dtype = dtype
        self.subsample = subsample
        self.random_state = random_state

    def _validate_n_bins(self, n_features):
        orig = self.n_bins
        if isinstance(orig, numbers.Integral):
            return np.full(n_features, orig, dtype=int)
        n_bins = check_array(orig, dtype=int, ensure_2d=False, input_name="n_bins").copy()
        if n_bins.ndim > 1 or n_bins.shape[0] != n_features:
            raise ValueError("n_bins must be a scalar or array of shape (n_features,).")
        bad = np.flatnonzero((n_bins < 2) | (n_bins != np.asarray(orig)))
        if bad.size:
            raise ValueError(f"KBinsDiscretizer received an invalid number of bins at indices "
                             f"{', '.join(str(i) for i in bad)}. Number of bins must be at "
                             "least 2, and must be an int.")
        return n_bins

    def fit(self, X, y=None, sample_weight=None):
        """Compute the bin edges of every feature."""
        self._validate_params()
        X = frame_to_array(self, X, reset=True)
        X = check_array(X, dtype="numeric")
        self._check_n_features(X, reset=True)
        n_samples, n_features = X.shape
        sw = _check_sample_weight(sample_weight, X)
        if self.subsample is not None and n_samples > self.subsample:
            rng = check_random_state(self.random_state)
            p = None if sw is None else sw / sw.sum()
            X = X[rng.choice(n_samples, size=self.subsample, p=p, replace=True)]
            sw = None
        n_bins = self._validate_n_bins(n_features)
        method = self.quantile_method
        if self.strategy == "quantile" and sw is not None and \
                method not in ("inverted_cdf", "averaged_inverted_cdf"):
            raise ValueError("When fitting with strategy='quantile' and sample weights, "
                             "quantile_method should either be set to 'averaged_inverted_cdf' "
                             f"or 'inverted_cdf', got quantile_method='{method}' instead.")
        rows = sw != 0 if (self.strategy != "quantile" and sw is not None) else slice(None)
        edges = np.zeros(n_features, dtype=object)
        self._constant = np.full(n_features, np.nan)
        for j in range(n_features):
            col = X[:, j]
            lo, hi = col[rows].min(), col[rows].max()
            if lo == hi:
                warnings.warn(f"Feature {j} is constant and will be replaced with 0.")
                n_bins[j] = 1
                edges[j] = np.array([-np.inf, np.inf])
                self._constant[j] = lo
                continue
            e = self._edges(col, lo, hi, int(n_bins[j]), sw)
            if self.strategy != "uniform":
                e = e[np.ediff1d(e, to_begin=np.inf) > 1e-8]
                if len(e) - 1 != n_bins[j]:
                    warnings.warn(f"Bins whose width are too small (i.e., <= 1e-8) in feature "
                                  f"{j} are removed. Consider decreasing the number of bins.")
                    n_bins[j] = len(e) - 1
            edges[j] = e
        self.bin_edges_ = edges
        self.n_bins_ = n_bins
        return self

    def _edges(self, col, lo, hi, k, sw):
        """The k + 1 edges of one feature (before merging narrow bins)."""
        if self.strategy == "uniform":
            return np.linspace(lo, hi, k + 1)
        if self.strategy == "quantile":
            levels = np.linspace(0, 100, k + 1)
            if sw is None:
                kw = {} if self.quantile_method == "linear" else {"method": self.quantile_method}
                return np.asarray(np.percentile(col, levels, **kw), dtype=np.float64)
            return weighted_percentile(col, sw, levels,
                                       average=self.quantile_method == "averaged_inverted_cdf")
        from ..cluster import KMeans

        uniform = np.linspace(lo, hi, k + 1)
        init = (uniform[1:] + uniform[:-1])[:, None] * 0.5
        km = KMeans(n_clusters=k, init=init, n_init=1)
        centers = np.sort(km.fit(col[:, None].astype(np.float64), sample_weight=sw)
                          .cluster_centers_[:, 0])
        return np.r_[lo, (centers[1:] + centers[:-1]) * 0.5, hi]

    def _offsets(self):
        return np.concatenate([[0], np.cumsum(self.n_bins_)]).astype(np.int64)

    def transform(self, X):
        """Bin ids (ordinal, in the output dtype) or their one-hot encoding."""
        self._check_is_fitted("bin_edges_")
        X = frame_to_array(self, X, reset=False)
        dtype = (np.float64, np.float32) if self.dtype is None else self.dtype
        X = check_array(X, dtype=dtype)
        self._check_n_features(X, reset=False)
        n, p = X.shape
        inner = [np.asarray(e, dtype=np.float64)[1:-1] for e in self.bin_edges_]
        ptr = np.concatenate([[0], np.cumsum([len(e) for e in inner])]).astype(np.int64)
        edges = np.concatenate(inner) if inner else np.zeros(0)
        if self.encode == "ordinal":
            out = np.empty((n, p), dtype=X.dtype)
            _kbins.bin_ids(X, edges, ptr, np.zeros(p, dtype=np.int64), out)
            return out
        cols = np.empty((n, p), dtype=np.int64)
        _kbins.bin_ids(X, edges, ptr, self._offsets()[:-1], cols)
        total = int(self._offsets()[-1])
        if self.encode == "onehot-dense":
            out = np.zeros((n, total), dtype=X.dtype)
            np.put_along_axis(out, cols, 1, axis=1)
            return out
        import scipy.sparse as sp

        return sp.csr_matrix((np.ones(n * p, dtype=X.dtype), cols.ravel(),
                              np.arange(0, n * p + 1, p, dtype=np.int64)), shape=(n, total))

    def inverse_transform(self, X):
        """Bin centres (the mean of each bin's two edges) of binned data."""
        self._check_is_fitted("bin_edges_")
        p = self.n_bins_.shape[0]
        if "onehot" in self.encode:
            offs = self._offsets()
            if is_sparse(X):
                X = X.toarray()
            X = check_array(X, dtype=(np.float64, np.float32))
            if X.shape[1] != offs[-1]:
                raise ValueError(f"Shape of the passed X data is not correct. Expected "
                                 f"{offs[-1]} columns, got {X.shape[1]}.")
            bins = np.stack([np.argmax(X[:, offs[j]:offs[j + 1]], axis=1) for j in range(p)],
                            axis=1) if p else np.zeros((X.shape[0], 0), dtype=np.int64)
            Xinv = bins.astype(X.dtype)
        else:
            Xinv = check_array(X, copy=True, dtype=(np.float64, np.float32))
            if Xinv.shape[1] != p:
                raise ValueError(f"Incorrect number of features. Expecting {p}, received "
                                 f"{Xinv.shape[1]}.")
            Xinv = Xinv.copy()
        const = getattr(self, "_constant", np.full(p, np.nan))
        for j in range(p):
            e = np.asarray(self.bin_edges_[j], dtype=np.float64)
            ids = Xinv[:, j]
            if ((ids < 0) | (ids >= self.n_bins_[j]) | (ids != np.floor(ids))).any():
                raise ValueError(f"X[:, {j}] holds values that are not bin ids in "
                                 f"[0, {self.n_bins_[j]}).")
            if np.isinf(e).all():  # a constant feature: its value
                Xinv[:, j] = const[j]
                continue
            Xinv[:, j] = ((e[1:] + e[:-1]) * 0.5)[ids.astype(np.int64)]
        return Xinv

    def get_feature_names_out(self, input_features=None):
        """The input names (ordinal) or "<feature>_<bin>.0" per one-hot column."""
        self._check_is_fitted("n_features_in_")
        names = _input_feature_names(self, input_features)
        if self.encode == "ordinal" or not hasattr(self, "n_bins_"):
            return np.asarray(names, dtype=object)
        return np.asarray([f"{name}_{float(b)}" for name, k in zip(names, self.n_bins_)
                           for b in range(k)], dtype=object)

    def _fastml_tags(self):
        return {"preserves_dtype": ["float64", "float32"]}
