"""Dask arrays whose blocks are scipy.sparse CSR matrices: LinearRegression,
Ridge and LogisticRegression (reduced Gram matrices / CSR loss) against
single-machine fastml on the same data, ParallelPostFit predictions against
in-memory predictions, and exact kNN (fastml's sparse brute force per
partition) against single-machine fastml on the whole sparse matrix."""
import numpy as np
import pytest

da = pytest.importorskip("dask.array")
sp = pytest.importorskip("scipy.sparse")

import fastml.dask as fd  # noqa: E402
import fastml.linear_model as flm  # noqa: E402
import fastml.neighbors as fnb  # noqa: E402

CHUNKS = (1500, 0, 2200, 9, 2291)  # uneven, with an empty partition


def _sparse_xy(n=6000, p=8, seed=0, density=0.35):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=seed,
                  data_rvs=lambda k: rng.standard_normal(k) * 2.0 + 1.0)
    y = X @ rng.standard_normal(p) + 1.5 + 0.1 * rng.standard_normal(n)
    return X, y


def _sparse_dask(X, chunks=CHUNKS):
    Xd = da.from_array(X, chunks=(chunks, (X.shape[1],)), asarray=False)
    assert sp.issparse(Xd._meta) and sp.issparse(Xd.blocks[0].compute())
    return Xd


@pytest.mark.parametrize("weighted", [False, True])
def test_linear_models_on_sparse_blocks(client, weighted):
    X, y = _sparse_xy()
    w = np.random.default_rng(3).uniform(0.1, 3.0, len(y)) if weighted else None
    Xd, yd = _sparse_dask(X), da.from_array(y, chunks=(CHUNKS,))
    wd = None if w is None else da.from_array(w, chunks=(CHUNKS,))
    dense = X.toarray()
    for ref, est in [(flm.LinearRegression(), fd.LinearRegression()),
                     (flm.Ridge(alpha=3.0), fd.Ridge(alpha=3.0)),
                     (flm.LinearRegression(fit_intercept=False),
                      fd.LinearRegression(fit_intercept=False)),
                     (flm.Ridge(alpha=0.5, fit_intercept=False),
                      fd.Ridge(alpha=0.5, fit_intercept=False))]:
        ref.fit(dense, y, sample_weight=w)  # exact single-machine solve of the same data
        est.fit(Xd, yd, sample_weight=wd)
        np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-10)
        np.testing.assert_allclose(est.intercept_, ref.intercept_, rtol=1e-10, atol=1e-12)
        pred = est.predict(Xd)
        assert isinstance(pred, da.Array)
        np.testing.assert_allclose(pred.compute(), ref.predict(dense), rtol=1e-10,
                                   atol=1e-12)
    # an in-memory sparse matrix is split in CSR blocks; TSQR densifies block by block
    est = fd.LinearRegression().fit(X, y)
    np.testing.assert_allclose(est.coef_, flm.LinearRegression().fit(dense, y).coef_,
                               rtol=1e-10)
    tsqr = fd.Ridge(alpha=3.0, solver="tsqr").fit(Xd, yd)
    np.testing.assert_allclose(tsqr.coef_, flm.Ridge(alpha=3.0).fit(dense, y).coef_,
                               rtol=1e-9)
    # single-machine sparse LinearRegression (LSQR to its tol) agrees to that tol
    lsqr = flm.LinearRegression(tol=1e-12).fit(X, y)
    np.testing.assert_allclose(est.coef_, lsqr.coef_, rtol=1e-7)


def test_sparse_blocks_from_map_blocks_and_bad_values(client):
    X, y = _sparse_xy(seed=4)
    Xd = da.from_array(X.toarray(), chunks=(1000, 8)).map_blocks(sp.csr_matrix)
    est = fd.Ridge(alpha=1.0).fit(Xd, da.from_array(y, chunks=1000))
    np.testing.assert_allclose(est.coef_, flm.Ridge(alpha=1.0).fit(X.toarray(), y).coef_,
                               rtol=1e-10)
    bad = X.copy()
    bad.data[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fd.LinearRegression().fit(_sparse_dask(bad), da.from_array(y, chunks=(CHUNKS,)))


def test_logistic_on_sparse_blocks(client):
    X, y = _sparse_xy(seed=5)
    labels = np.digitize(y, np.quantile(y, [0.3, 0.7]))  # 3 classes
    Xd, yd = _sparse_dask(X), da.from_array(labels, chunks=(CHUNKS,))
    ref = flm.LogisticRegression(solver="newton-cholesky", C=0.7, tol=1e-12).fit(
        X.toarray(), labels)
    est = fd.LogisticRegression(C=0.7, tol=1e-12, max_iter=300).fit(Xd, yd)
    th = np.concatenate([est.coef_.ravel(), est.intercept_])
    tr = np.concatenate([ref.coef_.ravel(), ref.intercept_])
    assert np.max(np.abs(th - tr)) <= 1e-10 * np.max(np.abs(tr))
    P = est.predict_proba(Xd).compute()
    np.testing.assert_allclose(P, ref.predict_proba(X.toarray()), rtol=1e-9, atol=1e-12)


def test_parallel_post_fit_on_sparse_blocks(client):
    X, y = _sparse_xy(seed=6)
    labels = (y > np.median(y)).astype(int)
    Xd = _sparse_dask(X)
    for inner, method, target in [(flm.Ridge(alpha=2.0), "predict", y),
                                  (flm.LogisticRegression(), "predict_proba", labels),
                                  (flm.LogisticRegression(), "predict", labels)]:
        ref = inner.fit(X, target)  # in memory, on the sparse matrix
        wrap = fd.ParallelPostFit(inner).fit(Xd, da.from_array(target, chunks=(CHUNKS,)))
        np.testing.assert_allclose(wrap.estimator_.coef_, ref.coef_, rtol=1e-12)
        out = getattr(wrap, method)(Xd)
        assert isinstance(out, da.Array)
        np.testing.assert_allclose(out.compute(), getattr(ref, method)(X), rtol=1e-12,
                                   atol=1e-14)


def _same_knn(d1, i1, d0, i0, X, Q, metric):
    """Bit for bit; for cosine the distances bit for bit and the neighbours
    an exact answer: fastml's sparse cosine clamps 1 - cos at 0 after ranking
    by the unclamped value, so rows in the same direction as the query all
    report 0 but are ranked by rounding noise on one machine, by index here."""
    assert np.array_equal(d1, d0)
    if metric != "cosine":
        assert np.array_equal(i1, i0)
        return
    Xn = X.toarray() / np.maximum(np.linalg.norm(X.toarray(), axis=1), 1e-300)[:, None]
    Qa = Q.toarray() if sp.issparse(Q) else Q
    Qn = Qa / np.maximum(np.linalg.norm(Qa, axis=1), 1e-300)[:, None]
    true = np.maximum(1.0 - np.einsum("ij,ikj->ik", Qn, Xn[i1]), 0.0)
    np.testing.assert_allclose(true, d1, atol=1e-12)  # each listed row is that far
    differ = (i1 != i0).any(axis=1)
    assert differ.mean() < 0.05  # only at exact (clamped) ties
    for r in np.flatnonzero(differ):
        last = d0[r, -1]
        assert set(i1[r][d1[r] < last]) == set(i0[r][d0[r] < last])


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine"])
def test_knn_on_sparse_blocks(client, metric):
    rng = np.random.default_rng(7)
    X = sp.random(5000, 12, density=0.3, format="csr", random_state=7,
                  data_rvs=lambda k: rng.integers(-3, 4, k).astype(np.float64))  # many ties
    Q = sp.random(700, 12, density=0.3, format="csr", random_state=8,
                  data_rvs=lambda k: rng.integers(-3, 4, k).astype(np.float64))
    Xd = _sparse_dask(X, chunks=(1200, 0, 1800, 5, 1995))
    Qd = _sparse_dask(Q, chunks=(300, 400))
    ref = fnb.NearestNeighbors(n_neighbors=6, metric=metric).fit(X)
    est = fd.NearestNeighbors(n_neighbors=6, metric=metric).fit(Xd)
    for q, qd in [(Q, Qd), (Q, Q), (Q.toarray(), Q.toarray())]:
        d0, i0 = ref.kneighbors(q)
        d1, i1 = est.kneighbors(qd)
        d1, i1 = (d1.compute(), i1.compute()) if isinstance(d1, da.Array) else (d1, i1)
        _same_knn(d1, i1, d0, i0, X, Q, metric)
    d0, i0 = ref.kneighbors()  # X=None: each training row without itself
    d1, i1 = est.kneighbors()
    _same_knn(d1.compute(), i1.compute(), d0, i0, X, X, metric)
    r = float(np.median(d0[:, 2]))
    rd0, ri0 = ref.radius_neighbors(Q, r, sort_results=True)
    rd1, ri1 = est.radius_neighbors(Qd, r, sort_results=True)
    assert all(np.array_equal(a, b) for a, b in zip(ri1, ri0))
    assert all(np.array_equal(a, b) for a, b in zip(rd1, rd0))
    # classifier: the vote over the exact global neighbours
    labels = np.asarray(X.sum(axis=1)).ravel() > 0
    clf = fd.KNeighborsClassifier(5, metric=metric).fit(Xd, da.from_array(
        labels, chunks=(Xd.chunks[0],)))
    refc = fnb.KNeighborsClassifier(5, metric=metric).fit(X, labels)
    assert np.array_equal(clf.predict(Qd).compute(), refc.predict(Q))
    np.testing.assert_array_equal(clf.predict_proba(Qd).compute(), refc.predict_proba(Q))


def test_knn_sparse_errors(client):
    X = sp.random(200, 4, density=0.5, format="csr", random_state=1)
    Xd = _sparse_dask(X, chunks=(100, 100))
    with pytest.raises(ValueError, match="not valid for sparse input"):
        fd.NearestNeighbors(metric="chebyshev").fit(Xd)
    with pytest.warns(UserWarning, match="brute force"):
        est = fd.NearestNeighbors(n_neighbors=3, algorithm="kd_tree").fit(Xd)
    assert np.array_equal(est.kneighbors(X)[1],
                          fnb.NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)[1])
