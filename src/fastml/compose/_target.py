"""TransformedTargetRegressor: fit a regressor on a transformed target and map
its predictions back (scikit-learn's semantics and messages)."""
import warnings

import numpy as np

from ..base import BaseEstimator, RegressorMixin, TransformerMixin, clone
from ..exceptions import NotFittedError
from ..utils._metadata_routing import (metadata_router, method_mapping, process_routing,
                                       routing_enabled)
from ..utils._param_validation import HasMethods
from ..utils.validation import check_array, check_is_fitted

__all__ = ["TransformedTargetRegressor"]


class _TargetFunctionTransformer(TransformerMixin, BaseEstimator,
                                 auto_wrap_output_keys=None):
    """y -> func(y) and back with inverse_func (identity where None); y is a
    validated 2-D array."""

    _parameter_constraints = {"func": [callable, None], "inverse_func": [callable, None]}

    def __init__(self, func=None, inverse_func=None):
        self.func = func
        self.inverse_func = inverse_func

    def fit(self, y, _y=None):
        check_array(y, dtype="numeric", ensure_all_finite=True)
        self.fitted_ = True
        return self

    def transform(self, y):
        y = check_array(y, dtype="numeric", ensure_all_finite=False)
        return y if self.func is None else self.func(y)

    def inverse_transform(self, y):
        y = check_array(y, dtype="numeric", ensure_all_finite=False)
        return y if self.inverse_func is None else self.inverse_func(y)


class TransformedTargetRegressor(RegressorMixin, BaseEstimator):
    """Regress on transformer.transform(y) (or func(y)) and return
    transformer.inverse_transform (or inverse_func) of the predictions.

    regressor: any regressor (None: fastml.linear_model.LinearRegression),
    cloned at fit. transformer: a transformer fitted on y as a column
    (cloned), or func / inverse_func (both or neither; the identity when both
    are None). check_inverse: warn when the two are not inverses of each other
    on a subset of y.
    """

    _parameter_constraints = {
        "regressor": [HasMethods(["fit", "predict"]), None],
        "transformer": [HasMethods("transform"), None],
        "func": [callable, None],
        "inverse_func": [callable, None],
        "check_inverse": ["boolean"],
    }

    def __init__(self, regressor=None, *, transformer=None, func=None, inverse_func=None,
                 check_inverse=True):
        self.regressor = regressor
        self.transformer = transformer
        self.func = func
        self.inverse_func = inverse_func
        self.check_inverse = check_inverse

    def _fit_transformer(self, y):
        if self.transformer is not None and (self.func is not None or
                                             self.inverse_func is not None):
            raise ValueError("'transformer' and functions 'func'/'inverse_func' cannot both "
                             "be set.")
        if self.transformer is not None:
            self.transformer_ = clone(self.transformer)
            if hasattr(self.transformer_, "set_output"):
                self.transformer_.set_output(transform="default")
        else:
            if (self.func is None) != (self.inverse_func is None):
                lacking, given = (("func", "inverse_func") if self.func is None
                                  else ("inverse_func", "func"))
                raise ValueError(f"When '{given}' is provided, '{lacking}' must also be "
                                 f"provided. If {lacking} is supposed to be the default, you "
                                 "need to explicitly pass it the identity function.")
            self.transformer_ = _TargetFunctionTransformer(self.func, self.inverse_func)
        self.transformer_.fit(y)
        if self.check_inverse:
            sel = y[::max(1, y.shape[0] // 10)]
            back = self.transformer_.inverse_transform(self.transformer_.transform(sel))
            if not np.allclose(sel, back):
                warnings.warn("The provided functions or transformer are not strictly inverse "
                              "of each other. If you are sure you want to proceed regardless, "
                              "set 'check_inverse=False'", UserWarning)

    def fit(self, X, y, **fit_params):
        """Fit the transformer on y, then the regressor on (X, transformed y)."""
        self._validate_params()
        if y is None:
            raise ValueError(f"This {type(self).__name__} estimator requires y to be passed, "
                             "but the target y is None.")
        y = check_array(y, input_name="y", ensure_2d=False, dtype="numeric", allow_nd=True)
        self._training_dim = y.ndim
        y_2d = y.reshape(-1, 1) if y.ndim == 1 else y
        self._fit_transformer(y_2d)
        y_trans = self.transformer_.transform(y_2d)
        if y_trans.ndim == 2 and y_trans.shape[1] == 1 and self._training_dim == 1:
            y_trans = y_trans.squeeze(axis=1)
        if self.regressor is None:
            from ..linear_model import LinearRegression

            self.regressor_ = LinearRegression()
        else:
            self.regressor_ = clone(self.regressor)
        self.regressor_.fit(X, y_trans, **self._routed("fit", fit_params))
        if hasattr(self.regressor_, "feature_names_in_"):
            self.feature_names_in_ = self.regressor_.feature_names_in_
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        return self

    def _routed(self, method, params):
        """Parameters for the regressor's `method`: as given, or with metadata
        routing enabled the metadata the regressor requested."""
        if not routing_enabled():
            return params
        return dict(process_routing(self, method, **params)["regressor"][method])

    def get_metadata_routing(self):
        """Routing (scikit-learn's MetadataRouter): fit and predict metadata go
        to the same method of the regressor (LinearRegression when None)."""
        if self.regressor is None:
            from ..linear_model import LinearRegression

            regressor = LinearRegression()
        else:
            regressor = self.regressor
        router = metadata_router(self)
        router.add(regressor=regressor,
                   method_mapping=method_mapping(("fit", "fit"), ("predict", "predict")))
        return router

    def predict(self, X, **predict_params):
        """inverse transform of regressor_.predict(X), shaped like the fitted y."""
        check_is_fitted(self)
        pred = self.regressor_.predict(X, **self._routed("predict", predict_params))
        pred = pred.reshape(-1, 1) if pred.ndim == 1 else pred
        out = self.transformer_.inverse_transform(pred)
        if self._training_dim == 1 and out.ndim == 2 and out.shape[1] == 1:
            out = out.squeeze(axis=1)
        return out

    @property
    def n_features_in_(self):
        try:
            check_is_fitted(self)
        except NotFittedError as exc:
            raise AttributeError(f"{type(self).__name__} object has no n_features_in_ "
                                 "attribute.") from exc
        return self.regressor_.n_features_in_

    def __sklearn_is_fitted__(self):
        return hasattr(self, "regressor_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        regressor = self.regressor
        if regressor is None:
            from ..linear_model import LinearRegression

            regressor = LinearRegression()
        inner = regressor.__sklearn_tags__()
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.target_tags.multi_output = inner.target_tags.multi_output
        return tags
