"""fastml.mixture.GaussianMixture against scikit-learn (the same EM from the
same initial parameters: lower bound, iterations, parameters), its own
invariants (densities integrate to the data's log-likelihood, fit_predict =
predict, float32 stays float32) and its errors."""
import pickle
import warnings

import numpy as np
import pytest

from fastml.exceptions import ConvergenceWarning
from fastml.mixture import GaussianMixture

COV_TYPES = ["full", "tied", "diag", "spherical"]


def _blobs(n=900, d=4, k=3, seed=0, offset=0.0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    centres = rng.uniform(-6, 6, size=(k, d))
    parts = []
    for j in range(k):
        A = rng.randn(d, d) * 0.5 + np.eye(d) * (0.4 + 0.3 * j)
        parts.append(rng.randn(n // k, d) @ A + centres[j])
    X = np.vstack(parts) + offset
    return X[rng.permutation(len(X))].astype(dtype)


def _start(X, k, cov_type, seed=1):
    """Fixed initial parameters: k data rows as means, equal weights, and the
    precisions of the data's (pooled) covariance in every component."""
    rng = np.random.RandomState(seed)
    d = X.shape[1]
    means = X[rng.choice(len(X), k, replace=False)].astype(np.float64)
    cov = np.cov(X.T.astype(np.float64)) + 0.1 * np.eye(d)
    prec = np.linalg.inv(cov)
    precisions = {"full": np.repeat(prec[None], k, 0) * (1 + 0.1 * np.arange(k))[:, None, None],
                  "tied": prec,
                  "diag": np.repeat(np.diag(prec)[None], k, 0) * (1 + 0.1 * np.arange(k))[:, None],
                  "spherical": np.full(k, np.diag(prec).mean()) * (1 + 0.1 * np.arange(k))}
    return dict(weights_init=np.full(k, 1.0 / k), means_init=means,
                precisions_init=precisions[cov_type])


@pytest.mark.parametrize("cov_type", COV_TYPES)
@pytest.mark.parametrize("offset", [0.0, 50.0])
def test_same_em_as_sklearn_from_the_same_start(cov_type, offset):
    skm = pytest.importorskip("sklearn.mixture")
    X = _blobs(offset=offset)
    kw = dict(n_components=3, covariance_type=cov_type, tol=1e-8, max_iter=60,
              **_start(X, 3, cov_type))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = skm.GaussianMixture(**kw).fit(X)
        f = GaussianMixture(**kw).fit(X)
    assert f.n_iter_ == s.n_iter_ and f.converged_ == s.converged_
    assert abs(f.lower_bound_ - s.lower_bound_) <= 1e-6 * abs(s.lower_bound_)
    np.testing.assert_allclose(f.lower_bounds_, s.lower_bounds_, rtol=1e-6)
    np.testing.assert_allclose(f.means_, s.means_, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(f.weights_, s.weights_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(f.covariances_, s.covariances_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(f.precisions_, s.precisions_, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(f.score_samples(X), s.score_samples(X), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(f.predict_proba(X), s.predict_proba(X), atol=1e-6)
    assert f.score(X) == pytest.approx(s.score(X), rel=1e-7)
    assert f.bic(X) == pytest.approx(s.bic(X), rel=1e-7)
    assert f.aic(X) == pytest.approx(s.aic(X), rel=1e-7)


@pytest.mark.parametrize("init", ["kmeans", "k-means++", "random", "random_from_data"])
@pytest.mark.parametrize("cov_type", ["full", "diag"])
def test_same_result_as_sklearn_from_the_same_random_state(init, cov_type):
    """The initialisations draw from random_state as scikit-learn's do."""
    skm = pytest.importorskip("sklearn.mixture")
    X = _blobs(seed=3)
    kw = dict(n_components=3, covariance_type=cov_type, init_params=init, random_state=7,
              n_init=2, max_iter=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = skm.GaussianMixture(**kw).fit(X)
        f = GaussianMixture(**kw).fit(X)
    assert abs(f.lower_bound_ - s.lower_bound_) <= 1e-6 * abs(s.lower_bound_)
    assert f.n_iter_ == s.n_iter_
    # the same partition; with n_init=2 both starts can reach the same optimum with
    # the components in another order, and which one is kept is then decided by the
    # last bit of the two lower bounds (a float tie), so the labels may be permuted
    fl, sl = f.predict(X), s.predict(X)
    pairs = set(zip(fl.tolist(), sl.tolist()))
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs}) == 3


def test_fit_predict_equals_predict_and_probabilities_sum_to_one():
    X = _blobs(seed=5)
    g = GaussianMixture(3, random_state=0)
    labels = g.fit_predict(X)
    np.testing.assert_array_equal(labels, g.predict(X))
    P = g.predict_proba(X)
    np.testing.assert_allclose(P.sum(1), 1, rtol=1e-12)
    np.testing.assert_array_equal(P.argmax(1), labels)
    assert g.score(X) == pytest.approx(g.score_samples(X).mean())


def test_density_integrates_to_one():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.randn(200, 2), rng.randn(200, 2) * 0.5 + 3])
    g = GaussianMixture(2, random_state=0).fit(X)
    h = 0.05
    grid = np.mgrid[-6:8:h, -6:8:h].reshape(2, -1).T
    assert np.exp(g.score_samples(grid)).sum() * h * h == pytest.approx(1, abs=2e-3)


@pytest.mark.parametrize("cov_type", COV_TYPES)
def test_float32_stays_float32_and_agrees_with_float64(cov_type):
    X = _blobs(seed=2)
    kw = dict(n_components=3, covariance_type=cov_type, **_start(X, 3, cov_type), tol=1e-6)
    g64 = GaussianMixture(**kw).fit(X)
    g32 = GaussianMixture(**kw).fit(X.astype(np.float32))
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        assert getattr(g32, name).dtype == np.float32, name
    assert g32.predict_proba(X).dtype == np.float32
    assert g32.lower_bound_ == pytest.approx(g64.lower_bound_, rel=1e-4)


def test_warm_start_continues_from_the_last_fit():
    X = _blobs(seed=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        g = GaussianMixture(3, max_iter=2, warm_start=True, random_state=0, tol=1e-10)
        g.fit(X)
        lb = [g.lower_bound_]
        for _ in range(3):
            g.fit(X)
            lb.append(g.lower_bound_)
    assert all(b >= a - 1e-12 for a, b in zip(lb, lb[1:]))
    cold = GaussianMixture(3, max_iter=8, random_state=0, tol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cold.fit(X)
    assert g.lower_bound_ == pytest.approx(cold.lower_bound_, rel=1e-9)


def test_convergence_warning_and_n_init_keeps_the_best():
    X = _blobs(seed=6)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        GaussianMixture(3, max_iter=1, random_state=0).fit(X)
    one = GaussianMixture(3, init_params="random", random_state=1).fit(X)
    many = GaussianMixture(3, init_params="random", n_init=5, random_state=1).fit(X)
    assert many.lower_bound_ >= one.lower_bound_ - 1e-12


def test_sample_shapes_and_moments():
    X = _blobs(seed=7)
    g = GaussianMixture(3, random_state=0).fit(X)
    S, y = g.sample(30000)
    assert S.shape == (30000, X.shape[1]) and S.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_allclose(np.bincount(y) / 30000, g.weights_, atol=0.02)
    for j in range(3):
        np.testing.assert_allclose(S[y == j].mean(0), g.means_[j], atol=0.1)


def test_pickle_round_trip_and_tampered_state():
    X = _blobs(seed=8)
    g = GaussianMixture(3, random_state=0).fit(X)
    h = pickle.loads(pickle.dumps(g))
    np.testing.assert_array_equal(h.score_samples(X), g.score_samples(X))
    state = g.__getstate__() if hasattr(g, "__getstate__") else dict(g.__dict__)
    bad = dict(state, precisions_cholesky_=np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="precisions_cholesky_"):
        GaussianMixture().__setstate__(bad)


@pytest.mark.parametrize("kw,match", [
    (dict(n_components=0), "n_components"),
    (dict(covariance_type="bogus"), "covariance_type"),
    (dict(reg_covar=-1.0), "reg_covar"),
    (dict(init_params="nope"), "init_params"),
    (dict(tol=-1.0), "tol"),
    (dict(weights_init=[0.7, 0.7]), "weights"),
    (dict(weights_init=[0.2, 0.3, 0.5]), "weights"),
    (dict(means_init=np.zeros((2, 3))), "means"),
    (dict(precisions_init=-np.ones(2), covariance_type="spherical"), "spherical precision"),
    (dict(precisions_init=np.ones((2, 4, 4)) * -1), "full precision"),
])
def test_bad_parameters_name_themselves(kw, match):
    X = _blobs(n=60, d=4, k=2)
    kw = {"n_components": 2, **kw}
    with pytest.raises(ValueError, match=match):
        GaussianMixture(**kw).fit(X)


def test_bad_data():
    with pytest.raises(ValueError, match="n_samples >= n_components"):
        GaussianMixture(5).fit(np.random.RandomState(0).randn(4, 2))
    X = _blobs(n=60, d=2, k=2)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GaussianMixture(2).fit(X)
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        GaussianMixture(2, reg_covar=0, init_params="random_from_data",
                        random_state=0).fit(np.ones((20, 3)))
    g = GaussianMixture(2, random_state=0).fit(_blobs(n=60, d=2, k=2))
    with pytest.raises(ValueError, match="features"):
        g.predict(np.zeros((3, 5)))
