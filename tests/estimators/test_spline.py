"""SplineTransformer against scikit-learn (values within 1e-10, in practice
bit for bit), plus its own contract: dtype, layout, sparse output, missing
values, errors, pickled state, spline regression."""
import pickle

import numpy as np
import pytest

from fastml.preprocessing import SplineTransformer

sk = pytest.importorskip("sklearn.preprocessing")
sp = pytest.importorskip("scipy.sparse")


@pytest.fixture
def data(rng):
    X = rng.standard_normal((300, 3))
    return X, np.r_[X, 3 * X]


def _sk_transform(kw, X, Xt):
    """scikit-learn's output; for linear extrapolation at degree <= 1 one
    feature at a time (scikit-learn 1.9 reuses the bumped degree of the first
    feature for the later ones, a bug fastml does not copy)."""
    if kw.get("extrapolation") == "linear" and kw.get("degree", 3) <= 1:
        return np.hstack([sk.SplineTransformer(**kw).fit(X[:, [j]]).transform(Xt[:, [j]])
                          for j in range(X.shape[1])])
    return sk.SplineTransformer(**kw).fit(X).transform(Xt)


@pytest.mark.parametrize("extrapolation", ["error", "constant", "linear", "continue",
                                           "periodic"])
@pytest.mark.parametrize("degree", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("knots", ["uniform", "quantile"])
@pytest.mark.parametrize("include_bias", [True, False])
def test_matches_scikit_learn(data, extrapolation, degree, knots, include_bias):
    X, Xt = data
    if extrapolation == "error" or (degree == 0 and extrapolation in ("constant", "linear")):
        Xt = X  # scikit-learn raises a shape error for degree 0 outside the knots
    for n_knots in (2, 4, 9):
        if extrapolation == "periodic" and n_knots <= degree:
            continue
        kw = dict(n_knots=n_knots, degree=degree, knots=knots, extrapolation=extrapolation,
                  include_bias=include_bias)
        want = _sk_transform(kw, X, Xt)
        st = SplineTransformer(**kw).fit(X)
        got = st.transform(Xt)
        assert got.shape == want.shape == (Xt.shape[0], st.n_features_out_)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)
        got_sparse = SplineTransformer(sparse_output=True, **kw).fit(X).transform(Xt)
        assert sp.issparse(got_sparse) and got_sparse.format == "csr"
        np.testing.assert_allclose(got_sparse.toarray(), want, rtol=0, atol=1e-10)
        assert list(st.get_feature_names_out()) == list(
            sk.SplineTransformer(**kw).fit(X).get_feature_names_out())


def test_sample_weight_and_array_knots_match_scikit_learn(data, rng):
    X, Xt = data
    w = rng.integers(0, 3, X.shape[0]).astype(float)
    for knots in ("uniform", "quantile"):
        a = sk.SplineTransformer(knots=knots).fit(X, sample_weight=w).transform(Xt)
        b = SplineTransformer(knots=knots).fit(X, sample_weight=w).transform(Xt)
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)
    K = np.sort(rng.uniform(-2, 2, (6, 3)), axis=0)
    for ext in ("continue", "periodic", "linear"):
        a = sk.SplineTransformer(knots=K, extrapolation=ext).fit(X).transform(Xt)
        b = SplineTransformer(knots=K, extrapolation=ext).fit(X).transform(Xt)
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)


def test_base_knot_positions_match_scikit_learn(rng):
    X = np.round(rng.standard_normal((41, 3)), 1)
    w = rng.integers(0, 4, 41).astype(float)
    for knots in ("uniform", "quantile"):
        for sw in (None, w):
            a = sk.SplineTransformer._get_base_knot_positions(X, n_knots=6, knots=knots,
                                                              sample_weight=sw)
            b = SplineTransformer._get_base_knot_positions(X, n_knots=6, knots=knots,
                                                           sample_weight=sw)
            np.testing.assert_allclose(b, a)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_dtype_and_order(data, dtype, order):
    X, _ = data
    Xd = X.astype(dtype)
    out = SplineTransformer(order=order).fit_transform(Xd)
    assert out.dtype == dtype
    assert out.flags.f_contiguous if order == "F" else out.flags.c_contiguous
    want = sk.SplineTransformer(order=order).fit_transform(Xd)
    np.testing.assert_allclose(out, want, rtol=1e-6 if dtype == np.float32 else 0,
                               atol=1e-6 if dtype == np.float32 else 1e-10)
    assert SplineTransformer().fit_transform(np.arange(12).reshape(6, 2)).dtype == np.float64


@pytest.mark.parametrize("extrapolation", ["error", "constant", "linear", "continue",
                                           "periodic"])
@pytest.mark.parametrize("sparse_output", [False, True])
def test_missing_values_become_zeros(rng, extrapolation, sparse_output):
    X = rng.standard_normal((50, 2))
    Xn = X.copy()
    Xn[[3, 7], 0] = np.nan
    kw = dict(handle_missing="zeros", extrapolation=extrapolation, sparse_output=sparse_output)
    a = SplineTransformer(**kw).fit(Xn).transform(Xn)
    b = sk.SplineTransformer(**kw).fit(Xn).transform(Xn)
    if sparse_output:
        a, b = a.toarray(), b.toarray()
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)
    assert not a[[3, 7], :a.shape[1] // 2].any()
    with pytest.raises(ValueError, match="handle_missing='error'"):
        SplineTransformer().fit(Xn)
    with pytest.raises(ValueError, match="infinity"):
        SplineTransformer(handle_missing="zeros").fit(np.r_[X, [[np.inf, 0]]])


def test_errors_name_the_problem(data):
    X, _ = data
    with pytest.raises(ValueError, match="beyond the limits of the knots"):
        SplineTransformer(extrapolation="error").fit(X).transform(X * 2)
    with pytest.raises(ValueError, match="Out of bounds"):
        SplineTransformer(extrapolation="error", sparse_output=True).fit(X).transform(X * 2)
    with pytest.raises(ValueError, match="Periodic splines require degree < n_knots"):
        SplineTransformer(n_knots=3, degree=3, extrapolation="periodic").fit(X)
    with pytest.raises(ValueError, match="n_knots"):
        SplineTransformer(n_knots=1).fit(X)
    with pytest.raises(ValueError, match="degree"):
        SplineTransformer(degree=-1).fit(X)
    with pytest.raises(ValueError, match="sorted without duplicates"):
        SplineTransformer(knots=[[1, 1, 1], [0, 2, 2]]).fit(X)
    with pytest.raises(ValueError, match="knots.shape"):
        SplineTransformer(knots=[[1.0], [2.0]]).fit(X)
    with pytest.raises(ValueError, match="features"):
        SplineTransformer().fit(X).transform(X[:, :2])
    with pytest.raises(ValueError, match="minimum of 2"):
        SplineTransformer().fit(X[:1])


def test_extreme_values_stay_finite():
    X = np.array([[-1e300], [0.0], [1e300]])
    out = SplineTransformer(extrapolation="constant").fit(X).transform(X)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    out = SplineTransformer(extrapolation="periodic").fit(X).transform(X * 0.5)
    assert np.isfinite(out).all()


def test_pickle_round_trip_and_tampered_state(data):
    X, Xt = data
    st = SplineTransformer(n_knots=6, extrapolation="linear").fit(X)
    back = pickle.loads(pickle.dumps(st))
    np.testing.assert_array_equal(back.transform(Xt), st.transform(Xt))
    state = st.__getstate__() if hasattr(st, "__getstate__") else dict(st.__dict__)
    for key, bad in (("_knots", st._knots[:, ::-1].copy()), ("_knots", st._knots[:, :3].copy()),
                     ("_degree", 7), ("_mode", "nope"), ("_edges", st._edges[:, :2].copy()),
                     ("_knots", st._knots.astype(np.float32))):
        with pytest.raises(ValueError, match="Invalid pickled state"):
            SplineTransformer.__new__(SplineTransformer).__setstate__(dict(state, **{key: bad}))


def test_spline_regression_fits_a_sine(rng):
    from fastml.linear_model import Ridge
    from fastml.pipeline import make_pipeline

    x = np.sort(rng.uniform(0, 10, 200))[:, None]
    y = np.sin(x[:, 0])
    model = make_pipeline(SplineTransformer(n_knots=12, degree=3), Ridge(alpha=1e-6))
    model.fit(x, y)
    assert np.abs(model.predict(x) - y).max() < 5e-3
