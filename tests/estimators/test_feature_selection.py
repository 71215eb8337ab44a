"""fastml.feature_selection: scoring functions and univariate filters against
SciPy / NumPy references and scikit-learn; mutual information against a
brute-force KSG twin and scikit-learn at the same random_state."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy import stats
from scipy.special import digamma

from fastml.exceptions import InvalidParameterError
from fastml.feature_selection import (GenericUnivariateSelect, SelectFdr, SelectFpr, SelectFwe,
                                      SelectKBest, SelectPercentile, VarianceThreshold, chi2,
                                      f_classif, f_oneway, f_regression, mutual_info_classif,
                                      mutual_info_regression, r_regression)


def _cls_data(n=300, d=12, k=3, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, k, n)
    X = rng.randn(n, d)
    X[:, :3] += y[:, None] * np.array([1.0, 0.5, 0.2])
    return X, y


def _reg_data(n=300, d=10, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = X[:, 0] * 2 - X[:, 1] + 0.5 * np.sin(3 * X[:, 2]) + 0.1 * rng.randn(n)
    return X, y


# ---- scores vs SciPy / NumPy ---------------------------------------------------------
def test_f_classif_matches_scipy_f_oneway():
    X, y = _cls_data()
    f, p = f_classif(X, y)
    for j in range(X.shape[1]):
        ref = stats.f_oneway(*[X[y == c, j] for c in np.unique(y)])
        assert f[j] == pytest.approx(ref.statistic, rel=1e-10)
        assert p[j] == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-300)
    f2, p2 = f_oneway(*[X[y == c] for c in np.unique(y)])
    np.testing.assert_allclose(f2, f, rtol=1e-12)


def test_f_classif_sparse_equals_dense():
    X, y = _cls_data()
    X[np.abs(X) < 0.8] = 0
    for fmt in ("csr", "csc"):
        f, p = f_classif(sp.csr_matrix(X).asformat(fmt), y)
        fd, pd = f_classif(X, y)
        np.testing.assert_allclose(f, fd, rtol=1e-10)
        np.testing.assert_allclose(p, pd, rtol=1e-8, atol=1e-300)


def test_r_and_f_regression_match_pearson():
    X, y = _reg_data()
    r = r_regression(X, y)
    ref = np.array([stats.pearsonr(X[:, j], y)[0] for j in range(X.shape[1])])
    np.testing.assert_allclose(r, ref, rtol=1e-10)
    f, p = f_regression(X, y)
    n = len(y)
    np.testing.assert_allclose(f, ref ** 2 / (1 - ref ** 2) * (n - 2), rtol=1e-9)
    np.testing.assert_allclose(p, stats.f.sf(ref ** 2 / (1 - ref ** 2) * (n - 2), 1, n - 2),
                               rtol=1e-7)
    # sparse equals dense, uncentred too
    Xs = sp.csr_matrix(np.where(np.abs(X) < 0.5, 0, X))
    np.testing.assert_allclose(f_regression(Xs, y)[0], f_regression(Xs.toarray(), y)[0],
                               rtol=1e-10)
    np.testing.assert_allclose(r_regression(Xs, y, center=False),
                               r_regression(Xs.toarray(), y, center=False), rtol=1e-10)


def test_f_regression_force_finite():
    X, y = _reg_data(n=50, d=3)
    X[:, 1] = 1.0  # constant feature -> r is NaN
    X[:, 2] = y  # exactly correlated -> F is inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        f, p = f_regression(X, y)
        f_raw, _ = f_regression(X, y, force_finite=False)
    assert f[1] == 0 and p[1] == 1
    assert f[2] == np.finfo(np.float64).max
    assert np.isnan(f_raw[1])


def test_chi2_matches_contingency_formula_and_sparse():
    rng = np.random.RandomState(1)
    X = rng.poisson(2.0, size=(200, 6)).astype(float)
    y = rng.randint(0, 3, 200)
    stat, p = chi2(X, y)
    for j in range(X.shape[1]):
        obs = np.array([X[y == c, j].sum() for c in range(3)])
        exp = X[:, j].sum() * np.array([np.mean(y == c) for c in range(3)])
        ref = stats.chisquare(obs, exp)
        assert stat[j] == pytest.approx(ref.statistic, rel=1e-10)
        assert p[j] == pytest.approx(ref.pvalue, rel=1e-8)
    s2, p2 = chi2(sp.csr_matrix(X), y)
    np.testing.assert_allclose(s2, stat, rtol=1e-12)
    with pytest.raises(ValueError, match="non-negative"):
        chi2(-X, y)


def test_scores_match_sklearn():
    skfs = pytest.importorskip("sklearn.feature_selection")
    X, y = _cls_data()
    for name in ("f_classif", "chi2"):
        Xi = np.abs(X) if name == "chi2" else X
        a, b = globals()[name](Xi, y), getattr(skfs, name)(Xi, y)
        np.testing.assert_allclose(a[0], b[0], rtol=1e-10)
        np.testing.assert_allclose(a[1], b[1], rtol=1e-8, atol=1e-300)
    Xr, yr = _reg_data()
    np.testing.assert_allclose(f_regression(Xr, yr)[0], skfs.f_regression(Xr, yr)[0],
                               rtol=1e-10)


# ---- mutual information ----------------------------------------------------------------
def _ksg_brute(x, y, k):
    """KSG (algorithm 1) by brute force on the already-noised samples."""
    n = len(x)
    dx = np.abs(x[:, None] - x[None, :])
    dy = np.abs(y[:, None] - y[None, :])
    dz = np.maximum(dx, dy)
    np.fill_diagonal(dz, np.inf)
    eps = np.sort(dz, axis=1)[:, k - 1]
    eps = np.nextafter(eps, 0)
    nx = (dx <= eps[:, None]).sum(axis=1) - 1
    ny = (dy <= eps[:, None]).sum(axis=1) - 1
    return max(0.0, digamma(n) + digamma(k) - np.mean(digamma(nx + 1)) -
               np.mean(digamma(ny + 1)))


def test_ksg_matches_brute_force_twin():
    from fastml.feature_selection._mutual_info import _mi_cc

    rng = np.random.RandomState(0)
    x = rng.randn(300)
    for y in (x + 0.5 * rng.randn(300), rng.randn(300), np.sin(2 * x) + 0.1 * rng.randn(300)):
        for k in (1, 3, 7):
            assert _mi_cc(x, y, k) == pytest.approx(_ksg_brute(x, y, k), rel=1e-12, abs=1e-15)


def test_ksg_gaussian_value():
    # two correlated Gaussians: I = -0.5 log(1 - rho^2)
    rng = np.random.RandomState(0)
    rho = 0.8
    C = np.array([[1, rho], [rho, 1]])
    Z = rng.multivariate_normal([0, 0], C, size=4000)
    mi = mutual_info_regression(Z[:, :1], Z[:, 1], n_neighbors=3, random_state=0)
    assert mi[0] == pytest.approx(-0.5 * np.log(1 - rho ** 2), abs=0.03)


@pytest.mark.parametrize("seed", [0, 1])
def test_mutual_info_matches_sklearn(seed):
    skfs = pytest.importorskip("sklearn.feature_selection")
    X, y = _cls_data(n=250, d=6, seed=seed)
    np.testing.assert_allclose(mutual_info_classif(X, y, random_state=seed),
                               skfs.mutual_info_classif(X, y, random_state=seed), rtol=1e-12)
    Xr, yr = _reg_data(n=250, d=5, seed=seed)
    np.testing.assert_allclose(mutual_info_regression(Xr, yr, random_state=seed, n_jobs=2),
                               skfs.mutual_info_regression(Xr, yr, random_state=seed),
                               rtol=1e-12)
    rng = np.random.RandomState(seed)
    Xd = rng.randint(0, 4, size=(250, 4))
    mask = np.array([True, False, True, False])
    Xm = np.column_stack([Xd[:, 0], Xr[:, 0], Xd[:, 2], Xr[:, 1]])
    np.testing.assert_allclose(
        mutual_info_classif(Xm, y, discrete_features=mask, random_state=seed),
        skfs.mutual_info_classif(Xm, y, discrete_features=mask, random_state=seed), rtol=1e-12)
    np.testing.assert_allclose(
        mutual_info_regression(Xm, yr, discrete_features=[0, 2], random_state=seed),
        skfs.mutual_info_regression(Xm, yr, discrete_features=[0, 2], random_state=seed),
        rtol=1e-12)
    Xs = sp.csr_matrix(Xd)
    np.testing.assert_allclose(mutual_info_classif(Xs, y), skfs.mutual_info_classif(Xs, y),
                               rtol=1e-12)


def test_mutual_info_thread_count_independent_and_errors():
    X, y = _reg_data(n=200, d=6)
    a = mutual_info_regression(X, y, random_state=3, n_jobs=1)
    b = mutual_info_regression(X, y, random_state=3, n_jobs=2)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(InvalidParameterError, match="n_neighbors"):
        mutual_info_regression(X, y, n_neighbors=0)
    with pytest.raises(ValueError, match="continuous features"):
        mutual_info_regression(sp.csr_matrix(X), y, discrete_features=False)
    with pytest.raises(ValueError, match="NaN"):
        Xn = X.copy()
        Xn[0, 0] = np.nan
        mutual_info_regression(Xn, y)
    with pytest.raises(ValueError, match="continuous"):
        mutual_info_classif(X, y)


# ---- filters ------------------------------------------------------------------------
def test_filters_match_sklearn_masks():
    skfs = pytest.importorskip("sklearn.feature_selection")
    X, y = _cls_data(d=30)
    cases = [(SelectKBest, dict(k=5)), (SelectKBest, dict(k="all")), (SelectKBest, dict(k=0)),
             (SelectPercentile, dict(percentile=25)), (SelectFpr, dict(alpha=0.01)),
             (SelectFdr, dict(alpha=0.05)), (SelectFwe, dict(alpha=0.05)),
             (GenericUnivariateSelect, dict(mode="k_best", param=4)),
             (GenericUnivariateSelect, dict(mode="fdr", param=0.1))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for cls, kw in cases:
            a = cls(**kw).fit(X, y)
            b = getattr(skfs, cls.__name__)(**kw).fit(X, y)
            np.testing.assert_array_equal(a.get_support(), b.get_support(), err_msg=str(kw))
            np.testing.assert_array_equal(a.transform(X), b.transform(X))


def test_kbest_selects_top_scores_and_ties():
    X, y = _cls_data(d=10)
    sel = SelectKBest(f_classif, k=3).fit(X, y)
    top = np.argsort(sel.scores_)[-3:]
    assert set(sel.get_support(indices=True)) == set(top)
    Xt = sel.transform(X)
    np.testing.assert_array_equal(Xt, X[:, np.sort(top)])
    back = sel.inverse_transform(Xt)
    np.testing.assert_array_equal(back[:, np.sort(top)], Xt)
    assert np.all(back[:, ~sel.get_support()] == 0)
    # equal scores: the later feature wins (stable sort), as scikit-learn
    Xt2 = np.column_stack([X[:, 0], X[:, 0], X[:, 0]])
    sel2 = SelectKBest(f_classif, k=2).fit(Xt2, y)
    np.testing.assert_array_equal(sel2.get_support(), [False, True, True])
    with pytest.warns(UserWarning, match="k=20 is greater than n_features=10"):
        SelectKBest(k=20).fit(X, y)


def test_sparse_selection_stays_sparse_and_inverse():
    X, y = _cls_data()
    X = np.abs(X)
    X[X < 1.0] = 0
    Xs = sp.csr_matrix(X)
    sel = SelectKBest(chi2, k=4).fit(Xs, y)
    Xt = sel.transform(Xs)
    assert sp.issparse(Xt)
    np.testing.assert_array_equal(Xt.toarray(), sel.transform(X))
    back = sel.inverse_transform(Xt)
    assert sp.issparse(back)
    np.testing.assert_array_equal(back.toarray(), sel.inverse_transform(Xt.toarray()))


def test_feature_names_out_and_dataframe():
    pd = pytest.importorskip("pandas")
    X, y = _cls_data(d=6)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    sel = SelectKBest(k=2).fit(df, y)
    names = sel.get_feature_names_out()
    assert list(names) == [f"f{i}" for i in sel.get_support(indices=True)]
    out = SelectKBest(k=2).set_output(transform="pandas").fit(df, y).transform(df)
    assert list(out.columns) == list(names)


def test_no_feature_selected_warns_and_empty():
    X, y = _cls_data()
    sel = SelectFwe(alpha=1e-300).fit(np.random.RandomState(0).randn(*X.shape), y)
    with pytest.warns(UserWarning, match="No features were selected"):
        out = sel.transform(X)
    assert out.shape == (X.shape[0], 0)


def test_filter_errors():
    X, y = _cls_data()
    with pytest.raises(InvalidParameterError, match="k"):
        SelectKBest(k=-1).fit(X, y)
    with pytest.raises(InvalidParameterError, match="percentile"):
        SelectPercentile(percentile=101).fit(X, y)
    with pytest.raises(InvalidParameterError, match="score_func"):
        SelectKBest(score_func="f_classif").fit(X, y)
    with pytest.raises(ValueError, match="NaN"):
        Xn = X.copy()
        Xn[1, 1] = np.nan
        SelectKBest().fit(Xn, y)
    sel = SelectKBest(k=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        sel.transform(X[:, :5])


# ---- VarianceThreshold ---------------------------------------------------------------
def test_variance_threshold_dense_sparse_nan():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 5) * np.array([0.0, 0.1, 1.0, 2.0, 0.5])
    X[:, 0] = 3.0  # constant
    vt = VarianceThreshold().fit(X)
    np.testing.assert_allclose(vt.variances_[1:], X[:, 1:].var(axis=0), rtol=1e-12)
    assert vt.variances_[0] == 0
    np.testing.assert_array_equal(vt.get_support(), [False, True, True, True, True])
    vt2 = VarianceThreshold(threshold=0.3).fit(sp.csr_matrix(X))
    np.testing.assert_allclose(vt2.variances_, X.var(axis=0), rtol=1e-10, atol=1e-15)
    np.testing.assert_array_equal(vt2.get_support(), X.var(axis=0) > 0.3)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    vt3 = VarianceThreshold().fit(Xn)
    assert vt3.variances_[2] == pytest.approx(np.nanvar(Xn[:, 2]))
    with pytest.raises(ValueError, match="No feature in X meets the variance threshold"):
        VarianceThreshold().fit(X[:, :1])
    with pytest.raises(ValueError, match="infinity"):
        Xi = X.copy()
        Xi[0, 1] = np.inf
        VarianceThreshold().fit(Xi)


def test_custom_score_func_sees_non_numeric_frame_columns():
    """A DataFrame with a categorical column reaches a custom score_func as an
    object array (scikit-learn's behaviour); pandas output keeps each selected
    column's dtype; a built-in score function still needs numbers."""
    pd = pytest.importorskip("pandas")
    from fastml.feature_selection import SelectKBest, f_classif

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=30).astype(np.float32), "b": rng.normal(size=30)})
    X["binned"] = pd.cut(X["b"], bins=4)
    y = rng.integers(0, 2, 30)
    seen = {}

    def score(Xa, ya):
        seen["dtype"] = Xa.dtype
        return np.array([3.0, 1.0, 2.0])

    out = SelectKBest(score, k=2).set_output(transform="pandas").fit_transform(X, y)
    assert seen["dtype"] == object
    assert list(out.columns) == ["a", "binned"]
    assert out["a"].dtype == np.float32 and isinstance(out["binned"].dtype, pd.CategoricalDtype)
    with pytest.raises(TypeError):
        SelectKBest(f_classif, k=2).fit(X, y)
