"""scipy.sparse paths: fastml vs scikit-learn on the same sparse data, same
run, same thread count (benchmarks/conftest.py pins it; n_jobs is set too).

Data (issue targets, fastml at least as fast as scikit-learn, nothing
densified): a TF-IDF-like CSR matrix, 20 000 x 50 000 at 0.5% density
(Poisson counts through TfidfTransformer: sublinear tf, idf, l2 rows);
kNN queries its first 2 000 rows, k = 10, brute force; Lasso fits a
continuous target on it; LogisticRegression (lbfgs, C=1) fits a binary
target from a sparse linear score on it, and Ridge (sparse_cg, the "auto"
solver for sparse X) and SGDClassifier (hinge, 10 epochs) the same
continuous / binary targets; MultinomialNB fits 100 000 x 50 000 Poisson
counts at 0.2% density, 20 classes, then predicts them.

    python -m pytest benchmarks/bench_sparse.py --benchmark-only \\
        --benchmark-columns=min,median --benchmark-sort=name
    python benchmarks/bench_sparse.py     # interleaved ratios, min of 3
"""
import os
import sys
import time

import numpy as np
import pytest
import scipy.sparse as sp


def counts(n, d, density, seed):
    """CSR (n, d) of Poisson counts (1 + Poisson(1.5)) at random positions, about
    `density` of them (a few duplicates merge); vectorised (sp.random samples
    positions without replacement, which takes minutes at this size)."""
    rng = np.random.default_rng(seed)
    per_row = rng.binomial(d, density, n)
    rows = np.repeat(np.arange(n), per_row)
    cols = rng.integers(0, d, rows.size)
    vals = rng.poisson(1.5, rows.size) + 1.0
    X = sp.csr_matrix((vals, (rows, cols)), shape=(n, d))
    X.sum_duplicates()
    return X


def tfidf(n=20000, d=50000, density=0.005, seed=0):
    from sklearn.feature_extraction.text import TfidfTransformer

    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts(n, d, density, seed))
    return sp.csr_matrix(X, dtype=np.float64)


def lasso_target(X, seed=1):
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    hot = rng.choice(X.shape[1], 200, replace=False)
    w[hot] = rng.standard_normal(200) * 5
    return X @ w + 0.01 * rng.standard_normal(X.shape[0])


def logistic_target(X, seed=2):
    """Binary labels from a sparse linear score (with 10% label noise)."""
    rng = np.random.default_rng(seed)
    s = lasso_target(X, seed)
    y = (s > np.median(s)).astype(np.int64)
    flip = rng.random(y.shape[0]) < 0.1
    y[flip] = 1 - y[flip]
    return y


def _sizes(small):
    return dict(knn=(400, 2000, 40, 0.05), nb=(2000, 1000, 0.02), lasso=(400, 2000, 0.05)) \
        if small else dict(knn=(20000, 50000, 2000, 0.005), nb=(100000, 50000, 0.002),
                           lasso=(20000, 50000, 0.005))


@pytest.fixture(scope="module")
def data(request):
    pytest.importorskip("sklearn")  # TfidfTransformer makes the data
    s = _sizes(request.config.getoption("benchmark_disable"))
    n, d, nq, dens = s["knn"]
    X = tfidf(n, d, dens)
    nb_n, nb_d, nb_dens = s["nb"]
    C = counts(nb_n, nb_d, nb_dens, 3)
    yc = np.random.default_rng(4).integers(0, 20, nb_n)
    return {"X": X, "Q": X[:nq], "y": lasso_target(X), "C": C, "yc": yc,
            "yb": logistic_target(X)}


def _knn_fastml(X, Q, threads):
    from fastml.neighbors import NearestNeighbors

    return NearestNeighbors(n_neighbors=10, algorithm="brute", n_jobs=threads).fit(X) \
        .kneighbors(Q)


def _knn_sklearn(X, Q, threads):
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(n_neighbors=10, algorithm="brute", n_jobs=threads).fit(X) \
        .kneighbors(Q)


def _nb_fastml(C, y, threads):
    from fastml.naive_bayes import MultinomialNB

    return MultinomialNB().fit(C, y).predict(C)


def _nb_sklearn(C, y, threads):
    from sklearn.naive_bayes import MultinomialNB

    return MultinomialNB().fit(C, y).predict(C)


def _lasso_fastml(X, y, threads):
    from fastml.linear_model import Lasso

    return Lasso(alpha=1e-4, max_iter=1000, tol=1e-4).fit(X, y).coef_


def _lasso_sklearn(X, y, threads):
    from sklearn.linear_model import Lasso

    return Lasso(alpha=1e-4, max_iter=1000, tol=1e-4).fit(X, y).coef_


def _logistic_fastml(X, y, threads):
    from fastml.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=1000, n_jobs=threads).fit(X, y).coef_


def _logistic_sklearn(X, y, threads):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=1000).fit(X, y).coef_


def _ridge_fastml(X, y, threads):
    from fastml.linear_model import Ridge

    return Ridge(alpha=1.0).fit(X, y).coef_


def _ridge_sklearn(X, y, threads):
    from sklearn.linear_model import Ridge

    return Ridge(alpha=1.0).fit(X, y).coef_


def _sgd_fastml(X, y, threads):
    from fastml.linear_model import SGDClassifier

    return SGDClassifier(max_iter=10, tol=None, random_state=0).fit(X, y).coef_


def _sgd_sklearn(X, y, threads):
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(max_iter=10, tol=None, random_state=0).fit(X, y).coef_


CASES = {"knn": (_knn_fastml, _knn_sklearn, ("X", "Q")),
         "multinomialnb": (_nb_fastml, _nb_sklearn, ("C", "yc")),
         "lasso": (_lasso_fastml, _lasso_sklearn, ("X", "y")),
         "logistic": (_logistic_fastml, _logistic_sklearn, ("X", "yb")),
         "ridge": (_ridge_fastml, _ridge_sklearn, ("X", "y")),
         "sgdclassifier": (_sgd_fastml, _sgd_sklearn, ("X", "yb"))}


@pytest.mark.parametrize("case", sorted(CASES))
def bench_fastml(benchmark, data, case, bench_threads):
    fn, _, keys = CASES[case]
    benchmark.group = f"sparse-{case}"
    benchmark.pedantic(fn, args=(*[data[k] for k in keys], bench_threads), rounds=3,
                       iterations=1)


@pytest.mark.parametrize("case", sorted(CASES))
def bench_sklearn(benchmark, data, case, bench_threads):
    pytest.importorskip("sklearn")
    _, fn, keys = CASES[case]
    benchmark.group = f"sparse-{case}"
    benchmark.pedantic(fn, args=(*[data[k] for k in keys], bench_threads), rounds=3,
                       iterations=1)


def main():
    """Interleaved timings (fastml, scikit-learn, fastml, ...), min of 3."""
    threads = int(os.environ.get("FASTML_BENCH_THREADS", "2"))
    import fastml
    from threadpoolctl import threadpool_limits

    fastml.set_num_threads(threads)
    s = _sizes(False)
    n, d, nq, dens = s["knn"]
    X = tfidf(n, d, dens)
    data = {"X": X, "Q": X[:nq], "y": lasso_target(X), "yb": logistic_target(X),
            "C": counts(*s["nb"], 3),
            "yc": np.random.default_rng(4).integers(0, 20, s["nb"][0])}
    only = sys.argv[1:]  # optional case names
    with threadpool_limits(limits=threads):
        for case, (ours, theirs, keys) in CASES.items():
            if only and case not in only:
                continue
            args = [data[k] for k in keys]
            t = {"fastml": [], "sklearn": []}
            for _ in range(3):
                for name, fn in (("fastml", ours), ("sklearn", theirs)):
                    t0 = time.perf_counter()
                    fn(*args, threads)
                    t[name].append(time.perf_counter() - t0)
            a, b = min(t["fastml"]), min(t["sklearn"])
            print(f"{case:14s} fastml {a:8.3f}s  sklearn {b:8.3f}s  speed-up {b / a:5.2f}x "
                  f"({threads} threads)", flush=True)


if __name__ == "__main__":
    main()
