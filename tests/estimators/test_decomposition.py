"""PCA: scikit-learn conformance and agreement (components up to sign, variances)."""
import pickle

import numpy as np
import pytest

from fastml.datasets import load_breast_cancer, load_digits, load_iris
from fastml.decomposition import PCA

pytest.importorskip("sklearn")
from sklearn import decomposition as SD  # noqa: E402

# scikit-learn's estimator checks for these estimators run in tests/test_common.py.


@pytest.mark.parametrize("loader", [load_iris, load_digits, load_breast_cancer],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("n_components", [None, 3, 0.95, "mle"])
@pytest.mark.parametrize("solver", ["auto", "full", "covariance_eigh"])
def test_matches_sklearn(loader, n_components, solver):
    X, _ = loader(return_X_y=True)
    ours = PCA(n_components, svd_solver=solver).fit(X)
    theirs = SD.PCA(n_components, svd_solver=solver).fit(X)
    assert ours._fit_svd_solver == theirs._fit_svd_solver
    assert ours.n_components_ == theirs.n_components_
    var = theirs.explained_variance_
    keep = var > 1e-8 * var[0]  # directions of (near-)zero variance are arbitrary
    # up to sign per component; then the sign convention must be deterministic
    sign = np.sign((ours.components_ * theirs.components_).sum(1))
    np.testing.assert_allclose(ours.components_[keep] * sign[keep, None],
                               theirs.components_[keep], atol=1e-7)
    np.testing.assert_allclose(ours.explained_variance_, var, rtol=1e-9, atol=1e-12 * var[0])
    np.testing.assert_allclose(ours.explained_variance_ratio_,
                               theirs.explained_variance_ratio_, rtol=1e-9, atol=1e-15)
    # the covariance route resolves singular values down to ~sqrt(eps) s_max only
    atol = (1e-9 if ours._fit_svd_solver == "full" else 1e-7) * theirs.singular_values_[0]
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-9,
                               atol=atol)
    assert ours.noise_variance_ == pytest.approx(theirs.noise_variance_, rel=1e-8,
                                                 abs=1e-10 * var[0])
    top = np.abs(ours.components_).argmax(1)
    assert np.all(ours.components_[np.arange(len(top)), top] > 0)


@pytest.mark.parametrize("whiten", [False, True])
def test_transform_inverse_whiten(whiten):
    X, _ = load_digits(return_X_y=True)
    ours = PCA(10, whiten=whiten)
    Z = ours.fit_transform(X)
    np.testing.assert_allclose(Z, ours.transform(X), atol=1e-8)
    if whiten:
        np.testing.assert_allclose(np.cov(Z.T), np.eye(10), atol=1e-8)
    theirs = SD.PCA(10, whiten=whiten).fit(X)
    np.testing.assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(
        theirs.transform(X)), atol=1e-8)
    full = PCA().fit(X)
    np.testing.assert_allclose(full.inverse_transform(full.transform(X)), X, atol=1e-8)
    np.testing.assert_allclose(ours.get_covariance(), theirs.get_covariance(), atol=1e-7)


def test_float32_pickle_and_bad_input():
    X, _ = load_iris(return_X_y=True)
    p = PCA(2).fit(X.astype(np.float32))
    assert p.transform(X.astype(np.float32)).dtype == np.float32
    p2 = pickle.loads(pickle.dumps(p))
    np.testing.assert_array_equal(p2.transform(X.astype(np.float32)),
                                  p.transform(X.astype(np.float32)))
    for bad in (5, -1, 1.5, "mle2"):
        with pytest.raises(ValueError, match="n_components"):
            PCA(bad).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        PCA().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(ValueError, match="features"):
        p.transform(X[:, :2])


def _low_rank(n, p, rank=8, seed=0, dtype=np.float64, shift=0.0):
    """Data with a decaying spectrum: rank directions of scale 10..1 plus noise."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, rank)) * np.geomspace(10, 1, rank)
    X = Z @ rng.standard_normal((rank, p)) + 0.05 * rng.standard_normal((n, p))
    return (X + shift).astype(dtype)


@pytest.mark.parametrize("shape,n_components", [((400, 30), 5), ((300, 40), 20),
                                                ((60, 700), 5), ((600, 600), 500),
                                                ((700, 60), "mle"), ((700, 60), 0.5)])
def test_auto_policy_matches_sklearn(shape, n_components):
    X = _low_rank(*shape)
    ours = PCA(n_components, random_state=0).fit(X)
    theirs = SD.PCA(n_components, random_state=0).fit(X)
    assert ours._fit_svd_solver == theirs._fit_svd_solver
    assert ours.n_components_ == theirs.n_components_


@pytest.mark.parametrize("solver", ["randomized", "arpack"])
@pytest.mark.parametrize("shape", [(500, 40), (50, 400)])
@pytest.mark.parametrize("whiten", [False, True])
def test_truncated_solvers_match_sklearn_and_exact(solver, shape, whiten):
    X = _low_rank(*shape, seed=3)
    kw = dict(n_components=5, svd_solver=solver, whiten=whiten, random_state=0)
    ours, theirs = PCA(**kw).fit(X), SD.PCA(**kw).fit(X)
    exact = SD.PCA(5, svd_solver="full", whiten=whiten).fit(X)
    for ref, tol in ((theirs, 1e-8), (exact, 1e-6)):
        np.testing.assert_allclose(ours.components_, ref.components_, atol=tol)
        np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_,
                                   rtol=tol)
        np.testing.assert_allclose(ours.explained_variance_ratio_,
                                   ref.explained_variance_ratio_, rtol=tol)
        assert ours.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-6)
    Z = ours.fit_transform(X)
    np.testing.assert_allclose(Z, theirs.transform(X), atol=1e-6 * np.abs(Z).max())
    np.testing.assert_allclose(Z, ours.transform(X), atol=1e-8 * np.abs(Z).max())


@pytest.mark.parametrize("solver", ["randomized"])
@pytest.mark.parametrize("normalizer", ["QR", "LU", "none"])
@pytest.mark.parametrize("iterated_power", [0, 3])
def test_randomized_options(solver, normalizer, iterated_power):
    X = _low_rank(300, 50, seed=5)
    kw = dict(n_components=4, svd_solver=solver, power_iteration_normalizer=normalizer,
              iterated_power=iterated_power, n_oversamples=6, random_state=1)
    ours, theirs = PCA(**kw).fit(X), SD.PCA(**kw).fit(X)
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-6)
    np.testing.assert_allclose(np.abs(ours.components_), np.abs(theirs.components_), atol=1e-5)


@pytest.mark.parametrize("n_components,whiten", [(3, False), (3, True), (0.9, False),
                                                  ("mle", False), (0, False)])
def test_probabilistic_model_matches_sklearn(n_components, whiten):
    X = _low_rank(400, 12, seed=7)
    ours = PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    theirs = SD.PCA(n_components, whiten=whiten, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.get_covariance(), theirs.get_covariance(), atol=1e-10)
    np.testing.assert_allclose(ours.get_precision(), theirs.get_precision(), rtol=1e-7,
                               atol=1e-8 * np.abs(theirs.get_precision()).max())
    np.testing.assert_allclose(ours.get_precision() @ ours.get_covariance(), np.eye(12),
                               atol=1e-8)
    np.testing.assert_allclose(ours.score_samples(X[:50]), theirs.score_samples(X[:50]),
                               rtol=1e-9)
    assert ours.score(X) == pytest.approx(theirs.score(X), rel=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shift", [0.0, 1e4])
def test_covariance_route_float32_and_large_mean(dtype, shift):
    """The Gram route is exact to the data's precision even when |mean| >> std
    (the cancellation check recomputes on the shifted blocked path)."""
    X = _low_rank(4000, 20, seed=11, dtype=dtype, shift=shift)
    ours = PCA(6, svd_solver="covariance_eigh").fit(X)
    assert ours.components_.dtype == dtype and ours.mean_.dtype == dtype
    Xd = X.astype(np.float64)
    ref = SD.PCA(6, svd_solver="full").fit(Xd)
    tol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(ours.components_, ref.components_, atol=tol)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=tol)
    scale = np.abs(ref.mean_).max()
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=0,
                               atol=(1e-6 if dtype == np.float32 else 1e-12) * scale)


@pytest.mark.parametrize("params,match", [
    (dict(svd_solver="bogus"), "svd_solver"), (dict(iterated_power=-1), "iterated_power"),
    (dict(n_oversamples=0), "n_oversamples"), (dict(tol=-1.0), "tol"),
    (dict(power_iteration_normalizer="qr"), "power_iteration_normalizer"),
    (dict(n_components="mle", svd_solver="randomized"), "n_components"),
    (dict(n_components=4, svd_solver="arpack"), "strictly less"),
    (dict(n_components=0, svd_solver="randomized"), "n_components"),
])
def test_bad_solver_parameters(params, match):
    X, _ = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        PCA(**params).fit(X)


def test_covariance_eigh_top_pairs_equal_the_full_decomposition():
    """An integer n_components < n_features computes only the top eigenpairs
    (plus the trace); every attribute equals the full eigendecomposition's."""
    from sklearn.datasets import make_low_rank_matrix

    X = make_low_rank_matrix(2000, 120, effective_rank=30, tail_strength=0.3, random_state=1)
    full = PCA(svd_solver="covariance_eigh").fit(X)
    for k in (1, 7, 119):
        top = PCA(k, svd_solver="covariance_eigh").fit(X)
        np.testing.assert_allclose(top.components_, full.components_[:k], atol=1e-10)
        for name in ("explained_variance_", "explained_variance_ratio_", "singular_values_"):
            np.testing.assert_allclose(getattr(top, name), getattr(full, name)[:k], rtol=1e-10)
        assert top.noise_variance_ == pytest.approx(full.explained_variance_[k:].mean(),
                                                    rel=1e-9)
        np.testing.assert_allclose(top.fit_transform(X), full.transform(X)[:, :k], atol=1e-10)


@pytest.mark.parametrize("shape", [(120, 900), (900, 120)])
@pytest.mark.parametrize("normalizer", ["LU", "QR", "none"])
def test_randomized_through_the_gram_matrix_equals_the_plain_range_finder(
        monkeypatch, shape, normalizer):
    # float64 data with a short side <= 8 (q + 1) ell runs the power iterations
    # on the Gram matrix; the same draws span the same subspace as the plain
    # range finder (scikit-learn's), and the trace gives the same total variance
    from fastml.decomposition import _pca

    X = _low_rank(*shape, seed=7)
    kw = dict(n_components=6, svd_solver="randomized", power_iteration_normalizer=normalizer,
              iterated_power=3, random_state=4)
    Xc = X - X.mean(axis=0)
    assert _pca._gram_pays(Xc, 6, 10, 3) and not _pca._gram_pays(Xc.astype(np.float32), 6, 10, 3)
    gram = PCA(**kw).fit(X)
    monkeypatch.setattr(_pca, "_gram_pays", lambda *a: False)
    plain = PCA(**kw).fit(X)
    theirs = SD.PCA(**kw).fit(X)
    for ref in (plain, theirs):
        np.testing.assert_allclose(gram.singular_values_, ref.singular_values_, rtol=1e-10)
        np.testing.assert_allclose(gram.components_, ref.components_, atol=1e-9)
        np.testing.assert_allclose(gram.explained_variance_ratio_, ref.explained_variance_ratio_,
                                   rtol=1e-10)
        assert gram.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-9)
    np.testing.assert_allclose(gram.transform(X), plain.transform(X), atol=1e-9)
