"""Kernel support vector machines: SVC, NuSVC, SVR, NuSVR and OneClassSVM.

Same parameters, fitted attributes, warnings and decision values as
scikit-learn's libsvm-backed classes (see _base.py for the solver and the
one-vs-one layout). Differences on purpose: the solver keeps its kernel rows
in float64 (libsvm: float32), so solutions agree with scikit-learn's to the
stopping tolerance rather than bit for bit; `verbose` prints nothing; the
probability calibration draws its 5-fold split from `random_state` with
NumPy's generator, so probabilities match libsvm's in distribution, not
exactly; pairs of classes train in parallel on fastml.set_num_threads()
threads.
"""
import numbers

import numpy as np

from ..base import BaseEstimator, ClassifierMixin, RegressorMixin
from ..exceptions import NotFittedError
from ..utils._set_output import available_if
from ..utils._sparse import is_sparse
from ..utils.validation import _check_sample_weight, check_consistent_length, check_is_fitted
from . import _base, _platt

__all__ = ["SVC", "NuSVC", "SVR", "NuSVR", "OneClassSVM"]


class BaseLibSVM(BaseEstimator):
    _impl: str | None = None

    def _kernel_name(self):
        return "precomputed" if callable(self.kernel) else self.kernel

    def _fastml_tags(self):
        return {"pairwise": self.kernel == "precomputed",
                "sparse": self.kernel != "precomputed"}

    def __setstate__(self, state):
        _base.validate_state(self, state)
        self.__dict__.update(state)

    def _compute_kernel(self, X):
        K = self.kernel(X, self._Xfit)
        if is_sparse(K):
            K = K.toarray()
        K = np.ascontiguousarray(np.asarray(K, dtype=np.float64))
        expected = (X.shape[0] if hasattr(X, "shape") else len(X),
                    self._Xfit.shape[0] if hasattr(self._Xfit, "shape") else len(self._Xfit))
        if K.shape != expected:
            raise ValueError(f"The kernel callable returned an array of shape {K.shape}; "
                             f"expected {expected} (rows of X by training samples).")
        return K

    # ---- fit ------------------------------------------------------------------
    def _check_fit_input(self, X, y):
        self._validate_params()
        if is_sparse(X) and self.kernel == "precomputed":
            raise TypeError("Sparse precomputed kernels are not supported.")
        self._sparse = is_sparse(X) and not callable(self.kernel)
        if callable(self.kernel):
            if is_sparse(X):
                if X.shape[0] != len(y):
                    raise ValueError("Found input variables with inconsistent numbers of "
                                     f"samples: [{X.shape[0]}, {len(y)}]")
            else:
                check_consistent_length(X, y)
            return X, y
        if self._sparse:
            self._check_feature_names(X, reset=True)
            X = _base.as_csr(X)
            self._check_n_features(X, reset=True)
            if y is None:
                raise ValueError("requires y to be passed, but the target y is None")
            y = np.asarray(y)
            if X.shape[0] != len(y):
                raise ValueError("Found input variables with inconsistent numbers of samples: "
                                 f"[{X.shape[0]}, {len(y)}]")
            return X, y
        return self._validate_data(X, y, dtype=np.float64)

    def _set_gamma(self, X):
        if self._kernel_name() == "precomputed":
            self._gamma = 0.0
        elif isinstance(self.gamma, str):
            if self.gamma == "scale":
                if self._sparse:
                    var = X.multiply(X).mean() - X.mean() ** 2
                else:
                    var = X.var()
                self._gamma = 1.0 / (X.shape[1] * var) if var != 0 else 1.0
            else:
                self._gamma = 1.0 / X.shape[1]
        else:
            self._gamma = float(self.gamma)

    def fit(self, X, y=None, sample_weight=None):
        X, y = self._check_fit_input(X, y)
        y = self._validate_targets(y)
        n = X.shape[0] if hasattr(X, "shape") else len(X)
        if self._impl != "one_class" and n != y.shape[0]:
            raise ValueError(f"X and y have incompatible shapes.\nX has {n} samples, but y "
                             f"has {y.shape[0]}.")
        if self.kernel == "precomputed" and n != X.shape[1]:
            raise ValueError("Precomputed matrix must be a square matrix. Input is a "
                             f"{X.shape[0]}x{X.shape[1]} matrix.")
        if sample_weight is not None and not np.isscalar(sample_weight):
            sample_weight = np.asarray(sample_weight)
        if sample_weight is not None and sample_weight.ndim == 1 and \
                len(sample_weight) != n:
            raise ValueError(f"sample_weight and X have incompatible shapes: "
                             f"{np.shape(sample_weight)} vs {(n,)}\nNote: Sparse matrices "
                             "cannot be indexed w/boolean masks (use `indices=True` in CV).")
        # libsvm drops samples of weight <= 0 (negative weights are allowed)
        sw = _check_sample_weight(None if sample_weight is None else np.abs(sample_weight), n,
                                  allow_all_zero=True)
        sw = np.ones(n) if sw is None else np.asarray(sample_weight, dtype=np.float64) * 1.0
        Xk = X
        if callable(self.kernel):
            self._Xfit = X
            Xk = self._compute_kernel(X)
            if Xk.shape[0] != Xk.shape[1]:
                raise ValueError("X.shape[0] should be equal to X.shape[1]")
        elif not self._sparse:
            Xk = np.ascontiguousarray(X, dtype=np.float64)
        self._set_gamma(X if not callable(self.kernel) else Xk)
        keep = np.flatnonzero(sw > 0)
        if keep.size == 0:
            raise ValueError("Invalid input - all samples have zero or negative weights.")
        if keep.size < n:  # libsvm drops the samples of weight <= 0
            if self._kernel_name() == "precomputed":
                Xk = np.ascontiguousarray(Xk[np.ix_(keep, keep)])
            else:
                Xk = Xk[keep]
            y, sw = y[keep], sw[keep]
        prob = _base.Problem(Xk, self._kernel_name(), self.degree, self._gamma, self.coef0,
                             self.cache_size, self.tol, self.shrinking, self.max_iter)
        self._fit_problem(prob, y, sw)
        self.support_ = keep[self.support_].astype(np.int32)
        self.shape_fit_ = X.shape if hasattr(X, "shape") else (n,)
        if self._kernel_name() == "precomputed":
            self.support_vectors_ = np.empty((0, 0))
        else:
            self.support_vectors_ = X[self.support_]
            if not self._sparse:
                self.support_vectors_ = np.ascontiguousarray(self.support_vectors_)
        self._intercept_ = self.intercept_.copy()
        self._dual_coef_ = self.dual_coef_
        if self._impl in ("c_svc", "nu_svc") and len(self.classes_) == 2:
            self.intercept_ = -self.intercept_
            self.dual_coef_ = -self.dual_coef_
        if self._sparse:
            import scipy.sparse as sp
            self.dual_coef_ = sp.csr_matrix(self.dual_coef_)
            self._dual_coef_ = sp.csr_matrix(self._dual_coef_)
        _base.check_fit_result(self, self.fit_status_ == 1)
        return self

    def _validate_targets(self, y):
        self.class_weight_ = np.empty(0)
        return np.asarray(column_1d(y), dtype=np.float64)

    def _fit_problem(self, prob, y, sw):
        coef, rho, it, hit = _base.fit_regression(self, prob, y, sw, self._impl)
        nz = np.flatnonzero(coef != 0)
        self.support_ = nz
        self._n_support = np.array([len(nz), 0], dtype=np.int32)
        self.dual_coef_ = coef[nz][None, :].copy()
        self.intercept_ = np.array([-rho])
        self._probA = self._probB = np.empty(0)
        self.n_iter_ = int(it)
        self.fit_status_ = int(hit)

    # ---- predict ----------------------------------------------------------------
    def _validate_for_predict(self, X):
        check_is_fitted(self)
        if not callable(self.kernel):
            if is_sparse(X) and self._sparse:
                self._check_feature_names(X, reset=False)
                X = _base.as_csr(X)
                self._check_n_features(X, reset=False)
            elif is_sparse(X):
                raise ValueError(f"cannot use sparse input in {type(self).__name__!r} trained "
                                 "on dense data")
            else:
                X = self._validate_data(X, reset=False, dtype=np.float64)
                if self._sparse:
                    import scipy.sparse as sp
                    X = sp.csr_matrix(X)
        if self.kernel == "precomputed":
            if X.shape[1] != self.shape_fit_[0]:
                raise ValueError(f"X.shape[1] = {X.shape[1]} should be equal to "
                                 f"{self.shape_fit_[0]}, the number of samples at training "
                                 "time")
        elif not callable(self.kernel) and X.shape[1] != self.shape_fit_[1]:
            raise ValueError(f"X.shape[1] = {X.shape[1]} should be equal to "
                             f"{self.shape_fit_[1]}, the number of features at training time")
        sv = self.support_vectors_
        if not self._sparse and sv.size > 0 and self._n_support.sum() != sv.shape[0]:
            raise ValueError(f"The internal representation of {type(self).__name__} was "
                             "altered")
        return X

    def _decision_function(self, X):
        X = self._validate_for_predict(X)
        dec = _base.libsvm_decision(self, X)
        if self._impl in ("c_svc", "nu_svc") and len(self.classes_) == 2:
            return -dec.ravel()
        return dec

    def predict(self, X):
        return self._decision_function(X).ravel()

    @property
    def n_support_(self):
        try:
            check_is_fitted(self)
        except NotFittedError:
            raise AttributeError("n_support_") from None
        if self._impl in ("c_svc", "nu_svc"):
            return self._n_support
        return np.array([self._n_support[0]], dtype=np.int32)

    @property
    def coef_(self):
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when using a linear kernel")
        coef = self._get_coef()
        if is_sparse(coef):
            coef.data.flags.writeable = False
        else:
            coef.flags.writeable = False
        return coef

    def _get_coef(self):
        dual = self._dual_coef_
        out = dual @ self.support_vectors_
        return out.tocsr() if is_sparse(out) else np.asarray(out)


def column_1d(y):
    from ..utils.validation import column_or_1d
    return column_or_1d(y, warn=True)


class BaseSVC(ClassifierMixin, BaseLibSVM):
    def _validate_targets(self, y):
        return _base.classification_targets(self, y)

    def _fit_problem(self, prob, yi, sw):
        n_classes = len(self.classes_)
        if len(np.unique(yi)) < 2:  # one class makes every nu infeasible (libsvm's words)
            head = "specified nu is infeasible: " if self._impl == "nu_svc" else \
                "Invalid input - "
            raise ValueError(f"{head}all samples with positive weights belong to the same "
                             "class.")
        if self._impl == "nu_svc":
            wsum = np.bincount(yi, weights=sw, minlength=n_classes)
            for i in range(n_classes):
                for j in range(i + 1, n_classes):
                    if self.nu * (wsum[i] + wsum[j]) / 2 > min(wsum[i], wsum[j]):
                        raise ValueError("specified nu is infeasible")
        support, n_support, dual, rho, n_iter, hit, pa, pb = _base.fit_ovo(
            self, prob, yi, sw, self._impl, n_classes, self.class_weight_, self.random_state)
        self.support_ = support
        self._n_support = n_support
        self.dual_coef_ = dual
        self.intercept_ = -rho
        self._probA, self._probB = pa, pb
        self.n_iter_ = n_iter
        self.fit_status_ = int(hit)

    @property
    def probA_(self):
        return self._probA

    @property
    def probB_(self):
        return self._probB

    def decision_function(self, X):
        dec = self._decision_function(X)
        if self.decision_function_shape == "ovr" and len(self.classes_) > 2:
            return _base._ovr_decision_function(dec < 0, -dec, len(self.classes_))
        return dec

    def predict(self, X):
        check_is_fitted(self)
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        if self.break_ties and self.decision_function_shape == "ovr" and \
                len(self.classes_) > 2:
            return self.classes_.take(np.argmax(self.decision_function(X), axis=1))
        dec = _base.libsvm_decision(self, self._validate_for_predict(X))
        k = len(self.classes_)
        votes = np.zeros((dec.shape[0], k), dtype=np.int64)
        p = 0
        for i in range(k):
            for j in range(i + 1, k):
                pos = dec[:, p] > 0
                votes[pos, i] += 1
                votes[~pos, j] += 1
                p += 1
        return self.classes_.take(np.argmax(votes, axis=1))

    def _check_proba(self):
        if not self.probability:
            raise AttributeError("predict_proba is not available when  probability=False")
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        X = self._validate_for_predict(X)
        if self._probA.size == 0 or self._probB.size == 0:
            raise NotFittedError("predict_proba is not available when fitted with "
                                 "probability=False")
        dec = _base.libsvm_decision(self, X)
        return _platt.predict_proba(dec, self._probA, self._probB, len(self.classes_))

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def _get_coef(self):
        if self.dual_coef_.shape[0] == 1:
            out = self.dual_coef_ @ self.support_vectors_
            return out.tocsr() if is_sparse(out) else np.asarray(out)
        dual = self.dual_coef_.toarray() if is_sparse(self.dual_coef_) else self.dual_coef_
        sv = self.support_vectors_
        locs = np.concatenate([[0], np.cumsum(self._n_support)])
        k = len(self._n_support)
        rows = []
        for i in range(k):
            for j in range(i + 1, k):
                si, sj = slice(locs[i], locs[i + 1]), slice(locs[j], locs[j + 1])
                rows.append(dual[j - 1, si] @ sv[si] + dual[i, sj] @ sv[sj])
        if is_sparse(sv):
            import scipy.sparse as sp
            return sp.csr_matrix(np.vstack([np.asarray(r).ravel() for r in rows]))
        return np.vstack(rows)


class SVC(BaseSVC):
    """C-support vector classification (libsvm's C-SVC): one-vs-one over pairs
    of classes, SMO with second-order working sets, shrinking and an LRU
    kernel-row cache of cache_size MB. See the module docstring for the
    differences from scikit-learn's SVC."""

    _impl = "c_svc"
    _parameter_constraints = _base.constraints_for(
        ["C", "kernel", "degree", "gamma", "coef0", "shrinking", "probability", "tol",
         "cache_size", "class_weight", "verbose", "max_iter", "decision_function_shape",
         "break_ties", "random_state"])

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0,
                 shrinking=True, probability=False, tol=1e-3, cache_size=200,
                 class_weight=None, verbose=False, max_iter=-1, decision_function_shape="ovr",
                 break_ties=False, random_state=None):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state


class NuSVC(BaseSVC):
    """nu-support vector classification: nu bounds the fraction of margin
    errors from above and of support vectors from below (libsvm's nu-SVC,
    solved by the nu variant of the same SMO solver)."""

    _impl = "nu_svc"
    _parameter_constraints = _base.constraints_for(
        ["nu", "kernel", "degree", "gamma", "coef0", "shrinking", "probability", "tol",
         "cache_size", "class_weight", "verbose", "max_iter", "decision_function_shape",
         "break_ties", "random_state"])

    def __init__(self, *, nu=0.5, kernel="rbf", degree=3, gamma="scale", coef0=0.0,
                 shrinking=True, probability=False, tol=1e-3, cache_size=200,
                 class_weight=None, verbose=False, max_iter=-1, decision_function_shape="ovr",
                 break_ties=False, random_state=None):
        self.nu = nu
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state


class SVR(RegressorMixin, BaseLibSVM):
    """epsilon-support vector regression (libsvm's epsilon-SVR: a 2n-variable
    dual whose two halves share the kernel rows)."""

    _impl = "epsilon_svr"
    _parameter_constraints = _base.constraints_for(
        ["kernel", "degree", "gamma", "coef0", "tol", "C", "epsilon", "shrinking",
         "cache_size", "verbose", "max_iter"])

    def __init__(self, *, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, C=1.0,
                 epsilon=0.1, shrinking=True, cache_size=200, verbose=False, max_iter=-1):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter


class NuSVR(RegressorMixin, BaseLibSVM):
    """nu-support vector regression: nu replaces epsilon (libsvm's nu-SVR)."""

    _impl = "nu_svr"
    _parameter_constraints = _base.constraints_for(
        ["nu", "C", "kernel", "degree", "gamma", "coef0", "shrinking", "tol", "cache_size",
         "verbose", "max_iter"])

    def __init__(self, *, nu=0.5, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0,
                 shrinking=True, tol=1e-3, cache_size=200, verbose=False, max_iter=-1):
        self.nu = nu
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.tol = tol
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter


class OneClassSVM(BaseLibSVM):
    """Unsupervised outlier detection (Schoelkopf's one-class SVM, libsvm's
    formulation): predict is +1 for inliers and -1 for outliers."""

    _impl = "one_class"
    _estimator_type = "outlier_detector"
    _parameter_constraints = _base.constraints_for(
        ["kernel", "degree", "gamma", "coef0", "tol", "nu", "shrinking", "cache_size",
         "verbose", "max_iter"])

    def __init__(self, *, kernel="rbf", degree=3, gamma="scale", coef0=0.0, tol=1e-3, nu=0.5,
                 shrinking=True, cache_size=200, verbose=False, max_iter=-1):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.nu = nu
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.verbose = verbose
        self.max_iter = max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "outlier_detector"
        return tags

    def fit(self, X, y=None, sample_weight=None):
        n = X.shape[0] if hasattr(X, "shape") else len(np.asarray(X) if hasattr(X, "__array__")
                                                          else X)
        super().fit(X, np.ones(n), sample_weight=sample_weight)
        self.offset_ = -self._intercept_
        return self

    def decision_function(self, X):
        return self._decision_function(X).ravel()

    def score_samples(self, X):
        return self.decision_function(X) + self.offset_

    def predict(self, X):
        return np.where(self.decision_function(X) > 0, 1, -1).astype(np.intp)

    def fit_predict(self, X, y=None, **kwargs):
        return self.fit(X, **kwargs).predict(X)
