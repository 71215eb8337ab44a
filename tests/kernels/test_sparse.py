"""sparse family: the CSR/CSC kernels against the NumPy twin (reference/sparse.py)
and scipy, over float32/float64 values x int32/int64 indices, tail sizes, empty
rows, read-only buffers and thread counts."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from fastml._kernels import sparse as ks  # noqa: E402
from fastml._kernels.reference import sparse as ref  # noqa: E402
from fastml.utils._testing import same_under_thread_counts  # noqa: E402

DTYPES = [np.float32, np.float64]
IDX = [np.int32, np.int64]


def _csr(rng, n, d, density, dtype, idx, empty_rows=True):
    X = sp.random(n, d, density=density, format="csr", dtype=np.float64,
                  random_state=np.random.RandomState(int(rng.integers(1 << 30))))
    X.data = rng.standard_normal(X.nnz)
    X = X.astype(dtype)
    if empty_rows and n > 3:
        X = X.tolil()
        X[1, :] = 0
        X = X.tocsr()
        X.eliminate_zeros()
    X.indices = X.indices.astype(idx)
    X.indptr = X.indptr.astype(idx)
    X.sort_indices()
    return X


def _tol(dtype):
    return dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("idx", IDX)
@pytest.mark.parametrize("n,d", [(1, 1), (7, 9), (17, 15), (33, 1023)])
def test_row_norms_dot_and_gram_match_twin_and_scipy(rng, dtype, idx, n, d):
    Q = _csr(rng, n, d, 0.3, dtype, idx)
    X = _csr(rng, 9, d, 0.3, dtype, idx)
    for kind in ("sq", "l1", "max"):
        got = ks.row_norms(Q, kind)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, ref.row_norms(Q, kind), **_tol(dtype))
    Qd = Q.toarray().astype(np.float64)
    np.testing.assert_allclose(ks.row_norms(Q, "sq"), (Qd * Qd).sum(1), **_tol(dtype))
    B = rng.standard_normal((d, 5)).astype(dtype)
    np.testing.assert_allclose(ks.csr_dense(Q, B), Qd @ B, **_tol(dtype))
    np.testing.assert_allclose(ks.csr_dense(Q, B), ref.csr_dense(Q, B), **_tol(dtype))
    G = ks.gram(Q, X.tocsc())
    assert G.dtype == dtype and G.shape == (n, 9)
    np.testing.assert_allclose(G, Qd @ X.toarray().T, **_tol(dtype))
    np.testing.assert_allclose(G, ref.gram(Q, X.tocsc()), **_tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("idx", IDX)
@pytest.mark.parametrize("metric", ["manhattan", "chebyshev", "sqeuclidean"])
def test_pairwise_merge_matches_twin(rng, dtype, idx, metric):
    Q = _csr(rng, 13, 40, 0.2, dtype, idx)
    X = _csr(rng, 17, 40, 0.2, dtype, idx)
    got = ks.pairwise(Q, X, metric)
    np.testing.assert_allclose(got, ref.pairwise(Q, X, metric), **_tol(dtype))
    same = ks.pairwise(Q, Q, metric)
    np.testing.assert_array_equal(np.diag(same), 0)  # a merge of a row with itself is exact


def _knn(Q, X, k, metric):
    if metric == "cosine":
        Q, X = _unit(Q), _unit(X)
    xs = ks.row_norms(X, "l1" if metric == "manhattan" else "sq")
    return ks.knn(Q, X, X.tocsc(), xs, k, metric), (Q, X, xs)


def _unit(A):
    A = A.copy()
    nrm = np.sqrt(np.asarray(A.multiply(A).sum(axis=1), dtype=np.float64)).ravel()
    nrm[nrm == 0] = 1
    A.data = (A.data / np.repeat(nrm, np.diff(A.indptr))).astype(A.dtype)
    return A


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("idx", IDX)
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "manhattan", "cosine"])
@pytest.mark.parametrize("k", [1, 5, 40])
def test_knn_matches_twin(rng, dtype, idx, metric, k):
    Q = _csr(rng, 23, 60, 0.1, dtype, idx)
    X = _csr(rng, 97, 60, 0.1, dtype, idx)
    (dist, ind), (Qn, Xn, xs) = _knn(Q, X, k, metric)
    od, oi = ref.knn(Qn, Xn, Xn.tocsc(), xs, k, metric)
    assert dist.dtype == dtype and ind.dtype == np.int64 and ind.shape == (23, k)
    np.testing.assert_allclose(dist, od, **_tol(dtype))
    if dtype == np.float64:
        np.testing.assert_array_equal(ind, oi)
    # ties (rows with no shared column, empty rows) go to the lower index
    for i in range(len(dist)):
        for c in range(k - 1):
            assert dist[i, c] < dist[i, c + 1] or ind[i, c] < ind[i, c + 1] or \
                dtype == np.float32


def test_knn_duplicates_have_exact_zero_distance(rng):
    X = _csr(rng, 50, 30, 0.2, np.float64, np.int32)
    (dist, ind), _ = _knn(X, X, 3, "euclidean")
    assert (dist[:, 0] == 0).all()
    np.testing.assert_array_equal(ind[:, 0][X.getnnz(axis=1) > 0],
                                  np.flatnonzero(X.getnnz(axis=1) > 0))


def test_knn_near_ties_are_ranked_by_exact_distance():
    # keys by the expansion ||x||^2 - 2 q.x lose the 1e-9 differences at norm 1e4;
    # the exact merge keeps them: the nearest is the one 1e-9 closer
    base = 1e4
    X = sp.csr_matrix(np.array([[base, 0, 1.0 + 2e-9], [base, 0, 1.0 + 1e-9],
                                [base, 0, 1.0 + 3e-9]]))
    Q = sp.csr_matrix(np.array([[base, 0, 1.0]]))
    (dist, ind), _ = _knn(Q, X, 3, "sqeuclidean")
    np.testing.assert_array_equal(ind[0], [1, 0, 2])


@pytest.mark.parametrize("idx", IDX)
def test_class_sums_match_twin(rng, idx):
    X = _csr(rng, 41, 23, 0.3, np.float64, idx)
    cls = rng.integers(0, 4, 41)
    w = rng.random(41)
    for ww in (None, w):
        got = ks.class_sums(X, cls, 4, ww)
        np.testing.assert_allclose(got, ref.class_sums(X, cls, 4, ww), rtol=1e-13)
    Y = np.eye(4)[cls] * w[:, None]
    np.testing.assert_allclose(ks.class_sums(X, cls, 4, w), Y.T @ X.toarray(), rtol=1e-12)


@pytest.mark.parametrize("idx", IDX)
def test_class_sums_lanes_are_thread_count_independent(rng, idx):
    # large enough for the fixed row lanes (nnz >= 48 x classes x columns): the
    # same bits on 1, 2 and 3 threads, equal to the dense product (mixed-sign
    # weights, as in a logistic gradient X^T d)
    from fastml._kernels import _threads

    X = _csr(rng, 3001, 40, 0.5, np.float64, idx)
    for k in (1, 3):
        cls = rng.integers(0, k, 3001)
        w = rng.standard_normal(3001)
        outs = []
        for t in (1, 2, 3):
            with _threads.scope(t):
                outs.append(ks.class_sums(X, cls, k, w))
        np.testing.assert_array_equal(outs[0], outs[1])
        np.testing.assert_array_equal(outs[0], outs[2])
        Y = np.eye(k)[cls] * w[:, None]
        np.testing.assert_allclose(outs[0], Y.T @ X.toarray(), rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("idx", IDX)
@pytest.mark.parametrize("centre,scale", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("positive", [False, True])
def test_enet_cd_matches_dense_twin(rng, idx, centre, scale, positive):
    X = _csr(rng, 60, 25, 0.2, np.float64, idx).tocsc()
    X.indices, X.indptr = X.indices.astype(idx), X.indptr.astype(idx)
    y = rng.standard_normal(60)
    mu = np.asarray(X.mean(axis=0)).ravel() if centre else None
    r = np.sqrt(rng.random(60) + 0.5) if scale else None
    Xs = X.copy()
    if r is not None:
        Xs = sp.csc_matrix(sp.diags(r) @ X)
        Xs.indices, Xs.indptr = Xs.indices.astype(idx), Xs.indptr.astype(idx)
    w1, w2 = np.zeros(25), np.zeros(25)
    it1, g1 = ks.enet_cd(w1, Xs, mu, r, y, 2.0, 0.5, 500, 1e-10, positive)
    it2, g2 = ref.enet_cd(w2, Xs, mu, r, y, 2.0, 0.5, 500, 1e-10, positive)
    np.testing.assert_allclose(w1, w2, rtol=1e-7, atol=1e-9)
    assert g1 <= 1e-10 * (y @ y) and it1 <= 500
    # selection="random" (scikit-learn's order from a seed; the compiled kernel
    # draws among the features its screening keeps): the same optimum
    w3, w4 = np.zeros(25), np.zeros(25)
    it3, g3 = ks.enet_cd(w3, Xs, mu, r, y, 2.0, 0.5, 5000, 1e-10, positive, True, 7)
    it4, g4 = ref.enet_cd(w4, Xs, mu, r, y, 2.0, 0.5, 5000, 1e-10, positive, True, 7)
    assert g3 <= 1e-10 * (y @ y) and g4 <= 1e-10 * (y @ y)
    np.testing.assert_allclose(w3, w1, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(w4, w1, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("idx", IDX)
def test_enet_cd_random_order_without_screening_matches_twin(rng, idx):
    """l1 = 0 (no screening): every sweep draws among all p features, the twin's
    sequence, so a few random sweeps give the twin's iterate."""
    X = _csr(rng, 50, 12, 0.3, np.float64, idx).tocsc()
    X.indices, X.indptr = X.indices.astype(idx), X.indptr.astype(idx)
    y = rng.standard_normal(50)
    mu = np.asarray(X.mean(axis=0)).ravel()
    w1, w2 = np.zeros(12), np.zeros(12)
    ks.enet_cd(w1, X, mu, None, y, 0.0, 0.7, 3, 0.0, False, True, 99)
    ref.enet_cd(w2, X, mu, None, y, 0.0, 0.7, 3, 0.0, False, True, 99)
    np.testing.assert_allclose(w1, w2, rtol=1e-10, atol=1e-12)
    w3 = np.zeros(12)
    ks.enet_cd(w3, X, mu, None, y, 0.0, 0.7, 3, 0.0, False)
    assert not np.allclose(w1, w3)


def test_read_only_inputs(rng):
    Q = _csr(rng, 20, 30, 0.2, np.float64, np.int32)
    X = _csr(rng, 40, 30, 0.2, np.float64, np.int32)
    expect = _knn(Q, X, 4, "euclidean")[0]
    for m in (Q, X):
        for a in (m.data, m.indices, m.indptr):
            a.flags.writeable = False
    got = _knn(Q, X, 4, "euclidean")[0]
    for a, b in zip(got, expect):
        np.testing.assert_array_equal(a, b)


def test_thread_count_independent(rng):
    Q = _csr(rng, 300, 400, 0.02, np.float64, np.int64)
    X = _csr(rng, 2000, 400, 0.02, np.float64, np.int64)
    Xc = X.tocsc()
    same_under_thread_counts(lambda: _knn(Q, X, 7, "manhattan")[0])
    same_under_thread_counts(lambda: (ks.gram(Q, Xc), ks.pairwise(Q, X[:200], "manhattan"),
                                      ks.row_norms(X, "sq")))


def test_empty_inputs(rng):
    Q = sp.csr_matrix((0, 5))
    X = _csr(rng, 6, 5, 0.5, np.float64, np.int32)
    d, i = _knn(Q, X, 2, "euclidean")[0]
    assert d.shape == (0, 2) and i.shape == (0, 2)
    Z = sp.csr_matrix((4, 5))  # no stored entries at all
    d, i = _knn(Z, X, 2, "sqeuclidean")[0]
    np.testing.assert_allclose(d, np.sort(ks.row_norms(X, "sq"))[None, :2].repeat(4, 0))
    assert ks.gram(Z, X.tocsc()).sum() == 0


def test_mixed_index_dtypes(rng):
    Q = _csr(rng, 15, 40, 0.2, np.float64, np.int64)
    X = _csr(rng, 60, 40, 0.2, np.float64, np.int32)
    for a, b in ((Q, X), (X[:15], Q.tocsr())):
        (d1, i1), (An, Bn, xs) = _knn(a, b, 4, "euclidean")
        d2, i2 = ref.knn(An, Bn, Bn.tocsc(), xs, 4, "euclidean")
        np.testing.assert_allclose(d1, d2, rtol=1e-11, atol=1e-11)
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_allclose(ks.gram(a, b.tocsc()), a.toarray() @ b.toarray().T,
                                   rtol=1e-12)


_SGD_CASES = [("hinge", "l2", "optimal"), ("log_loss", "elasticnet", "invscaling"),
              ("squared_error", "l1", "constant"), ("huber", None, "invscaling"),
              ("modified_huber", "l2", "optimal"), ("squared_hinge", "l1", "optimal"),
              ("epsilon_insensitive", "elasticnet", "constant"),
              ("squared_epsilon_insensitive", "l2", "invscaling")]


def _sgd_run(fn, X, y, sw, order, loss, penalty, schedule, decay, epochs=3):
    p = X.shape[1]
    w, q, state = np.zeros(p), np.zeros(p), np.array([1.0, 0.0, 1.0, 0.0])
    losses = [fn(w, q, state, X, y, sw, order, loss, 0.1, penalty, 0.01, 0.3, schedule, 0.05,
                 0.5, 2.0, True, decay) for _ in range(epochs)]
    return w, q, state, losses


@pytest.mark.parametrize("idx", IDX)
@pytest.mark.parametrize("loss,penalty,schedule", _SGD_CASES)
def test_sgd_epoch_matches_twin(rng, idx, loss, penalty, schedule):
    X = _csr(rng, 41, 17, 0.3, np.float64, idx)
    y = np.where(rng.random(41) > 0.5, 1.0, -1.0)
    sw = rng.random(41) + 0.5
    order = rng.permutation(41).astype(np.int64)
    got = _sgd_run(ks.sgd_epoch, X, y, sw, order, loss, penalty, schedule, 0.01)
    want = _sgd_run(ref.sgd_epoch, X, y, sw, order, loss, penalty, schedule, 0.01)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("penalty", [None, "l2"])
def test_sgd_epoch_equals_dense_epoch_without_l1(rng, penalty):
    # without L1 (whose truncation is lazy on sparse rows) and with the full
    # intercept step, the sparse epoch is the dense one on X.toarray()
    from fastml._kernels import sgd as kd

    X = _csr(rng, 50, 12, 0.4, np.float64, np.int32)
    y = rng.standard_normal(50)
    sw = np.ones(50)
    order = rng.permutation(50).astype(np.int64)
    got = _sgd_run(ks.sgd_epoch, X, y, sw, order, "squared_error", penalty, "invscaling", 1.0)
    p = X.shape[1]
    w, q, state = np.zeros(p), np.zeros(p), np.array([1.0, 0.0, 1.0, 0.0])
    Xd = np.ascontiguousarray(X.toarray())
    losses = [kd.sgd_epoch(w, q, state, Xd, y, sw, order, "squared_error", 0.1, penalty, 0.01,
                           0.3, "invscaling", 0.05, 0.5, 2.0, True) for _ in range(3)]
    np.testing.assert_allclose(got[0], w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[2], state, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[3], losses, rtol=1e-10)


def test_sgd_epoch_read_only_and_empty_rows(rng):
    X = _csr(rng, 30, 8, 0.3, np.float64, np.int32)  # row 1 is empty
    y = np.where(rng.random(30) > 0.5, 1.0, -1.0)
    sw = np.ones(30)
    order = np.arange(30, dtype=np.int64)
    want = _sgd_run(ks.sgd_epoch, X, y, sw, order, "hinge", "l1", "optimal", 0.01)
    for a in (X.data, X.indices, X.indptr, y, sw, order):
        a.flags.writeable = False
    got = _sgd_run(ks.sgd_epoch, X, y, sw, order, "hinge", "l1", "optimal", 0.01)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)
