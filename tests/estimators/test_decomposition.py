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
@pytest.mark.parametrize("n_components", [None, 3, 0.95])
def test_matches_sklearn(loader, n_components):
    X, _ = loader(return_X_y=True)
    ours = PCA(n_components).fit(X)
    theirs = SD.PCA(n_components, svd_solver="full").fit(X)
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
    np.testing.assert_allclose(ours.singular_values_, theirs.singular_values_, rtol=1e-9,
                               atol=1e-9 * theirs.singular_values_[0])
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
    for bad in (5, -1, 1.5, "mle"):
        with pytest.raises(ValueError, match="n_components"):
            PCA(bad).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        PCA().fit(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(ValueError, match="features"):
        p.transform(X[:, :2])
