"""interaction_cst of HistGradientBoosting*: the features that appear together
on a root-to-leaf path equal scikit-learn's on the same data and parameters
(same binning, so the same trees), and bad constraints raise clear errors."""
import numpy as np
import pytest

from fastml.ensemble import HistGradientBoostingClassifier as FC
from fastml.ensemble import HistGradientBoostingRegressor as FR

sk = pytest.importorskip("sklearn.ensemble")
datasets = pytest.importorskip("sklearn.datasets")


def _data(n=2000, d=6, seed=0):
    X, y = datasets.make_regression(n, d, n_informative=d, noise=1.0, random_state=seed)
    return X, y + 50 * X[:, 0] * X[:, 1] + 30 * X[:, 2] * X[:, 3] * X[:, 4]


def _walk(nodes, i, used, out, feature, left, right, leaf):
    if leaf(nodes[i]):
        out.add(frozenset(used))
        return
    u = used | {int(nodes[i][feature])}
    _walk(nodes, int(nodes[i][left]), u, out, feature, left, right, leaf)
    _walk(nodes, int(nodes[i][right]), u, out, feature, left, right, leaf)


def fastml_paths(est):
    out = set()
    for trees in est._trees:
        for nodes, _ in trees:
            _walk(nodes, 0, frozenset(), out, "feature", "left", "right",
                  lambda nd: nd["feature"] < 0)
    return out


def sklearn_paths(est):
    out = set()
    for preds in est._predictors:
        for pred in preds:
            _walk(pred.nodes, 0, frozenset(), out, "feature_idx", "left", "right",
                  lambda nd: nd["is_leaf"])
    return out


CSTS = ["pairwise", "no_interactions", [{0, 1}, {2, 3, 4}], [[0, 1], [1, 2]], ([0, 5],),
        [[0, 1, 2, 3, 4, 5]]]


@pytest.mark.parametrize("cst", CSTS, ids=str)
def test_paths_match_sklearn(cst):
    X, y = _data()
    kw = dict(max_iter=20, early_stopping=False, interaction_cst=cst)
    f = FR(**kw).fit(X, y)
    s = sk.HistGradientBoostingRegressor(**kw).fit(X, y)
    assert fastml_paths(f) == sklearn_paths(s)
    np.testing.assert_allclose(f.predict(X), s.predict(X), rtol=1e-6, atol=1e-6 * np.ptp(y))


def test_paths_respect_groups():
    X, y = _data(d=8, seed=1)
    groups = [{0, 1}, {1, 2, 3}]  # features 4..7 form a third group
    f = FR(max_iter=30, early_stopping=False, interaction_cst=groups).fit(X, y)
    allowed = groups + [{4, 5, 6, 7}]
    paths = fastml_paths(f)
    assert max(map(len, paths)) >= 2
    for used in paths:
        assert any(used <= g for g in allowed), used
    pw = fastml_paths(FR(max_iter=30, early_stopping=False, interaction_cst="pairwise")
                      .fit(X, y))
    assert max(map(len, pw)) == 2
    none = fastml_paths(FR(max_iter=30, early_stopping=False,
                           interaction_cst="no_interactions").fit(X, y))
    assert max(map(len, none)) == 1


def test_classifier_multiclass_and_max_features():
    X, y = datasets.make_classification(1500, 6, n_informative=4, n_classes=3,
                                        random_state=0)
    kw = dict(max_iter=10, early_stopping=False, interaction_cst=[[0, 1], [2, 3]])
    f = FC(**kw).fit(X, y)
    s = sk.HistGradientBoostingClassifier(**kw).fit(X, y)
    assert fastml_paths(f) == sklearn_paths(s)
    g = FC(**kw, max_features=0.5, random_state=0).fit(X, y)
    for used in fastml_paths(g):
        assert any(used <= grp for grp in ({0, 1}, {2, 3}, {4, 5})), used
    assert g.score(X, y) > 0.7


def test_interaction_cst_matches_unconstrained_when_one_group():
    X, y = _data()
    a = FR(max_iter=10, early_stopping=False).fit(X, y)
    b = FR(max_iter=10, early_stopping=False, interaction_cst=[list(range(6))]).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize("cst,match", [
    ("triplets", "interaction_cst"), (5, "interaction_cst"),
    ([0, 1], "sequence of tuples or lists"), ([[0, 6]], r"\[0, 5\].*invalid indices"),
    ([[-1, 2]], "invalid indices"), ([[0.5, 1]], "invalid indices"),
    ([["a", 1]], "invalid indices"),
])
def test_bad_interaction_cst(cst, match):
    X, y = _data(200)
    with pytest.raises(ValueError, match=match):
        FR(max_iter=2, interaction_cst=cst).fit(X, y)
