"""SGDClassifier / SGDRegressor(average=...) against scikit-learn (same
schedule, no shuffling: same iterates, same running average) and the
scikit-learn attributes of averaged SGD, dense and sparse X."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml.linear_model import SGDClassifier, SGDRegressor

sk_lm = pytest.importorskip("sklearn.linear_model")


def _data(sparse):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 6)) * (rng.rand(80, 6) < 0.5)
    y = X @ rng.normal(size=6) + 0.1 * rng.normal(size=80)
    return (sp.csr_matrix(X) if sparse else X), y


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("average", [True, 10, 500])
@pytest.mark.parametrize("penalty", ["l2", "elasticnet"])
def test_regressor_average_matches_sklearn(sparse, average, penalty):
    X, y = _data(sparse)
    kw = dict(average=average, penalty=penalty, shuffle=False, max_iter=5, tol=None,
              learning_rate="constant", eta0=0.01, alpha=0.01)
    a = sk_lm.SGDRegressor(**kw).fit(X, y)
    b = SGDRegressor(**kw).fit(X, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(b._standard_coef, a._standard_coef, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("sparse", [False, True])
def test_average_matches_sklearn_and_partial_fit(sparse):
    X, y = _data(sparse)
    labels = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    kw = dict(average=True, shuffle=False, max_iter=4, tol=None, learning_rate="optimal",
              alpha=0.01)
    a = sk_lm.SGDClassifier(**kw).fit(X, labels)
    b = SGDClassifier(**kw).fit(X, labels)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(b.intercept_, a.intercept_, rtol=1e-7, atol=1e-10)
    # first partial_fit call: the same; later calls differ on purpose (see
    # the module docstring of fastml.linear_model._sgd), so check the regressor
    pa, pb = sk_lm.SGDClassifier(**kw), SGDClassifier(**kw)
    pa.partial_fit(X, labels, classes=[0, 1, 2])
    pb.partial_fit(X, labels, classes=[0, 1, 2])
    np.testing.assert_allclose(pb.coef_, pa.coef_, rtol=1e-7, atol=1e-10)
    kw = dict(average=True, shuffle=False, tol=None, learning_rate="constant", eta0=0.01,
              alpha=0.01)
    ra, rb = sk_lm.SGDRegressor(**kw), SGDRegressor(**kw)
    for _ in range(3):
        ra.partial_fit(X, y)
        rb.partial_fit(X, y)
    np.testing.assert_allclose(rb.coef_, ra.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(rb.intercept_, ra.intercept_, rtol=1e-7, atol=1e-10)


def test_average_attributes():
    X, y = _data(False)
    m = SGDRegressor(average=True).fit(X, y)
    assert all(hasattr(m, a) for a in ("_average_coef", "_average_intercept",
                                        "_standard_coef", "_standard_intercept"))
    m = SGDRegressor().fit(X, y)
    assert not any(hasattr(m, a) for a in ("_average_coef", "_standard_coef"))
    late = SGDRegressor(average=10 ** 6, max_iter=2, tol=None).fit(X, y)
    np.testing.assert_array_equal(late.coef_, late._standard_coef)


@pytest.mark.parametrize("kw", [dict(), dict(tol=0.1), dict(early_stopping=True),
                                dict(average=True), dict(early_stopping=True, average=5)])
def test_random_state_gives_sklearns_iterates(kw):
    """Same random_state -> scikit-learn's shuffles and validation split, so
    the same epochs and coefficients (hinge / squared loss; dense and CSR)."""
    datasets = pytest.importorskip("sklearn.datasets")
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    X, y = datasets.load_iris(return_X_y=True)
    X = preprocessing.StandardScaler().fit_transform(X)
    for Xi in (X, sp.csr_matrix(X)):
        a = sk_lm.SGDClassifier(random_state=0, **kw).fit(Xi, y == 1)
        b = SGDClassifier(random_state=0, **kw).fit(Xi, y == 1)
        assert a.n_iter_ == b.n_iter_
        np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-9, atol=1e-12)
        # one-vs-rest: the per-class seeds (fixed epochs; scikit-learn's
        # loss-based stopping adds the penalty to the loss, fastml's does not)
        if not kw.get("early_stopping"):
            kw_ovr = {**kw, "tol": None, "max_iter": 8}
            a = sk_lm.SGDClassifier(random_state=0, **kw_ovr).fit(Xi, y)
            b = SGDClassifier(random_state=0, **kw_ovr).fit(Xi, y)
            np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-9, atol=1e-12)
        yr = X @ np.array([1.0, 2.0, 3.0, 4.0])
        a = sk_lm.SGDRegressor(random_state=0, **kw).fit(Xi, yr)
        b = SGDRegressor(random_state=0, **kw).fit(Xi, yr)
        assert a.n_iter_ == b.n_iter_
        np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-9, atol=1e-12)
