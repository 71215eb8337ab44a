"""Naive Bayes: scikit-learn conformance and agreement (probabilities) on the
bundled data, partial_fit, bad input."""
import pickle

import numpy as np
import pytest

from fastml.base import clone
from fastml.datasets import load_breast_cancer, load_digits, load_iris
from fastml.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB

pytest.importorskip("sklearn")
from sklearn import naive_bayes as SN  # noqa: E402

# scikit-learn's estimator checks for these estimators run in tests/test_common.py.


@pytest.mark.parametrize("loader", [load_iris, load_digits, load_breast_cancer],
                         ids=lambda f: f.__name__)
def test_gaussian_probabilities_match_sklearn(loader):
    X, y = loader(return_X_y=True)
    w = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    for sw in (None, w):
        ours = GaussianNB().fit(X, y, sample_weight=sw)
        theirs = SN.GaussianNB().fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-9)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
        np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X),
                                   rtol=1e-7, atol=1e-6)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_gaussian_partial_fit_matches_sklearn_partial_fit():
    X, y = load_digits(return_X_y=True)
    ours, theirs = GaussianNB(), SN.GaussianNB()
    for i in range(3):
        ours.partial_fit(X[i::3], y[i::3], classes=np.arange(10))
        theirs.partial_fit(X[i::3], y[i::3], classes=np.arange(10))
    np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("cls,kw", [("MultinomialNB", {}), ("MultinomialNB", {"alpha": 0.1}),
                                    ("MultinomialNB", {"fit_prior": False}),
                                    ("BernoulliNB", {"binarize": 4.0}),
                                    ("BernoulliNB", {"alpha": 0.5, "binarize": 8.0})])
def test_discrete_nb_match_sklearn(cls, kw):
    X, y = load_digits(return_X_y=True)
    ours = {"MultinomialNB": MultinomialNB, "BernoulliNB": BernoulliNB}[cls](**kw).fit(X, y)
    theirs = getattr(SN, cls)(**kw).fit(X, y)
    np.testing.assert_allclose(ours.feature_log_prob_, theirs.feature_log_prob_, rtol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-10)
    pf = type(ours)(**kw)
    for i in range(2):
        pf.partial_fit(X[i::2], y[i::2], classes=np.arange(10))
    np.testing.assert_allclose(pf.feature_log_prob_, ours.feature_log_prob_, rtol=1e-12)


def test_pickle_clone_and_bad_input():
    X, y = load_iris(return_X_y=True)
    for est in (GaussianNB(), MultinomialNB(), BernoulliNB()):
        est.fit(X, y)
        np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).predict(X), est.predict(X))
        assert not hasattr(clone(est), "classes_")
        Xn = X.copy()
        Xn[0, 0] = np.nan
        with pytest.raises(ValueError, match="NaN"):
            clone(est).fit(Xn, y)
        with pytest.raises(ValueError, match="features"):
            est.predict(X[:, :2])
    with pytest.raises(ValueError, match="Negative"):
        MultinomialNB().fit(-X, y)
    with pytest.raises(ValueError, match="var_smoothing"):
        GaussianNB(var_smoothing=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="priors"):
        GaussianNB(priors=[0.5, 0.6, -0.1]).fit(X, y)
    with pytest.raises(ValueError, match="classes"):
        GaussianNB().partial_fit(X, y)


def test_bernoulli_alpha_zero_is_exact_at_probabilities_zero_and_one():
    """alpha=0 gives feature probabilities of exactly 0 and 1: the joint log
    likelihood follows 0 * log 0 = 0 (brute-force oracle), -inf only where the
    sample is impossible, and predict_proba is finite (priors for a sample
    impossible under every class)."""
    from fastml.naive_bayes import BernoulliNB

    rng = np.random.default_rng(1)
    X = (rng.random((200, 6)) > 0.5).astype(float)
    y = rng.integers(0, 3, 200)
    X[:, 0] = 0          # probability 0 in every class
    X[y == 1, 1] = 1     # probability 1 in class 1
    m = BernoulliNB(alpha=0).fit(X, y)
    Q = (rng.random((50, 6)) > 0.5).astype(float)
    Q[:3, 0] = 1         # impossible under every class
    p = np.exp(m.feature_log_prob_)
    want = np.empty((len(Q), 3))
    for i, q in enumerate(Q):
        for c in range(3):
            terms = [np.log(p[c, j]) if q[j] else np.log1p(-p[c, j]) for j in range(6)
                     if (p[c, j] if q[j] else 1 - p[c, j]) > 0]
            impossible = any((p[c, j] if q[j] else 1 - p[c, j]) == 0 for j in range(6))
            want[i, c] = -np.inf if impossible else sum(terms) + m.class_log_prior_[c]
    with np.errstate(divide="ignore"):
        got = m.predict_joint_log_proba(Q)
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], rtol=1e-12)
    proba = m.predict_proba(Q)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba[:3], np.exp(m.class_log_prior_)[None].repeat(3, 0))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    one = BernoulliNB(alpha=0).fit([[0.3]], [0], sample_weight=[0.5])
    np.testing.assert_array_equal(one.predict_proba([[0.3]]), [[1.0]])


@pytest.mark.parametrize("sparse", [False, True])
def test_multinomial_alpha_zero_keeps_zero_counts_finite(sparse):
    """alpha=0: unseen (feature, class) pairs have log-probability -inf; a zero
    count contributes 0 (not 0 * -inf = NaN), a positive count rules the class out."""
    import scipy.sparse as sp

    from fastml.naive_bayes import MultinomialNB

    X = np.array([[1, 0, 2], [2, 0, 1], [0, 3, 1]])
    y = [0, 0, 1]
    m = MultinomialNB(alpha=0).fit(sp.csr_matrix(X) if sparse else X, y)
    Q = np.array([[1, 0, 0], [0, 1, 1], [1, 1, 0], [0, 0, 5]])
    Qs = sp.csr_matrix(Q) if sparse else Q
    lp, prior = m.feature_log_prob_, m.class_log_prior_
    with np.errstate(divide="ignore", invalid="ignore"):
        want = np.array([[prior[c] + sum(q[j] * lp[c, j] for j in range(3) if q[j])
                          for c in range(2)] for q in Q])
    got = m.predict_joint_log_proba(Qs)
    np.testing.assert_array_equal(got, want)
    proba = m.predict_proba(Qs)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba[0], [1.0, 0.0])
    np.testing.assert_allclose(proba[1], [0.0, 1.0])
    np.testing.assert_allclose(proba[2], np.exp(prior))   # impossible under both classes
    assert m.predict(Qs[2:3])[0] == m.classes_[np.argmax(prior)]  # predict follows the priors


def test_gaussian_zero_variance_is_a_point_mass_not_nan():
    """One training row (every variance and epsilon_ 0), and var_smoothing=0
    with a class that is constant in a feature: finite probabilities."""
    m = GaussianNB().fit([[0.125]], [0])
    np.testing.assert_array_equal(m.predict_proba([[0.125], [7.0]]), [[1.0], [1.0]])
    X = np.array([[0.0, 1.0], [0.0, 2.0], [1.0, 5.0], [2.0, 6.0]])
    y = [0, 0, 1, 1]
    m = GaussianNB(var_smoothing=0.0).fit(X, y)
    assert m.var_[0, 0] == 0
    proba = m.predict_proba([[0.0, 1.5], [1.5, 5.5], [3.0, 1.5]])
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 0] == pytest.approx(1.0)   # x0 == class 0's constant
    assert proba[1, 1] == pytest.approx(1.0)   # x0 != 0 rules class 0 out
    np.testing.assert_array_equal(m.predict([[0.0, 1.5], [1.5, 5.5]]), [0, 1])


def test_alpha_zero_class_without_counts_takes_the_alpha_limit():
    """alpha=0 and a class with no counts (all-zero rows, or zero weights): the
    0/0 feature probabilities take their alpha -> 0 limit (uniform for the
    multinomial, 1/2 for Bernoulli) instead of NaN."""
    from fastml.naive_bayes import BernoulliNB, MultinomialNB

    m = MultinomialNB(alpha=0).fit([[0.0, 0.0, 0.0]], [0])
    np.testing.assert_allclose(np.exp(m.feature_log_prob_), [[1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_array_equal(m.predict_proba([[1.0, 0.0, 2.0]]), [[1.0]])
    b = BernoulliNB(alpha=0).fit([[1.0], [0.0]], [0, 1], sample_weight=[1.0, 0.0])
    np.testing.assert_allclose(np.exp(b.feature_log_prob_[1]), [0.5])
    assert np.isfinite(b.predict_proba([[1.0], [0.0]])).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gaussian_row_blocks_match_sklearn_and_threads(dtype):
    """Many row blocks over several lanes (fixed order: the fit does not depend on
    the thread count), weights, float32 input, classes with shifted means."""
    from fastml._config import threads_scope

    rng = np.random.default_rng(1)
    n, p = 23_457, 13
    y = rng.integers(0, 4, n)
    X = (rng.normal(size=(n, p)) * (1 + y[:, None]) + 50.0 * y[:, None]).astype(dtype)
    w = rng.uniform(0.1, 2.0, n)
    for sw in (None, w):
        # the oracle sees the same values in float64 (fastml sums float32 input in
        # float64; scikit-learn's float32 sums are less accurate)
        theirs = SN.GaussianNB().fit(X.astype(np.float64), y, sample_weight=sw)
        fits = []
        for t in (1, 2, 3):
            with threads_scope(t):
                fits.append(GaussianNB().fit(X, y, sample_weight=sw))
        ours = fits[0]
        for f in fits[1:]:
            np.testing.assert_array_equal(f.theta_, ours.theta_)
            np.testing.assert_array_equal(f.var_, ours.var_)
        # the statistics are stored in the input dtype (as scikit-learn): float32
        # input keeps float32 theta_ / var_, rounded from the float64 sums
        assert ours.theta_.dtype == ours.var_.dtype == dtype
        f32 = dtype == np.float32
        np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-6 if f32 else 1e-10,
                                   atol=1e-6 if f32 else 1e-10)
        np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-6 if f32 else 1e-8)
        np.testing.assert_allclose(ours.epsilon_, theirs.epsilon_, rtol=1e-8)
        np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X),
                                   rtol=1e-5 if f32 else 1e-7, atol=1e-4 if f32 else 1e-6)
        np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
