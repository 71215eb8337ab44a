"""Feature names from DataFrames: feature_names_in_ at fit, scikit-learn's
column check at predict / transform (same messages as scikit-learn), dtype
kept, and get_feature_names_out on every transformer (against scikit-learn's
names)."""
import warnings

import numpy as np
import pytest

import fastml
from fastml.utils import all_estimators

pd = pytest.importorskip("pandas")

COLUMNS = ["sepal_len", "sepal_wid", "petal_len", "petal_wid"]
# estimators whose constructor needs arguments, or which take labels, not X
_SKIP = {"ColumnTransformer", "GridSearchCV", "LabelEncoder", "Pipeline"}
_SKIP |= {"DBSCAN", "HDBSCAN", "AgglomerativeClustering"}  # fit-only clusterers: no method
# checks X after fit
_SKIP |= {"DummyClassifier", "DummyRegressor"}  # as scikit-learn's: predict reads only len(X)
_SMALL = {"AdaBoostClassifier": dict(n_estimators=3), "GradientBoostingClassifier":
          dict(n_estimators=3), "GradientBoostingRegressor": dict(n_estimators=3),
          "RandomForestClassifier": dict(n_estimators=3), "RandomForestRegressor":
          dict(n_estimators=3), "KMeans": dict(n_clusters=3, n_init=1),
          "MiniBatchKMeans": dict(n_clusters=3, n_init=1), "MLPClassifier": dict(max_iter=5),
          "MLPRegressor": dict(max_iter=5), "OneHotEncoder": dict(handle_unknown="ignore")}
ESTIMATORS = [(n, c) for n, c in all_estimators() if n not in _SKIP]
# meta-estimators whose inner estimator checks the names (as in scikit-learn)
_CHECKED_BY = {"TransformedTargetRegressor": "LinearRegression"}


def _data():
    X, y = fastml.datasets.load_iris(return_X_y=True)
    return pd.DataFrame(X, columns=COLUMNS), y


def _members(name, lib):
    """Members for the meta-estimators of ensemble / feature_selection, from `lib`."""
    import importlib

    mod = {k: importlib.import_module(f"{lib}.{k}") for k in ("linear_model", "naive_bayes",
                                                              "tree")}
    if name in ("VotingClassifier", "StackingClassifier"):
        return {"estimators": [("nb", mod["naive_bayes"].GaussianNB()),
                               ("dt", mod["tree"].DecisionTreeClassifier(max_depth=2,
                                                                         random_state=0))]}
    if name in ("VotingRegressor", "StackingRegressor"):
        return {"estimators": [("ridge", mod["linear_model"].Ridge()),
                               ("lin", mod["linear_model"].LinearRegression())]}
    if name in ("SelectFromModel", "RFE", "RFECV", "SequentialFeatureSelector"):
        return {"estimator": mod["linear_model"].Ridge()}
    if name in ("OneVsRestClassifier", "OneVsOneClassifier", "OutputCodeClassifier",
                "MultiOutputClassifier", "ClassifierChain"):
        return {"estimator": mod["naive_bayes"].GaussianNB()}
    if name in ("MultiOutputRegressor", "RegressorChain"):
        return {"estimator": mod["linear_model"].Ridge()}
    return {}


# multi-output meta-estimators fit a 2-D y (two columns)
_MULTI_OUTPUT = {"MultiOutputClassifier", "ClassifierChain", "MultiOutputRegressor",
                 "RegressorChain"}


# voting / stacking: their members check the names (as in scikit-learn)
_CHECKED_BY.update({"OneVsRestClassifier": "GaussianNB", "OneVsOneClassifier": "GaussianNB",
                    "OutputCodeClassifier": "GaussianNB", "MultiOutputClassifier": "GaussianNB",
                    "MultiOutputRegressor": "Ridge"})
_CHECKED_BY.update({"VotingClassifier": "GaussianNB", "StackingClassifier": "GaussianNB",
                    "VotingRegressor": "Ridge", "StackingRegressor": "Ridge"})


def _make(name, cls):
    return cls(**_SMALL.get(name, {}), **_members(name, "fastml"))


def _apply(est, X):
    """The estimator's prediction / transformation of X (the method that
    validates X against the fit)."""
    for method in ("predict", "transform", "decision_function", "kneighbors"):
        if hasattr(est, method):
            return getattr(est, method)(X)
    raise AssertionError(f"{est!r} has no predict or transform")


def _fit(est, df, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastml.exceptions.ConvergenceWarning)
        return est.fit(df, y)


@pytest.mark.parametrize("name,cls", ESTIMATORS, ids=[n for n, _ in ESTIMATORS])
def test_every_estimator_records_and_checks_feature_names(name, cls):
    df, y = _data()
    if name in _MULTI_OUTPUT:
        y = np.column_stack([y, y[::-1]])
    est = _fit(_make(name, cls), df, y)
    np.testing.assert_array_equal(est.feature_names_in_, np.array(COLUMNS, dtype=object))
    assert est.feature_names_in_.dtype == object
    assert est.n_features_in_ == 4
    _apply(est, df)  # same columns: no error, no warning
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        _apply(est, df[COLUMNS[::-1]])
    checker = _CHECKED_BY.get(name, name)
    with pytest.warns(UserWarning, match=f"X does not have valid feature names, but {checker} "
                                         "was fitted with feature names"):
        _apply(est, df.to_numpy())
    # refit on an array forgets the names; a DataFrame then warns the other way
    est = _fit(est, df.to_numpy(), y)
    assert not hasattr(est, "feature_names_in_")
    with pytest.warns(UserWarning, match=f"X has feature names, but {checker} was fitted "
                                         "without feature names"):
        _apply(est, df)


def _sklearn_error(sk_est, X):
    try:
        _apply(sk_est, X)
    except ValueError as exc:
        return str(exc)
    raise AssertionError("scikit-learn raised nothing")


@pytest.mark.parametrize("name", ["KNeighborsClassifier", "LogisticRegression",
                                  "StandardScaler", "PCA", "DecisionTreeClassifier"])
def test_messages_equal_scikit_learns(name):
    sklearn = pytest.importorskip("sklearn")
    from sklearn.utils import all_estimators as sk_all

    sk_cls = dict(sk_all())[name]
    fm_cls = dict(all_estimators())[name]
    df, y = _data()
    renamed = df.rename(columns={"sepal_len": "new_a", "petal_wid": "new_b"})
    many = pd.DataFrame(np.hstack([df.to_numpy()] * 2),
                        columns=[f"c{i}" for i in range(8)])
    fm, sk = _fit(fm_cls(), df, y), sk_cls().fit(df, y)
    assert sklearn.__version__
    for bad in (df[COLUMNS[::-1]], renamed, df[COLUMNS[:3]]):
        with pytest.raises(ValueError) as info:
            _apply(fm, bad)
        assert str(info.value) == _sklearn_error(sk, bad)
    fm8, sk8 = _fit(fm_cls(), many, y), sk_cls().fit(many, y)
    other = many.rename(columns=lambda c: "z" + c)  # > 5 names: the lists end in "- ..."
    with pytest.raises(ValueError) as info:
        _apply(fm8, other)
    assert str(info.value) == _sklearn_error(sk8, other)
    assert "- ...\n" in str(info.value)


def test_reordered_columns_knn_acceptance():
    """The issue's case: fit on a DataFrame, predict on the columns reordered:
    scikit-learn raises, and so does fastml, with the same message."""
    skn = pytest.importorskip("sklearn.neighbors")
    df, y = _data()
    fm = fastml.neighbors.KNeighborsClassifier().fit(df, y)
    sk = skn.KNeighborsClassifier().fit(df, y)
    np.testing.assert_array_equal(fm.predict(df), sk.predict(df))
    reordered = df[["petal_wid", "sepal_len", "petal_len", "sepal_wid"]]
    with pytest.raises(ValueError) as fm_err:
        fm.predict(reordered)
    with pytest.raises(ValueError) as sk_err:
        sk.predict(reordered)
    assert str(fm_err.value) == str(sk_err.value)


def test_non_string_and_mixed_column_names():
    df, y = _data()
    ints = pd.DataFrame(df.to_numpy())  # default integer column names: no feature names
    est = fastml.neighbors.KNeighborsClassifier().fit(ints, y)
    assert not hasattr(est, "feature_names_in_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(ints)
        est.predict(ints.to_numpy())
    mixed = df.copy()
    mixed.columns = ["a", 1, "b", 2]
    with pytest.raises(TypeError, match="Feature names are only supported if all input "
                                        "features have string names"):
        fastml.neighbors.KNeighborsClassifier().fit(mixed, y)


def test_polars_dataframe_names():
    pl = pytest.importorskip("polars")
    df, y = _data()
    pdf = pl.from_pandas(df)
    est = fastml.linear_model.LogisticRegression().fit(pdf, y)
    np.testing.assert_array_equal(est.feature_names_in_, COLUMNS)
    np.testing.assert_array_equal(est.predict(pdf), est.predict(df.to_numpy()))
    with pytest.raises(ValueError, match="Feature names seen at fit time, yet now missing"):
        est.predict(pdf.select(COLUMNS[:3]))


@pytest.mark.parametrize("cls_name", ["StandardScaler", "MinMaxScaler", "Normalizer", "PCA",
                                      "PolynomialFeatures"])
def test_dataframe_dtype_is_kept(cls_name):
    df, _ = _data()
    est = dict(all_estimators())[cls_name]()
    out32 = est.fit_transform(df.astype(np.float32))
    assert out32.dtype == np.float32
    out64 = est.fit(df).transform(df)
    assert out64.dtype == np.float64
    np.testing.assert_allclose(out32, out64, rtol=2e-4, atol=2e-4)


def test_nullable_pandas_columns_become_float_nan():
    df = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64"),
                       "b": pd.array([0.5, 1.5, None], dtype="Float64")})
    scaler = fastml.preprocessing.StandardScaler().fit(df)
    np.testing.assert_allclose(scaler.mean_, [2.0, 1.0])
    out = scaler.transform(df)
    assert np.isnan(out[1, 0]) and np.isnan(out[2, 1])


# ---- get_feature_names_out --------------------------------------------------------
TRANSFORMERS = [n for n, _ in all_estimators(type_filter="transformer")
                if n not in ("LabelEncoder", "ColumnTransformer")]


@pytest.mark.parametrize("name", TRANSFORMERS)
def test_get_feature_names_out_matches_scikit_learn(name):
    pytest.importorskip("sklearn")
    from sklearn.utils import all_estimators as sk_all

    sk_cls = dict(sk_all())[name]
    fm_cls = dict(all_estimators())[name]
    kw = dict(_SMALL.get(name, {}))
    if name in ("PCA",):
        kw = dict(n_components=3)
    if name == "OneHotEncoder":
        kw = dict(sparse_output=False)
    rng = np.random.RandomState(0)
    if name == "OneHotEncoder":
        X = np.array([["a", "x"], ["b", "y"], ["a", "z"], ["c", "x"]], dtype=object)
    else:
        X = rng.rand(30, 3)
    y = np.arange(len(X)) % 2  # supervised transformers (ignored by the others)
    fm_kw, sk_kw = {**kw, **_members(name, "fastml")}, {**kw, **_members(name, "sklearn")}
    fm, sk = fm_cls(**fm_kw).fit(X, y), sk_cls(**sk_kw).fit(X, y)
    np.testing.assert_array_equal(fm.get_feature_names_out(), sk.get_feature_names_out())
    assert fm.get_feature_names_out().dtype == object
    names = ["alpha", "beta"] if name == "OneHotEncoder" else ["alpha", "beta", "gamma"]
    np.testing.assert_array_equal(fm.get_feature_names_out(names),
                                  sk.get_feature_names_out(names))
    df = pd.DataFrame(X, columns=names)
    fm, sk = fm_cls(**fm_kw).fit(df, y), sk_cls(**sk_kw).fit(df, y)
    np.testing.assert_array_equal(fm.get_feature_names_out(), sk.get_feature_names_out())
    with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
        fm.get_feature_names_out(["wrong"] * len(names))


def test_get_feature_names_out_errors():
    scaler = fastml.preprocessing.StandardScaler()
    with pytest.raises(fastml.exceptions.NotFittedError):
        scaler.get_feature_names_out()
    scaler.fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"input_features should have length equal to number "
                                         r"of features \(2\), got 3"):
        scaler.get_feature_names_out(["a", "b", "c"])
    with pytest.raises(fastml.exceptions.NotFittedError):
        fastml.decomposition.PCA().get_feature_names_out()
