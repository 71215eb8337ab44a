"""Metadata routing (scikit-learn's protocol): requests on consumers, routing in
fastml's meta-estimators, checked against fitting the sub-estimators by hand."""
import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

import fastml  # noqa: E402
from fastml.base import clone  # noqa: E402
from fastml.ensemble import BaggingClassifier, StackingClassifier, VotingClassifier  # noqa: E402
from fastml.linear_model import LogisticRegression, Ridge  # noqa: E402
from fastml.model_selection import GridSearchCV, cross_validate  # noqa: E402
from fastml.pipeline import Pipeline  # noqa: E402
from fastml.preprocessing import StandardScaler  # noqa: E402


def _data(n=120, d=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)
    w = rng.uniform(0.1, 3.0, size=n)
    return X, y, w


def test_requests_need_routing_enabled():
    with pytest.raises(RuntimeError, match="only available when metadata routing is enabled"):
        LogisticRegression().set_fit_request(sample_weight=True)


def test_config_context_sets_fastml_and_sklearn():
    assert not fastml.get_config()["enable_metadata_routing"]
    with fastml.config_context(enable_metadata_routing=True):
        assert fastml.get_config()["enable_metadata_routing"]
        assert sklearn.get_config()["enable_metadata_routing"]
    assert not fastml.get_config()["enable_metadata_routing"]
    assert not sklearn.get_config()["enable_metadata_routing"]
    with sklearn.config_context(enable_metadata_routing=True):  # scikit-learn's switch too
        assert fastml.get_config()["enable_metadata_routing"]
    with pytest.raises(ValueError, match="enable_metadata_routing"):
        with fastml.config_context(enable_metadata_routing="yes"):
            pass


def test_requests_from_signature_and_clone():
    assert hasattr(LogisticRegression, "set_fit_request")
    assert hasattr(LogisticRegression, "set_score_request")
    assert not hasattr(LogisticRegression, "set_predict_request")  # predict takes no metadata
    # as scikit-learn's: StandardScaler.transform's `copy` is requestable
    from sklearn.preprocessing import StandardScaler as SkScaler

    import inspect
    assert list(inspect.signature(StandardScaler.set_transform_request).parameters) == \
        list(inspect.signature(SkScaler.set_transform_request).parameters)
    with fastml.config_context(enable_metadata_routing=True):
        est = LogisticRegression().set_fit_request(sample_weight="w")
        assert est.get_metadata_routing().fit.requests == {"sample_weight": "w"}
        for copy in (clone(est), sklearn.base.clone(est)):
            assert copy.get_metadata_routing().fit.requests == {"sample_weight": "w"}
        with pytest.raises(TypeError, match="Unexpected args"):
            est.set_fit_request(groups=True)


def test_voting_routes_to_requesting_estimators_only():
    X, y, w = _data()
    with fastml.config_context(enable_metadata_routing=True):
        vote = VotingClassifier([
            ("weighted", LogisticRegression().set_fit_request(sample_weight=True)),
            ("plain", LogisticRegression().set_fit_request(sample_weight=False)),
        ]).fit(X, y, sample_weight=w)
        weighted = LogisticRegression().fit(X, y, sample_weight=w)
        plain = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(vote.named_estimators_["weighted"].coef_, weighted.coef_,
                               rtol=1e-6)
    np.testing.assert_allclose(vote.named_estimators_["plain"].coef_, plain.coef_, rtol=1e-6)
    assert not np.allclose(weighted.coef_, plain.coef_)


def test_unrequested_metadata_is_an_error():
    from sklearn.exceptions import UnsetMetadataPassedError

    X, y, w = _data()
    with fastml.config_context(enable_metadata_routing=True):
        with pytest.raises(UnsetMetadataPassedError, match="LogisticRegression.fit"):
            VotingClassifier([("lr", LogisticRegression())]).fit(X, y, sample_weight=w)
    # without routing, extra metadata is refused with scikit-learn's message
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing=True"):
        VotingClassifier([("lr", LogisticRegression())]).fit(X, y, groups=w)


def test_pipeline_routes_sample_weight():
    X, y, w = _data()
    with fastml.config_context(enable_metadata_routing=True):
        pipe = Pipeline([("scale", StandardScaler().set_fit_request(sample_weight=False)),
                         ("lr", LogisticRegression().set_fit_request(sample_weight=True))])
        pipe.fit(X, y, sample_weight=w)
        Xs = StandardScaler().fit_transform(X)
        ref = LogisticRegression().fit(Xs, y, sample_weight=w)
    np.testing.assert_allclose(pipe.named_steps["lr"].coef_, ref.coef_, rtol=1e-6)


def test_cross_validate_and_search_route_params():
    from sklearn.model_selection import GroupKFold

    X, y, w = _data()
    groups = np.repeat(np.arange(6), 20)
    cv = GroupKFold(n_splits=3)
    with fastml.config_context(enable_metadata_routing=True):
        est = LogisticRegression().set_fit_request(sample_weight=True) \
            .set_score_request(sample_weight=False)
        res = cross_validate(est, X, y, cv=cv, params={"sample_weight": w, "groups": groups},
                             return_estimator=True, return_indices=True)
        for fitted, train, test in zip(res["estimator"], res["indices"]["train"],
                                       res["indices"]["test"]):
            assert len(np.intersect1d(groups[train], groups[test])) == 0  # groups reached split
            ref = LogisticRegression().fit(X[train], y[train], sample_weight=w[train])
            np.testing.assert_allclose(fitted.coef_, ref.coef_, rtol=1e-6)
        with pytest.raises(ValueError, match="`groups` can only be passed if"):
            cross_validate(est, X, y, cv=cv, groups=groups)
        search = GridSearchCV(Ridge().set_fit_request(sample_weight=True)
                              .set_score_request(sample_weight=True),
                              {"alpha": [0.1, 10.0]}, cv=cv)
        search.fit(X, y.astype(float), sample_weight=w, groups=groups)
        ref = Ridge(alpha=search.best_params_["alpha"]).fit(X, y.astype(float), sample_weight=w)
    np.testing.assert_allclose(search.best_estimator_.coef_, ref.coef_, rtol=1e-6)


def test_stacking_and_bagging_routing():
    X, y, w = _data()
    with fastml.config_context(enable_metadata_routing=True):
        stack = StackingClassifier(
            [("lr", LogisticRegression().set_fit_request(sample_weight=True))],
            final_estimator=LogisticRegression()).fit(X, y, sample_weight=w)
        ref = LogisticRegression().fit(X, y, sample_weight=w)
        np.testing.assert_allclose(stack.estimators_[0].coef_, ref.coef_, rtol=1e-6)
        bag = BaggingClassifier(LogisticRegression().set_fit_request(sample_weight=True),
                                n_estimators=3, random_state=0).fit(X, y)
        # a base estimator requesting sample_weight gets the draw as counts over all rows
        for est, rows in zip(bag.estimators_, bag.estimators_samples_):
            counts = np.bincount(rows, minlength=len(y))
            ref = LogisticRegression().fit(X, y, sample_weight=counts)
            np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-6)
