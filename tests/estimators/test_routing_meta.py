"""Metadata routing through the feature-selection and multiclass
meta-estimators (SelectFromModel, RFE, RFECV, SequentialFeatureSelector,
OneVsRest/OneVsOne/OutputCode) and TransformedTargetRegressor.

Oracles: the sub-estimators fitted by hand with the same weights, the exact
rows a fold or a class pair owns, and scikit-learn's routing errors."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.exceptions import UnsetMetadataPassedError  # noqa: E402

import fastml  # noqa: E402
from fastml.base import BaseEstimator, ClassifierMixin, RegressorMixin  # noqa: E402
from fastml.compose import TransformedTargetRegressor  # noqa: E402
from fastml.feature_selection import (RFE, RFECV, SelectFromModel,  # noqa: E402
                                      SequentialFeatureSelector)
from fastml.linear_model import LinearRegression, LogisticRegression, Ridge  # noqa: E402
from fastml.metrics import accuracy_score, make_scorer  # noqa: E402
from fastml.model_selection import KFold, cross_val_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from fastml.multiclass import (OneVsOneClassifier, OneVsRestClassifier,  # noqa: E402
                               OutputCodeClassifier)
from fastml.pipeline import Pipeline  # noqa: E402
from fastml.preprocessing import StandardScaler  # noqa: E402
from fastml.utils._parallel import map_threads  # noqa: E402



def routing():
    return fastml.config_context(enable_metadata_routing=True)


class _Log(list):
    """Shared by every clone of the estimator holding it (clone deep-copies
    parameters)."""

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class Recorder(ClassifierMixin, BaseEstimator):
    """A classifier logging the metadata each method receives; predicts the
    weighted majority class, coef_ favours the first features."""

    _parameter_constraints = {"log": [None, list]}

    def __init__(self, log=None):
        self.log = log

    def _record(self, method, sample_weight, metadata):
        if self.log is not None:
            self.log.append((method, sample_weight, metadata))

    def fit(self, X, y, sample_weight=None, metadata=None):
        self._record("fit", sample_weight, metadata)
        X = np.asarray(X)
        self.classes_, inv = np.unique(y, return_inverse=True)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
        self.majority_ = self.classes_[np.argmax(np.bincount(inv, weights=w))]
        self.n_features_in_ = X.shape[1]
        self.coef_ = np.arange(X.shape[1], 0, -1, dtype=float)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None, metadata=None):
        self._record("partial_fit", sample_weight, metadata)
        if not hasattr(self, "classes_"):
            self.classes_ = np.asarray(classes)
            self.n_features_in_ = np.asarray(X).shape[1]
            self.coef_ = np.arange(self.n_features_in_, 0, -1, dtype=float)
        self.majority_ = self.classes_[0]
        return self

    def predict(self, X, sample_weight=None, metadata=None):
        self._record("predict", sample_weight, metadata)
        return np.full(len(X), self.majority_)

    def decision_function(self, X):
        return np.asarray(X)[:, 0] - 0.5

    def score(self, X, y, sample_weight=None, metadata=None):
        self._record("score", sample_weight, metadata)
        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)


def _data(n=90, d=5, k=3, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(size=(n, d))
    y = rng.randint(0, k, size=n)
    return X, y, rng.uniform(0.1, 2.0, size=n), rng.randint(0, 10, size=n)


def _calls(log, method):
    return [(w, m) for name, w, m in log if name == method]


# ---------------------------------------------------------------- routers
@pytest.mark.parametrize("make", [
    lambda e: SelectFromModel(e), lambda e: RFE(e, n_features_to_select=2),
    lambda e: OneVsRestClassifier(e), lambda e: OneVsOneClassifier(e),
    lambda e: OutputCodeClassifier(e, random_state=0)])
def test_fit_metadata_reach_every_sub_estimator_fit(make):
    X, y, w, meta = _data()
    with routing():
        log = _Log()
        est = Recorder(log).set_fit_request(sample_weight=True, metadata="meta")
        make(est).fit(X, y, sample_weight=w, meta=meta)
    fits = _calls(log, "fit")
    assert fits
    for sw, md in fits:
        assert sw is not None and md is not None
        if len(sw) == len(w):
            np.testing.assert_array_equal(sw, w)
            np.testing.assert_array_equal(md, meta)
        else:  # one-vs-one: the rows of one class pair
            rows = np.flatnonzero(np.isin(w, sw))
            np.testing.assert_array_equal(w[rows], sw)
            np.testing.assert_array_equal(meta[rows], md)
            assert len(np.unique(y[rows])) == 2


def test_one_vs_one_pairs_get_their_rows_weights():
    X, y, w, _ = _data(k=4)
    with routing():
        log = _Log()
        OneVsOneClassifier(Recorder(log).set_fit_request(sample_weight=True)).fit(
            X, y, sample_weight=w)
    classes = np.unique(y)
    expect = [w[(y == classes[i]) | (y == classes[j])]
              for i in range(4) for j in range(i + 1, 4)]
    got = [sw for sw, _ in _calls(log, "fit")]  # pairs may finish in any order
    assert len(got) == len(expect)
    for e in expect:
        assert sum(g.shape == e.shape and np.array_equal(g, e) for g in got) == 1


def test_one_vs_rest_weighted_equals_hand_fitted_binary_models():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(150, 4))
    y = np.argmax(X[:, :3] + 0.7 * rng.normal(size=(150, 3)), axis=1)
    w = rng.uniform(0.1, 5.0, size=150)
    with routing():
        ovr = OneVsRestClassifier(LogisticRegression().set_fit_request(sample_weight=True))
        ovr.fit(X, y, sample_weight=w)
    for c, est in zip(ovr.classes_, ovr.estimators_):
        ref = LogisticRegression().fit(X, (y == c).astype(int), sample_weight=w)
        np.testing.assert_allclose(est.decision_function(X), ref.decision_function(X),
                                   rtol=1e-6, atol=1e-8)
    unweighted = OneVsRestClassifier(LogisticRegression()).fit(X, y)
    assert not np.allclose(unweighted.decision_function(X), ovr.decision_function(X))


@pytest.mark.parametrize("meta_cls", [OneVsRestClassifier, OneVsOneClassifier])
def test_partial_fit_routes_partial_fit_metadata(meta_cls):
    X, y, w, _ = _data()
    with routing():
        log = _Log()
        est = Recorder(log).set_partial_fit_request(sample_weight=True, classes=True)
        meta_cls(est).partial_fit(X, y, classes=np.unique(y), sample_weight=w)
    calls = _calls(log, "partial_fit")
    assert calls and all(sw is not None for sw, _ in calls)


def test_select_from_model_partial_fit_routes_and_keeps_estimator():
    X, y, w, _ = _data()
    with routing():
        log = _Log()
        # classes is metadata of SelectFromModel.partial_fit: routed like the rest
        est = Recorder(log).set_partial_fit_request(sample_weight=True, classes=True)
        sel = SelectFromModel(est)
        sel.partial_fit(X, y, classes=np.unique(y), sample_weight=w)
        first = sel.estimator_
        sel.partial_fit(X, y, sample_weight=w)
    assert sel.estimator_ is first  # later batches update the same estimator
    assert [sw is w for sw, _ in _calls(log, "partial_fit")] == [True, True]


def test_rfe_predict_and_score_route_to_the_final_estimator():
    X, y, w, meta = _data()
    with routing():
        log = _Log()
        est = Recorder(log).set_fit_request(sample_weight=False).set_predict_request(
            metadata=True).set_score_request(sample_weight=True)
        rfe = RFE(est, n_features_to_select=2).fit(X, y)
        with pytest.raises(TypeError, match="not routed to any object"):
            RFE(est).fit(X, y, sample_weight=w)  # requested as False: nobody takes it
        assert all(sw is None for sw, _ in _calls(log, "fit"))
        rfe.predict(X, metadata=meta)
        assert _calls(log, "predict")[-1][1] is meta
        ref = accuracy_score(y, rfe.predict(X), sample_weight=w)
        assert rfe.score(X, y, sample_weight=w) == pytest.approx(ref)
        assert _calls(log, "score")[-1][0] is w


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("make", [
    lambda e: OneVsRestClassifier(e), lambda e: OneVsOneClassifier(e),
    lambda e: OutputCodeClassifier(e), lambda e: SequentialFeatureSelector(e, cv=2),
    lambda e: RFECV(e, cv=2)])
def test_metadata_without_routing_is_an_error(make):
    X, y, w, _ = _data()
    with pytest.raises(ValueError, match="enable_metadata_routing=True"):
        make(Recorder()).fit(X, y, sample_weight=w)


def test_rfe_predict_metadata_without_routing_is_an_error():
    X, y, w, _ = _data()
    rfe = RFE(Recorder(), n_features_to_select=2).fit(X, y)
    with pytest.raises(ValueError, match=r"RFE\.predict is only supported if"):
        rfe.predict(X, sample_weight=w)


def test_selectors_pass_fit_params_through_without_routing():
    # scikit-learn's legacy behaviour for SelectFromModel and RFE
    X, y, w, _ = _data()
    log = _Log()
    SelectFromModel(Recorder(log)).fit(X, y, sample_weight=w)
    RFE(Recorder(log), n_features_to_select=3).fit(X, y, sample_weight=w)
    assert all(sw is w for sw, _ in _calls(log, "fit"))


@pytest.mark.parametrize("make", [
    lambda e: SelectFromModel(e), lambda e: RFE(e), lambda e: OneVsRestClassifier(e),
    lambda e: OneVsOneClassifier(e), lambda e: OutputCodeClassifier(e),
    lambda e: RFECV(e, cv=2), lambda e: SequentialFeatureSelector(e, cv=2)])
def test_unset_request_is_an_error_naming_the_sub_estimator(make):
    X, y, w, _ = _data()
    with routing():
        with pytest.raises(UnsetMetadataPassedError, match=r"Recorder\.fit"):
            make(Recorder()).fit(X, y, sample_weight=w)


@pytest.mark.parametrize("make", [
    lambda e: SelectFromModel(e), lambda e: RFE(e), lambda e: OneVsRestClassifier(e),
    lambda e: OutputCodeClassifier(e), lambda e: RFECV(e),
    lambda e: SequentialFeatureSelector(e)])
def test_default_routing_is_an_empty_router(make):
    from sklearn.tests.metadata_routing_common import assert_request_is_empty
    from sklearn.utils.metadata_routing import MetadataRouter

    with routing():
        router = make(Recorder()).get_metadata_routing()
        assert isinstance(router, MetadataRouter)
        # scikit-learn's group splitters request groups by default
        assert_request_is_empty(router, exclude={"splitter": ["split"]})


# ------------------------------------------- cross-validating selectors
def test_rfecv_routes_groups_fit_and_score_metadata():
    X, y, w, _ = _data(n=120)
    groups = np.repeat(np.arange(6), 20)
    # without routing groups still go to the splitter
    plain = RFECV(Recorder(), cv=GroupKFold(3)).fit(X, y, groups=groups)
    seen = []

    def weighted_accuracy(y_true, y_pred, sample_weight=None):
        seen.append(sample_weight)
        return accuracy_score(y_true, y_pred, sample_weight=sample_weight)

    with routing():
        log = _Log()
        est = Recorder(log).set_fit_request(sample_weight=True)
        scorer = make_scorer(weighted_accuracy).set_score_request(sample_weight=True)
        rfecv = RFECV(est, cv=GroupKFold(3), scoring=scorer)
        rfecv.fit(X, y, groups=groups, sample_weight=w)
    test_folds = [te for _, te in GroupKFold(3).split(X, y, groups)]
    fold_weights = [w[te] for te in test_folds]
    assert seen and all(any(s.shape == f.shape and np.array_equal(s, f) for f in fold_weights)
                        for s in seen)
    # the fold fits saw the training rows' weights, the final fits all of them
    fits = [sw for sw, _ in _calls(log, "fit")]
    assert any(len(sw) < len(w) for sw in fits) and fits[-1] is w
    assert plain.cv_results_["n_features"].tolist() == rfecv.cv_results_["n_features"].tolist()


def test_rfecv_default_scoring_is_accuracy_and_score_uses_it():
    X, y, _, _ = _data()
    rfecv = RFECV(LogisticRegression(), cv=3).fit(X, y)
    assert rfecv.score(X, y) == pytest.approx(accuracy_score(y, rfecv.predict(X)))


def test_sequential_selector_matches_hand_written_weighted_forward_selection():
    rng = np.random.RandomState(3)
    X = rng.normal(size=(80, 5))
    y = X[:, 1] - 2 * X[:, 3] + 0.3 * rng.normal(size=80)
    y[:8] += 25 * rng.normal(size=8)  # outliers the weights silence
    w = np.ones(80)
    w[:8] = 1e-3
    cv = KFold(4, shuffle=True, random_state=0)

    def wmse(y_true, y_pred, sample_weight=None):
        return -np.average((y_true - y_pred) ** 2, weights=sample_weight)

    with routing():
        scorer = make_scorer(wmse).set_score_request(sample_weight=True)
        sfs = SequentialFeatureSelector(Ridge(alpha=1.0).set_fit_request(sample_weight=True),
                                        n_features_to_select=2, cv=cv, scoring=scorer)
        sfs.fit(X, y, sample_weight=w)
        chosen = []
        for _ in range(2):
            cands = [j for j in range(5) if j not in chosen]
            scores = [cross_val_score(Ridge(alpha=1.0).set_fit_request(sample_weight=True),
                                      X[:, sorted(chosen + [j])], y, cv=cv, scoring=scorer,
                                      params={"sample_weight": w}).mean() for j in cands]
            chosen.append(cands[int(np.argmax(scores))])
    np.testing.assert_array_equal(np.flatnonzero(sfs.get_support()), sorted(chosen))


# ---------------------------------------------------------------- others
def test_transformed_target_regressor_routes_fit_metadata():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(size=60)
    w = rng.uniform(0.1, 3.0, size=60)
    with routing():
        ttr = TransformedTargetRegressor(LinearRegression().set_fit_request(sample_weight=True),
                                         func=np.exp, inverse_func=np.log)
        ttr.fit(X, y, sample_weight=w)
        with pytest.raises(UnsetMetadataPassedError, match="LinearRegression.fit"):
            TransformedTargetRegressor(LinearRegression()).fit(X, y, sample_weight=w)
    ref = LinearRegression().fit(X, np.exp(y), sample_weight=w)
    np.testing.assert_allclose(ttr.regressor_.coef_, ref.coef_, rtol=1e-10)


@pytest.mark.parametrize("switch", ["fastml", "sklearn"])
def test_threaded_sub_fits_see_the_callers_routing(switch):
    # a router fitted on a worker thread (n_jobs=2) must see routing enabled
    X, y, w, _ = _data()
    ctx = routing() if switch == "fastml" else sklearn.config_context(
        enable_metadata_routing=True)
    with ctx:
        log = _Log()
        pipe = Pipeline([("scale", StandardScaler().set_fit_request(sample_weight=False)),
                         ("clf", Recorder(log).set_fit_request(sample_weight=True))])
        OneVsRestClassifier(pipe, n_jobs=2).fit(X, y, sample_weight=w)
    assert len(_calls(log, "fit")) == 3
    assert all(sw is w for sw, _ in _calls(log, "fit"))


def test_map_threads_carries_both_configurations():
    def read(_):
        return (fastml.get_config()["transform_output"],
                sklearn.get_config()["enable_metadata_routing"])

    with fastml.config_context(transform_output="pandas"), \
            sklearn.config_context(enable_metadata_routing=True):
        got = map_threads(read, range(6), 3)
    assert got == [("pandas", True)] * 6
    assert map_threads(read, range(4), 2) == [("default", False)] * 4
