"""Histogram gradient boosting (the LightGBM / scikit-learn design) on fastml's
compiled engine (csrc/hgb*.c): features binned once into uint8 codes,
leaf-wise trees grown on gradient histograms, a compiled predictor over the
flat node array.

The parameters and fitted attributes are scikit-learn's. Deliberate
differences: the per-split feature draw of max_features < 1 and the
row sample behind early-stopping splits / binning (> 200,000 rows) use their
own random streams, so they match scikit-learn in law, not draw for draw (with
interaction_cst, max_features draws ceil(k * n_allowed / n_features) of a
node's allowed features, k = ceil(max_features * n_features)).
interaction_cst has scikit-learn's semantics: "pairwise", "no_interactions"
or a sequence of feature-index groups (features listed in none form one more
group); a child may split only on the features of the groups of its parent
that contain the parent's split feature.
"""
import itertools
import numbers

import numpy as np

from ..._kernels import hgb as _kh
from ...base import BaseEstimator
from ...utils._progress import progress
from ...utils._param_validation import Interval, RealNotInt, StrOptions
from ...utils.validation import check_array, check_is_fitted, check_random_state, \
    column_or_1d
from . import losses as _L
from .binning import BinMapper

HIST_BUDGET_BYTES = 256 << 20  # histogram pool cap per fit


class BaseHistGradientBoosting(BaseEstimator):

    _parameter_constraints = {
        "loss": [StrOptions({"squared_error", "absolute_error", "gamma", "poisson",
                             "quantile", "log_loss"})],
        "quantile": [Interval(numbers.Real, 0, 1, closed="neither"), None],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_samples_leaf": [Interval(numbers.Integral, 1, None, closed="left")],
        "l2_regularization": [Interval(numbers.Real, 0, None, closed="left")],
        "max_features": [Interval(RealNotInt, 0, 1, closed="right")],
        "max_bins": [Interval(numbers.Integral, 2, 255, closed="both")],
        "categorical_features": ["array-like", StrOptions({"from_dtype"}), None],
        "monotonic_cst": ["array-like", dict, None],
        "interaction_cst": [list, tuple, StrOptions({"pairwise", "no_interactions"}), None],
        "warm_start": ["boolean"],
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "scoring": [str, callable, None],
        "validation_fraction": [Interval(RealNotInt, 0, 1, closed="neither"),
                                Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    # ---- input ------------------------------------------------------------------
    def _check_X(self, X, reset):
        if reset:
            self._cat_dtype_maps = None
        X = self._from_dtype_categories(X, reset)
        self._check_feature_names(X, reset=bool(reset))
        X = check_array(X, dtype=np.float64, ensure_all_finite=False)
        self._check_n_features(X, reset=bool(reset))
        return X

    def _from_dtype_categories(self, X, reset):
        """pandas category columns -> their codes (NaN for missing) when
        categorical_features='from_dtype'."""
        dtypes = getattr(X, "dtypes", None)
        if reset:
            self._cat_from_dtype = None
            if dtypes is not None and isinstance(self.categorical_features, str):
                cats = [str(t) == "category" for t in dtypes]
                if any(cats):
                    self._cat_from_dtype = np.array(cats)
                    self._cat_levels = [list(X.iloc[:, f].cat.categories) if c else None
                                        for f, c in enumerate(cats)]
        mask = getattr(self, "_cat_from_dtype", None)
        if mask is None or dtypes is None:
            return X
        cols = []
        for f in range(X.shape[1]):
            col = X.iloc[:, f]
            if mask[f]:
                levels = {v: i for i, v in enumerate(self._cat_levels[f])}
                codes = np.array([levels.get(v, -1) for v in col.astype(object)], dtype=float)
                codes[codes < 0] = np.nan
                cols.append(codes)
            else:
                cols.append(np.asarray(col, dtype=np.float64))
        return np.column_stack(cols)

    def _categorical_mask(self, X):
        d = X.shape[1]
        cf = self.categorical_features
        if getattr(self, "_cat_from_dtype", None) is not None:
            return self._cat_from_dtype.copy()
        if cf is None or isinstance(cf, str):
            return np.zeros(d, dtype=bool)
        cf = np.asarray(cf)
        if cf.size == 0:
            return np.zeros(d, dtype=bool)
        if cf.dtype.kind == "b":
            if cf.shape != (d,):
                raise ValueError(f"categorical_features as a boolean mask must have shape "
                                 f"({d},), got {cf.shape}.")
            return cf.copy()
        if cf.dtype.kind in "iu":
            if ((cf < 0) | (cf >= d)).any():
                raise ValueError(f"categorical_features has indices out of range [0, {d}): "
                                 f"{cf.tolist()}.")
            mask = np.zeros(d, dtype=bool)
            mask[cf] = True
            return mask
        raise ValueError(f"categorical_features must be a boolean mask, integer indices, "
                         f"'from_dtype' or None, got {self.categorical_features!r}.")

    def _known_categories(self, X, is_cat):
        known = [None] * X.shape[1]
        for f in np.flatnonzero(is_cat):
            col = X[:, f]
            col = col[~np.isnan(col)]
            if col.size and (col != np.round(col)).any():
                raise ValueError(f"Categorical feature {f} must hold integer category codes; "
                                 f"got non-integer values.")
            col = col[col >= 0]  # negative codes count as missing
            cats = np.unique(col)
            if cats.size > self.max_bins:
                raise ValueError(f"Categorical feature {f} is expected to have a cardinality "
                                 f"<= {self.max_bins} (max_bins), got {cats.size}.")
            if cats.size and cats[-1] >= self.max_bins:
                raise ValueError(f"Categorical feature {f} is expected to be encoded with "
                                 f"values < {self.max_bins} (max_bins), got {cats[-1]:g}.")
            known[f] = cats
        return known

    def _monotonic(self, d, is_cat):
        cst = self.monotonic_cst
        out = np.zeros(d, dtype=np.int8)
        if cst is None:
            return out
        if isinstance(cst, dict):
            names = getattr(self, "feature_names_in_", None)
            for k, v in cst.items():
                if names is None or k not in list(names):
                    raise ValueError(f"monotonic_cst key {k!r} is not a feature name of X.")
                out[list(names).index(k)] = v
        else:
            arr = np.asarray(cst)
            if arr.shape != (d,):
                raise ValueError(f"monotonic_cst has shape {arr.shape} but the input data X "
                                 f"has {d} features.")
            out[:] = arr
        if not np.isin(out, (-1, 0, 1)).all():
            raise ValueError(f"monotonic_cst must be an array-like of -1, 0 or 1, got "
                             f"{cst!r}.")
        if (out[is_cat] != 0).any():
            raise ValueError("Categorical features cannot have monotonic constraints.")
        if self._is_classifier and self._n_classes > 2 and (out != 0).any():
            raise ValueError("monotonic constraints are not supported for multiclass "
                             "classification.")
        return out

    def _interaction_groups(self, d):
        """interaction_cst as a uint8 membership matrix (ngroups, d), or None."""
        cst = self.interaction_cst
        if cst is None:
            return None
        if isinstance(cst, str):
            cst = [[i] for i in range(d)] if cst == "no_interactions" else \
                itertools.combinations(range(d), 2)
        try:
            groups = [set(group) for group in cst]
        except TypeError:
            raise ValueError(f"Interaction constraints must be a sequence of tuples or lists, "
                             f"got: {self.interaction_cst!r}.") from None
        for group in groups:
            for x in group:
                if not (isinstance(x, numbers.Integral) and not isinstance(x, bool)
                        and 0 <= x < d):
                    raise ValueError(f"Interaction constraints must consist of integer indices "
                                     f"in [0, n_features - 1] = [0, {d - 1}], specifying the "
                                     f"position of features, got invalid indices: {group!r}")
        rest = set(range(d)).difference(*groups)
        if rest:
            groups.append(rest)
        out = np.zeros((len(groups), d), dtype=np.uint8)
        for i, group in enumerate(groups):
            out[i, list(group)] = 1
        return out

    # ---- fit --------------------------------------------------------------------
    def _early_stopping_on(self, n):
        if self.early_stopping == "auto":
            return n > 10000
        return bool(self.early_stopping)

    def _tree_params(self, n, d, hess_const, seed):
        msl = int(self.min_samples_leaf)
        bound = n // msl + 1
        mln = bound if self.max_leaf_nodes is None else min(int(self.max_leaf_nodes), bound)
        mln = max(mln, 2)
        k = d if self.max_features == 1 else max(1, int(np.ceil(self.max_features * d)))
        params = dict(max_leaf_nodes=mln, max_depth=0 if self.max_depth is None else
                      int(self.max_depth), min_samples_leaf=msl, min_hessian=1e-3,
                      l2=float(self.l2_regularization), max_features=k, hist_pool=3, seed=seed,
                      hess_const=int(hess_const), nbins=int(self.max_bins) + 1)
        one = _kh.work_size(0, d, params) - _kh.work_size(0, d, dict(params, hist_pool=2))
        params["hist_pool"] = int(max(3, min(mln + 1, HIST_BUDGET_BYTES // max(one, 1))))
        return params

    def fit(self, X, y, sample_weight=None):
        """Fit the boosted trees (max_iter iterations unless early stopping ends them)."""
        self._validate_params()
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             f"is None.")
        X = self._check_X(X, reset=True)
        y = column_or_1d(y, warn=True)
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"Found input variables with inconsistent numbers of samples: "
                             f"[{X.shape[0]}, {y.shape[0]}].")
        y, w = self._encode_y(y, sample_weight, X.shape[0])
        n, d = X.shape
        rng = check_random_state(self.random_state)
        warm = self.warm_start and getattr(self, "_trees", None)
        if not warm:
            self._seed = int(rng.randint(np.iinfo(np.uint32).max, dtype=np.uint64))
        seed_rng = np.random.RandomState(self._seed & 0xFFFFFFFF)
        is_cat = self._categorical_mask(X)
        known = self._known_categories(X, is_cat)
        if is_cat.any():
            X = X.copy()
            X[:, is_cat] = np.where(X[:, is_cat] < 0, np.nan, X[:, is_cat])
        self.is_categorical_ = is_cat if is_cat.any() else None
        self._known = known
        mono = self._monotonic(d, is_cat)
        groups = self._interaction_groups(d)
        es = self._early_stopping_on(n)
        Xtr, ytr, wtr, Xval, yval, wval = X, y, w, None, None, None
        if es and self.validation_fraction is not None:
            Xtr, ytr, wtr, Xval, yval, wval = self._split(X, y, w, seed_rng)
        mapper = BinMapper(self.max_bins, is_cat, known, seed_rng).fit(Xtr, wtr)
        codes_rm, codes_cm = mapper.transform(Xtr)
        has_missing = (codes_cm == mapper.missing_bin_).any(axis=1).astype(np.uint8)
        self._bin_mapper = mapper
        loss = self._loss_name()
        K = self._n_trees
        self.n_trees_per_iteration_ = K
        quantile = getattr(self, "quantile", None)
        q = 0.5 if quantile is None else float(quantile)
        if loss == "quantile" and quantile is None:
            raise ValueError("quantile must be set (0 < quantile < 1) when loss='quantile'.")
        if not warm:
            self._baseline = _L.baseline(loss, ytr, wtr, K, q)
            self._trees = []  # per iteration: list of K (nodes, raw catbits)
            self._flat = None
        raw = np.tile(self._baseline, (Xtr.shape[0], 1))
        if warm:
            if self.max_iter < len(self._trees):
                raise ValueError(f"max_iter={self.max_iter} must be larger than or equal to "
                                 f"n_iter_={len(self._trees)} when warm_start==True")
            self._add_raw(raw, Xtr, 0, len(self._trees))
        raw_val = None
        if Xval is not None:
            raw_val = np.tile(self._baseline, (Xval.shape[0], 1))
            if warm:
                self._add_raw(raw_val, Xval, 0, len(self._trees))
        scorer = self._scorer(loss, q) if es else None
        train_scores, val_scores = [], []
        if es:
            train_scores.append(scorer(raw, Xtr, ytr, wtr, train=True))
            if Xval is not None:
                val_scores.append(scorer(raw_val, Xval, yval, wval, train=False))
        hess_const = loss in ("squared_error", "absolute_error", "quantile") and wtr is None
        params = self._tree_params(Xtr.shape[0], d, hess_const, self._seed)
        # losses with a leaf update (median / quantile of the residuals) grow tree by
        # tree; the others run one compiled call per iteration (gradients, the K trees,
        # the raw-score update)
        fused = not _L.needs_leaf_update(loss)
        work = np.empty(_kh.iter_work_size(Xtr.shape[0], d, K, params) if fused else
                        _kh.work_size(Xtr.shape[0], d, params), dtype=np.uint8)
        yk = np.ascontiguousarray(ytr, dtype=np.float64)
        with progress(self.max_iter - len(self._trees), type(self).__name__,
                      self.verbose) as bar:
            for it in range(len(self._trees), self.max_iter):
                seeds = [(self._seed * 1000003 + it * 131 + k) & 0xFFFFFFFFFFFFFFFF
                         for k in range(K)]
                if fused:
                    grown = _kh.boost_iter(raw, yk, wtr, loss, q, self.learning_rate, seeds,
                                           codes_rm, codes_cm, mapper.nbins_non_missing_,
                                           has_missing, mapper.is_cat, mono, params, work,
                                           groups)
                else:
                    grown = self._grow_iteration(raw, yk, ytr, wtr, loss, q, seeds, codes_rm,
                                                 codes_cm, mapper, has_missing, mono, params,
                                                 work, groups)
                trees = [self._finish_tree(nodes, bits, mapper) for nodes, bits in grown]
                all_roots_only = all(nodes.shape[0] == 1 for nodes, _ in grown)
                self._trees.append(trees)
                self._flat = None
                if raw_val is not None:
                    self._add_raw(raw_val, Xval, it, it + 1)
                stop = False
                if es:
                    train_scores.append(scorer(raw, Xtr, ytr, wtr, train=True))
                    if Xval is not None:
                        val_scores.append(scorer(raw_val, Xval, yval, wval, train=False))
                    stop = self._should_stop(val_scores if Xval is not None else train_scores)
                if int(self.verbose) >= 2:
                    print(f"[{it + 1}/{self.max_iter}] {sum(t[0].shape[0] for t in trees)} nodes"
                          + (f", train score: {train_scores[-1]:.5f}" if es else ""))
                bar.update()
                if stop or all_roots_only:
                    break
        self.n_iter_ = len(self._trees)
        self._flat_model()  # cached now, so predict leaves the estimator unchanged
        self.train_score_ = np.asarray(train_scores)
        self.validation_score_ = np.asarray(val_scores)
        return self

    def _grow_iteration(self, raw, yk, ytr, wtr, loss, q, seeds, codes_rm, codes_cm, mapper,
                        has_missing, mono, params, work, groups):
        """One iteration tree by tree (losses whose leaves are re-fitted to the
        residuals between growth and the raw-score update)."""
        g, h = _kh.gradients(raw, yk, wtr, loss, q)
        grown = []
        for k in range(raw.shape[1]):
            params["seed"] = seeds[k]
            nodes, bits, rows = _kh.grow_tree(codes_rm, codes_cm, g[k], h[k],
                                              mapper.nbins_non_missing_, has_missing,
                                              mapper.is_cat, mono, params, work, groups)
            leaf = nodes["feature"] < 0
            if nodes.shape[0] > 1:
                nodes["value"][leaf] = _L.leaf_update(
                    loss, nodes["value"][leaf], nodes["start"][leaf], nodes["count"][leaf],
                    rows, ytr - raw[:, 0], wtr, q)
            nodes["value"] *= self.learning_rate
            self._apply_leaves(raw, k, nodes, rows)
            grown.append((nodes, bits))
        return grown

    def _apply_leaves(self, raw, k, nodes, rows):
        leaf = np.flatnonzero(nodes["feature"] < 0)
        leaf = leaf[np.argsort(nodes["start"][leaf])]
        raw[rows, k] += np.repeat(nodes["value"][leaf], nodes["count"][leaf])

    def _finish_tree(self, nodes, bits, mapper):
        """Raw thresholds and raw-category bitsets for prediction."""
        internal = np.flatnonzero(nodes["feature"] >= 0)
        raw_bits = np.zeros_like(bits)
        cat = nodes["is_cat"][internal].astype(bool)
        num = internal[~cat]
        if num.size:  # the bin's upper threshold; +inf past the last one
            f, b = nodes["feature"][num], nodes["bin"][num].astype(np.intp)
            table = mapper.thr_table_
            nodes["threshold"][num] = np.where(
                b < mapper.nthr_[f], table[f, np.minimum(b, table.shape[1] - 1)], np.inf)
        for i in internal[cat]:
            f = nodes["feature"][i]
            cats = mapper.thresholds_[f].astype(np.int64)
            sel = np.unpackbits(bits[i].view(np.uint8), bitorder="little")[:cats.size]
            for c in cats[sel.astype(bool)]:
                raw_bits[i, c >> 5] |= np.uint32(1 << (c & 31))
            nodes["cat"][i] = i
            nodes["threshold"][i] = np.nan
        return nodes, raw_bits

    def _split(self, X, y, w, rng):
        n = X.shape[0]
        vf = self.validation_fraction
        nval = int(vf) if isinstance(vf, numbers.Integral) else int(np.ceil(vf * n))
        if not 0 < nval < n:
            raise ValueError(f"validation_fraction={vf!r} leaves no training or no validation "
                             f"samples for {n} samples.")
        if self._is_classifier:
            perm = np.empty(0, dtype=np.intp)
            val_parts = []
            for c in np.unique(y):
                idx = np.flatnonzero(y == c)
                idx = idx[rng.permutation(idx.size)]
                take = int(round(nval * idx.size / n))
                val_parts.append(idx[:take])
            val = np.sort(np.concatenate(val_parts))
        else:
            val = np.sort(rng.permutation(n)[:nval])
        tr = np.setdiff1d(np.arange(n), val)
        sub = (lambda a, i: None if a is None else a[i])
        return X[tr], y[tr], sub(w, tr), X[val], y[val], sub(w, val)

    def _should_stop(self, scores):
        ref = self.n_iter_no_change + 1
        if len(scores) < ref:
            return False
        reference = scores[-ref] + self.tol
        return not any(s > reference for s in scores[-ref + 1:])

    def _scorer(self, loss, q):
        if self.scoring == "loss":
            return lambda raw, X, y, w, train: -_L.value(loss, y, raw, w, q)
        from ...metrics._scorer import check_scoring
        sc = check_scoring(self, self.scoring)

        def score(raw, X, y, w, train):
            return float(sc(self, X, self._decode_y(y))) if w is None else \
                float(sc(self, X, self._decode_y(y), sample_weight=w))
        return score

    # ---- predict ----------------------------------------------------------------
    @staticmethod
    def _flatten(iterations):
        """Trees of `iterations` as one node array (absolute child indices), raw
        bitsets, roots."""
        nodes, bits, roots, off = [], [], [], 0
        for trees in iterations:
            for nd, rb in trees:
                nd = nd.copy()
                inner = nd["feature"] >= 0
                nd["left"][inner] += off
                nd["right"][inner] += off
                nd["cat"][nd["cat"] >= 0] += off
                nodes.append(nd)
                bits.append(rb)
                roots.append(off)
                off += nd.shape[0]
        if not nodes:
            return (np.zeros(0, dtype=_kh.NODE_DTYPE), np.zeros((0, 8), np.uint32),
                    np.zeros(0, dtype=np.int64))
        return (np.concatenate(nodes), np.ascontiguousarray(np.concatenate(bits)),
                np.asarray(roots, dtype=np.int64))

    def _flat_model(self):
        """All trees flattened (see _flatten), cached."""
        if getattr(self, "_flat", None) is None:
            self._flat = self._flatten(self._trees)
        return self._flat

    def _prepare_predict_X(self, X):
        X = self._check_X(X, reset=False)
        cat = getattr(self, "is_categorical_", None)
        if cat is not None:
            X = X.copy()
            for f in np.flatnonzero(cat):
                col = X[:, f]
                X[:, f] = np.where(np.isin(col, self._known[f]), col, np.nan)
        return X

    def _add_raw(self, raw, X, it0, it1):
        """raw += the trees of iterations it0 .. it1-1 (X already prepared)."""
        if it1 - it0 < len(self._trees) and getattr(self, "_flat", None) is None:
            nodes, bits, roots = self._flatten(self._trees[it0:it1])  # during fit
        else:
            nodes, bits, roots = self._flat_model()
            roots = roots[it0 * self._n_trees:it1 * self._n_trees]
        _kh.predict_raw(raw, X, nodes, bits, roots)
        return raw

    def _raw_predict(self, X):
        check_is_fitted(self, "_trees")
        X = self._prepare_predict_X(X)
        raw = np.tile(self._baseline, (X.shape[0], 1))
        return self._add_raw(raw, X, 0, len(self._trees))

    def _staged_raw_predict(self, X):
        check_is_fitted(self, "_trees")
        X = self._prepare_predict_X(X)
        raw = np.tile(self._baseline, (X.shape[0], 1))
        for it in range(len(self._trees)):
            self._add_raw(raw, X, it, it + 1)
            yield raw.copy()

    def __sklearn_is_fitted__(self):
        return getattr(self, "_trees", None) is not None and hasattr(self, "n_iter_")

    def _fastml_tags(self):
        return {"allow_nan": True}
