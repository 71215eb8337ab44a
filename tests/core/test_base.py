"""Estimator base classes and input validation."""
import numbers
import pickle
import warnings

import numpy as np
import pytest

from fastml.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from fastml.exceptions import DataConversionWarning, InvalidParameterError, NotFittedError
from fastml.utils._param_validation import Interval
from fastml.utils.validation import check_array, check_classification_targets, check_X_y


class NearestCentroid(ClassifierMixin, BaseEstimator):
    """Minimal estimator written only with the base-class helpers."""

    _parameter_constraints = {"scale": [Interval(numbers.Real, 0, None, closed="neither")],
                              "name": [str]}

    def __init__(self, scale=1.0, name="c"):
        self.scale = scale
        self.name = name

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y)
        check_classification_targets(y)
        self.classes_, yi = np.unique(y, return_inverse=True)
        self.centroids_ = np.array([X[yi == k].mean(0) for k in range(len(self.classes_))])
        return self

    def predict(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        d = ((X[:, None, :] - self.centroids_[None]) ** 2).sum(-1)
        return self.classes_[d.argmin(1)]


class LeastSquares(RegressorMixin, BaseEstimator):
    _parameter_constraints = {"fit_intercept": ["boolean"]}

    def __init__(self, fit_intercept=True):
        self.fit_intercept = fit_intercept

    def _design(self, X):
        return np.c_[X, np.ones(len(X))] if self.fit_intercept else X

    def fit(self, X, y):
        self._validate_params()
        X, y = self._validate_data(X, y, y_numeric=True)
        self.coef_ = np.linalg.lstsq(self._design(X), y, rcond=None)[0]
        return self

    def predict(self, X):
        self._check_is_fitted()
        X = self._validate_data(X, reset=False)
        return self._design(X) @ self.coef_


def test_validate_params_runs_the_declared_constraints():
    with pytest.raises(InvalidParameterError, match=r"The 'scale' parameter of NearestCentroid "
                                                   r"must be a float in the range \(0.0, inf\)\. "
                                                   r"Got nan instead\."):
        NearestCentroid(scale=float("nan")).fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(InvalidParameterError, match="'fit_intercept' parameter of LeastSquares "
                                                   "must be a bool. Got 'yes' instead."):
        LeastSquares(fit_intercept="yes").fit([[0.0], [1.0]], [0.0, 1.0])

    class Undeclared(BaseEstimator):
        def __init__(self, a=1):
            self.a = a

    with pytest.raises(TypeError, match="declares no _parameter_constraints"):
        Undeclared()._validate_params()


def test_params_round_trip_and_repr():
    est = NearestCentroid(scale=2.0)
    assert est.get_params() == {"name": "c", "scale": 2.0}
    assert est.set_params(name="d") is est and est.name == "d"
    assert repr(est) == "NearestCentroid(name='d', scale=2.0)"
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        est.set_params(bogus=1)
    c = clone(est)
    assert c is not est and c.get_params() == est.get_params()


def test_fit_predict_pickle_and_feature_check():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    y = np.array([0, 0, 1, 1])
    est = NearestCentroid()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        est.predict(X)
    est.fit(X, y)
    assert est.n_features_in_ == 2
    assert est.score(X, y) == 1.0
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    with pytest.raises(ValueError, match="X has 3 features, but NearestCentroid is expecting 2"):
        est.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        NearestCentroid().fit(X, [0.5, 0.1, 0.2, 0.3])


def test_r2_score():
    X = np.arange(10.0).reshape(-1, 1)
    y = np.arange(10.0)
    assert LeastSquares().fit(X, y).score(X, y) == pytest.approx(1.0)
    # without intercept on centred-away data the fit is poor: R^2 = 1 - SSE/SST
    y2 = y + 100
    est = LeastSquares(fit_intercept=False).fit(X, y2)
    resid = y2 - est.predict(X)
    want = 1 - (resid ** 2).sum() / ((y2 - y2.mean()) ** 2).sum()
    assert est.score(X, y2) == pytest.approx(want)


def test_regressor_score_on_one_sample_is_nan_with_undefined_metric_warning():
    from fastml.exceptions import UndefinedMetricWarning

    X = np.arange(10.0).reshape(-1, 1)
    est = LeastSquares().fit(X, 2 * X.ravel() + 1)
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        assert np.isnan(est.score(X[:1], [5.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert est.score(X[:2], [1.0, 4.0]) == pytest.approx(1 - 1 / 4.5)


def test_column_vector_y_warns_and_is_raveled():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        _, y = check_X_y(np.ones((3, 2)), np.ones((3, 1)))
    assert y.shape == (3,)
    assert any(issubclass(x.category, DataConversionWarning) for x in w)


def test_check_array_keeps_float32_and_converts_ints():
    assert check_array(np.ones((2, 2), np.float32)).dtype == np.float32
    assert check_array(np.ones((2, 2), np.int64)).dtype == np.float64
    ro = np.ones((3, 3))[:, ::2]
    ro.setflags(write=False)
    out = check_array(ro)
    assert out.flags.c_contiguous
    with pytest.raises(TypeError, match="[Ss]parse"):
        check_array(pytest.importorskip("scipy.sparse").csr_matrix(np.eye(2)))
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_array(np.ones((2, 2), complex))
    with pytest.raises(ValueError, match="requires y to be passed"):
        check_X_y(np.ones((2, 2)), None)


def test_object_y_with_none_or_text_is_rejected_by_regressors():
    from fastml.ensemble import GradientBoostingRegressor, RandomForestRegressor
    from fastml.neighbors import KNeighborsRegressor
    from fastml.tree import DecisionTreeRegressor

    X = np.arange(20.0).reshape(-1, 1)
    y_none = np.arange(20.0).astype(object)
    y_none[3] = None
    y_text = y_none.copy()
    y_text[3] = "abc"
    for est in (DecisionTreeRegressor(), RandomForestRegressor(n_estimators=3),
                GradientBoostingRegressor(n_estimators=3), KNeighborsRegressor(),
                LeastSquares()):
        with pytest.raises(ValueError, match="Input y contains NaN"):
            est.fit(X, y_none)
        with pytest.raises(ValueError, match="y must be numeric"):
            est.fit(X, y_text)
    for multi_output in (False, True):
        with pytest.raises(ValueError, match="Input y contains NaN"):
            check_X_y(X, y_none, y_numeric=True, multi_output=multi_output)
        with pytest.raises(ValueError, match="Input y contains infinity"):
            check_X_y(X, np.r_[np.arange(19.0), np.inf].astype(object), y_numeric=True,
                      multi_output=multi_output)
    _, y = check_X_y(X, np.array(["1.5"] * 20, dtype=object), y_numeric=True)
    assert y.dtype == np.float64 and y[0] == 1.5


@pytest.fixture(scope="module")
def sklearn_checks():
    return pytest.importorskip("sklearn.utils.estimator_checks")


@pytest.mark.parametrize("est", [NearestCentroid(), LeastSquares()], ids=repr)
def test_scikit_learn_check_estimator(sklearn_checks, est):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = sklearn_checks.check_estimator(est, on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results
              if r["status"] == "failed"]
    assert failed == []


def test_repr_html_shows_parameters_nesting_and_fitted_state():
    """Notebook display: well-formed HTML, changed parameters in bold, pipeline
    steps and ensemble members as nested blocks, the fitted state, the plain
    repr as its text alternative, and values escaped."""
    import html.parser

    from fastml.datasets import load_iris
    from fastml.ensemble import VotingClassifier
    from fastml.linear_model import LogisticRegression
    from fastml.pipeline import make_pipeline
    from fastml.preprocessing import StandardScaler

    class _Tags(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.summaries, self.bold = [], [], []
            self._in = None

        def handle_starttag(self, tag, attrs):
            self.stack.append(tag)
            self._in = tag

        def handle_endtag(self, tag):
            assert self.stack.pop() == tag
            self._in = self.stack[-1] if self.stack else None

        def handle_data(self, data):
            if "summary" in self.stack:
                self.summaries.append(data)
            elif self._in == "b":
                self.bold.append(data)

    vote = VotingClassifier([("lr", LogisticRegression(C=2.0)), ("lr2", LogisticRegression())])
    pipe = make_pipeline(StandardScaler(), vote)
    out = pipe._repr_html_()
    tags = _Tags()
    tags.feed(out)
    assert tags.stack == []  # every tag closed
    text = " ".join(tags.summaries)
    for name in ("Pipeline", "StandardScaler", "VotingClassifier", "LogisticRegression"):
        assert name in text, name
    assert out.count("<details") == 5   # pipeline, 2 steps, 2 voting members
    assert "(not fitted)" in text and "estimators[lr]" in text
    assert "2.0" in tags.bold            # C=2.0 differs from the default
    assert "&#x27;standardscaler&#x27;" in out   # values escaped
    X, y = load_iris(return_X_y=True)
    pipe.fit(X, y)
    assert "(fitted)" in pipe._repr_html_()
