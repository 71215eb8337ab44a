"""fastml.feature_selection model-based selectors: SelectFromModel, RFE, RFECV and
SequentialFeatureSelector against brute-force references and scikit-learn."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml.ensemble import RandomForestClassifier
from fastml.exceptions import InvalidParameterError, NotFittedError
from fastml.feature_selection import RFE, RFECV, SelectFromModel, SequentialFeatureSelector
from fastml.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from fastml.model_selection import KFold, cross_val_score


def _reg(n=120, d=8, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    coef = np.array([3.0, -2.0, 0, 0, 1.0, 0, 0, 0.5])[:d]
    return X, X @ coef + 0.1 * rng.randn(n)


# ---- SelectFromModel --------------------------------------------------------------
def test_select_from_model_thresholds():
    X, y = _reg()
    sfm = SelectFromModel(Ridge(), threshold="mean").fit(X, y)
    imp = np.abs(sfm.estimator_.coef_)
    np.testing.assert_array_equal(sfm.get_support(), imp >= imp.mean())
    assert sfm.threshold_ == pytest.approx(imp.mean())
    sfm2 = SelectFromModel(Ridge(), threshold="0.5*median").fit(X, y)
    np.testing.assert_array_equal(sfm2.get_support(), imp >= 0.5 * np.median(imp))
    sfm3 = SelectFromModel(Ridge(), threshold=-np.inf, max_features=3).fit(X, y)
    np.testing.assert_array_equal(np.sort(sfm3.get_support(indices=True)),
                                  np.sort(np.argsort(-imp)[:3]))
    # Lasso: default threshold 1e-5
    sfm4 = SelectFromModel(Lasso(alpha=0.1)).fit(X, y)
    assert sfm4.threshold_ == 1e-5
    np.testing.assert_array_equal(sfm4.get_support(), np.abs(sfm4.estimator_.coef_) >= 1e-5)
    assert sfm4.transform(X).shape[1] == sfm4.get_support().sum()


def test_select_from_model_prefit_partial_fit_and_errors():
    X, y = _reg()
    est = Ridge().fit(X, y)
    sfm = SelectFromModel(est, prefit=True)
    np.testing.assert_array_equal(sfm.transform(X), SelectFromModel(Ridge()).fit_transform(X, y))
    with pytest.raises(NotFittedError, match="prefit=True"):
        SelectFromModel(Ridge(), prefit=True).fit(X, y)
    with pytest.raises(ValueError, match="Expected threshold"):
        SelectFromModel(Ridge(), threshold="bogus").fit(X, y).transform(X)
    with pytest.raises(InvalidParameterError, match="max_features"):
        SelectFromModel(Ridge(), max_features=-1).fit(X, y)
    with pytest.raises(ValueError, match="max_features == 20"):
        SelectFromModel(Ridge(), max_features=20).fit(X, y)
    with pytest.raises(ValueError, match="coef_"):
        SelectFromModel(KFoldLike()).fit(X, y).transform(X)
    sfm = SelectFromModel(Ridge(), max_features=lambda X: X.shape[1] // 2).fit(X, y)
    assert sfm.max_features_ == 4 and sfm.get_support().sum() <= 4


class KFoldLike:
    """An estimator without coef_ / feature_importances_."""

    def fit(self, X, y):
        return self

    def get_params(self, deep=True):
        return {}


def test_select_from_model_forest_importances_match_sklearn():
    sk = pytest.importorskip("sklearn.feature_selection")
    from sklearn.linear_model import LogisticRegression as SkLR

    rng = np.random.RandomState(0)
    X = rng.randn(200, 6)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    a = SelectFromModel(RandomForestClassifier(n_estimators=10, random_state=0)).fit(X, y)
    assert a.get_support()[:2].all()
    b = sk.SelectFromModel(SkLR()).fit(X, y)
    c = SelectFromModel(LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(b.get_support(), c.get_support())


# ---- RFE / RFECV ------------------------------------------------------------------
def _rfe_reference(X, y, n_select, step):
    """RFE written out: refit, drop the `step` smallest coef^2, repeat."""
    support = np.ones(X.shape[1], bool)
    ranking = np.ones(X.shape[1], int)
    while support.sum() > n_select:
        feats = np.flatnonzero(support)
        coef = LinearRegression().fit(X[:, feats], y).coef_
        order = np.argsort(coef ** 2, kind="stable")
        drop = feats[order[:min(step, support.sum() - n_select)]]
        support[drop] = False
        ranking[~support] += 1
    return support, ranking


@pytest.mark.parametrize("n_select,step", [(3, 1), (2, 2), (4, 0.3), (None, 1)])
def test_rfe_matches_reference(n_select, step):
    X, y = _reg()
    rfe = RFE(LinearRegression(), n_features_to_select=n_select, step=step).fit(X, y)
    k = X.shape[1] // 2 if n_select is None else n_select
    s = int(max(1, step * X.shape[1])) if step < 1 else step
    sup, rank = _rfe_reference(X, y, k, s)
    np.testing.assert_array_equal(rfe.support_, sup)
    np.testing.assert_array_equal(rfe.ranking_, rank)
    np.testing.assert_allclose(rfe.predict(X),
                               LinearRegression().fit(X[:, sup], y).predict(X[:, sup]))
    assert rfe.n_features_ == k


def test_rfe_sparse_and_sklearn():
    sk = pytest.importorskip("sklearn.feature_selection")
    from sklearn.linear_model import LogisticRegression as SkLR

    rng = np.random.RandomState(0)
    X = rng.randn(150, 10)
    y = (X[:, 0] - X[:, 3] + 0.3 * rng.randn(150) > 0).astype(int)
    a = RFE(LogisticRegression(), n_features_to_select=3).fit(X, y)
    b = sk.RFE(SkLR(), n_features_to_select=3).fit(X, y)
    np.testing.assert_array_equal(a.ranking_, b.ranking_)
    assert a.score(X, y) == pytest.approx(b.score(X, y))
    c = RFE(Ridge(), n_features_to_select=3).fit(sp.csr_matrix(X), y.astype(float))
    d = RFE(Ridge(), n_features_to_select=3).fit(X, y.astype(float))
    np.testing.assert_array_equal(c.support_, d.support_)


def test_rfecv_matches_sklearn_and_threads():
    sk = pytest.importorskip("sklearn.feature_selection")
    from sklearn.linear_model import LinearRegression as SkLin

    X, y = _reg(n=150)
    a = RFECV(LinearRegression(), cv=KFold(4), n_jobs=2).fit(X, y)
    b = sk.RFECV(SkLin(), cv=4).fit(X, y)
    np.testing.assert_array_equal(a.support_, b.support_)
    np.testing.assert_array_equal(a.ranking_, b.ranking_)
    np.testing.assert_allclose(a.cv_results_["mean_test_score"],
                               b.cv_results_["mean_test_score"], rtol=1e-8)
    np.testing.assert_array_equal(a.cv_results_["n_features"], b.cv_results_["n_features"])
    c = RFECV(LinearRegression(), cv=KFold(4), n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(c.cv_results_["mean_test_score"],
                                  a.cv_results_["mean_test_score"])


# ---- SequentialFeatureSelector ------------------------------------------------------
def _sfs_reference(X, y, k, direction, cv):
    """Greedy stepwise selection written out with cross_val_score."""
    chosen = []
    pool = list(range(X.shape[1]))
    steps = k if direction == "forward" else X.shape[1] - k
    for _ in range(steps):
        best, best_score = None, -np.inf
        for j in [j for j in pool if j not in chosen]:
            cand = chosen + [j]
            cols = cand if direction == "forward" else [c for c in pool if c not in cand]
            s = cross_val_score(LinearRegression(), X[:, sorted(cols)], y, cv=cv).mean()
            if s > best_score:
                best, best_score = j, s
        chosen.append(best)
    mask = np.zeros(X.shape[1], bool)
    mask[chosen] = True
    return mask if direction == "forward" else ~mask


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_sfs_matches_stepwise_reference(direction):
    X, y = _reg(n=90, d=6)
    sfs = SequentialFeatureSelector(LinearRegression(), n_features_to_select=3,
                                    direction=direction, cv=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(sfs.get_support(), _sfs_reference(X, y, 3, direction, 3))
    assert sfs.n_features_to_select_ == 3


def test_sfs_matches_sklearn_and_tol():
    sk = pytest.importorskip("sklearn.feature_selection")
    from sklearn.linear_model import LinearRegression as SkLin

    X, y = _reg(n=100, d=8)
    for kw in (dict(n_features_to_select=2), dict(n_features_to_select=0.5),
               dict(tol=1e-3), dict(direction="backward", tol=-1e-3)):
        a = SequentialFeatureSelector(LinearRegression(), cv=4, **kw).fit(X, y)
        b = sk.SequentialFeatureSelector(SkLin(), cv=4, **kw).fit(X, y)
        np.testing.assert_array_equal(a.get_support(), b.get_support(), err_msg=str(kw))
    with pytest.raises(ValueError, match="tol must be strictly positive"):
        SequentialFeatureSelector(LinearRegression(), tol=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="n_features_to_select must be < n_features"):
        SequentialFeatureSelector(LinearRegression(), n_features_to_select=8).fit(X, y)


def test_all_subsets_sanity_small():
    # forward selection of 1 feature = the best single feature by CV score
    X, y = _reg(n=80, d=5)
    sfs = SequentialFeatureSelector(LinearRegression(), n_features_to_select=1, cv=4).fit(X, y)
    scores = [cross_val_score(LinearRegression(), X[:, [j]], y, cv=4).mean() for j in range(5)]
    assert sfs.get_support(indices=True)[0] == int(np.argmax(scores))
    # and pairs: forward's 2nd pick is the best pair containing the first
    sfs2 = SequentialFeatureSelector(LinearRegression(), n_features_to_select=2, cv=4).fit(X, y)
    first = int(np.argmax(scores))
    pair_scores = {j: cross_val_score(LinearRegression(), X[:, sorted([first, j])], y,
                                      cv=4).mean() for j in range(5) if j != first}
    assert set(sfs2.get_support(indices=True)) == {first, max(pair_scores,
                                                              key=pair_scores.get)}
