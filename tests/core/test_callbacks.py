"""Fit callbacks (fastml.callback): hook counts, the task tree, fitted_estimator
snapshots, propagation through Pipeline / GridSearchCV, teardown on failure,
and interoperation with scikit-learn's own callback contexts."""
import pickle
import warnings

import numpy as np
import pytest

from fastml.base import clone
from fastml.callback import (AutoPropagatedCallback, CallbackContext, CallbackSupportMixin,
                             FitCallback, with_callbacks)
from fastml.datasets import make_classification
from fastml.linear_model import LogisticRegression
from fastml.model_selection import GridSearchCV
from fastml.pipeline import Pipeline
from fastml.preprocessing import StandardScaler

HOOKS = ("setup", "on_fit_task_begin", "on_fit_task_end", "teardown")


class Recorder:
    """Records every hook call: (hook, estimator, context, keywords)."""

    def __init__(self):
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append(("setup", estimator, context, {}))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None,
                          fitted_estimator=None):
        self.calls.append(("on_fit_task_begin", estimator, context,
                           {"X": X, "metadata": metadata, "fitted_estimator": fitted_estimator}))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None):
        self.calls.append(("on_fit_task_end", estimator, context,
                           {"X": X, "metadata": metadata, "fitted_estimator": fitted_estimator}))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", estimator, context, {}))

    def count(self, hook):
        return sum(c[0] == hook for c in self.calls)

    def counts(self):
        return tuple(self.count(h) for h in HOOKS)


class Propagated(Recorder):
    max_propagation_depth = None


class OneLevel(Recorder):
    max_propagation_depth = 1


class Counter(CallbackSupportMixin):
    """A tiny estimator with n_iter subtasks (the third-party pattern)."""

    def __init__(self, n_iter=3, fail=False):
        self.n_iter = n_iter
        self.fail = fail

    def get_params(self, deep=True):
        return {"n_iter": self.n_iter, "fail": self.fail}

    def set_params(self, **params):
        for k, v in params.items():
            setattr(self, k, v)
        return self

    @with_callbacks
    def fit(self, X, y=None):
        ctx = self._init_callback_context(max_subtasks=self.n_iter)
        ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        for i in range(self.n_iter):
            sub = ctx.subcontext(task_name=f"iteration {i}")
            sub.call_on_fit_task_begin(estimator=self, X=X, y=y)
            if self.fail:
                raise RuntimeError("Counter.fit failed")
            if sub.call_on_fit_task_end(estimator=self, X=X, y=y,
                                        reconstruction_attributes={"n_iter_": i + 1}):
                break
        self.n_iter_ = i + 1
        ctx.call_on_fit_task_end(estimator=self, X=X, y=y, reconstruction_attributes={})
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None):
        return float(self.n_iter_)


class Stopper(Recorder):
    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None):
        super().on_fit_task_end(estimator, context, X=X, metadata=metadata)
        return context.task_name != "fit"


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=60, n_features=4, n_informative=3, n_redundant=0,
                               random_state=0)


# ------------------------------------------------------------------ the protocol
def test_set_callbacks_validates_and_clears():
    est = Counter()
    with pytest.raises(TypeError, match="FitCallback protocol"):
        est.set_callbacks(object())
    with pytest.raises(TypeError, match="FitCallback protocol"):
        est.set_callbacks(Recorder)  # a class, not an instance
    cb = Recorder()
    assert isinstance(cb, FitCallback) and not isinstance(cb, AutoPropagatedCallback)
    assert isinstance(Propagated(), AutoPropagatedCallback)
    assert est.set_callbacks(cb) is est and est._skl_callbacks == [cb]
    est.set_callbacks()
    assert not hasattr(est, "_skl_callbacks")


def test_hook_with_an_unknown_keyword_is_refused():
    class Bad(Recorder):
        def on_fit_task_begin(self, estimator, context, *, weights=None):
            pass

    with pytest.raises(TypeError, match="not valid: {'weights'}"):
        Counter().set_callbacks(Bad()).fit(np.zeros((3, 1)))


def test_hooks_receive_only_what_they_declare_and_lazy_values_run_once():
    seen = []

    class Lean(Recorder):
        def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
            seen.append(fitted_estimator)

    calls = []

    def attrs():
        calls.append(1)
        return {"n_iter_": 7}

    a, b = Lean(), Lean()
    ctx = CallbackContext._from_estimator(Counter().set_callbacks(a, b), "fit", 0, 0, True)
    ctx.call_on_fit_task_end(estimator=Counter(), reconstruction_attributes=attrs)
    assert len(calls) == 1 and len(seen) == 2 and seen[0] is seen[1] and seen[0].n_iter_ == 7


def test_subcontext_rules():
    root = CallbackContext._from_estimator(Counter(), "fit", 0, 2, True)
    a, b = root.subcontext("a"), root.subcontext("b")
    assert (a.task_id, b.task_id, a.parent, b.root_uuid) == (0, 1, root, root.root_uuid)
    with pytest.raises(ValueError, match="maximum number of children"):
        root.subcontext("c")
    with pytest.raises(ValueError, match="must be None"):
        CallbackContext._from_estimator(Counter(), "fit", 0, 2, True).subcontext("x", task_id=3)
    par = CallbackContext._from_estimator(Counter(), "fit", 0, None, False)
    with pytest.raises(ValueError, match="must be provided"):
        par.subcontext("x")
    par.subcontext("x", task_id=5)
    with pytest.raises(ValueError, match="already has a child"):
        par.subcontext("y", task_id=5)
    assert [c.task_name for c in root] == ["fit", "a", "b"]


# ------------------------------------------------------------------ estimators
@pytest.mark.parametrize("max_iter", [0, 1, 3, 200])
def test_logistic_regression_reports_every_lbfgs_iteration(data, max_iter):
    X, y = data
    cb = Recorder()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr = LogisticRegression(max_iter=max_iter).set_callbacks(cb).fit(X, y)
    n = max(int(lr.n_iter_[0]), 1)
    # the fit, one task per iteration (at least one) and the last task begun but not run
    assert cb.counts() == (1, n + 2, n + 2, 1)
    names = [c[2].task_name for c in cb.calls if c[0] == "on_fit_task_begin"]
    assert names == ["fit"] + ["lbfgs-iter"] * (n + 1)
    assert not hasattr(lr, "_callback_fit_ctx")  # torn down


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_regression_fitted_estimator_matches_a_shorter_fit(n_classes):
    X, y = make_classification(n_samples=80, n_features=4, n_informative=4, n_redundant=0,
                               n_classes=n_classes, random_state=1)
    cb = Recorder()
    lr = LogisticRegression().set_callbacks(cb).fit(X, y)
    ends = [c for c in cb.calls if c[0] == "on_fit_task_end" and c[2].task_name == "lbfgs-iter"]
    assert len(ends) == lr.n_iter_[0] + 1 and ends[-1][3]["fitted_estimator"] is None
    for i in (0, 2, len(ends) - 2):
        snap = ends[i][3]["fitted_estimator"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = LogisticRegression(max_iter=i + 1).fit(X, y)
        np.testing.assert_allclose(snap.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(snap.intercept_, ref.intercept_, rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(snap.predict(X), ref.predict(X))
    final = [c for c in cb.calls if c[0] == "on_fit_task_end"][-1][3]["fitted_estimator"]
    np.testing.assert_array_equal(final.coef_, lr.coef_)
    assert lr.coef_ is not ends[-2][3]["fitted_estimator"].coef_  # snapshots are copies


def test_logistic_regression_other_solvers_warn_and_report_the_fit(data):
    X, y = data
    cb = Recorder()
    with pytest.warns(UserWarning, match="only supported in LogisticRegression for solver='lbfgs'"):
        lr = LogisticRegression(solver="newton-cg").set_callbacks(cb)
    lr.fit(X, y)
    assert cb.counts() == (1, 1, 1, 1)


@pytest.mark.parametrize("method", ["fit", "partial_fit", "fit_transform"])
def test_standard_scaler_is_one_task_with_a_ready_snapshot(method):
    X = np.random.RandomState(0).rand(12, 3)
    sw = np.arange(1.0, 13.0)
    cb = Recorder()
    sc = StandardScaler().set_callbacks(cb)
    if method == "fit_transform":
        sc.fit_transform(X)
    else:
        getattr(sc, method)(X, sample_weight=sw)
    assert cb.counts() == (1, 1, 1, 1)
    end = cb.calls[2][3]
    np.testing.assert_allclose(end["fitted_estimator"].transform(X), sc.transform(X))
    if method != "fit_transform":
        assert end["metadata"]["sample_weight"] is sw


def test_pipeline_propagates_and_joins_the_task_trees(data):
    X, y = data
    cb = Propagated()
    pipe = Pipeline([("sc", StandardScaler()), ("skip", "passthrough"),
                     ("lr", LogisticRegression(max_iter=4))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe.set_callbacks(cb).fit(X, y)
    n = int(pipe[-1].n_iter_[0])
    # Pipeline fit + scaler (its root is the step's task) + passthrough + lr fit + iterations
    assert cb.counts() == (1, 3 + 1 + n + 1, 3 + 1 + n + 1, 1)
    root = cb.calls[0][2]
    tree = [(c.estimator_name, c.task_name, c.parent.task_name if c.parent else None)
            for c in root]
    assert tree[:4] == [("Pipeline", "fit", None), ("StandardScaler", "fit", "fit"),
                        ("Pipeline", "fit-transform-skip", "fit"),
                        ("LogisticRegression", "fit", "fit")]
    assert root._children_map[0].source_task_name == "fit-transform-sc"
    assert {c.root_uuid for c in root} == {root.root_uuid}
    # lent callbacks are taken back
    assert not hasattr(pipe[0], "_skl_callbacks") and not hasattr(pipe[-1], "_skl_callbacks")
    assert not hasattr(pipe[0], "_parent_callback_ctx")


def test_callbacks_on_steps_and_depth_limits(data):
    X, y = data
    own = Recorder()
    Pipeline([("sc", StandardScaler().set_callbacks(own)), ("c", Counter(2))]).fit(X, y)
    assert own.counts() == (1, 1, 1, 1)  # the step's own callback, not propagated
    shallow = OneLevel()
    inner = Pipeline([("sc", StandardScaler())])
    Pipeline([("inner", inner), ("c", Counter(1))]).set_callbacks(shallow).fit(X, y)
    names = [c[1].__class__.__name__ for c in shallow.calls if c[0] == "on_fit_task_begin"]
    # depth 1 reaches the outer pipeline's steps (the inner pipeline: its fit and its
    # step's task; Counter: its fit and iteration) but not the inner pipeline's scaler
    assert (names.count("Pipeline"), names.count("Counter")) == (3, 2)
    assert "StandardScaler" not in names
    with pytest.raises(TypeError, match="can't have auto-propagated callbacks"):
        Pipeline([("c", Counter().set_callbacks(Propagated()))]).set_callbacks(
            Propagated()).fit(X, y)


def test_grid_search_tasks_metadata_and_propagation(data):
    X, y = data
    plain, lent = Recorder(), Propagated()
    gs = GridSearchCV(Counter(), {"n_iter": [1, 2, 3]}, cv=2).set_callbacks(plain, lent)
    gs.fit(X, y)
    search = 1 + 1 + 1 + 3 * 2  # fit, search, refit, candidate x split
    assert plain.counts() == (1, search, search, 1)
    inner = sum(p["n_iter"] for p in gs.cv_results_["params"]) * 2 + gs.best_estimator_.n_iter_
    assert lent.counts() == (1, search + inner, search + inner, 1)
    assert all(c[1] is gs for c in plain.calls)
    names = {c[2].task_name for c in plain.calls}
    assert names == {"fit", "search", "candidate-split-evaluation", "refit-with-best-params"}


def test_grid_search_passes_sample_weight_to_the_hooks(data):
    X, y = data
    cb = Recorder()
    sw = np.random.RandomState(0).randint(1, 4, len(y)).astype(float)
    GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=2).set_callbacks(cb).fit(
        X, y, sample_weight=sw)
    ev = [c for c in cb.calls if c[2].task_name == "candidate-split-evaluation"]
    refit = [c for c in cb.calls if c[2].task_name == "refit-with-best-params"]
    assert len(ev) == 8 and len(refit) == 2
    assert all(len(c[3]["metadata"]["sample_weight"]) == len(c[3]["X"]) for c in ev)
    assert refit[0][3]["metadata"]["sample_weight"] is sw


def test_failed_candidates_still_end_their_tasks(data):
    X, y = data
    cb = Recorder()
    gs = GridSearchCV(Counter(), {"fail": [False, True]}, cv=2, refit=False, error_score=0.0)
    with pytest.warns(Warning, match="2 fits failed out of a total of 4"):
        gs.set_callbacks(cb).fit(X, y)
    assert cb.counts() == (1, 6, 6, 1)


def test_teardown_runs_when_fit_raises_and_errors_are_collected():
    class Breaks(Recorder):
        def teardown(self, estimator, context):
            super().teardown(estimator, context)
            raise ValueError("teardown broke")

    cb = Recorder()
    est = Counter(fail=True).set_callbacks(cb)
    with pytest.raises(RuntimeError, match="Counter.fit failed"):
        est.fit(np.zeros((3, 1)))
    assert cb.count("teardown") == 1 and not hasattr(est, "_callback_fit_ctx")
    with pytest.raises(ValueError, match="teardown broke"):
        Counter().set_callbacks(Breaks()).fit(np.zeros((3, 1)))
    two = Counter().set_callbacks(Breaks(), Breaks())
    with pytest.raises(Exception) as info:
        two.fit(np.zeros((3, 1)))
    assert len(getattr(info.value, "exceptions", [info.value])) in (1, 2)


def test_a_true_end_hook_stops_the_loop():
    cb = Stopper()
    est = Counter(n_iter=5).set_callbacks(cb).fit(np.zeros((3, 1)))
    assert est.n_iter_ == 1


def test_clone_and_pickle_keep_the_callbacks(data):
    cb = Recorder()
    lr = LogisticRegression().set_callbacks(cb)
    assert clone(lr)._skl_callbacks[0] is cb
    X, y = data
    lr.fit(X, y)
    back = pickle.loads(pickle.dumps(lr))
    assert isinstance(back._skl_callbacks[0], Recorder)
    np.testing.assert_array_equal(back.predict(X), lr.predict(X))


def test_no_callbacks_no_change(data):
    X, y = data
    a = LogisticRegression().fit(X, y)
    b = LogisticRegression().set_callbacks(Recorder()).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.intercept_, b.intercept_)


# ------------------------------------------------------------------ with scikit-learn's
def test_scikit_learn_estimators_and_callbacks_join_fastml_trees(data):
    pytest.importorskip("sklearn.callback")
    from sklearn.callback.tests._utils import MaxIterEstimator, RecordingAutoPropagatedCallback

    X, y = data
    cb = RecordingAutoPropagatedCallback()
    Pipeline([("sc", StandardScaler()), ("m", MaxIterEstimator(max_iter=3))]).set_callbacks(
        cb).fit(X, y)
    assert cb.count_hooks("on_fit_task_begin") == 1 + 1 + 1 + 3
    from sklearn.pipeline import Pipeline as SkPipeline

    cb = RecordingAutoPropagatedCallback()
    SkPipeline([("sc", StandardScaler()), ("lr", LogisticRegression(max_iter=2))]).set_callbacks(
        cb).fit(X, y)
    # sklearn's Pipeline root, the scaler (fastml), the lr fit (fastml) + 2 iterations + 1
    assert cb.count_hooks("on_fit_task_begin") == 1 + 1 + 1 + 3
    assert cb.count_hooks("setup") == cb.count_hooks("teardown") == 1
