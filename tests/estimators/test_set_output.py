"""set_output / set_config(transform_output=...): transformers return pandas or
polars DataFrames with get_feature_names_out() columns (and the input's index),
as scikit-learn's do."""
import threading

import numpy as np
import pytest

import fastml
from fastml.utils import all_estimators

pd = pytest.importorskip("pandas")

# the neighbours graph transformers output only sparse graphs (pandas output
# raises, in scikit-learn too: tests/neighbors/test_metrics.py checks that)
TRANSFORMERS = [n for n, _ in all_estimators(type_filter="transformer")
                if n not in ("LabelEncoder", "ColumnTransformer", "KNeighborsTransformer",
                             "RadiusNeighborsTransformer")]
_KW = {"KMeans": dict(n_clusters=3, n_init=1, random_state=0),
       "MiniBatchKMeans": dict(n_clusters=3, n_init=1, random_state=0),
       "PCA": dict(n_components=2),
       # pandas/polars output needs dense output (scikit-learn raises for sparse)
       "OneHotEncoder": dict(sparse_output=False)}
_KW["KBinsDiscretizer"] = dict(encode="onehot-dense")  # sparse by default, as OneHotEncoder


def _frame(categorical=False):
    rng = np.random.RandomState(0)
    index = pd.Index([f"row{i}" for i in range(20)], name="id")
    if categorical:
        return pd.DataFrame({"color": rng.choice(["red", "blue"], 20),
                             "size": rng.choice(["s", "m", "l"], 20)}, index=index)
    return pd.DataFrame(rng.rand(20, 3), columns=["a", "b", "c"], index=index)


# supervised transformers (feature selectors, voting / stacking) are fitted with this
# target (ignored by the others); meta-estimators get small members of either library
_TARGET = np.arange(20) % 2


def _members(name, lib):
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
    return {}


def _make(name):
    return dict(all_estimators())[name](**_KW.get(name, {}), **_members(name, "fastml"))


@pytest.mark.parametrize("name", TRANSFORMERS)
def test_pandas_output_of_every_transformer(name):
    df = _frame(categorical=name == "OneHotEncoder")
    default = _make(name).fit(df, _TARGET).transform(df)
    est = _make(name).set_output(transform="pandas")
    out = est.fit(df, _TARGET).transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(est.get_feature_names_out())
    assert out.index.equals(df.index)
    np.testing.assert_allclose(out.to_numpy(), default)
    out_ft = _make(name).set_output(transform="pandas").fit_transform(df, _TARGET)
    assert isinstance(out_ft, pd.DataFrame) and out_ft.index.equals(df.index)
    # from a NumPy input: a default RangeIndex
    out_np = est.transform(df.to_numpy()) if name == "OneHotEncoder" else \
        _make(name).set_output(transform="pandas").fit(df.to_numpy(), _TARGET).transform(
            df.to_numpy())
    assert isinstance(out_np, pd.DataFrame)
    assert list(out_np.index) == list(range(len(df)))


@pytest.mark.parametrize("name", TRANSFORMERS)
def test_pandas_columns_match_scikit_learn(name):
    pytest.importorskip("sklearn")
    from sklearn.utils import all_estimators as sk_all

    df = _frame(categorical=name == "OneHotEncoder")
    kw = dict(_KW.get(name, {}))
    if name == "OneHotEncoder":
        kw["sparse_output"] = False
    sk = dict(sk_all())[name](**kw, **_members(name, "sklearn")).set_output(transform="pandas")
    fm = dict(all_estimators())[name](**kw, **_members(name, "fastml")).set_output(
        transform="pandas")
    sk_out, fm_out = sk.fit_transform(df, _TARGET), fm.fit_transform(df, _TARGET)
    assert list(fm_out.columns) == list(sk_out.columns)
    assert fm_out.index.equals(sk_out.index)
    assert fm_out.shape == sk_out.shape
    if name not in ("KMeans", "MiniBatchKMeans", "PCA"):  # init / sign conventions
        np.testing.assert_allclose(fm_out.to_numpy(dtype=float), sk_out.to_numpy(dtype=float),
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["StandardScaler", "PolynomialFeatures", "PCA", "KMeans"])
def test_polars_output(name):
    pl = pytest.importorskip("polars")
    df = _frame()
    est = _make(name).set_output(transform="polars")
    out = est.fit_transform(pl.from_pandas(df.reset_index(drop=True)))
    assert isinstance(out, pl.DataFrame)
    assert out.columns == list(est.get_feature_names_out())
    np.testing.assert_allclose(out.to_numpy(), _make(name).fit(df.to_numpy()).transform(
        df.to_numpy()), rtol=1e-10, atol=1e-10)


def test_float32_dtype_kept_in_pandas_output():
    df = _frame().astype(np.float32)
    out = fastml.preprocessing.StandardScaler().set_output(transform="pandas").fit_transform(df)
    assert all(dt == np.float32 for dt in out.dtypes)


def test_global_config_and_context():
    df = _frame()
    assert fastml.get_config()["transform_output"] == "default"
    scaler = fastml.preprocessing.StandardScaler().fit(df)
    with fastml.config_context(transform_output="pandas"):
        assert fastml.get_config()["transform_output"] == "pandas"
        assert isinstance(scaler.transform(df), pd.DataFrame)
        # the estimator's own setting wins over the global one
        own = fastml.preprocessing.StandardScaler().set_output(transform="default").fit(df)
        assert isinstance(own.transform(df), np.ndarray)
    assert isinstance(scaler.transform(df), np.ndarray)
    try:
        fastml.set_config(transform_output="pandas")
        assert isinstance(scaler.transform(df), pd.DataFrame)
        fastml.set_config(transform_output=None)  # None: unchanged
        assert fastml.get_config()["transform_output"] == "pandas"
    finally:
        fastml._config._global_config["transform_output"] = None  # back to unset
    with pytest.raises(ValueError, match="transform_output must be one of"):
        fastml.set_config(transform_output="numpy")
    with pytest.raises(RuntimeError):
        with fastml.config_context(transform_output="polars"):
            raise RuntimeError
    assert fastml.get_config()["transform_output"] == "default"


def test_config_context_is_per_thread():
    seen = {}
    inside, leave = threading.Event(), threading.Event()

    def worker():
        with fastml.config_context(transform_output="pandas"):
            inside.set()
            leave.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main"] = fastml.get_config()["transform_output"]
    leave.set()
    t.join()
    assert seen["main"] == "default"


def test_set_output_arguments():
    scaler = fastml.preprocessing.StandardScaler()
    assert scaler.set_output(transform=None) is scaler
    assert not hasattr(scaler, "_sklearn_output_config")
    with pytest.raises(ValueError, match="output config must be in"):
        scaler.set_output(transform="numpy")
    # label encoders transform y, not X: no set_output (as in scikit-learn)
    assert not hasattr(fastml.preprocessing.LabelEncoder(), "set_output")


def test_scikit_learns_config_applies_until_fastml_sets_its_own():
    """A drop-in honours sklearn.set_config(transform_output=...); an explicit
    fastml setting takes precedence."""
    sklearn = pytest.importorskip("sklearn")
    df = _frame()
    with sklearn.config_context(transform_output="pandas"):
        assert fastml.get_config()["transform_output"] == "pandas"
        assert isinstance(fastml.preprocessing.MinMaxScaler().fit_transform(df), pd.DataFrame)
        with fastml.config_context(transform_output="default"):
            assert isinstance(fastml.preprocessing.MinMaxScaler().fit_transform(df), np.ndarray)
    assert isinstance(fastml.preprocessing.MinMaxScaler().fit_transform(df), np.ndarray)


def test_clone_keeps_the_output_setting():
    df = _frame()
    est = fastml.base.clone(fastml.preprocessing.StandardScaler().set_output(transform="pandas"))
    assert isinstance(est.fit_transform(df), pd.DataFrame)
