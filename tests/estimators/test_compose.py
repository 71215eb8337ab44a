"""fastml.compose against scikit-learn's compose on the same data: outputs,
feature names, fitted attributes, set_output and error messages."""
import numpy as np
import pytest

import fastml
from fastml.base import BaseEstimator, TransformerMixin
from fastml.compose import (ColumnTransformer, TransformedTargetRegressor,
                            make_column_selector, make_column_transformer)
from fastml.linear_model import LinearRegression, LogisticRegression
from fastml.pipeline import make_pipeline
from fastml.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

skc = pytest.importorskip("sklearn.compose")
skp = pytest.importorskip("sklearn.preprocessing")
pd = pytest.importorskip("pandas")


def _num(n=30, d=5, seed=0):
    return np.random.RandomState(seed).rand(n, d)


def _df(n=40, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame({"age": rng.randint(18, 80, n).astype(float),
                         "city": rng.choice(["paris", "rome", "oslo"], n),
                         "income": rng.lognormal(10, 1, n),
                         "pet": rng.choice(["cat", "dog"], n),
                         "score": rng.rand(n)},
                        index=pd.Index(np.arange(100, 100 + n), name="id"))


def _pair(spec, **kw):
    """(fastml ColumnTransformer, scikit-learn ColumnTransformer) for spec:
    list of (name, "scale"|"minmax"|"onehot"|"drop"|"passthrough", columns)."""
    def build(lib):
        make = {"scale": lib.StandardScaler, "minmax": lib.MinMaxScaler,
                "onehot": lambda: lib.OneHotEncoder(sparse_output=False)}
        trans = [(n, t if t in ("drop", "passthrough") else make[t](), c) for n, t, c in spec]
        rem = kw.get("remainder", "drop")
        rem = make[rem]() if rem in make else rem
        return trans, {**kw, "remainder": rem}

    fm_t, fm_kw = build(fastml.preprocessing)
    sk_t, sk_kw = build(skp)
    return ColumnTransformer(fm_t, **fm_kw), skc.ColumnTransformer(sk_t, **sk_kw)


def _same_fit(fm, sk, X, X2=None):
    out_fm, out_sk = fm.fit_transform(X), sk.fit_transform(X)
    np.testing.assert_allclose(out_fm, out_sk, rtol=1e-12, atol=1e-12)
    X2 = X if X2 is None else X2
    np.testing.assert_allclose(fm.transform(X2), sk.transform(X2), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(fm.get_feature_names_out(), sk.get_feature_names_out())
    assert fm.output_indices_ == sk.output_indices_
    assert [(n, _cols(c)) for n, _, c in fm.transformers_] == \
        [(n, _cols(c)) for n, _, c in sk.transformers_]
    assert fm.n_features_in_ == sk.n_features_in_
    return out_fm


def _cols(c):
    if isinstance(c, slice) or np.isscalar(c):
        return c
    return [x.item() if hasattr(x, "item") else x for x in c]


@pytest.mark.parametrize("columns", [[0, 2], slice(1, 3), [True, False, True, False, False],
                                     np.array([3, 4]), 1, [-1]])
@pytest.mark.parametrize("remainder", ["drop", "passthrough", "minmax"])
def test_numeric_column_specs_match_scikit_learn(columns, remainder):
    X = _num()
    scalar = np.isscalar(columns)
    spec = [("s", "scale", [columns] if scalar else columns)]
    _same_fit(*_pair(spec, remainder=remainder), X, _num(seed=1))


def test_callable_columns_and_several_transformers():
    X = _num(d=6)
    spec = [("a", "scale", lambda X: [0, 1]), ("b", "minmax", [2, 3]), ("c", "drop", [4]),
            ("d", "passthrough", [5])]
    fm, sk = _pair(spec)
    _same_fit(fm, sk, X)
    assert fm.named_transformers_.a is fm.transformers_[0][1]
    assert isinstance(fm.named_transformers_["b"], MinMaxScaler)
    assert fm.named_transformers_.c == "drop"


def test_dataframe_names_selectors_and_reordered_transform():
    df = _df()
    fm = make_column_transformer(
        (OneHotEncoder(sparse_output=False), make_column_selector(dtype_include=object)),
        (StandardScaler(), make_column_selector(pattern="^(age|inc)")),
        remainder="passthrough")
    sk = skc.make_column_transformer(
        (skp.OneHotEncoder(sparse_output=False), skc.make_column_selector(dtype_include=object)),
        (skp.StandardScaler(), skc.make_column_selector(pattern="^(age|inc)")),
        remainder="passthrough")
    reordered = df[["score", "pet", "income", "city", "age"]]
    out = _same_fit(fm, sk, df, reordered)
    assert out.shape == (40, 3 + 2 + 2 + 1)
    np.testing.assert_array_equal(fm.feature_names_in_, df.columns)
    with pytest.raises(ValueError, match="columns are missing: {'age'}"):
        fm.transform(df.drop(columns="age"))
    # a column dropped by the transformers is not needed at transform
    fm2 = ColumnTransformer([("s", StandardScaler(), ["age"])]).fit(df)
    np.testing.assert_allclose(fm2.transform(df[["age", "city"]]), fm2.transform(df))


@pytest.mark.parametrize("output", ["pandas", "polars"])
def test_set_output_dataframes(output):
    lib = pytest.importorskip(output)
    df = _df()
    spec = [("num", "scale", ["age", "income"]), ("cat", "onehot", ["city"])]
    fm, sk = _pair(spec, remainder="passthrough")
    fm.set_output(transform=output)
    sk.set_output(transform=output)
    X = df if output == "pandas" else lib.DataFrame({c: df[c].tolist() for c in df.columns})
    out_fm, out_sk = fm.fit_transform(X), sk.fit_transform(X)
    assert type(out_fm) is type(out_sk)
    assert list(out_fm.columns) == list(out_sk.columns)
    if output == "pandas":
        assert out_fm.index.equals(df.index)
        pd.testing.assert_frame_equal(out_fm, out_sk, check_dtype=False)
        pd.testing.assert_frame_equal(fm.transform(df), sk.transform(df), check_dtype=False)
    else:
        from polars.testing import assert_frame_equal

        assert_frame_equal(out_fm, out_sk, check_dtypes=False)
        assert_frame_equal(fm.transform(X), sk.transform(X), check_dtypes=False)


def test_verbose_feature_names_out():
    df = _df()
    spec = [("a", "scale", ["age", "income"]), ("b", "minmax", ["age"])]
    fm, sk = _pair(spec, verbose_feature_names_out=False)
    fm.fit(df), sk.fit(df)
    with pytest.raises(ValueError) as e_fm:
        fm.get_feature_names_out()
    with pytest.raises(ValueError) as e_sk:
        sk.get_feature_names_out()
    assert str(e_fm.value) == str(e_sk.value)
    fmt = "{feature_name}@{transformer_name}"
    fm, sk = _pair(spec, verbose_feature_names_out=fmt)
    _same_fit(fm, sk, df)
    fm, sk = _pair([("a", "scale", ["age"]), ("b", "minmax", ["income"])],
                   verbose_feature_names_out=False)
    _same_fit(fm, sk, df)
    np.testing.assert_array_equal(fm.get_feature_names_out(), ["age", "income"])


class _SparseOut(TransformerMixin, BaseEstimator):
    """Test transformer with a sparse (CSR) output: keeps values above 0.8."""

    _parameter_constraints = {}

    def fit(self, X, y=None):
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        import scipy.sparse as sp

        X = np.asarray(X)
        return sp.csr_matrix(np.where(X > 0.8, X, 0.0))

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features, dtype=object)


@pytest.mark.parametrize("threshold", [0.0, 0.3, 1.0])
def test_sparse_threshold(threshold):
    import scipy.sparse as sp

    X = _num(d=4)
    fm = ColumnTransformer([("sp", _SparseOut(), [0, 1, 2])], sparse_threshold=threshold)
    sk = skc.ColumnTransformer([("sp", _SparseOut(), [0, 1, 2])], sparse_threshold=threshold)
    out_fm, out_sk = fm.fit_transform(X), sk.fit_transform(X)
    assert fm.sparse_output_ == sk.sparse_output_
    assert sp.issparse(out_fm) == sp.issparse(out_sk)
    dense = lambda a: a.toarray() if sp.issparse(a) else a  # noqa: E731
    np.testing.assert_allclose(dense(out_fm), dense(out_sk))


def test_n_jobs_same_result():
    X = _num(d=6)
    spec = [("a", StandardScaler(), [0, 1]), ("b", MinMaxScaler(), [2, 3]),
            ("c", StandardScaler(), [4, 5])]
    one = ColumnTransformer(spec, n_jobs=1).fit_transform(X)
    two = ColumnTransformer(spec, n_jobs=2).fit_transform(X)
    np.testing.assert_array_equal(one, two)


def test_errors_match_scikit_learn():
    X = _num()
    cases = [
        [("s", StandardScaler(), ["a"])],                        # names on an array
        [("s", StandardScaler(), [7])],                          # out of range
        [("s", "no-transformer", [0])],                          # not a transformer
        [("s", StandardScaler(), [0]), ("s", MinMaxScaler(), [1])],  # duplicate names
        [("s", StandardScaler(), 0)],                            # scalar: 1-D input
    ]
    for spec in cases:
        sk_spec = [(n, t if isinstance(t, str) else type(t).__name__, c) for n, t, c in spec]
        sk_spec = [(n, t if t == "no-transformer" else getattr(skp, t)(), c)
                   for n, t, c in sk_spec]
        with pytest.raises((ValueError, TypeError)) as e_fm:
            ColumnTransformer(spec).fit(X)
        with pytest.raises((ValueError, TypeError)) as e_sk:
            skc.ColumnTransformer(sk_spec).fit(X)
        assert type(e_fm.value).__mro__[1:] and isinstance(e_fm.value, e_sk.type) or \
            issubclass(e_sk.type, type(e_fm.value)) or e_fm.type.__name__ == e_sk.type.__name__
        msg_sk = str(e_sk.value).replace("scikit-learn", "fastml")
        assert str(e_fm.value).split(" '")[0] == msg_sk.split(" '")[0]
    with pytest.raises(fastml.exceptions.NotFittedError):
        ColumnTransformer([("s", StandardScaler(), [0])]).transform(X)
    ct = ColumnTransformer([("s", StandardScaler(), [0])]).fit(X)
    with pytest.raises(ValueError, match="X has 2 features, but ColumnTransformer is "
                                         "expecting 5 features as input"):
        ct.transform(X[:, :2])


def test_params_and_clone():
    ct = ColumnTransformer([("s", StandardScaler(), [0]), ("m", MinMaxScaler(), [1])],
                           remainder="passthrough")
    params = ct.get_params()
    assert params["s"] is ct.transformers[0][1] and params["s__with_mean"] is True
    ct.set_params(s__with_mean=False, m="drop", remainder="drop")
    assert ct.transformers[0][1].with_mean is False and ct.transformers[1][1] == "drop"
    clone = fastml.base.clone(ct)
    assert clone.transformers[0][1] is not ct.transformers[0][1]
    assert clone.get_params(deep=False).keys() == ct.get_params(deep=False).keys()


def test_in_a_pipeline_matches_scikit_learn():
    sk_pipe = pytest.importorskip("sklearn.pipeline")
    sk_lin = pytest.importorskip("sklearn.linear_model")
    df = _df(200)
    y = (df["income"] > df["income"].median()).to_numpy().astype(int)
    fm = make_pipeline(ColumnTransformer([("n", StandardScaler(), ["age", "income", "score"]),
                                          ("c", OneHotEncoder(sparse_output=False),
                                           ["city", "pet"])]),
                       LogisticRegression(C=10.0, max_iter=1000, tol=1e-10))
    sk = sk_pipe.make_pipeline(
        skc.ColumnTransformer([("n", skp.StandardScaler(), ["age", "income", "score"]),
                               ("c", skp.OneHotEncoder(sparse_output=False), ["city", "pet"])]),
        sk_lin.LogisticRegression(C=10.0, max_iter=1000, tol=1e-10))
    fm.fit(df, y), sk.fit(df, y)
    np.testing.assert_allclose(fm.predict_proba(df), sk.predict_proba(df), atol=1e-4)
    np.testing.assert_array_equal(fm[:-1].get_feature_names_out(),
                                  sk[:-1].get_feature_names_out())
    fm.set_output(transform="pandas")
    out = fm[:-1].transform(df)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(
        sk[:-1].get_feature_names_out())


# ---- TransformedTargetRegressor ----------------------------------------------------------
def test_transformed_target_regressor_matches_scikit_learn():
    sk_lin = pytest.importorskip("sklearn.linear_model")
    rng = np.random.RandomState(0)
    X = rng.rand(50, 3)
    y = np.exp(X @ [1.0, 2.0, -1.0] + 0.1 * rng.randn(50))
    fm = TransformedTargetRegressor(LinearRegression(), func=np.log, inverse_func=np.exp)
    sk = skc.TransformedTargetRegressor(sk_lin.LinearRegression(), func=np.log,
                                        inverse_func=np.exp)
    np.testing.assert_allclose(fm.fit(X, y).predict(X), sk.fit(X, y).predict(X), rtol=1e-8)
    np.testing.assert_allclose(fm.regressor_.coef_, sk.regressor_.coef_, rtol=1e-8)
    assert fm.score(X, y) == pytest.approx(sk.score(X, y), rel=1e-8)
    fm = TransformedTargetRegressor(transformer=StandardScaler()).fit(X, y)
    sk = skc.TransformedTargetRegressor(transformer=skp.StandardScaler()).fit(X, y)
    np.testing.assert_allclose(fm.predict(X), sk.predict(X), rtol=1e-8)
    assert fm.predict(X).shape == (50,) and fm.n_features_in_ == 3
    Y = np.column_stack([y, 2 * y])
    fm2 = TransformedTargetRegressor(transformer=StandardScaler()).fit(X, Y)
    assert fm2.predict(X).shape == (50, 2)


def test_transformed_target_regressor_errors():
    X, y = _num(d=2), np.arange(30.0)
    with pytest.raises(ValueError, match="'transformer' and functions 'func'/'inverse_func' "
                                         "cannot both be set."):
        TransformedTargetRegressor(transformer=StandardScaler(), func=np.log).fit(X, y)
    with pytest.raises(ValueError, match="When 'func' is provided, 'inverse_func' must also"):
        TransformedTargetRegressor(func=np.log).fit(X, y)
    with pytest.warns(UserWarning, match="not strictly inverse of each other"):
        TransformedTargetRegressor(func=np.sqrt, inverse_func=np.log1p).fit(X, y + 1)
    with pytest.raises(ValueError, match="requires y to be passed"):
        TransformedTargetRegressor().fit(X, None)


def test_scikit_learn_details_column_specs_getitem_verbose_params(capsys):
    X = _num(d=3)
    for col in [1.5, ["string", 1], slice(1, "s"), np.array([1.0])]:
        with pytest.raises(ValueError, match="No valid specification of the columns"):
            ColumnTransformer([("t", StandardScaler(), col)]).fit(X)
    ct = ColumnTransformer([("t1", StandardScaler(), [0]), ("t2", MinMaxScaler(), [1])],
                           remainder=StandardScaler(), verbose=True)
    with pytest.raises(TypeError, match="ColumnTransformer is subscriptable after it is "
                                        "fitted"):
        ct["t1"]
    assert ct.get_params()["remainder__with_mean"] is True  # nested remainder parameters
    ct.fit(X)
    assert ct["t2"] is ct.named_transformers_.t2
    with pytest.raises(KeyError, match="'nope' is not a valid transformer name"):
        ct["nope"]
    # n_jobs=None runs one job, so the verbose lines come in order
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("Processing ")[1].split(",")[0] for line in lines] == \
        ["t1", "t2", "remainder"]


class _FrameOutNoNames(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """DataFrame output, no get_feature_names_out."""

    _parameter_constraints = {}

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X.rename(columns=lambda c: c + "_out")

    def set_output(self, *, transform=None):  # always DataFrames
        return self


def test_feature_names_of_dataframe_outputs_without_get_feature_names_out():
    df = _df()
    ct = ColumnTransformer([("a", _FrameOutNoNames(), ["age", "income"]),
                            ("b", StandardScaler(), ["score"])]).set_output(transform="pandas")
    out = ct.fit_transform(df)
    assert list(out.columns) == ["a__age_out", "a__income_out", "b__score"]


def test_pandas_na_in_a_numpy_output_is_an_error():
    df = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")})
    ct = ColumnTransformer([("a", "passthrough", ["a"])])
    with pytest.raises(ValueError, match="uses pandas.NA to represent null values"):
        ct.fit_transform(df)
    out = ct.set_output(transform="pandas").fit_transform(df)
    assert out["a__a"].isna().sum() == 1
