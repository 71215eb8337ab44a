"""Regression tests for invalid hyper-parameters (issue 11, items 8 and 9) and
the shared validators: one error format, numpy scalars, n_jobs resolution,
sample weights. Generic per-parameter checks of every estimator live in
tests/test_common.py."""
import math
import os

import numpy as np
import pytest

from fastml.ensemble import (AdaBoostClassifier, GradientBoostingClassifier,
                             GradientBoostingRegressor)
from fastml.exceptions import InvalidParameterError
from fastml.linear_model import LogisticRegression, Ridge
from fastml.metrics import pairwise_distances
from fastml.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from fastml.neighbors import KDTree, KNeighborsClassifier, NearestNeighbors
from fastml.neural_network import MLPClassifier, MLPRegressor
from fastml.utils.validation import _check_sample_weight, resolve_n_jobs


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 4))
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    return X, y


def _rejects(est, param, X, y):
    with pytest.raises(InvalidParameterError, match=rf"The '{param}' parameter of "
                                                    rf"{type(est).__name__} must be"):
        est.fit(X, y)


# ---- issue 11 item 8: accepted before, then every prediction was NaN ------------------
@pytest.mark.parametrize("cls", [AdaBoostClassifier, GradientBoostingClassifier,
                                 GradientBoostingRegressor])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 0.0])
def test_boosting_learning_rate_must_be_finite_and_positive(data, cls, value):
    X, y = data
    _rejects(cls(learning_rate=value, n_estimators=3), "learning_rate", X, y)


@pytest.mark.parametrize("cls", [MultinomialNB, BernoulliNB])
@pytest.mark.parametrize("value", [math.nan, math.inf, None, -1.0])
def test_discrete_nb_alpha_must_be_finite_and_non_negative(data, cls, value):
    X, y = data
    _rejects(cls(alpha=value), "alpha", X, y)


@pytest.mark.parametrize("cls", [MultinomialNB, BernoulliNB])
def test_discrete_nb_alpha_array_entries_must_be_finite(data, cls):
    X, y = data
    with pytest.raises(ValueError, match=r"values in alpha must be .*\(and finite\), got array"):
        cls(alpha=np.array([1.0, np.nan, 1.0, 1.0])).fit(X, y)


def test_bernoulli_nb_binarize_none_accepts_binary_input_like_sklearn(data):
    X, y = data
    Xb = (X > 0.5).astype(float)
    ours = BernoulliNB(binarize=None).fit(Xb, y)
    P = ours.predict_proba(Xb)
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P, BernoulliNB().fit(Xb, y).predict_proba(Xb))
    sk = pytest.importorskip("sklearn.naive_bayes")
    np.testing.assert_allclose(P, sk.BernoulliNB(binarize=None).fit(Xb, y).predict_proba(Xb),
                               rtol=1e-12)


def test_bernoulli_nb_binarize_none_rejects_counts_instead_of_predicting_nan(data):
    X, y = data
    with pytest.raises(ValueError, match=r"binarize=None\) expects binary X"):
        BernoulliNB(binarize=None).fit(X * 5, y)


@pytest.mark.parametrize("value", [math.inf, math.nan, -1e-9])
def test_gaussian_nb_var_smoothing_must_be_finite(data, value):
    X, y = data
    _rejects(GaussianNB(var_smoothing=value), "var_smoothing", X, y)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("param", ["alpha", "learning_rate_init"])
def test_mlp_alpha_and_learning_rate_init_must_be_finite(data, cls, param):
    X, y = data
    for value in (math.inf, math.nan):
        _rejects(cls(**{param: value}, max_iter=5), param, X, y.astype(float))


# ---- issue 11 item 9: leaf_size=10**9 made every query O(n^2) -----------------------
def _max_leaf(tree_dict):
    return tree_dict.get("max_leaf", 0) if tree_dict.get("kind") == "kdtree" else 0


def test_kdtree_huge_leaf_size_is_capped_and_exact():
    from fastml.neighbors._validation import MAX_LEAF_SIZE, effective_leaf_size

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(3000, 3))
    tree = KDTree(X, leaf_size=10**9)
    assert tree.leaf_size == 10**9  # the user's value is kept
    assert effective_leaf_size(10**9, len(X)) == MAX_LEAF_SIZE
    assert _max_leaf(tree._tree) <= MAX_LEAF_SIZE
    dist, ind = tree.query(X[:50], k=3)
    ref_d, ref_i = KDTree(X, leaf_size=30).query(X[:50], k=3)
    np.testing.assert_array_equal(ind, ref_i)
    np.testing.assert_allclose(dist, ref_d)


def test_kneighbors_huge_leaf_size_is_capped(data):
    from fastml.neighbors._validation import MAX_LEAF_SIZE

    rng = np.random.RandomState(1)
    X = rng.uniform(size=(2000, 3))
    nn = NearestNeighbors(n_neighbors=4, algorithm="kd_tree", leaf_size=10**9).fit(X)
    assert _max_leaf(nn._tree) <= MAX_LEAF_SIZE
    ref = NearestNeighbors(n_neighbors=4, algorithm="brute").fit(X)
    np.testing.assert_array_equal(nn.kneighbors(X[:20])[1], ref.kneighbors(X[:20])[1])


@pytest.mark.parametrize("value", [0, -3, 2.5, True])
def test_leaf_size_must_be_a_positive_int(value):
    with pytest.raises(InvalidParameterError, match="'leaf_size' parameter of KDTree"):
        KDTree(np.ones((5, 2)), leaf_size=value)


# ---- the error format and accepted values --------------------------------------------
def test_error_names_estimator_parameter_and_value(data):
    X, y = data
    with pytest.raises(InvalidParameterError) as err:
        Ridge(alpha=math.nan).fit(X, y.astype(float))
    assert str(err.value) == ("The 'alpha' parameter of Ridge must be a float in the range "
                              "[0.0, inf) or an array-like. Got nan instead.")
    with pytest.raises(InvalidParameterError) as err:
        KNeighborsClassifier(algorithm="cover_tree").fit(X, y)
    assert str(err.value) == ("The 'algorithm' parameter of KNeighborsClassifier must be a "
                              "str among {'auto', 'ball_tree', 'brute', 'hnsw', 'kd_tree'}. Got "
                              "'cover_tree' instead.")
    assert isinstance(err.value, ValueError) and isinstance(err.value, TypeError)


def test_logistic_regression_c_inf_means_no_penalty_as_in_sklearn(data):
    X, y = data
    a = LogisticRegression(C=np.inf, max_iter=500).fit(X, y)
    b = LogisticRegression(penalty=None, max_iter=500).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)
    for value in (0.0, -1.0, math.nan):
        _rejects(LogisticRegression(C=value), "C", X, y)


@pytest.mark.filterwarnings("ignore::UserWarning")  # MLP: 3 iterations do not converge
def test_numpy_scalars_pass_where_python_scalars_do(data):
    X, y = data
    GradientBoostingClassifier(learning_rate=np.float32(0.1), n_estimators=np.int64(3),
                               max_depth=np.int32(2), subsample=np.float64(1.0)).fit(X, y)
    BernoulliNB(alpha=np.float32(0.5), fit_prior=np.bool_(False)).fit(X, y)
    MLPClassifier(hidden_layer_sizes=np.int64(4), max_iter=np.int64(3),
                  alpha=np.float32(1e-4)).fit(X, y)


# ---- n_jobs: one constraint and one resolver -----------------------------------------
def test_resolve_n_jobs_rules():
    import fastml

    cores = os.cpu_count() or 1
    assert resolve_n_jobs(None) == fastml.get_num_threads()
    assert resolve_n_jobs(-1) == cores
    assert resolve_n_jobs(-2) == max(1, cores - 1)
    assert resolve_n_jobs(-10**6) == 1
    assert resolve_n_jobs(np.int64(1)) == 1
    assert resolve_n_jobs(4 * cores) == 4 * cores
    # scikit-learn accepts any positive n_jobs; fastml caps the threads
    assert resolve_n_jobs(4 * cores + 1) == 4 * cores
    assert resolve_n_jobs(10**6) == 4 * cores
    for bad in (0, 1.5, True, "2"):
        with pytest.raises(ValueError, match="'n_jobs' parameter"):
            resolve_n_jobs(bad)


@pytest.mark.parametrize("value", [0, 2.0, "2"])
def test_n_jobs_validated_the_same_everywhere(data, value):
    X, y = data
    _rejects(KNeighborsClassifier(n_jobs=value), "n_jobs", X, y)
    with pytest.raises(InvalidParameterError, match="'n_jobs' parameter of pairwise_distances"):
        pairwise_distances(X, n_jobs=value)


# ---- one sample-weight checker --------------------------------------------------------
def test_check_sample_weight():
    assert _check_sample_weight(None, 3) is None
    np.testing.assert_array_equal(_check_sample_weight(2, np.ones((3, 1))), [2.0, 2.0, 2.0])
    assert _check_sample_weight([1, 2, 3], 3, dtype=np.float32).dtype == np.float32
    for bad, match in (([1, 2], r"shape == \(2,\), expected \(3,\)"),
                       ([1, np.nan, 1], "contains NaN"), ([1, np.inf, 1], "infinity"),
                       ([1, -1, 1], "Negative values"), ([0, 0, 0], "not all be zero"),
                       (["a", "b", "c"], "must be numeric")):
        with pytest.raises(ValueError, match=match):
            _check_sample_weight(bad, 3)


@pytest.mark.parametrize("cls", [Ridge, GaussianNB, GradientBoostingRegressor, AdaBoostClassifier])
def test_estimators_share_the_sample_weight_checks(data, cls):
    X, y = data
    yy = y.astype(float) if cls in (Ridge, GradientBoostingRegressor) else y
    with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
        cls().fit(X, yy, sample_weight=-np.ones(len(y)))
