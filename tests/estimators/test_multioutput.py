"""fastml.multioutput against scikit-learn's sklearn.multioutput as the oracle:
the same base estimator and random_state must give the same fitted members,
predictions, probabilities and chain orders; errors name the parameter."""
import re

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
import scipy.sparse as sp  # noqa: E402
import sklearn.multioutput as skm  # noqa: E402
from sklearn.datasets import (make_classification, make_multilabel_classification,  # noqa: E402
                              make_regression)

import fastml  # noqa: E402
from fastml.exceptions import InvalidParameterError, NotFittedError  # noqa: E402
from fastml.linear_model import (LinearRegression, LogisticRegression,  # noqa: E402
                                 Ridge, SGDClassifier, SGDRegressor)
from fastml.model_selection import KFold  # noqa: E402
from fastml.multioutput import (ClassifierChain, MultiOutputClassifier,  # noqa: E402
                                MultiOutputRegressor, RegressorChain)
from fastml.svm import LinearSVC  # noqa: E402
from fastml.tree import DecisionTreeClassifier  # noqa: E402


@pytest.fixture(scope="module")
def multilabel():
    return make_multilabel_classification(n_samples=120, n_features=8, n_classes=4,
                                          random_state=0)


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=80, n_features=6, n_targets=3, noise=0.5,
                           random_state=0)


def _members_equal(a, b, attr="coef_"):
    assert len(a.estimators_) == len(b.estimators_)
    for ea, eb in zip(a.estimators_, b.estimators_):
        np.testing.assert_allclose(getattr(ea, attr), getattr(eb, attr), rtol=1e-12,
                                   atol=1e-12)


# ---------------------------------------------------------------- MultiOutput*
@pytest.mark.parametrize("n_jobs", [None, 1, 2])
def test_multioutput_regressor_matches_sklearn(regression, n_jobs):
    X, Y = regression
    w = np.random.RandomState(1).uniform(0.2, 2.0, len(X))
    ours = MultiOutputRegressor(Ridge(alpha=0.3), n_jobs=n_jobs).fit(X, Y, sample_weight=w)
    ref = skm.MultiOutputRegressor(Ridge(alpha=0.3)).fit(X, Y, sample_weight=w)
    _members_equal(ours, ref)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12)
    assert ours.predict(X).shape == Y.shape
    assert ours.score(X, Y) == pytest.approx(ref.score(X, Y))
    assert ours.n_features_in_ == X.shape[1]


def test_multioutput_classifier_matches_sklearn(multilabel):
    X, Y = multilabel
    Y = Y.copy()
    Y[:, 1] += 2 * (X[:, 0] > X[:, 0].mean())  # a 4-class output among binary ones
    ours = MultiOutputClassifier(LogisticRegression(), n_jobs=2).fit(X, Y)
    ref = skm.MultiOutputClassifier(LogisticRegression()).fit(X, Y)
    _members_equal(ours, ref)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    for a, b in zip(ours.predict_proba(X), ref.predict_proba(X)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert isinstance(ours.classes_, list)
    for a, b in zip(ours.classes_, ref.classes_):
        np.testing.assert_array_equal(a, b)
    assert ours.score(X, Y) == ref.score(X, Y)
    # subset accuracy: a row counts only when every output is right
    assert ours.score(X, Y) == np.mean(np.all(ours.predict(X) == Y, axis=1))


def test_multioutput_string_labels():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    Y = np.column_stack([np.where(X[:, 0] > 0, "a", "b"), np.where(X[:, 1] > 0, "x", "y")])
    ours = MultiOutputClassifier(DecisionTreeClassifier(random_state=0)).fit(X, Y)
    np.testing.assert_array_equal(ours.predict(X), Y)
    assert [list(c) for c in ours.classes_] == [["a", "b"], ["x", "y"]]


def test_multioutput_partial_fit_matches_sklearn(multilabel, regression):
    X, Y = multilabel
    classes = [np.unique(Y[:, i]) for i in range(Y.shape[1])]
    ours = MultiOutputClassifier(SGDClassifier(loss="log_loss", random_state=0), n_jobs=2)
    ref = skm.MultiOutputClassifier(SGDClassifier(loss="log_loss", random_state=0))
    for half in (slice(0, 60), slice(60, None)):
        kw = {"classes": classes} if half.start == 0 else {}
        ours.partial_fit(X[half], Y[half], **kw)
        ref.partial_fit(X[half], Y[half], **kw)
        _members_equal(ours, ref)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    Xr, Yr = regression
    w = np.linspace(0.5, 1.5, len(Xr))
    ours = MultiOutputRegressor(SGDRegressor(random_state=0)).partial_fit(Xr, Yr, w)
    ref = skm.MultiOutputRegressor(SGDRegressor(random_state=0))
    ref.partial_fit(Xr, Yr, w)  # scikit-learn's returns None here; fastml's returns self
    _members_equal(ours, ref)
    assert not hasattr(MultiOutputRegressor(LinearRegression()), "partial_fit")


def test_multioutput_sample_weight_equals_repeated_rows(regression):
    X, Y = regression
    reps = np.random.RandomState(3).randint(1, 3, len(X))
    weighted = MultiOutputRegressor(Ridge()).fit(X, Y, sample_weight=reps.astype(float))
    repeated = MultiOutputRegressor(Ridge()).fit(np.repeat(X, reps, 0), np.repeat(Y, reps, 0))
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-8)


def test_multioutput_errors(multilabel, regression):
    X, Y = multilabel
    with pytest.raises(ValueError, match="at least two dimensions"):
        MultiOutputClassifier(LogisticRegression()).fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="Unknown label type"):
        MultiOutputClassifier(LogisticRegression()).fit(X, X[:, :2] + 0.5)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        MultiOutputClassifier(LogisticRegression()).fit(X[:-1], Y)
    clf = MultiOutputClassifier(LinearSVC())
    with pytest.raises(NotFittedError):
        clf.predict(X)
    with pytest.raises(NotFittedError):
        clf.score(X, Y)
    clf.fit(X, Y)
    with pytest.raises(ValueError, match="number of outputs"):
        clf.score(X, Y[:, :2])
    # predict_proba only when the estimator has it; the cause names the estimator
    assert not hasattr(clf, "predict_proba")
    with pytest.raises(AttributeError, match="'MultiOutputClassifier' has no attribute") as e:
        clf.predict_proba(X)
    assert "LinearSVC" in str(e.value.__cause__)
    assert hasattr(MultiOutputClassifier(LogisticRegression()), "predict_proba")

    class NoWeights(Ridge):
        def fit(self, X, y):
            return super().fit(X, y)
    Xr, Yr = regression
    with pytest.raises(ValueError, match="does not support sample weights"):
        MultiOutputRegressor(NoWeights()).fit(Xr, Yr, sample_weight=np.ones(len(Xr)))
    with pytest.raises(ValueError, match="is only supported if enable_metadata_routing"):
        MultiOutputClassifier(SGDClassifier()).partial_fit(X, Y, classes=[[0, 1]] * 4,
                                                           extra=1)


@pytest.mark.parametrize("cls, kw, pname", [
    (MultiOutputRegressor, {"n_jobs": 0}, "n_jobs"),
    (MultiOutputRegressor, {"n_jobs": "2"}, "n_jobs"),
    (MultiOutputClassifier, {"estimator": object()}, "estimator"),
    (ClassifierChain, {"chain_method": "predict_probability"}, "chain_method"),
    (ClassifierChain, {"order": "sorted"}, "order"),
    (ClassifierChain, {"verbose": "yes"}, "verbose"),
    (RegressorChain, {"cv": "five"}, "cv"),
    (RegressorChain, {"random_state": "seed"}, "random_state"),
])
def test_bad_parameters_name_the_parameter(multilabel, cls, kw, pname):
    X, Y = multilabel
    base = Ridge() if cls in (MultiOutputRegressor, RegressorChain) else LogisticRegression()
    est = cls(**{"estimator": base, **kw})
    with pytest.raises(InvalidParameterError, match=rf"'{pname}' parameter of {cls.__name__}"):
        est.fit(X, Y.astype(float) if base.__class__ is Ridge else Y)


def test_fit_params_without_routing(regression, multilabel):
    """MultiOutput* and RegressorChain pass fit parameters through as given;
    ClassifierChain refuses them without metadata routing (scikit-learn)."""
    X, Y = regression
    w = np.random.RandomState(0).uniform(0.5, 2, len(X))
    seen = []

    class Spy(Ridge):
        def fit(self, X, y, sample_weight=None, tag=None):
            seen.append((sample_weight, tag))
            return super().fit(X, y, sample_weight=sample_weight)
    MultiOutputRegressor(Spy()).fit(X, Y, tag="t")
    RegressorChain(Spy()).fit(X, Y, sample_weight=w)
    assert seen[:3] == [(None, "t")] * 3
    assert all(s[0] is w for s in seen[3:]) and len(seen) == 6
    Xc, Yc = multilabel
    with pytest.raises(ValueError, match="is only supported if enable_metadata_routing"):
        ClassifierChain(LogisticRegression()).fit(Xc, Yc, sample_weight=np.ones(len(Xc)))


def test_metadata_routing(multilabel):
    X, Y = multilabel
    w = np.random.RandomState(0).uniform(0.5, 2, len(X))
    with fastml.config_context(enable_metadata_routing=True):
        # requested: every member gets the weights, as fitting them by hand
        for n_jobs in (1, 2):  # the worker threads see the caller's routing setting
            est = MultiOutputClassifier(LogisticRegression().set_fit_request(
                sample_weight=True), n_jobs=n_jobs).fit(X, Y, sample_weight=w)
            for i, member in enumerate(est.estimators_):
                ref = LogisticRegression().fit(X, Y[:, i], sample_weight=w)
                np.testing.assert_allclose(member.coef_, ref.coef_, rtol=1e-12)
        chain = ClassifierChain(LogisticRegression().set_fit_request(sample_weight=True))
        chain.fit(X, Y, sample_weight=w)
        ref = skm.ClassifierChain(LogisticRegression().set_fit_request(sample_weight=True))
        ref.fit(X, Y, sample_weight=w)
        _members_equal(chain, ref)
        # not requested: scikit-learn's error
        with pytest.raises(ValueError, match="sample_weight"):
            MultiOutputClassifier(LogisticRegression()).fit(X, Y, sample_weight=w)
        with pytest.raises(ValueError, match="sample_weight"):
            RegressorChain(Ridge()).fit(X, Y.astype(float), sample_weight=w)
        router = MultiOutputRegressor(Ridge()).get_metadata_routing()
        assert "partial_fit" in str(router) and "fit" in str(router)


# ------------------------------------------------------------------- chains
@pytest.mark.parametrize("order", [None, "random", [2, 0, 3, 1], (1, 0, 3, 2)])
@pytest.mark.parametrize("cv", [None, 3, KFold(4)])
def test_classifier_chain_matches_sklearn(multilabel, order, cv):
    X, Y = multilabel
    ours = ClassifierChain(LogisticRegression(), order=order, cv=cv, random_state=5).fit(X, Y)
    ref = skm.ClassifierChain(LogisticRegression(), order=order, cv=cv,
                              random_state=5).fit(X, Y)
    np.testing.assert_array_equal(ours.order_, ref.order_)
    _members_equal(ours, ref)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X),
                               rtol=1e-12)
    np.testing.assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X),
                               rtol=1e-12)
    assert [c.coef_.size for c in ours.estimators_] == list(range(8, 12))


@pytest.mark.parametrize("chain_method", ["predict", "predict_proba", "predict_log_proba",
                                          "decision_function",
                                          ["decision_function", "predict_proba"]])
@pytest.mark.parametrize("cv", [None, 3])
def test_classifier_chain_methods_match_sklearn(multilabel, chain_method, cv):
    X, Y = multilabel
    ours = ClassifierChain(LogisticRegression(), chain_method=chain_method, cv=cv).fit(X, Y)
    ref = skm.ClassifierChain(LogisticRegression(), chain_method=chain_method,
                              cv=cv).fit(X, Y)
    assert ours.chain_method_ == ref.chain_method_
    _members_equal(ours, ref)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12)
    # the first method the estimator has: LinearSVC has no predict_proba
    chain = ClassifierChain(LinearSVC(), chain_method=["predict_proba", "decision_function"])
    assert chain.fit(X, Y).chain_method_ == "decision_function"
    assert not hasattr(chain, "predict_proba")
    with pytest.raises(AttributeError, match="predict_proba"):
        ClassifierChain(LinearSVC(), chain_method="predict_proba").fit(X, Y)


@pytest.mark.parametrize("order", [None, "random", [1, 2, 0]])
@pytest.mark.parametrize("cv", [None, 4])
def test_regressor_chain_matches_sklearn(regression, order, cv):
    X, Y = regression
    ours = RegressorChain(Ridge(), order=order, cv=cv, random_state=2).fit(X, Y)
    ref = skm.RegressorChain(Ridge(), order=order, cv=cv, random_state=2).fit(X, Y)
    np.testing.assert_array_equal(ours.order_, ref.order_)
    _members_equal(ours, ref)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-10)
    assert ours.score(X, Y) == pytest.approx(ref.score(X, Y))


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array, sp.csc_matrix,
                                       sp.lil_matrix])
@pytest.mark.parametrize("cv", [None, 3])
def test_chains_sparse_match_sklearn_and_dense(multilabel, container, cv):
    X, Y = multilabel
    Xs = container(np.where(X > 2, X, 0.0))
    for ours, ref in ((ClassifierChain(LogisticRegression(), cv=cv),
                       skm.ClassifierChain(LogisticRegression(), cv=cv)),
                      (RegressorChain(Ridge(), cv=cv), skm.RegressorChain(Ridge(), cv=cv))):
        ours.fit(Xs, Y)
        ref.fit(Xs, Y)
        _members_equal(ours, ref)
        np.testing.assert_allclose(ours.predict(Xs), ref.predict(Xs), rtol=1e-12)
        # the same model as on the dense copy, to the solvers' tolerance
        dense = fastml.base.clone(ours).fit(Xs.toarray(), Y)
        np.testing.assert_allclose(ours.predict(Xs), dense.predict(Xs.toarray()), atol=2e-3)


def test_chain_errors_and_feature_names(multilabel):
    pd = pytest.importorskip("pandas")
    X, Y = multilabel
    with pytest.raises(ValueError, match="invalid order"):
        ClassifierChain(LogisticRegression(), order=[0, 1, 2]).fit(X, Y)
    with pytest.raises(ValueError, match="invalid order"):
        ClassifierChain(LogisticRegression(), order=(0, 1, 2, 5)).fit(X, Y)
    with pytest.raises(NotFittedError):
        RegressorChain(Ridge()).predict(X)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    chain = ClassifierChain(LogisticRegression()).fit(df, Y)
    np.testing.assert_array_equal(chain.feature_names_in_, df.columns)
    assert chain.n_features_in_ == X.shape[1]
    with pytest.raises(ValueError, match="feature names should match"):
        chain.predict(df[df.columns[::-1]])
    with pytest.raises(ValueError, match="expecting 8 features"):
        chain.predict(X[:, :5])
    mo = MultiOutputClassifier(LogisticRegression()).fit(df, Y)
    np.testing.assert_array_equal(mo.feature_names_in_, df.columns)


def test_chain_verbose(capsys, regression):
    X, Y = regression
    RegressorChain(LinearRegression(), order=[1, 0, 2], verbose=True).fit(X, Y)
    out = capsys.readouterr().out
    assert re.match(r"\[Chain\].*\(1 of 3\) Processing order 1, total=.*\n"
                    r"\[Chain\].*\(2 of 3\) Processing order 0, total=.*\n"
                    r"\[Chain\].*\(3 of 3\) Processing order 2, total=.*\n$", out)


def test_multioutput_in_sklearn_tools(multilabel):
    """The estimators work inside scikit-learn's model selection (clone,
    get_params, tags)."""
    from sklearn.base import clone, is_classifier, is_regressor
    from sklearn.model_selection import GridSearchCV
    from sklearn.utils import get_tags

    X, Y = multilabel
    est = MultiOutputClassifier(LogisticRegression())
    assert is_classifier(est) and is_regressor(RegressorChain(Ridge()))
    assert get_tags(est).target_tags.multi_output
    assert not get_tags(est).target_tags.single_output
    grid = GridSearchCV(est, {"estimator__C": [0.1, 1.0]}, cv=3).fit(X, Y)
    assert grid.best_params_["estimator__C"] in (0.1, 1.0)
    c = clone(ClassifierChain(LogisticRegression(C=0.5), order="random"))
    assert c.get_params()["estimator__C"] == 0.5 and c.order == "random"


def test_classification_sample_weight_matches_sklearn():
    X, y = make_classification(n_samples=90, n_features=5, random_state=0)
    Y = np.column_stack([y, (X[:, 1] > 0).astype(int)])
    w = np.random.RandomState(0).uniform(0.1, 3, len(X))
    ours = MultiOutputClassifier(LogisticRegression()).fit(X, Y, w)
    ref = skm.MultiOutputClassifier(LogisticRegression()).fit(X, Y, w)
    _members_equal(ours, ref)
