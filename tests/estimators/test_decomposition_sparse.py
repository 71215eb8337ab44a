"""PCA on scipy.sparse input: implicit centring ("arpack", "covariance_eigh").

Oracles: scikit-learn's PCA on the same sparse matrix (same algorithm, same
sign convention, same ARPACK start vector) and fastml's own dense fit.
"""
import numpy as np
import pytest

from fastml.decomposition import PCA

sp = pytest.importorskip("scipy.sparse")
pytest.importorskip("sklearn")
from sklearn import decomposition as SD  # noqa: E402

CONTAINERS = [sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.csc_array]


def _data(n=400, p=60, density=0.1, seed=0, dtype=np.float64, scale=10.0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=rng, dtype=np.float64)
    X = sp.csr_matrix(X.multiply(rng.random(p) * scale))  # column means differ
    return X.astype(dtype)


def _assert_same_fit(a, b, rtol=1e-7, atol=1e-12):
    for name in ("components_", "explained_variance_", "explained_variance_ratio_",
                 "singular_values_", "mean_"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=rtol, atol=atol,
                                   err_msg=name)
    np.testing.assert_allclose(a.noise_variance_, b.noise_variance_, rtol=rtol, atol=atol)
    assert a.n_components_ == b.n_components_
    assert a.n_samples_ == b.n_samples_
    assert a.n_features_in_ == b.n_features_in_


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("solver", ["arpack", "covariance_eigh"])
@pytest.mark.parametrize("n_components", [1, 5, 20])
def test_sparse_matches_sklearn(container, solver, n_components):
    X = container(_data())
    Q = container(_data(seed=1))
    ours = PCA(n_components, svd_solver=solver, random_state=0).fit(X)
    theirs = SD.PCA(n_components, svd_solver=solver, random_state=0).fit(X)
    _assert_same_fit(ours, theirs)
    np.testing.assert_allclose(ours.transform(Q), theirs.transform(Q), rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours.fit_transform(X), theirs.fit_transform(X), rtol=1e-7,
                               atol=1e-10)
    Z = ours.transform(Q)
    np.testing.assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(Z),
                               rtol=1e-7, atol=1e-10)
    Qd = Q.toarray()
    assert ours.score(Qd) == pytest.approx(theirs.score(Qd), rel=1e-8)


@pytest.mark.parametrize("container", CONTAINERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("solver", ["arpack", "covariance_eigh"])
@pytest.mark.parametrize("whiten", [False, True])
def test_sparse_matches_own_dense_fit(container, solver, whiten):
    X = container(_data(density=0.3, scale=100.0, seed=3))
    s = PCA(10, svd_solver=solver, whiten=whiten, random_state=0).fit(X)
    d = PCA(10, svd_solver=solver, whiten=whiten, random_state=0).fit(X.toarray())
    _assert_same_fit(s, d)
    Q = container(_data(density=0.3, scale=100.0, seed=4))
    np.testing.assert_allclose(s.transform(Q), d.transform(Q.toarray()), atol=1e-10)
    np.testing.assert_allclose(s.transform(Q), s.transform(Q.toarray()), atol=1e-10)


def test_auto_picks_arpack_for_sparse():
    X = _data()
    auto = PCA(10).fit(X)
    assert auto._fit_svd_solver == "arpack"
    np.testing.assert_allclose(auto.singular_values_,
                               PCA(10, svd_solver="arpack").fit(X).singular_values_,
                               rtol=1e-9)
    assert PCA().fit(X).n_components_ == min(X.shape) - 1  # as arpack's None
    assert PCA(svd_solver="covariance_eigh").fit(X).n_components_ == min(X.shape)


@pytest.mark.parametrize("solver", ["full", "randomized"])
def test_unsupported_solver_raises(solver):
    X = _data()
    with pytest.raises(TypeError, match=f'solvers, while "{solver}" was passed'):
        PCA(5, svd_solver=solver).fit(X)


def test_never_densifies(monkeypatch):
    X = _data(n=300, p=40)

    def boom(*args, **kwargs):
        raise AssertionError("sparse input was densified")

    for cls in (sp.csr_matrix, sp.csc_matrix):
        monkeypatch.setattr(cls, "toarray", boom)
        monkeypatch.setattr(cls, "todense", boom)
    for solver in ("arpack", "covariance_eigh"):
        pca = PCA(5, svd_solver=solver, random_state=0)
        pca.fit_transform(X)
        pca.transform(X.tocsc())


@pytest.mark.parametrize("solver", ["arpack", "covariance_eigh"])
def test_float32_sparse(solver):
    X = _data(dtype=np.float32)
    ours = PCA(5, svd_solver=solver, random_state=0).fit(X)
    theirs = SD.PCA(5, svd_solver=solver, random_state=0).fit(X.astype(np.float64))
    for name in ("components_", "explained_variance_", "mean_", "singular_values_"):
        assert getattr(ours, name).dtype == np.float32
    assert ours.transform(X).dtype == np.float32
    np.testing.assert_allclose(ours.explained_variance_, theirs.explained_variance_,
                               rtol=1e-4)
    np.testing.assert_allclose(ours.components_, theirs.components_, atol=1e-4)


def test_other_formats_and_checks():
    X = _data()
    ref = PCA(4, svd_solver="arpack", random_state=0).fit(X)
    coo = PCA(4, svd_solver="arpack", random_state=0).fit(X.tocoo())
    _assert_same_fit(coo, ref)
    with pytest.raises(ValueError, match="features"):
        ref.transform(_data(p=61))
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PCA(4, svd_solver="arpack").fit(bad)
    with pytest.raises(ValueError, match="strictly less"):
        PCA(min(X.shape), svd_solver="arpack").fit(X)


def test_dense_fit_sparse_transform():
    X = _data()
    pca = PCA(6, svd_solver="full").fit(X.toarray())
    np.testing.assert_allclose(pca.transform(X), pca.transform(X.toarray()), atol=1e-12)


@pytest.mark.parametrize("n_components", [0.8, "mle", None])
def test_sparse_covariance_eigh_fraction_and_mle(n_components):
    X = _data(n=500, p=30, density=0.3)
    ours = PCA(n_components, svd_solver="covariance_eigh").fit(X)
    theirs = SD.PCA(n_components, svd_solver="covariance_eigh").fit(X)
    _assert_same_fit(ours, theirs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n_components", [0.8, "mle"])
def test_sparse_auto_fraction_error_mentions_sparse(n_components):
    X = _data()
    with pytest.raises(ValueError, match="with svd_solver='arpack'.*sparse input"):
        PCA(n_components).fit(X)
    with pytest.raises(ValueError):  # scikit-learn raises the same error type
        SD.PCA(n_components).fit(X)
    tags = PCA(n_components).__sklearn_tags__()
    assert not tags.input_tags.sparse
    assert PCA(n_components, svd_solver="covariance_eigh").__sklearn_tags__().input_tags.sparse
    assert PCA(3).__sklearn_tags__().input_tags.sparse
    assert not PCA(3, svd_solver="full").__sklearn_tags__().input_tags.sparse


@pytest.mark.parametrize("solver", ["arpack", "covariance_eigh"])
def test_sparse_wide_int64_indices(solver):
    """n_samples < n_features (svds works on X X^T) with 64-bit CSC indices."""
    X = sp.csc_matrix(_data(n=80, p=300, density=0.1))
    X.indices, X.indptr = X.indices.astype(np.int64), X.indptr.astype(np.int64)
    ours = PCA(7, svd_solver=solver, random_state=0)
    theirs = SD.PCA(7, svd_solver=solver, random_state=0)
    np.testing.assert_allclose(ours.fit_transform(X), theirs.fit_transform(X), rtol=1e-7,
                               atol=1e-10)
    _assert_same_fit(ours, theirs)
