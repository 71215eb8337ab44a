"""fastml.neighbors.LSH: exact when every row shares the query's bucket,
useful recall on clustered data, add, pickling, errors."""
import pickle

import numpy as np
import pytest

from fastml.exceptions import InvalidParameterError
from fastml.neighbors import LSH


def clusters(rng, n, d, k=16):
    centres = rng.normal(0, 4, size=(k, d))
    return centres[rng.integers(0, k, n)] + rng.standard_normal((n, d))


def brute(X, Q, k, metric):
    if metric == "cosine":
        Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
        D = 1.0 - (Q / np.linalg.norm(Q, axis=1, keepdims=True)) @ Xn.T
    else:
        D = ((Q[:, None] - X[None]) ** 2).sum(-1)
        D = np.sqrt(D) if metric == "euclidean" else D
    order = np.lexsort((np.broadcast_to(np.arange(X.shape[0]), D.shape), D), axis=1)[:, :k]
    return np.take_along_axis(D, order, 1), order


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean"])
def test_one_bucket_is_exact(rng, metric):
    X, Q = clusters(rng, 300, 6), clusters(rng, 20, 6)
    est = LSH(n_neighbors=4, metric=metric, bucket_width=1e9, n_tables=1, n_bits=2,
              random_state=0).fit(X)
    d, i = est.kneighbors(Q)
    od, oi = brute(X, Q, 4, metric)
    np.testing.assert_array_equal(i, oi)
    np.testing.assert_allclose(d, od, rtol=1e-12)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_recall_on_clusters(rng, metric):
    X, Q = clusters(rng, 4000, 16), clusters(rng, 100, 16)
    est = LSH(n_neighbors=10, metric=metric, n_tables=24, n_bits=2 if metric == "euclidean"
              else 6, random_state=0).fit(X)
    _, oi = brute(X, Q, 10, metric)
    ind = est.kneighbors(Q, return_distance=False)
    rec = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ind, oi)])
    assert rec > 0.8


def test_add_train_queries_pickle(rng):
    X = clusters(rng, 500, 5)
    est = LSH(n_neighbors=3, bucket_width=1e9, n_tables=2, random_state=0).fit(X[:300])
    est.add(X[300:])
    assert est.n_samples_fit_ == 500
    d, i = est.kneighbors()
    np.testing.assert_array_equal(i, brute(X, X, 4, "euclidean")[1][:, 1:])
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.kneighbors(X[:5])[1], est.kneighbors(X[:5])[1])
    G = est.kneighbors_graph(X[:7], mode="distance")
    assert G.shape == (7, 500) and G.nnz == 21


def test_errors(rng):
    X = clusters(rng, 50, 3)
    with pytest.raises(InvalidParameterError, match="n_bits"):
        LSH(n_bits=0).fit(X)
    with pytest.raises(InvalidParameterError, match="metric"):
        LSH(metric="ip").fit(X)
    est = LSH(random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        est.kneighbors(X[:, :2])
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        est.kneighbors(X, 51)
