"""MLPClassifier and MLPRegressor (see fastml.neural_network)."""
import numpy as np

from ..base import ClassifierMixin, RegressorMixin
from ..utils._param_validation import StrOptions
from ..utils.validation import check_classification_targets, column_or_1d
from ._base import _BaseMLP

__all__ = ["MLPClassifier", "MLPRegressor"]


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier: softmax output with cross-entropy
    for K > 2 classes, one logistic output for two classes, one logistic
    output per label for a multi-label indicator y (scikit-learn's model)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    loss = "log_loss"

    def _output_kind(self):
        return "softmax" if self._y_type == "multiclass" else "logistic"

    def _stratify_validation(self):
        return self.n_outputs_ == 1 or self._y_type == "multiclass"

    @staticmethod
    def _label_type(y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            return "multilabel"
        return "multiclass" if len(np.unique(y)) > 2 else "binary"

    def _binarize(self, y):
        """scikit-learn's LabelBinarizer coding: (n, 1) for two classes (and
        one), one-hot for more, the indicator itself for multi-label."""
        if self._y_type == "multilabel":
            return np.asarray(y, dtype=np.float64)
        k = len(self.classes_)
        idx = np.searchsorted(self.classes_, y)
        if k <= 2:
            return (idx == 1).astype(np.float64)[:, None] if k == 2 else \
                np.zeros((len(y), 1))
        T = np.zeros((len(y), k))
        T[np.arange(len(y)), idx] = 1.0
        return T

    def _set_classes(self, y, classes=None):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            if not np.isin(y, (0, 1)).all():
                raise ValueError("Multioutput target data is not supported with label "
                                 "binarization")
            self.classes_ = np.arange(y.shape[1])
            self._y_type = "multilabel"
            return
        self.classes_ = np.unique(y if classes is None else np.asarray(classes))
        self._y_type = "multiclass" if len(self.classes_) > 2 else "binary"

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_data(X, y, reset=reset, multi_output=True)
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if y.ndim == 2:
            if not hasattr(self, "_y_type") or not (self.warm_start or incremental) or reset:
                self._set_classes(y)
            return X, self._binarize(y)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._set_classes(y)
        else:
            classes = np.unique(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError("warm_start can only be used where `y` has the same "
                                     "classes as in the previous call to fit. Previously got "
                                     f"{self.classes_}, `y` has {classes}")
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError("`y` has classes not in `self.classes_`. `self.classes_` has "
                                 f"{self.classes_}. 'y' has {classes}.")
        return X, self._binarize(y)

    def _score_values(self, P, T, sw):
        if self._y_type == "multilabel":
            hit = np.all((P > 0.5) == (T > 0.5), axis=1)
        elif P.shape[1] == 1:
            hit = (P[:, 0] > 0.5) == (T[:, 0] > 0.5)
        else:
            hit = P.argmax(axis=1) == T.argmax(axis=1)
        return np.average(hit.astype(np.float64), weights=sw)

    def fit(self, X, y, sample_weight=None):
        """Fit the network on (X, y); sample_weight weights each sample's loss."""
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=False)

    @property
    def partial_fit(self):
        """One epoch of sgd/adam on (X, y); `classes` is required on the first
        call. Not available for solver="lbfgs"."""
        self._check_solver()
        return self._partial_fit

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        self._validate_params()
        if getattr(self, "classes_", None) is None or not hasattr(self, "_y_type"):
            if classes is None and not (np.ndim(y) == 2 and np.shape(y)[1] > 1):
                raise ValueError("classes must be passed on the first call to partial_fit.")
            if np.ndim(y) == 2 and np.shape(y)[1] > 1:
                self._set_classes(y)
            else:
                self._set_classes(None, classes)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"`classes={classes!r}` is not the same as on the first call to "
                             f"partial_fit, was: {self.classes_!r}")
        return self._fit(X, y, sample_weight, incremental=True)

    def predict_proba(self, X):
        P = self._predict_values(X).astype(np.float64, copy=False)
        if P.shape[1] == 1:
            return np.column_stack([1 - P[:, 0], P[:, 0]])
        return P

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        P = self._predict_values(X)
        if self._y_type == "multilabel":
            return (P > 0.5).astype(np.int64)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(np.intp) if len(self.classes_) > 1
                                 else np.zeros(len(P), dtype=np.intp)]
        return self.classes_[P.argmax(axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor: identity output with squared error / 2
    (loss="squared_error") or exp output with half Poisson deviance
    (loss="poisson")."""

    _parameter_constraints = {**_BaseMLP._parameter_constraints,
                              "loss": [StrOptions({"squared_error", "poisson"})]}

    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10, max_fun=15000):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun

    def _output_kind(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _stratify_validation(self):
        return False

    def _validate_input(self, X, y, incremental, reset):
        X, y = self._validate_data(X, y, reset=reset, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not np.all(np.isfinite(y)):
            raise ValueError("Input y contains NaN or infinity.")
        if reset or not hasattr(self, "_y_1d"):
            self._y_1d = y.ndim == 1
        return X, (y.reshape(-1, 1) if y.ndim == 1 else y)

    def _score_values(self, P, T, sw):
        w = np.ones(len(T)) if sw is None else sw
        num = (w[:, None] * (T - P) ** 2).sum(axis=0)
        ybar = np.average(T, weights=w, axis=0)
        den = (w[:, None] * (T - ybar) ** 2).sum(axis=0)
        r2 = np.where(den > 0, 1 - num / np.where(den > 0, den, 1),
                      np.where(num == 0, 1.0, 0.0))
        return float(np.mean(r2))

    def fit(self, X, y, sample_weight=None):
        """Fit the network on (X, y); sample_weight weights each sample's loss."""
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=False)

    @property
    def partial_fit(self):
        """One epoch of sgd/adam on (X, y). Not available for solver="lbfgs"."""
        self._check_solver()
        return self._partial_fit

    def _partial_fit(self, X, y, sample_weight=None):
        self._validate_params()
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        P = self._predict_values(X)
        return P.ravel() if self._y_1d else P

    def _fastml_tags(self):
        return {"non_deterministic": False, "multi_output": True, "sparse": True}
