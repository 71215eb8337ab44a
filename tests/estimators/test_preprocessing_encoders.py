"""OneHotEncoder against scikit-learn: infrequent categories (min_frequency,
max_categories), handle_unknown modes, drop (first / if_binary / explicit),
missing values (None, NaN) as categories, category dtypes, inverse_transform
and feature names."""
import warnings

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
skp = pytest.importorskip("sklearn.preprocessing")

from fastml.preprocessing import OneHotEncoder  # noqa: E402


def _both(kw, X, X2=None):
    """fit on X, transform X2 (default X) with fastml and scikit-learn;
    check outputs, categories, feature names and inverse agree."""
    a, b = OneHotEncoder(**kw), skp.OneHotEncoder(**kw)
    a.fit(X)
    b.fit(X)
    X2 = X if X2 is None else X2
    with warnings.catch_warnings(record=True) as wa:
        warnings.simplefilter("always")
        ta = a.transform(X2)
    with warnings.catch_warnings(record=True) as wb:
        warnings.simplefilter("always")
        tb = b.transform(X2)
    assert [str(w.message) for w in wa] == [str(w.message) for w in wb]
    assert sp.issparse(ta) == sp.issparse(tb)
    da = ta.toarray() if sp.issparse(ta) else ta
    db = tb.toarray() if sp.issparse(tb) else tb
    np.testing.assert_array_equal(da, db)
    assert da.dtype == db.dtype
    assert len(a.categories_) == len(b.categories_)
    for ca, cb in zip(a.categories_, b.categories_):
        assert ca.dtype == cb.dtype
        assert [str(v) for v in ca] == [str(v) for v in cb]
    np.testing.assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    ia, ib = a.inverse_transform(ta), b.inverse_transform(tb)
    assert ia.dtype == ib.dtype
    assert [[str(v) for v in r] for r in ia] == [[str(v) for v in r] for r in ib]
    ra = a.infrequent_categories_ if a._infrequent_enabled else None
    rb = b.infrequent_categories_ if b._infrequent_enabled else None
    assert str(ra) == str(rb)
    if b.drop_idx_ is None:
        assert a.drop_idx_ is None
    else:
        assert [None if v is None else int(v) for v in a.drop_idx_] == \
            [None if v is None else int(v) for v in b.drop_idx_]
    return a


X_STR = np.array([["a"] * 5 + ["b"] * 20 + ["c"] * 10 + ["d"] * 3,
                  ["x", "y"] * 19]).T.astype(object)
X_TEST = np.array([["a", "x"], ["b", "y"], ["e", "x"], ["d", "y"], ["c", "z"]], dtype=object)


@pytest.mark.parametrize("kw", [
    {"max_categories": 3}, {"max_categories": 1}, {"min_frequency": 4}, {"min_frequency": 0.2},
    {"min_frequency": 6, "max_categories": 2}, {"max_categories": 3, "drop": "first"},
    {"max_categories": 3, "drop": "if_binary"}, {"min_frequency": 4, "drop": ["b", "x"]},
])
@pytest.mark.parametrize("handle_unknown", ["ignore", "infrequent_if_exist", "warn"])
@pytest.mark.parametrize("sparse_output", [True, False])
def test_infrequent_matches_sklearn(kw, handle_unknown, sparse_output):
    _both(dict(kw, handle_unknown=handle_unknown, sparse_output=sparse_output), X_STR, X_TEST)


def test_infrequent_numeric_and_user_categories():
    X = np.array([[0] * 3 + [1] * 2 + [2] * 10 + [3] * 7]).T
    _both({"max_categories": 2, "handle_unknown": "infrequent_if_exist"}, X,
          np.array([[0], [5], [3]]))
    _both({"categories": [[0, 1, 2, 3, 4]], "min_frequency": 3,
           "handle_unknown": "infrequent_if_exist"}, X)


def test_drop_infrequent_category_errors():
    enc = OneHotEncoder(max_categories=3, drop=["a", "x"])
    with pytest.raises(ValueError, match="Unable to drop category 'a' from feature 0 because "
                                         "it is infrequent"):
        enc.fit(X_STR)


@pytest.mark.parametrize("missing", [None, np.nan])
@pytest.mark.parametrize("handle_unknown", ["error", "ignore"])
def test_missing_values_are_categories(missing, handle_unknown):
    X = np.array([["b", 1.0], [missing, 2.0], ["a", np.nan], ["b", np.nan]], dtype=object)
    _both({"handle_unknown": handle_unknown, "sparse_output": False}, X)
    Xf = np.array([[1.0, 2.0], [np.nan, 2.0], [3.0, np.nan]])
    _both({"handle_unknown": handle_unknown}, Xf)


@pytest.mark.parametrize("drop", ["first", "if_binary", ["b", 2], None])
def test_drop_matches_sklearn(drop):
    X = np.array([["a", 1], ["b", 2], ["b", 3], ["a", 1]], dtype=object)
    _both({"drop": drop}, X)
    _both({"drop": drop, "handle_unknown": "ignore"}, X,
          np.array([["c", 1], ["b", 5]], dtype=object))


def test_category_dtypes_match_sklearn():
    for X in (np.array([[1, 2], [3, 2]]), np.array([["a", "b"], ["c", "b"]]),
              [["a", 1], ["b", 2]], np.array([[1.5, 2.0], [1.5, 3.0]], dtype=np.float32)):
        _both({}, X)
    _both({"categories": [["a", "b", "c"], ["b", "d"]]}, np.array([["a", "b"], ["c", "b"]]))
    _both({"categories": [[1, 2, 3]]}, np.array([[1], [3]]))


def test_unknown_error_and_messages():
    enc = OneHotEncoder().fit([["a"], ["b"]])
    with pytest.raises(ValueError, match=r"Found unknown categories \['c'\] in column 0"):
        enc.transform([["c"]])
    with pytest.raises(ValueError, match="Unsorted categories are not supported"):
        OneHotEncoder(categories=[[3, 1]]).fit([[1], [3]])
    with pytest.raises(ValueError, match="duplicate elements"):
        OneHotEncoder(categories=[["a", "a"]]).fit([["a"]])
    with pytest.raises(ValueError, match="Nan should be the last element"):
        OneHotEncoder(categories=[[np.nan, 1.0]]).fit([[1.0]])


def test_pandas_columns_keep_their_dtype():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"s": ["a", "b", None, "a"], "i": [3, 1, 2, 3],
                       "c": pd.Categorical(["u", "v", "u", np.nan])})
    enc = _both({"sparse_output": False}, df)
    assert enc.categories_[1].dtype == np.int64
    assert list(enc.get_feature_names_out()[:3]) == ["s_a", "s_b", "s_nan"]


def test_feature_name_combiner_and_pandas_output():
    pd = pytest.importorskip("pandas")
    X = np.array([["a", "x"], ["b", "y"]], dtype=object)
    enc = OneHotEncoder(feature_name_combiner=lambda f, c: f"{f}={c}").fit(X)
    assert list(enc.get_feature_names_out()) == ["x0=a", "x0=b", "x1=x", "x1=y"]
    bad = OneHotEncoder(feature_name_combiner=lambda f, c: 1).fit(X)
    with pytest.raises(TypeError, match="should return a Python string"):
        bad.get_feature_names_out()
    enc = OneHotEncoder().set_output(transform="pandas").fit(X)
    with pytest.raises(ValueError, match="Pandas output does not support sparse data"):
        enc.transform(X)
    out = OneHotEncoder(sparse_output=False).set_output(transform="pandas").fit_transform(X)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["x0_a", "x0_b", "x1_x", "x1_y"]


def test_large_sparse_output_index_dtype(rng):
    X = rng.integers(0, 1000, size=(5000, 3))
    out = OneHotEncoder().fit_transform(X)
    ref = skp.OneHotEncoder().fit_transform(X)
    assert out.indices.dtype == np.int32 and out.format == "csr" and sp.isspmatrix(out)
    assert (out != ref).nnz == 0
