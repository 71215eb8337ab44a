"""Scorer objects: every scikit-learn scorer name, make_scorer, multi-metric
check_scoring, response-method selection and metadata-routing requests,
against scikit-learn's scorers on the same fitted estimators."""
import pickle
import warnings

import numpy as np
import pytest

from fastml import metrics as M
from fastml.metrics import _scorer

S = pytest.importorskip("sklearn.metrics")
sklearn = pytest.importorskip("sklearn")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_scorer_names_match_scikit_learn():
    assert set(M.get_scorer_names()) == set(S.get_scorer_names())
    for name in M.get_scorer_names():
        assert repr(M.get_scorer(name)) == repr(S.get_scorer(name)), name
    assert M.get_scorer("accuracy") is not M.get_scorer("accuracy")
    with pytest.raises(ValueError, match="not a valid scoring value"):
        M.get_scorer("no_such_scorer")


def _fitted():
    from sklearn.datasets import make_classification, make_multilabel_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    X, y = make_classification(n_samples=80, n_features=5, random_state=0)
    _, Y = make_multilabel_classification(n_samples=80, random_state=0)
    yr = np.abs(X[:, 0]) + 1.0
    return dict(X=X, y=y, Y=Y, yr=yr,
                clf=LogisticRegression().fit(X, y),
                tree=DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y),
                ml=DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, Y),
                reg=DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, yr))


REGRESSION = {"explained_variance", "r2", "neg_max_error", "neg_median_absolute_error",
              "neg_mean_absolute_error", "neg_mean_absolute_percentage_error",
              "neg_mean_squared_error", "neg_mean_squared_log_error",
              "neg_root_mean_squared_error", "neg_root_mean_squared_log_error",
              "neg_mean_poisson_deviance", "neg_mean_gamma_deviance",
              "d2_absolute_error_score"}


def test_every_scorer_agrees_with_scikit_learn():
    d = _fitted()
    X = d["X"]
    w = np.linspace(0.5, 1.5, len(X))
    for name in M.get_scorer_names():
        if name in REGRESSION:
            est, y = d["reg"], d["yr"]
        elif name.endswith("_samples"):
            est, y = d["ml"], d["Y"]
        else:
            est, y = (d["clf"], d["y"])
        ours, theirs = M.get_scorer(name), S.get_scorer(name)
        assert ours(est, X, y) == pytest.approx(theirs(est, X, y), rel=1e-10), name
        if ours._accept_sample_weight():
            assert ours(est, X, y, sample_weight=w) == pytest.approx(
                theirs(est, X, y, sample_weight=w), rel=1e-10), name


def test_response_method_and_pos_label():
    d = _fitted()
    X, y = d["X"], d["y"]
    ys = np.where(y == 1, "b", "a")
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression().fit(X, ys)
    sc = M.make_scorer(M.average_precision_score, response_method=("decision_function",
                                                                   "predict_proba"),
                       pos_label="a")
    want = S.average_precision_score(ys, -clf.decision_function(X), pos_label="a")
    assert sc(clf, X, ys) == pytest.approx(want)
    with pytest.raises(ValueError, match="is not a valid label"):
        M.make_scorer(M.f1_score, pos_label="zzz")(clf, X, ys)
    with pytest.raises(AttributeError, match="has none of the following attributes"):
        M.get_scorer("roc_auc")(d["reg"], X, y)


def test_make_scorer_repr_pickle_and_sign():
    sc = M.make_scorer(M.fbeta_score, beta=2)
    assert repr(sc) == "make_scorer(fbeta_score, response_method='predict', beta=2)"
    sc2 = pickle.loads(pickle.dumps(sc))
    d = _fitted()
    assert sc2(d["clf"], d["X"], d["y"]) == sc(d["clf"], d["X"], d["y"])
    loss = M.make_scorer(M.log_loss, greater_is_better=False,
                         response_method="predict_proba")
    assert loss(d["clf"], d["X"], d["y"]) == pytest.approx(
        -M.log_loss(d["y"], d["clf"].predict_proba(d["X"])))


def test_check_scoring_variants():
    d = _fitted()
    clf, X, y = d["clf"], d["X"], d["y"]
    assert M.check_scoring(clf)(clf, X, y) == clf.score(X, y)
    assert M.check_scoring(object(), allow_none=True) is None
    with pytest.raises(ValueError, match="make_scorer"):
        M.check_scoring(clf, scoring=M.f1_score)
    multi = M.check_scoring(clf, scoring=["accuracy", "roc_auc"])
    out = multi(clf, X, y)
    assert out == {"accuracy": pytest.approx(S.accuracy_score(y, clf.predict(X))),
                   "roc_auc": pytest.approx(S.roc_auc_score(y, clf.decision_function(X)))}
    assert repr(M.check_scoring(scoring=["accuracy", "r2"])) == \
        'MultiMetricScorer("accuracy", "r2")'

    def broken(est, X, y):
        raise ValueError("boom")

    res = M.check_scoring(clf, scoring={"a": "accuracy", "b": broken}, raise_exc=False)(
        clf, X, y)
    assert "boom" in res["b"]
    with pytest.raises(ValueError, match="Duplicate elements"):
        M.check_scoring(clf, scoring=["f1", "f1"])


def test_multimetric_calls_each_response_once():
    d = _fitted()
    calls = {"predict": 0, "predict_proba": 0}
    clf = d["clf"]

    class Counting:
        classes_ = clf.classes_
        _estimator_type = "classifier"

        def predict(self, X):
            calls["predict"] += 1
            return clf.predict(X)

        def predict_proba(self, X):
            calls["predict_proba"] += 1
            return clf.predict_proba(X)

    M.check_scoring(clf, scoring=["accuracy", "f1", "neg_log_loss", "roc_auc"])(
        Counting(), d["X"], d["y"])
    assert calls == {"predict": 1, "predict_proba": 1}


def test_metadata_routing_requests():
    from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

    sc = M.get_scorer("accuracy")
    with pytest.raises(RuntimeError, match="only available when metadata routing"):
        sc.set_score_request(sample_weight=True)
    with sklearn.config_context(enable_metadata_routing=True):
        assert sc.set_score_request(sample_weight=True) is sc
        assert sc.get_metadata_routing().score.requests["sample_weight"] is True
        router = MetadataRouter(owner="test").add(
            scorer=sc, method_mapping=MethodMapping().add(caller="score", callee="score"))
        routed = router.route_params(params={"sample_weight": 1}, caller="score")
        assert list(routed.scorer.score) == ["sample_weight"]
    assert not hasattr(_scorer._PassthroughScorer(d := _fitted()["clf"]),
                       "set_score_request") and d is not None
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        M.make_scorer(lambda a, b, param=None: 1.0)(_fitted()["clf"], [[0.0] * 5], [0],
                                                   param=1)
