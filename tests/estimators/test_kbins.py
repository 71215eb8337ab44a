"""KBinsDiscretizer against scikit-learn (edges, bins, encodings, inverse,
feature names, subsampling with the same random_state) and its own errors."""
import pickle
import warnings

import numpy as np
import pytest

from fastml.preprocessing import KBinsDiscretizer, SplineTransformer

sk = pytest.importorskip("sklearn.preprocessing")
sp = pytest.importorskip("scipy.sparse")


@pytest.fixture
def data(rng):
    X = np.c_[rng.standard_normal(400), rng.exponential(size=400), rng.integers(0, 4, 400),
              np.ones(400)]
    return X, np.r_[X, 3 * X - 1]


def _both(kw, X, sw=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return (KBinsDiscretizer(**kw).fit(X, sample_weight=sw),
                sk.KBinsDiscretizer(**kw).fit(X, sample_weight=sw))


def _dense(a):
    return a.toarray() if sp.issparse(a) else a


@pytest.mark.parametrize("strategy,method", [
    ("uniform", "linear"), ("kmeans", "linear"), ("quantile", "linear"),
    ("quantile", "averaged_inverted_cdf"), ("quantile", "inverted_cdf"),
    ("quantile", "hazen"), ("quantile", "closest_observation")])
@pytest.mark.parametrize("encode", ["ordinal", "onehot", "onehot-dense"])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_scikit_learn(data, rng, strategy, method, encode, weighted):
    X, Xt = data
    if weighted and strategy == "quantile" and method not in ("inverted_cdf",
                                                              "averaged_inverted_cdf"):
        pytest.skip("scikit-learn rejects this combination (tested below)")
    sw = rng.integers(0, 3, X.shape[0]).astype(float) if weighted else None
    for n_bins in (3, [2, 5, 4, 3]):
        for dtype in (None, np.float32):
            kw = dict(n_bins=n_bins, strategy=strategy, quantile_method=method,
                      encode=encode, dtype=dtype)
            f, s = _both(kw, X, sw)
            np.testing.assert_array_equal(f.n_bins_, s.n_bins_)
            for a, b in zip(f.bin_edges_, s.bin_edges_):
                np.testing.assert_allclose(a, b, rtol=1e-12)
            a, b = f.transform(Xt), s.transform(Xt)
            assert a.dtype == b.dtype and sp.issparse(a) == sp.issparse(b)
            np.testing.assert_array_equal(_dense(a), _dense(b))
            inv = f.inverse_transform(f.transform(X))
            np.testing.assert_allclose(inv[:, :3], s.inverse_transform(s.transform(X))[:, :3])
            np.testing.assert_array_equal(inv[:, 3], 1.0)  # the constant (NaN in sklearn)
            np.testing.assert_array_equal(f.get_feature_names_out(),
                                          s.get_feature_names_out())


@pytest.mark.parametrize("strategy", ["uniform", "quantile", "kmeans"])
def test_subsample_draws_the_same_rows(rng, strategy):
    X = rng.standard_normal((3000, 2))
    sw = rng.uniform(0.5, 2, 3000)
    for w in (None, sw):
        kw = dict(n_bins=4, strategy=strategy, subsample=500, random_state=3, encode="ordinal")
        f, s = _both(kw, X, w)
        for a, b in zip(f.bin_edges_, s.bin_edges_):
            np.testing.assert_allclose(a, b, rtol=1e-12)


def test_constant_feature_and_narrow_bins_warn():
    X = np.array([[1.0, 0], [1, 0], [1, 0], [1, 0], [1, 3], [1, 3]])
    with pytest.warns(UserWarning, match="Feature 0 is constant"):
        est = KBinsDiscretizer(n_bins=3, encode="ordinal").fit(X)
    assert est.n_bins_[0] == 1
    assert not est.transform(X)[:, 0].any()
    with pytest.warns(UserWarning, match="Consider decreasing the number of bins"):
        KBinsDiscretizer(n_bins=3).fit(X[:, 1:])


def test_dtype_of_output():
    X = np.arange(20, dtype=np.float32).reshape(10, 2)
    assert KBinsDiscretizer(encode="ordinal").fit(X).transform(X).dtype == np.float32
    assert KBinsDiscretizer(encode="onehot").fit(X).transform(X).dtype == np.float32
    assert KBinsDiscretizer(dtype=np.float64).fit(X).transform(X).dtype == np.float64
    assert KBinsDiscretizer(encode="ordinal").fit(X.astype(np.float16)).transform(
        X.astype(np.float16)).dtype == np.float64


def test_spline_of_degree_zero_equals_quantile_bins(rng):
    X = rng.standard_normal((200, 1))
    a = SplineTransformer(n_knots=6, degree=0, knots="quantile").fit_transform(X)
    b = KBinsDiscretizer(n_bins=5, encode="onehot-dense", strategy="quantile",
                         quantile_method="averaged_inverted_cdf").fit_transform(X)
    np.testing.assert_allclose(a, b, rtol=1e-13)


def test_errors_name_the_problem():
    X = np.arange(12.0).reshape(6, 2)
    with pytest.raises(ValueError, match="n_bins"):
        KBinsDiscretizer(n_bins=1).fit(X)
    with pytest.raises(ValueError, match="invalid number of bins at indices 0"):
        KBinsDiscretizer(n_bins=[1, 3]).fit(X)
    with pytest.raises(ValueError, match=r"shape \(n_features,\)"):
        KBinsDiscretizer(n_bins=[2, 3, 4]).fit(X)
    with pytest.raises(ValueError, match="quantile_method should either be"):
        KBinsDiscretizer(quantile_method="linear").fit(X, sample_weight=np.ones(6))
    with pytest.raises(ValueError, match="strategy"):
        KBinsDiscretizer(strategy="median").fit(X)
    with pytest.raises(ValueError, match="NaN"):
        KBinsDiscretizer().fit(np.r_[X, [[np.nan, 1]]])
    est = KBinsDiscretizer(n_bins=3, encode="ordinal").fit(X)
    with pytest.raises(ValueError, match="not bin ids"):
        est.inverse_transform(np.array([[0.0, 5.0]]))
    with pytest.raises(ValueError, match="Expecting 2"):
        est.inverse_transform(np.zeros((2, 3)))
    oh = KBinsDiscretizer(n_bins=3).fit(X)
    with pytest.raises(ValueError, match="Expected 6 columns"):
        oh.inverse_transform(np.zeros((2, 5)))


def test_pickle_round_trip(data):
    X, Xt = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = KBinsDiscretizer(n_bins=4, strategy="kmeans").fit(X)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.transform(Xt).toarray(), est.transform(Xt).toarray())
