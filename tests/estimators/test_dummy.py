"""fastml.dummy against scikit-learn's DummyClassifier / DummyRegressor (the
same strategies, random draws and fitted attributes) and against plain NumPy."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml.dummy import DummyClassifier, DummyRegressor, weighted_percentile

skd = pytest.importorskip("sklearn.dummy")

rng = np.random.RandomState(0)
X = rng.rand(60, 3)
Y1 = rng.randint(0, 3, 60)
Y2 = np.c_[Y1, rng.randint(0, 2, 60)]
SW = rng.rand(60)


@pytest.mark.parametrize("strategy", ["most_frequent", "prior", "stratified", "uniform"])
@pytest.mark.parametrize("y", [Y1, Y2, np.array(["a", "b", "c"])[Y1]], ids=["1d", "2d", "str"])
@pytest.mark.parametrize("sw", [None, SW], ids=["unweighted", "weighted"])
def test_classifier_matches_sklearn(strategy, y, sw):
    a = skd.DummyClassifier(strategy=strategy, random_state=3).fit(X, y, sample_weight=sw)
    b = DummyClassifier(strategy=strategy, random_state=3).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    pa, pb = a.predict_proba(X), b.predict_proba(X)
    for u, v in zip(pa if isinstance(pa, list) else [pa], pb if isinstance(pb, list) else [pb]):
        np.testing.assert_allclose(u, v)
    for u, v in zip(np.atleast_1d(a.class_prior_) if y.ndim == 1 else a.class_prior_,
                    np.atleast_1d(b.class_prior_) if y.ndim == 1 else b.class_prior_):
        np.testing.assert_allclose(u, v)
    assert a.n_outputs_ == b.n_outputs_
    if y.ndim == 1:  # scikit-learn's accuracy refuses multiclass-multioutput
        assert b.score(None, y) == pytest.approx(a.score(None, y))
    else:  # subset accuracy
        assert b.score(None, y) == pytest.approx((b.predict(X) == y).all(1).mean())


def test_classifier_constant_and_errors():
    b = DummyClassifier(strategy="constant", constant=[1, 0]).fit(X, Y2)
    assert (b.predict(X) == [1, 0]).all()
    np.testing.assert_array_equal(b.predict_proba(X)[0][:, 1], 1.0)
    with pytest.raises(ValueError, match="must be present in the training data"):
        DummyClassifier(strategy="constant", constant=7).fit(X, Y1)
    with pytest.raises(ValueError, match="has to be specified"):
        DummyClassifier(strategy="constant").fit(X, Y1)
    with pytest.raises(ValueError, match="should have shape"):
        DummyClassifier(strategy="constant", constant=[1, 0, 1]).fit(X, Y2)
    with pytest.raises(ValueError, match="strategy"):
        DummyClassifier(strategy="bogus").fit(X, Y1)


def test_classifier_sparse_target():
    ys = sp.csc_matrix(Y2)
    b = DummyClassifier(strategy="most_frequent").fit(X, ys)
    a = skd.DummyClassifier(strategy="most_frequent").fit(X, ys)
    assert sp.issparse(b.predict(X))
    np.testing.assert_array_equal(b.predict(X).toarray(), a.predict(X).toarray())
    with pytest.warns(UserWarning, match="converted to a numpy array"):
        DummyClassifier(strategy="uniform").fit(X, ys)


@pytest.mark.parametrize("strategy,kw", [("mean", {}), ("median", {}),
                                         ("quantile", dict(quantile=0.0)),
                                         ("quantile", dict(quantile=0.3)),
                                         ("quantile", dict(quantile=1.0)),
                                         ("constant", dict(constant=2.5))])
@pytest.mark.parametrize("sw", [None, SW], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("two", [False, True])
def test_regressor_matches_sklearn(strategy, kw, sw, two):
    y = rng.randn(60, 2) if two else rng.randn(60)
    if strategy == "constant" and two:
        kw = dict(constant=[1.0, -2.0])
    a = skd.DummyRegressor(strategy=strategy, **kw).fit(X, y, sample_weight=sw)
    b = DummyRegressor(strategy=strategy, **kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(b.constant_, a.constant_)
    np.testing.assert_allclose(b.predict(X), a.predict(X))
    pred, std = b.predict(X, return_std=True)
    assert pred.shape == std.shape and not std.any()
    assert b.score(None, y) == pytest.approx(a.score(None, y))


def test_weighted_percentile_brute_force():
    y = rng.randn(25)
    w = rng.randint(0, 4, 25).astype(float)
    rep = np.repeat(y, w.astype(int))
    for q in (10, 50, 73, 100):
        assert weighted_percentile(y, w, q) == np.percentile(rep, q, method="inverted_cdf")


def test_regressor_errors():
    with pytest.raises(ValueError, match="specify the desired quantile"):
        DummyRegressor(strategy="quantile").fit(X, Y1)
    with pytest.raises(TypeError, match="has to be specified"):
        DummyRegressor(strategy="constant").fit(X, Y1)
    with pytest.raises(ValueError, match="quantile"):
        DummyRegressor(strategy="quantile", quantile=1.5).fit(X, Y1)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        DummyRegressor().fit(X[:5], Y1)
