"""Forests against scikit-learn >= 1.9: bootstrap rows drawn in proportion to the
(sample x class) weights, OOB scores with a scoring callable, class_weight
expansion, estimators_samples_; and AdaBoost's SAMME against scikit-learn."""
import numpy as np
import pytest
import scipy.sparse as sp

from fastml.ensemble import (AdaBoostClassifier, ExtraTreesRegressor, RandomForestClassifier,
                             RandomForestRegressor)

ske = pytest.importorskip("sklearn.ensemble")


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(150, 4)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


def test_weighted_bootstrap_draws_equal_sklearn():
    X, y = _data()
    w = np.random.RandomState(1).randint(1, 4, len(y)).astype(float)
    kw = dict(n_estimators=5, random_state=3, max_samples=0.5)
    a = ske.RandomForestClassifier(**kw).fit(X, y, sample_weight=w)
    b = RandomForestClassifier(**kw).fit(X, y, sample_weight=w)
    assert a._n_samples_bootstrap == b._n_samples_bootstrap == int(0.5 * w.sum())
    for ia, ib in zip(a.estimators_samples_, b.estimators_samples_):
        assert ib.dtype == np.int32
        np.testing.assert_array_equal(ib, ia)
    np.testing.assert_allclose(b._sample_weight, w)


def test_oob_callable_and_default_equal_sklearn():
    X, y = _data()
    from sklearn.metrics import balanced_accuracy_score
    kw = dict(n_estimators=30, random_state=0, oob_score=True)
    a = ske.RandomForestClassifier(**kw).fit(X, y)
    b = RandomForestClassifier(**kw).fit(X, y)
    # same rows out of bag; the trees may split near-ties differently
    assert abs(b.oob_score_ - a.oob_score_) < 0.05
    hits = np.zeros(len(y))
    for idx in b.estimators_samples_:
        hits += np.bincount(idx, minlength=len(y)) == 0
    assert np.all((b.oob_decision_function_.sum(axis=1) > 0) == (hits > 0))
    c = RandomForestClassifier(**{**kw, "oob_score": balanced_accuracy_score}).fit(X, y)
    pred = np.argmax(c.oob_decision_function_, axis=1)
    assert c.oob_score_ == pytest.approx(balanced_accuracy_score(y, pred))
    r = RandomForestRegressor(n_estimators=30, random_state=0,
                              oob_score=lambda t, p: -np.mean(np.abs(t - p))).fit(X, X[:, 0])
    assert r.oob_score_ == pytest.approx(-np.mean(np.abs(X[:, 0] - r.oob_prediction_)))
    with pytest.warns(UserWarning, match="Some inputs do not have OOB"):
        ExtraTreesRegressor(n_estimators=1, bootstrap=True, oob_score=True,
                            random_state=0).fit(X, X[:, 0])


def test_class_weight_expansion():
    X, y = _data()
    sw = np.random.RandomState(2).randint(1, 5, len(y)).astype(float)
    clf = RandomForestClassifier(class_weight="balanced")
    clf._n_samples, clf.n_outputs_ = len(y), 1
    _, cw = clf._validate_y_class_weight(y.reshape(-1, 1), sw)
    freq = np.bincount(y, weights=sw) / sw.sum()
    np.testing.assert_allclose(cw, (1 / (3 * freq))[y])
    clf.set_params(class_weight="balanced_subsample")
    assert clf._validate_y_class_weight(y.reshape(-1, 1), sw)[1] is None
    Y = np.c_[y, 1 - (y > 0)]
    m = RandomForestClassifier(n_estimators=3, random_state=0,
                               class_weight=[{0: 2.0, 1: 1.0, 2: 1.0}, {0: 1.0, 1: 3.0}])
    m.fit(X, Y)
    np.testing.assert_allclose(m._sample_weight,
                               np.array([2.0, 1, 1])[y] * np.array([1.0, 3.0])[Y[:, 1]])
    with pytest.raises(ValueError, match="multiclass-multioutput"):
        RandomForestClassifier(oob_score=True).fit(X, np.c_[y, y])
    big = RandomForestRegressor(n_estimators=2, max_samples=1.5, random_state=0)
    assert big.fit(X, X[:, 0])._n_samples_bootstrap == 225


def test_sparse_oob_equals_dense():
    X, y = _data()
    X[np.abs(X) < 0.8] = 0
    kw = dict(n_estimators=30, random_state=0, oob_score=True)
    d = RandomForestClassifier(**kw).fit(X, y)
    s = RandomForestClassifier(**kw).fit(sp.csr_matrix(X), y)
    assert s.oob_score_ == d.oob_score_
    np.testing.assert_allclose(s.predict_proba(sp.csc_matrix(X)), d.predict_proba(X))


@pytest.mark.parametrize("k", [2, 3])
def test_adaboost_equals_sklearn(k):
    X, y = _data()
    y = y if k == 3 else (y > 0).astype(int)
    kw = dict(n_estimators=15, learning_rate=0.7, random_state=1)
    a = ske.AdaBoostClassifier(**kw).fit(X, y)
    b = AdaBoostClassifier(**kw).fit(X, y)
    np.testing.assert_allclose(b.estimator_weights_, a.estimator_weights_, rtol=1e-10)
    np.testing.assert_allclose(b.decision_function(X), a.decision_function(X), atol=1e-12)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), atol=1e-12)
    for sa, sb in zip(a.staged_decision_function(X), b.staged_decision_function(X)):
        np.testing.assert_allclose(sb, sa, atol=1e-12)
    assert list(b.staged_score(X, y)) == pytest.approx(list(a.staged_score(X, y)))
    assert len({e.random_state for e in b.estimators_}) == len(b.estimators_)


def test_adaboost_one_class_and_user_estimator_without_weights():
    X, y = _data()
    one = AdaBoostClassifier().fit(X, np.ones(len(y)))
    np.testing.assert_array_equal(one.predict_proba(X), np.ones((len(y), 1)))

    class NoWeights:
        def get_params(self, deep=True):
            return {}

        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.zeros(len(X))

    with pytest.raises(ValueError, match="doesn't support sample_weight"):
        AdaBoostClassifier(estimator=NoWeights()).fit(X, y)
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        AdaBoostClassifier().fit(X, y, sample_weight=-np.ones(len(y)))


@pytest.mark.parametrize("name", ["RandomForestClassifier", "ExtraTreesRegressor",
                                  "DecisionTreeClassifier", "DecisionTreeRegressor-hist",
                                  "AdaBoostClassifier", "GradientBoostingRegressor"])
def test_sparse_fit_and_predict_equal_dense(name):
    import fastml.ensemble as fe
    import fastml.tree as ft
    rng = np.random.RandomState(0)
    X = sp.random(400, 30, density=0.1, format="csr", random_state=rng)
    y = (X @ rng.randn(30) > 0).astype(int)
    cls_name, _, splitter = name.partition("-")
    cls = getattr(fe, cls_name, None) or getattr(ft, cls_name)
    kw = {"random_state": 0}
    if splitter:
        kw["splitter"] = splitter
    if "n_estimators" in cls().get_params():
        kw["n_estimators"] = 5
    dense = cls(**kw).fit(X.toarray(), y)
    sparse_ = cls(**kw).fit(X, y)
    np.testing.assert_array_equal(sparse_.predict(sp.csc_matrix(X)), dense.predict(X.toarray()))
    # Tree.apply walks a sparse X in dense row blocks: same leaves as dense rows
    tree = getattr(dense, "tree_", None) or getattr(dense, "estimators_")[0]
    tree = tree if hasattr(tree, "apply") and not hasattr(tree, "tree_") else \
        np.ravel(tree)[0].tree_
    np.testing.assert_array_equal(tree.apply(X), tree.apply(X.toarray()))
