"""Preprocessing: scikit-learn conformance and identical outputs."""
import numpy as np
import pytest

from fastml.datasets import load_digits, load_iris
from fastml.pipeline import Pipeline, make_pipeline
from fastml.preprocessing import (LabelEncoder, MinMaxScaler, OneHotEncoder,
                                  PolynomialFeatures, StandardScaler, normalize)

pytest.importorskip("sklearn")
from sklearn import preprocessing as SP  # noqa: E402

# scikit-learn's estimator checks for these estimators run in tests/test_common.py.


def test_scalers_match_sklearn():
    X, _ = load_digits(return_X_y=True)
    X = X + np.random.default_rng(0).normal(size=X.shape)
    X[:, 0] = 3.0  # constant column
    for ours, theirs in ((StandardScaler(), SP.StandardScaler()),
                         (StandardScaler(with_std=False), SP.StandardScaler(with_std=False)),
                         (MinMaxScaler((-2, 3)), SP.MinMaxScaler((-2, 3)))):
        Z = ours.fit_transform(X)
        np.testing.assert_allclose(Z, theirs.fit_transform(X), atol=1e-12)
        np.testing.assert_allclose(ours.inverse_transform(Z), X, atol=1e-10)
    Xn = X.copy()
    Xn[5, 3] = np.nan
    np.testing.assert_allclose(StandardScaler().fit_transform(Xn),
                               SP.StandardScaler().fit_transform(Xn), atol=1e-12)
    assert StandardScaler().fit_transform(X.astype(np.float32)).dtype == np.float32


def test_standard_scaler_constant_rule_and_weighted_nan_match_sklearn():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 6))
    X[:, 3] = 1e-8 * X[:, 3]          # tiny but real spread: scaled
    X[:, 4] = 0.1                     # constant with rounding noise in its variance: scale 1
    X[:, 5] = 5.0 + 1e-8 * X[:, 5]    # same spread around a mean of 5: still above rounding
    X_nan = X.copy()
    X_nan[rng.rand(*X.shape) < 0.15] = np.nan
    w = rng.uniform(0.1, 3.0, len(X))
    for data in (X, X_nan):
        for kw in ({}, {"sample_weight": w}):
            ours, theirs = StandardScaler().fit(data, **kw), SP.StandardScaler().fit(data, **kw)
            for name in ("mean_", "var_", "scale_", "n_samples_seen_"):
                np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name),
                                           rtol=1e-10, atol=1e-25, err_msg=f"{name} {kw}")
            Z, Z_sk = ours.transform(data), theirs.transform(data)
            np.testing.assert_allclose(Z[:, :5], Z_sk[:, :5], rtol=1e-9, atol=1e-9)
            # column 5: ulp(5) / std 1e-8 ~ 1e-7 of cancellation in x - mean, either way
            np.testing.assert_allclose(Z[:, 5], Z_sk[:, 5], atol=1e-6)
    assert not np.isnan(StandardScaler().fit(X_nan, sample_weight=w).mean_).any()
    tiny = StandardScaler().fit(X[:, 3:4])
    np.testing.assert_allclose(tiny.scale_, X[:, 3].std(), rtol=1e-12)
    assert StandardScaler().fit(X[:, 4:5]).scale_[0] == 1.0


@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_normalize(norm):
    X, _ = load_iris(return_X_y=True)
    X = np.vstack([X, np.zeros(4)])
    for axis in (0, 1):
        np.testing.assert_allclose(normalize(X, norm, axis=axis),
                                   SP.normalize(X, norm, axis=axis), atol=1e-14)
    with pytest.raises(ValueError, match="norm"):
        normalize(X, "l3")


@pytest.mark.parametrize("kw", [{}, {"degree": 3}, {"interaction_only": True},
                                {"include_bias": False, "degree": 1}])
def test_polynomial_features(kw):
    X = np.random.default_rng(1).normal(size=(20, 4))
    ours = PolynomialFeatures(**kw).fit(X)
    theirs = SP.PolynomialFeatures(**kw).fit(X)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-14)
    np.testing.assert_array_equal(ours.powers_, theirs.powers_)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())
    with pytest.raises(ValueError, match="degree"):
        PolynomialFeatures(-1).fit(X)


def test_polynomial_regression_pipeline():
    from fastml.linear_model import LinearRegression

    x = np.linspace(-2, 2, 40)[:, None]
    y = 1.0 - 2.0 * x[:, 0] + 0.5 * x[:, 0] ** 3
    model = make_pipeline(PolynomialFeatures(3), LinearRegression()).fit(x, y)
    np.testing.assert_allclose(model.predict(x), y, atol=1e-10)
    assert model.score(x, y) == pytest.approx(1.0)


def test_encoders():
    C = np.array([["b", "x"], ["a", "y"], ["b", "z"], ["c", "x"]], dtype=object)
    for kw in ({}, {"drop": "first"}, {"drop": "if_binary"}):
        ours = OneHotEncoder(sparse_output=False, **kw).fit(C)
        theirs = SP.OneHotEncoder(sparse_output=False, **kw).fit(C)
        np.testing.assert_array_equal(ours.transform(C), theirs.transform(C))
        np.testing.assert_array_equal(ours.inverse_transform(ours.transform(C)), C)
        np.testing.assert_array_equal(ours.get_feature_names_out(),
                                      theirs.get_feature_names_out())
    with pytest.raises(ValueError, match="unknown"):
        OneHotEncoder().fit(C).transform([["d", "x"]])
    np.testing.assert_array_equal(
        OneHotEncoder(handle_unknown="ignore").fit(C).transform([["d", "x"]]).toarray(),
        [[0, 0, 0, 1, 0, 0]])
    y = np.array(["dog", "cat", "dog", "emu"])
    le = LabelEncoder()
    np.testing.assert_array_equal(le.fit_transform(y), SP.LabelEncoder().fit_transform(y))
    np.testing.assert_array_equal(le.inverse_transform(le.transform(y)), y)
    with pytest.raises(ValueError, match="unseen"):
        le.transform(["cow"])


def test_pipeline_with_grid_search():
    from sklearn.model_selection import GridSearchCV as SkGrid

    from fastml.linear_model import LogisticRegression
    from fastml.model_selection import GridSearchCV

    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    assert pipe.get_params()["clf__C"] == 1.0
    grid = {"clf__C": [0.01, 1.0]}
    ours = GridSearchCV(pipe, grid, cv=3, n_jobs=2).fit(X, y)
    theirs = SkGrid(pipe, grid, cv=3).fit(X, y)
    assert ours.best_params_ == theirs.best_params_
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"],
                               theirs.cv_results_["mean_test_score"])
    assert ours.best_estimator_.named_steps["clf"].C == ours.best_params_["clf__C"]
    with pytest.raises(ValueError, match="Invalid parameter"):
        pipe.set_params(bogus__x=1)


def test_polynomial_huge_degree_is_bounded_or_refused():
    """interaction_only products stop at degree n_features (degree 1e9 answers at
    once); an output too large to hold is refused with a clear error."""
    from fastml.preprocessing import PolynomialFeatures

    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = PolynomialFeatures(degree=10 ** 9, interaction_only=True).fit_transform(X)
    np.testing.assert_array_equal(out, [[1, 1, 2, 2], [1, 3, 4, 12]])
    # the fit is fine (5e17 columns are indexable, as in scikit-learn), the
    # outputs are refused instead of exhausting memory
    pf = PolynomialFeatures(degree=10 ** 9).fit(X)
    assert pf.n_output_features_ == (10 ** 9 + 1) * (10 ** 9 + 2) // 2
    with pytest.raises(ValueError, match="degree=1000000000"):
        pf.transform(X)
    sp = pytest.importorskip("scipy.sparse")
    with pytest.raises(ValueError, match="would store"):
        pf.transform(sp.csr_matrix(X))
