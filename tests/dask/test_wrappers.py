"""ParallelPostFit, Incremental and the joblib dask backend on the cluster."""
import os
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
joblib = pytest.importorskip("joblib")

import fastml.dask as fd  # noqa: E402
from fastml.base import BaseEstimator, ClassifierMixin  # noqa: E402
from fastml.cluster import MiniBatchKMeans  # noqa: E402
from fastml.ensemble import RandomForestClassifier  # noqa: E402
from fastml.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from fastml.naive_bayes import GaussianNB  # noqa: E402
from fastml.preprocessing import StandardScaler  # noqa: E402


def _data(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
    return X, y


def test_parallel_post_fit_dataframe(client):
    X, y = _data()
    cols = list("abcd")
    df = pd.DataFrame(X, columns=cols)
    ddf = dd.from_pandas(df, npartitions=4)
    est = fd.ParallelPostFit(LogisticRegression()).fit(df, y)
    ref = LogisticRegression().fit(df, y)
    pred = est.predict(ddf)
    assert isinstance(pred, dd.Series)
    assert pred.dtype == ref.predict(df).dtype
    assert np.array_equal(pred.compute().to_numpy(), ref.predict(df))
    assert pred.compute().index.equals(df.index)
    proba = est.predict_proba(ddf)
    assert isinstance(proba, dd.DataFrame) and proba.shape[1] == 2
    assert np.array_equal(proba.compute().to_numpy(), ref.predict_proba(df))
    # dask arrays: map_blocks with the right chunks; in-memory X as is
    est = fd.ParallelPostFit(LogisticRegression()).fit(X, y)
    ref = LogisticRegression().fit(X, y)
    Xd = da.from_array(X, chunks=((1000, 0, 3000), (4,)))
    p = est.predict_proba(Xd)
    assert p.chunks == ((1000, 0, 3000), (2,))
    assert np.array_equal(p.compute(), ref.predict_proba(X))
    assert np.array_equal(est.predict(X), ref.predict(X))
    sc = fd.ParallelPostFit(StandardScaler()).fit(X)
    assert np.array_equal(sc.transform(Xd).compute(), StandardScaler().fit(X).transform(X))
    with pytest.raises(AttributeError, match="transform"):
        est.transform(Xd)


@pytest.mark.parametrize("make, kw", [
    (lambda: SGDClassifier(random_state=0), {"classes": np.array([0, 1])}),
    (lambda: GaussianNB(), {"classes": np.array([0, 1])}),
    (lambda: MiniBatchKMeans(3, random_state=0, n_init=1), {}),
])
def test_incremental_equals_sequential_partial_fit(client, make, kw):
    X, y = _data(seed=1)
    sup = "classes" in kw
    Xd = da.from_array(X, chunks=(1000, 4))
    yd = da.from_array(y, chunks=1000)
    inc = fd.Incremental(make(), fit_kwargs=kw).fit(Xd, yd if sup else None)
    ref = make()
    for s in range(0, 4000, 1000):
        if sup:
            ref.partial_fit(X[s:s + 1000], y[s:s + 1000], **kw)
        else:
            ref.partial_fit(X[s:s + 1000], **kw)
    for name in ("coef_", "theta_", "var_", "cluster_centers_"):
        if hasattr(ref, name):
            assert np.array_equal(getattr(inc.estimator_, name), getattr(ref, name)), name
    out = inc.predict(Xd).compute()
    assert np.array_equal(out, ref.predict(X))
    # a second pass continues from the fitted state
    inc.partial_fit(Xd, yd if sup else None)


def test_incremental_shuffled_blocks_deterministic(client):
    X, y = _data(seed=2)
    Xd = da.from_array(X, chunks=(500, 4))
    yd = da.from_array(y, chunks=500)
    kw = dict(shuffle_blocks=True, random_state=3, n_passes=2,
              fit_kwargs={"classes": np.array([0, 1])})
    a = fd.Incremental(SGDClassifier(random_state=0), **kw).fit(Xd, yd)
    b = fd.Incremental(SGDClassifier(random_state=0), **kw).fit(Xd, yd)
    assert np.array_equal(a.estimator_.coef_, b.estimator_.coef_)
    assert a.score(X, y) > 0.6


class ThreadProbe(ClassifierMixin, BaseEstimator):
    """Records where its fit ran and the thread count fastml's kernels got."""

    _parameter_constraints = {"n_jobs": ["n_jobs"], "c": [float]}

    def __init__(self, n_jobs=None, c=1.0):
        self.n_jobs = n_jobs
        self.c = c

    def fit(self, X, y):
        from fastml._config import threads_scope
        from fastml._kernels import _threads

        with threads_scope(self.n_jobs):
            self.threads_ = _threads.current()
        self.pid_ = os.getpid()
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y):
        return float(self.threads_ * 1000 + self.pid_ % 1000) + 0 * self.c


def test_joblib_dask_backend_grid_search_honours_n_jobs(client):
    sklearn_ms = pytest.importorskip("sklearn.model_selection")
    cloudpickle = pytest.importorskip("cloudpickle")
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    X, y = _data(seed=4)
    worker_pids = set(client.run(os.getpid).values())
    for n_jobs in (1, 2):
        gs = sklearn_ms.GridSearchCV(ThreadProbe(n_jobs=n_jobs), {"c": [1.0, 2.0]}, cv=3,
                                     n_jobs=-1, refit=False)
        with joblib.parallel_config(backend="dask"):
            gs.fit(X, y)
        scores = gs.cv_results_["mean_test_score"]
        split = np.concatenate([gs.cv_results_[f"split{i}_test_score"] for i in range(3)])
        assert set((split // 1000).astype(int)) == {n_jobs}  # the estimator's own n_jobs
        pids = {int(s) % 1000 for s in split}
        assert pids <= {p % 1000 for p in worker_pids}  # every fit ran on a worker
        assert scores.shape == (2,)
    # a real forest: the same search result on the cluster as in-process
    grid = {"max_depth": [2, 4]}
    forest = RandomForestClassifier(n_estimators=8, random_state=0, n_jobs=1)
    local = sklearn_ms.GridSearchCV(forest, grid, cv=3).fit(X, y)
    with joblib.parallel_config(backend="dask"):
        remote = sklearn_ms.GridSearchCV(forest, grid, cv=3, n_jobs=-1).fit(X, y)
    assert np.array_equal(local.cv_results_["mean_test_score"],
                          remote.cv_results_["mean_test_score"])
    assert np.array_equal(local.predict(X), remote.predict(X))
