"""Behaviour users of scikit-learn rely on: its errors, warnings and edge cases
(splitters, parameter grids, naive Bayes, trees, forests, Ridge lbfgs), each
checked against scikit-learn where it is installed."""
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from fastml.ensemble import ExtraTreesClassifier, RandomForestClassifier
from fastml.exceptions import NotFittedError
from fastml.linear_model import LogisticRegression, Ridge
from fastml.model_selection import GridSearchCV, KFold, StratifiedKFold, train_test_split
from fastml.model_selection import ParameterGrid
from fastml.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from fastml.pipeline import Pipeline
from fastml.preprocessing import StandardScaler
from fastml.svm import SVR, NuSVC
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor

X6 = np.array([[-2, -1], [-1, -1], [-1, -2], [1, 1], [1, 2], [2, 1]], dtype=float)
Y6 = np.array([1, 1, 1, 2, 2, 2])


# ------------------------------------------------------------------ splitters
def test_splitters_ignore_groups_with_a_warning_at_call_time():
    X, y = np.zeros((10, 1)), np.arange(10) % 2
    for cv in (KFold(2), StratifiedKFold(2)):
        with pytest.warns(UserWarning, match=f"groups parameter is ignored by {type(cv).__name__}"):
            cv.split(X, y, groups=np.arange(10))  # not iterated: the warning comes first
        assert not hasattr(cv, "set_split_request")
    pytest.importorskip("sklearn")
    assert not KFold(3).get_metadata_routing().split.requests


def test_stratified_kfold_targets_and_small_classes():
    X = np.zeros((5, 1))
    with pytest.warns(UserWarning, match="least populated class in y has only 2 members"):
        next(StratifiedKFold(3).split(X, np.array([3, 3, -1, -1, 3])))
    with pytest.raises(ValueError, match="Got 'multilabel-indicator' instead"):
        next(StratifiedKFold(2).split(np.zeros((4, 1)), np.eye(4, 3, dtype=int)))
    folds = list(StratifiedKFold(2).split(np.zeros((6, 1)), Y6.reshape(-1, 1)))
    assert len(folds) == 2  # a column vector is one target
    with pytest.raises(TypeError, match="shuffle must be True or False; got None"):
        KFold(3, shuffle=None)


def test_train_test_split_size_errors():
    with pytest.raises(ValueError, match="sum of test_size and train_size = 1.2"):
        train_test_split(range(3), test_size=0.6, train_size=0.6)
    with pytest.raises(ValueError, match="the resulting train set will be empty"):
        train_test_split([[1]], test_size=0.99)


def test_parameter_grid_errors():
    with pytest.raises(TypeError, match="dict or a list, got: 0 of type int"):
        ParameterGrid(0)
    with pytest.raises(TypeError, match="needs to be a list or a numpy array, but got 1 \\(of "
                                        "type int\\)"):
        ParameterGrid({"C": 1})
    with pytest.raises(TypeError, match="got '1,2,3' \\(of type str\\)"):
        ParameterGrid({"C": "1,2,3"})
    with pytest.raises(ValueError, match="need to be a non-empty sequence, got: \\[\\]"):
        ParameterGrid({"C": []})
    with pytest.raises(ValueError, match="one-dimensional"):
        ParameterGrid({"C": np.ones((3, 2))})
    assert len(ParameterGrid({"C": np.arange(3), "k": (1, 2)})) == 6
    with pytest.raises(TypeError, match="needs to be a list"):
        GridSearchCV(LogisticRegression(), {"C": 1}).fit(X6, Y6)


# ------------------------------------------------------------------ naive Bayes
def test_naive_bayes_small_alpha_warns_and_is_clipped():
    X, y = np.array([[1, 0], [1, 1]]), np.array([0, 1])
    for M, Xin in ((BernoulliNB, X), (MultinomialNB, sp.csr_matrix(X))):
        with pytest.warns(UserWarning, match="alpha too small will result in numeric errors"):
            nb = M(alpha=0.0, force_alpha=False).fit(Xin, y)
        assert np.isfinite(nb.predict_log_proba(Xin)).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MultinomialNB(alpha=0.0, force_alpha=True).fit(X + 1, y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gaussian_nb_keeps_the_input_dtype(dtype):
    X = X6.astype(dtype)
    full = GaussianNB().fit(X, Y6)
    parts = GaussianNB().partial_fit(X[::2], Y6[::2], [1, 2]).partial_fit(X[1::2], Y6[1::2])
    for attr in ("theta_", "var_", "class_prior_"):
        assert getattr(full, attr).dtype == getattr(parts, attr).dtype == dtype
        # (var_smoothing's epsilon comes from each batch: equal to ~1e-9 only)
        np.testing.assert_allclose(getattr(full, attr), getattr(parts, attr), rtol=1e-6)
    sk = pytest.importorskip("sklearn.naive_bayes")
    ref = sk.GaussianNB().fit(X, Y6)
    np.testing.assert_allclose(full.var_, ref.var_, rtol=1e-6)


# ------------------------------------------------------------------ trees and forests
def test_tree_apply_before_fit_and_capacity():
    with pytest.raises(NotFittedError):
        DecisionTreeClassifier().apply(X6)
    t = DecisionTreeClassifier(random_state=0).fit(X6, Y6)
    assert t.tree_.capacity == t.tree_.node_count
    back = pickle.loads(pickle.dumps(t))
    assert back.tree_.capacity == t.tree_.capacity


def test_poisson_tree_checks_y_first():
    with pytest.raises(ValueError, match="Sum of y is not positive.*Poisson"):
        DecisionTreeRegressor(criterion="poisson").fit([[0, 1, 2]], [0, 0, 0])
    with pytest.raises(ValueError, match="Some value.*y are negative.*Poisson"):
        DecisionTreeRegressor(criterion="poisson").fit([[0], [1], [2]], [5, -0.1, 2])


@pytest.mark.parametrize("Forest", [RandomForestClassifier, ExtraTreesClassifier])
def test_forest_with_one_class_predicts_it(Forest):
    X = np.random.RandomState(0).rand(12, 3)
    f = Forest(n_estimators=4, random_state=0).fit(X, np.full(12, 7))
    np.testing.assert_array_equal(f.predict(X), 7)
    np.testing.assert_array_equal(f.predict_proba(X), np.ones((12, 1)))
    sk = pytest.importorskip("sklearn.ensemble")
    ref = getattr(sk, Forest.__name__)(n_estimators=4, random_state=0).fit(X, np.full(12, 7))
    np.testing.assert_array_equal(ref.predict_proba(X), f.predict_proba(X))


def test_sample_weight_as_a_0d_array_is_a_type_error():
    with pytest.raises(TypeError, match="at least 1 dimension"):
        DecisionTreeClassifier().fit(X6, Y6, sample_weight=np.array(0))
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        DecisionTreeClassifier().fit(X6, Y6, sample_weight=-np.ones(6))


# ------------------------------------------------------------------ SVM, Ridge, Pipeline
def test_nu_svc_with_one_weighted_class_is_infeasible():
    with pytest.raises(ValueError, match="specified nu is infeasible"):
        NuSVC(kernel="linear").fit(X6, Y6, sample_weight=[0, -0.5, 0, 1, 1, 1])


def test_ridge_lbfgs_dense_and_sparse_reach_the_same_optimum():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 8) * (rng.rand(60, 8) < 0.4)
    y = X @ rng.rand(8) + 3.0 + 0.01 * rng.randn(60)
    d = Ridge(solver="lbfgs", positive=True, tol=1e-12).fit(X, y)
    s = Ridge(solver="lbfgs", positive=True, tol=1e-12).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(d.coef_, s.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(d.intercept_, s.intercept_, rtol=1e-7)
    sk = pytest.importorskip("sklearn.linear_model")
    ref = sk.Ridge(solver="lbfgs", positive=True, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(d.coef_, ref.coef_, rtol=1e-6, atol=1e-9)


def test_pipeline_pairwise_tag_comes_from_the_first_step():
    pytest.importorskip("sklearn")
    from sklearn.preprocessing import KernelCenterer

    pipe = Pipeline([("k", KernelCenterer()), ("svr", SVR(kernel="precomputed"))])
    assert pipe.__sklearn_tags__().input_tags.pairwise
    assert not Pipeline([("s", StandardScaler()), ("svr", SVR())]).__sklearn_tags__(
    ).input_tags.pairwise


def test_a_scorer_returning_a_list_is_an_error_whatever_error_score():
    from fastml.metrics import f1_score, make_scorer
    from fastml.model_selection import cross_val_score

    X = np.random.RandomState(0).rand(30, 2)
    y = np.arange(30) % 3
    per_class = make_scorer(f1_score, average=None)
    with pytest.raises(ValueError, match="scoring must return a number"):
        cross_val_score(DecisionTreeClassifier(), X, y, scoring=per_class, cv=3)
    with pytest.raises(ValueError, match="scoring must return a number"):
        GridSearchCV(DecisionTreeClassifier(), {"max_depth": [1, 2]}, scoring=per_class,
                     cv=3).fit(X, y)


def test_cross_validate_takes_array_likes_without_len_or_indexing():
    from fastml.model_selection import cross_validate

    class OnlyArray:  # exposes __array__ only (no len, no indexing)
        def __init__(self, data):
            self.data = np.asarray(data)

        def __array__(self, dtype=None, copy=None):
            return self.data if dtype is None else self.data.astype(dtype)

    X = OnlyArray([[1, 1], [1, 2], [1, 3], [1, 4], [2, 1], [2, 2], [2, 3], [2, 4]])
    y = OnlyArray([1, 1, 1, 2, 2, 2, 1, 1])
    out = cross_validate(LogisticRegression(), X, y, cv=2)
    assert out["test_score"].shape == (2,)
