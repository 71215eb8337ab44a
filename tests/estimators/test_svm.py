"""fastml.svm against scikit-learn (libsvm) as the oracle: the same support
set and decision values within 1e-3 on iris, breast cancer (scaled) and
digits; every formulation (SVC, NuSVC, SVR, NuSVR, OneClassSVM) and kernel;
sparse, precomputed and callable kernels; weights; probabilities; errors."""
import pickle
import warnings

import numpy as np
import pytest

import fastml.svm as fsvm
from fastml.exceptions import ConvergenceWarning

sk = pytest.importorskip("sklearn")
from sklearn import svm as ssvm  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_digits, load_iris  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def _iris():
    return load_iris(return_X_y=True)


def _cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def _agree(a, b, X, atol=1e-3, keep=None):
    # libsvm as scikit-learn ships it numbers support_ within the samples of
    # positive weight; fastml's support_ indexes X (support_vectors_ == X[support_])
    np.testing.assert_array_equal(b.support_, a.support_ if keep is None else keep[a.support_])
    np.testing.assert_array_equal(a.n_support_, b.n_support_)
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), atol=atol)
    np.testing.assert_allclose(b.intercept_, a.intercept_, atol=atol)


@pytest.mark.parametrize("data", [_iris, _cancer, _digits])
@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_svc_matches_libsvm(data, kernel):
    X, y = data()
    kw = dict(kernel=kernel, C=2.0, tol=1e-5)
    a = ssvm.SVC(**kw).fit(X, y)
    b = fsvm.SVC(**kw).fit(X, y)
    _agree(a, b, X)
    np.testing.assert_allclose(b.dual_coef_, a.dual_coef_, atol=2e-3)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    np.testing.assert_array_equal(b.classes_, a.classes_)
    if kernel == "linear":
        np.testing.assert_allclose(b.coef_, a.coef_, atol=2e-3)
    assert b.support_vectors_.shape == a.support_vectors_.shape
    assert b.n_iter_.shape == a.n_iter_.shape and b.fit_status_ == 0


@pytest.mark.parametrize("data", [_iris, _cancer])
def test_svc_default_tolerance(data):
    """At tol=1e-3 both solvers stop within the tolerance of the optimum along
    different rounding paths: decision values agree to a few 1e-3."""
    X, y = data()
    a, b = ssvm.SVC().fit(X, y), fsvm.SVC().fit(X, y)
    _agree(a, b, X, atol=5e-3)
    o1 = ssvm.SVC(decision_function_shape="ovo").fit(X, y).decision_function(X)
    o2 = fsvm.SVC(decision_function_shape="ovo").fit(X, y).decision_function(X)
    np.testing.assert_allclose(o2, o1, atol=5e-3)


@pytest.mark.parametrize("data", [_iris, _cancer])
def test_nusvc_matches_libsvm(data):
    X, y = data()
    a = ssvm.NuSVC(nu=0.3, tol=1e-6).fit(X, y)
    b = fsvm.NuSVC(nu=0.3, tol=1e-6).fit(X, y)
    _agree(a, b, X)


@pytest.mark.parametrize("cls,kw", [("SVR", dict(C=3.0, epsilon=0.05)),
                                    ("NuSVR", dict(C=3.0, nu=0.4))])
@pytest.mark.parametrize("kernel", ["rbf", "linear"])
def test_regressors_match_libsvm(cls, kw, kernel):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((150, 4))
    t = np.sin(X[:, 0]) + 0.3 * X[:, 1] + 0.1 * rng.standard_normal(150)
    a = getattr(ssvm, cls)(kernel=kernel, tol=1e-6, **kw).fit(X, t)
    b = getattr(fsvm, cls)(kernel=kernel, tol=1e-6, **kw).fit(X, t)
    np.testing.assert_array_equal(b.support_, a.support_)
    np.testing.assert_allclose(b.predict(X), a.predict(X), atol=1e-3)
    np.testing.assert_allclose(b.dual_coef_, a.dual_coef_, atol=1e-3)
    np.testing.assert_allclose(b.intercept_, a.intercept_, atol=1e-3)
    assert b.n_support_.shape == (1,) and isinstance(b.n_iter_, int)
    if kernel == "linear":
        np.testing.assert_allclose(b.coef_, a.coef_, atol=1e-3)


def test_one_class_matches_libsvm():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.standard_normal((200, 2)), rng.uniform(-4, 4, (20, 2))])
    a = ssvm.OneClassSVM(nu=0.1, gamma=0.5, tol=1e-6).fit(X)
    b = fsvm.OneClassSVM(nu=0.1, gamma=0.5, tol=1e-6).fit(X)
    np.testing.assert_array_equal(b.support_, a.support_)
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), atol=1e-3)
    np.testing.assert_allclose(b.score_samples(X), a.score_samples(X), atol=1e-3)
    np.testing.assert_allclose(b.offset_, a.offset_, atol=1e-3)
    clear = np.abs(a.decision_function(X)) > 1e-3  # free SVs sit on the boundary
    np.testing.assert_array_equal(b.predict(X)[clear], a.predict(X)[clear])
    np.testing.assert_array_equal(b.fit_predict(X)[clear], a.fit_predict(X)[clear])


@pytest.mark.parametrize("cls", ["SVC", "SVR", "NuSVC"])
def test_sparse_equals_dense(cls):
    sp = pytest.importorskip("scipy.sparse")
    X, y = _iris()
    X = X.copy()
    X[X < 1.5] = 0
    kw = dict(tol=1e-6)
    est = getattr(fsvm, cls)
    d = est(**kw).fit(X, y)
    s = est(**kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(s.support_, d.support_)
    assert sp.issparse(s.support_vectors_) and sp.issparse(s.dual_coef_)
    np.testing.assert_allclose(s.support_vectors_.toarray(), d.support_vectors_)
    np.testing.assert_allclose(s.dual_coef_.toarray(), d.dual_coef_, atol=1e-4)
    np.testing.assert_allclose(s.predict(sp.csr_matrix(X)), d.predict(X), atol=1e-4)
    ref = getattr(ssvm, cls)(**kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_array_equal(s.support_, ref.support_)


def test_precomputed_and_callable_kernels():
    X, y = _iris()
    K = X @ X.T
    a = fsvm.SVC(kernel="linear", tol=1e-6).fit(X, y)
    b = fsvm.SVC(kernel="precomputed", tol=1e-6).fit(K, y)
    c = fsvm.SVC(kernel=lambda A, B: A @ B.T, tol=1e-6).fit(X, y)
    np.testing.assert_array_equal(b.support_, a.support_)
    np.testing.assert_array_equal(c.support_, a.support_)
    np.testing.assert_allclose(b.decision_function(K), a.decision_function(X), atol=1e-8)
    np.testing.assert_allclose(c.decision_function(X), a.decision_function(X), atol=1e-8)
    assert b.support_vectors_.shape == (0, 0)
    with pytest.raises(ValueError, match="square"):
        fsvm.SVC(kernel="precomputed").fit(K[:, :10], y)
    with pytest.raises(ValueError, match="150 features"):
        b.predict(K[:, :10])


def test_weights_match_libsvm():
    X, y = _iris()
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    sw[::17] = 0  # dropped, as libsvm drops them
    for kw in (dict(class_weight={0: 2.0, 2: 0.5}), dict(class_weight="balanced"), {}):
        a = ssvm.SVC(tol=1e-6, **kw).fit(X, y, sample_weight=sw)
        b = fsvm.SVC(tol=1e-6, **kw).fit(X, y, sample_weight=sw)
        _agree(a, b, X, keep=np.flatnonzero(sw > 0))
        np.testing.assert_allclose(b.class_weight_, a.class_weight_)
        np.testing.assert_array_equal(b.support_vectors_, X[b.support_])
    with pytest.raises(ValueError, match="zero or negative"):
        fsvm.SVC().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="same class"):
        fsvm.SVC().fit(X, y, sample_weight=(y == 1).astype(float))


def test_probability():
    X, y = _iris()
    a = ssvm.SVC(probability=True, random_state=0).fit(X, y)
    b = fsvm.SVC(probability=True, random_state=0).fit(X, y)
    pa, pb = a.predict_proba(X), b.predict_proba(X)
    np.testing.assert_allclose(pb.sum(axis=1), 1.0, rtol=1e-9)
    assert np.abs(pa - pb).max() < 0.1  # different CV folds, same method
    assert np.mean(pa.argmax(1) == pb.argmax(1)) > 0.95
    assert b.probA_.shape == (3,) and b.probB_.shape == (3,)
    np.testing.assert_allclose(b.predict_log_proba(X), np.log(pb))
    again = fsvm.SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(again, pb)
    Xb, yb = _cancer()
    pb2 = fsvm.SVC(probability=True, random_state=0).fit(Xb, yb).predict_proba(Xb)
    pa2 = ssvm.SVC(probability=True, random_state=0).fit(Xb, yb).predict_proba(Xb)
    assert np.abs(pa2 - pb2).max() < 0.1
    assert not hasattr(fsvm.SVC(), "predict_proba")


def test_break_ties_and_ovr_shape():
    X, y = _iris()
    a = ssvm.SVC(break_ties=True).fit(X, y)
    b = fsvm.SVC(break_ties=True).fit(X, y)
    np.testing.assert_array_equal(b.predict(X), a.predict(X))
    assert b.decision_function(X).shape == (150, 3)
    with pytest.raises(ValueError, match="break_ties"):
        fsvm.SVC(break_ties=True, decision_function_shape="ovo").fit(X, y).predict(X)


def test_binary_sign_convention():
    X, y = _cancer()
    b = fsvm.SVC().fit(X, y)
    dec = b.decision_function(X)
    np.testing.assert_array_equal(b.predict(X), b.classes_[(dec > 0).astype(int)])


def test_convergence_warning_and_fit_status():
    X, y = _cancer()
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        b = fsvm.SVC(max_iter=5).fit(X, y)
    assert b.fit_status_ == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        fsvm.SVC().fit(X, y)


@pytest.mark.parametrize("bad,match", [(dict(C=0), "C"), (dict(gamma="x"), "gamma"),
                                       (dict(kernel="cubic"), "kernel"),
                                       (dict(tol=-1), "tol"), (dict(max_iter=-2), "max_iter"),
                                       (dict(cache_size=0), "cache_size")])
def test_bad_parameters(bad, match):
    X, y = _iris()
    with pytest.raises(ValueError, match=match):
        fsvm.SVC(**bad).fit(X, y)


def test_bad_input():
    X, y = _iris()
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fsvm.SVC().fit(Xn, y)
    with pytest.raises(ValueError, match="greater than one"):
        fsvm.SVC().fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="nu is infeasible"):
        fsvm.NuSVC(nu=0.99).fit(X[:60], y[:60])
    b = fsvm.SVC().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        b.predict(X[:, :2])
    with pytest.raises(AttributeError, match="linear"):
        b.coef_


def test_pickle_roundtrip_and_tampered_state():
    X, y = _iris()
    b = fsvm.SVC(probability=True, random_state=0).fit(X, y)
    c = pickle.loads(pickle.dumps(b))
    np.testing.assert_array_equal(c.decision_function(X), b.decision_function(X))
    np.testing.assert_array_equal(c.predict_proba(X), b.predict_proba(X))
    state = b.__getstate__() if hasattr(b, "__getstate__") else dict(b.__dict__)
    state = dict(state)
    sv = state["support_vectors_"].copy()
    sv[0, 0] = np.nan
    state["support_vectors_"] = sv
    with pytest.raises(ValueError, match="support_vectors_"):
        fsvm.SVC().__setstate__(state)


@pytest.mark.parametrize("n,p", [(100, 20), (6000, 70)])  # SMO, and the working-set solver
def test_hard_margin_C_inf(n, p):
    """C=inf (hard margin, as scikit-learn accepts it) gives a very large C's
    solution; zero sample weights stay out of the problem."""
    from sklearn.datasets import make_classification, make_regression

    from fastml.svm import SVC, SVR

    X, y = make_classification(n_samples=n, n_features=p, random_state=0)
    w = np.ones(n)
    w[:10] = 0.0
    a = SVC(C=np.inf).fit(X, y, sample_weight=w)
    b = SVC(C=1e10).fit(X, y, sample_weight=w)
    assert np.array_equal(a.support_, b.support_)
    np.testing.assert_allclose(a.decision_function(X), b.decision_function(X), rtol=1e-6,
                               atol=1e-6)
    assert np.isfinite(a.dual_coef_).all()
    if n <= 1000:
        Xr, yr = make_regression(n_samples=n, n_features=p, random_state=0)
        np.testing.assert_allclose(SVR(C=np.inf).fit(Xr, yr).predict(Xr),
                                   SVR(C=1e10).fit(Xr, yr).predict(Xr), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="C"):
        SVC(C=np.nan).fit(X, y)
