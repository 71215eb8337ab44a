"""KMeans, LinearRegression, Ridge, LogisticRegression and PCA on the cluster
against single-machine fastml on the same (concatenated) data."""
import pickle
import warnings

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import fastml.cluster as fc  # noqa: E402
import fastml.dask as fd  # noqa: E402
import fastml.decomposition as fdec  # noqa: E402
import fastml.linear_model as flm  # noqa: E402


def _blobs(n=12000, d=6, seed=0):
    rng = np.random.default_rng(seed)
    lab = rng.integers(0, 5, n)
    return rng.standard_normal((n, d)) + 4.0 * rng.standard_normal((5, d))[lab]


CHUNKS = ((3000, 0, 4500, 7, 4493),)  # uneven, with an empty partition


def test_kmeans_same_inertia_from_same_centres(client):
    X = _blobs()
    Xd = da.from_array(X, chunks=CHUNKS + ((6,),))
    C0 = X[[0, 10, 200, 3001, 9000]]
    ref = fc.KMeans(5, init=C0, n_init=1).fit(X)
    est = fd.KMeans(5, init=C0).fit(Xd)
    assert est.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    np.testing.assert_allclose(est.cluster_centers_, ref.cluster_centers_, rtol=1e-10,
                               atol=1e-12)
    assert isinstance(est.labels_, da.Array)
    assert np.array_equal(est.labels_.compute(), ref.labels_)
    assert np.array_equal(est.predict(Xd).compute(), ref.predict(X))
    np.testing.assert_allclose(est.transform(Xd).compute(), ref.transform(X), rtol=1e-12)
    assert est.score(Xd) == pytest.approx(ref.score(X), rel=1e-10)
    back = pickle.loads(pickle.dumps(est))  # lazy labels_ computed into the pickle
    assert np.array_equal(back.labels_, ref.labels_)
    assert np.array_equal(back.predict(X), ref.predict(X))
    # sample weights and float32
    w = np.random.default_rng(1).uniform(0.5, 2.0, X.shape[0])
    ref = fc.KMeans(5, init=C0, n_init=1).fit(X, sample_weight=w)
    est = fd.KMeans(5, init=C0).fit(Xd, sample_weight=da.from_array(w, chunks=CHUNKS))
    assert est.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    est32 = fd.KMeans(5, init=C0).fit(Xd.astype(np.float32))
    assert est32.cluster_centers_.dtype == np.float32


def test_kmeans_empty_clusters_relocated_as_single_machine(client):
    """Centres far from every row leave clusters empty: they take the globally
    farthest rows (largest distance first, lowest row on ties), picked per
    partition and merged, exactly as the single-machine loop picks them."""
    X = np.round(_blobs(seed=3), 1)  # rounded: many tied distances
    Xd = da.from_array(X, chunks=CHUNKS + ((6,),))
    C0 = np.vstack([X[[0, 10, 3001]], np.full((3, 6), 1e3), X[[9000]]])
    for max_iter in (1, 20):  # one iteration: the centres are the relocated rows
        ref = fc.KMeans(7, init=C0, n_init=1, max_iter=max_iter).fit(X)
        est = fd.KMeans(7, init=C0, max_iter=max_iter).fit(Xd)
        np.testing.assert_allclose(est.cluster_centers_, ref.cluster_centers_, rtol=1e-10,
                                   atol=1e-12)
        assert np.array_equal(est.labels_.compute(), ref.labels_)
        assert est.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)


def test_kmeans_parallel_init_quality(client):
    X = _blobs(seed=2)
    Xd = da.from_array(X, chunks=(2000, 6))
    est = fd.KMeans(5, random_state=0).fit(Xd)
    ref = fc.KMeans(5, random_state=0, n_init=3).fit(X)
    assert est.inertia_ <= 1.05 * ref.inertia_
    again = fd.KMeans(5, random_state=0).fit(Xd)
    assert np.array_equal(again.cluster_centers_, est.cluster_centers_)  # deterministic
    with pytest.raises(ValueError, match="n_clusters"):
        fd.KMeans(0).fit(Xd)
    with pytest.raises(ValueError, match="should be >= n_clusters"):
        fd.KMeans(20).fit(Xd[:10])


def test_kmeans_plusplus_init(client):
    """init="k-means++": fastml's compiled seeding on rows gathered to the
    client. All rows (n <= init_sample_size): the fit is single-machine
    fastml's, centres and labels, for the same random_state. A sample: the
    centres are kmeans_plusplus of the sampled rows (same draws), and Lloyd
    from them is single-machine fastml's from the same initial centres."""
    X = _blobs(seed=3)
    w = np.random.default_rng(4).uniform(0.5, 2.0, X.shape[0])
    Xd = da.from_array(X, chunks=CHUNKS + ((6,),))
    wd = da.from_array(w, chunks=CHUNKS)
    for sw, swd in [(None, None), (w, wd)]:
        ref = fc.KMeans(5, init="k-means++", n_init=1, random_state=7, max_iter=1).fit(
            X, sample_weight=sw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # max_iter=1 reached
            est = fd.KMeans(5, init="k-means++", random_state=7, max_iter=1).fit(
                Xd, sample_weight=swd)
        np.testing.assert_allclose(est.cluster_centers_, ref.cluster_centers_, rtol=1e-10,
                                   atol=1e-12)
        assert est.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
        assert np.array_equal(est.labels_.compute(), ref.labels_)
    # a sample of 2000 rows
    rng = np.random.RandomState(11)
    idx = np.sort(rng.choice(X.shape[0], size=2000, replace=False))
    C0 = fc.kmeans_plusplus(X[idx], 5, sample_weight=w[idx], random_state=rng)[0]
    for max_iter in [1, 300]:  # one Lloyd step: the result still shows the seeds
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # max_iter=1 reached
            est = fd.KMeans(5, init="k-means++", init_sample_size=2000, random_state=11,
                            max_iter=max_iter).fit(Xd, sample_weight=wd)
        ref = fc.KMeans(5, init=C0, n_init=1, max_iter=max_iter).fit(X, sample_weight=w)
        np.testing.assert_allclose(est.cluster_centers_, ref.cluster_centers_, rtol=1e-10,
                                   atol=1e-12)
        assert est.inertia_ == pytest.approx(ref.inertia_, rel=1e-10)
    est32 = fd.KMeans(5, init="k-means++", random_state=0).fit(Xd.astype(np.float32))
    assert est32.cluster_centers_.dtype == np.float32
    with pytest.raises(ValueError, match="init_sample_size=3 should be >= n_clusters=5"):
        fd.KMeans(5, init="k-means++", init_sample_size=3).fit(Xd)
    with pytest.raises(ValueError, match="init_sample_size"):
        fd.KMeans(5, init="k-means++", init_sample_size=0).fit(Xd)


def _regression(n=12000, p=7, targets=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3, p) + rng.uniform(-5, 5, p)
    W = rng.standard_normal((p,) if targets is None else (p, targets))
    return X, X @ W + 2.0 + 0.1 * rng.standard_normal(W.shape[1:] and (n, W.shape[1]) or n)


@pytest.mark.parametrize("weighted", [False, True])
def test_linear_regression_and_ridge(client, weighted):
    X, y = _regression()
    w = np.random.default_rng(3).uniform(0.1, 3.0, len(y)) if weighted else None
    Xd = da.from_array(X, chunks=CHUNKS + ((7,),))
    yd = da.from_array(y, chunks=CHUNKS)
    wd = None if w is None else da.from_array(w, chunks=CHUNKS)
    for ref, est in [(flm.LinearRegression(), fd.LinearRegression()),
                     (flm.Ridge(alpha=10.0), fd.Ridge(alpha=10.0)),
                     (flm.LinearRegression(fit_intercept=False),
                      fd.LinearRegression(fit_intercept=False))]:
        ref.fit(X, y, sample_weight=w)
        est.fit(Xd, yd, sample_weight=wd)
        np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-10)
        np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(est.predict(Xd).compute(), ref.predict(X), rtol=1e-10)


def test_linear_multi_target_and_tsqr(client):
    X, Y = _regression(targets=3, seed=4)
    Xd = da.from_array(X, chunks=(2500, 7))
    Yd = da.from_array(Y, chunks=(2500, 3))
    ref = flm.LinearRegression().fit(X, Y)
    est = fd.LinearRegression().fit(Xd, Yd)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-10)
    tsqr = fd.LinearRegression(solver="tsqr").fit(Xd, Yd)
    np.testing.assert_allclose(tsqr.coef_, ref.coef_, rtol=1e-9)
    # ill-conditioned: two nearly collinear columns -> the TSQR fallback
    rng = np.random.default_rng(5)
    A = rng.standard_normal((6000, 4))
    A = np.column_stack([A, A[:, 0] + 1e-9 * rng.standard_normal(6000)])
    y = A[:, :4] @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.01 * rng.standard_normal(6000)
    ref = flm.LinearRegression(solver="lstsq").fit(A, y)
    est = fd.LinearRegression().fit(da.from_array(A, chunks=(1500, 5)),
                                    da.from_array(y, chunks=1500))
    np.testing.assert_allclose(est.predict(A), ref.predict(A), rtol=1e-6, atol=1e-6)
    rr = fd.Ridge(alpha=1.0, solver="tsqr").fit(da.from_array(A, chunks=(1500, 5)),
                                                da.from_array(y, chunks=1500))
    np.testing.assert_allclose(rr.coef_, flm.Ridge(alpha=1.0).fit(A, y).coef_, rtol=1e-7)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_regression(client, n_classes):
    rng = np.random.default_rng(6)
    X = rng.standard_normal((8000, 5))
    z = X @ rng.standard_normal((5, n_classes)) + 0.5 * rng.standard_normal((8000, n_classes))
    y = np.argmax(z, axis=1)
    kw = dict(C=0.5, tol=1e-12, max_iter=500)
    # the optimum (single-machine exact Newton; single-machine L-BFGS stops
    # ~1e-8 short of it, see test_logistic.py)
    ref = flm.LogisticRegression(solver="newton-cholesky", **kw).fit(X, y)
    ddf = dd.from_pandas(pd.DataFrame(X, columns=list("abcde")), npartitions=5)
    ys = dd.from_pandas(pd.Series(y), npartitions=5)
    est = fd.LogisticRegression(**kw).fit(ddf, ys)
    scale = np.abs(ref.coef_).max()
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-10, atol=1e-10 * scale)
    P = est.predict_proba(ddf)
    assert isinstance(P, dd.DataFrame)
    np.testing.assert_allclose(P.compute().to_numpy(), ref.predict_proba(X), atol=1e-7)
    pred = est.predict(ddf)
    assert isinstance(pred, dd.Series)
    assert np.array_equal(pred.compute().to_numpy(),
                          est.predict(pd.DataFrame(X, columns=list("abcde"))))
    with pytest.raises(ValueError, match="lbfgs"):
        fd.LogisticRegression(solver="saga").fit(ddf, ys)


def test_logistic_class_and_sample_weights(client):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((5000, 4))
    y = (X[:, 0] + 0.5 * rng.standard_normal(5000) > 0.8).astype(int)
    w = rng.uniform(0.5, 2, 5000)
    kw = dict(class_weight="balanced", tol=1e-12, max_iter=500)
    ref = flm.LogisticRegression(solver="newton-cholesky", **kw).fit(X, y, sample_weight=w)
    est = fd.LogisticRegression(**kw).fit(da.from_array(X, chunks=(1000, 4)),
                                          da.from_array(y, chunks=1000),
                                          sample_weight=da.from_array(w, chunks=1000))
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-10)


@pytest.mark.parametrize("solver", ["covariance_eigh", "tsqr"])
def test_pca(client, solver):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((12000, 6)) @ rng.standard_normal((6, 6)) + 3.0
    Xd = da.from_array(X, chunks=CHUNKS + ((6,),))
    for nc in [3, None, 0.9]:
        ref = fdec.PCA(nc, svd_solver="covariance_eigh").fit(X)
        est = fd.PCA(nc, svd_solver=solver).fit(Xd)
        assert est.n_components_ == ref.n_components_
        np.testing.assert_allclose(est.components_, ref.components_, rtol=1e-9, atol=1e-10)
        np.testing.assert_allclose(est.explained_variance_, ref.explained_variance_,
                                   rtol=1e-10)
        np.testing.assert_allclose(est.singular_values_, ref.singular_values_, rtol=1e-10)
        assert est.noise_variance_ == pytest.approx(ref.noise_variance_, rel=1e-9, abs=1e-12)
        np.testing.assert_allclose(est.transform(Xd).compute(), ref.transform(X),
                                   rtol=1e-8, atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = est.inverse_transform(est.transform(Xd)).compute()
    np.testing.assert_allclose(back, ref.inverse_transform(ref.transform(X)), atol=1e-8)


def test_farthest_rows_selection_matches_full_sort():
    """The per-partition farthest-row pick (linear-time selection) equals a full
    sort by (-distance, row), ties included."""
    from fastml.dask._kmeans import _farthest

    rng = np.random.default_rng(0)
    for m in (rng.random(1000), np.round(rng.random(1000), 1), np.zeros(5),
              np.round(rng.random(20000), 2)):
        for k in (1, 3, 8, 20):
            assert np.array_equal(_farthest(m, k), np.lexsort((np.arange(m.size), -m))[:k])
