"""Exact decision trees and forests: fastml vs scikit-learn, same data, same
process, interleaved, min of `--repeat` runs; fastml's kernels and every
BLAS/OpenMP pool pinned to `--threads`, forests with n_jobs=`--threads` on both.

    OMP_NUM_THREADS=2 PYTHONPATH=src python benchmarks/bench_tree_exact.py

Issue targets: exact DecisionTree fit >= 1.0x scikit-learn (100k x 20
make_classification, depth unlimited and 12); forests on the exact splitter
>= 2x scikit-learn with n_jobs=2.
"""
import argparse
import time

import numpy as np


def _best(fn, repeat):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--d", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--trees", type=int, default=20)
    ap.add_argument("--only", default="")
    a = ap.parse_args()

    import fastml
    from sklearn import ensemble as ske, tree as skt
    from sklearn.datasets import make_classification, make_regression
    from threadpoolctl import threadpool_limits

    from fastml.ensemble import ExtraTreesClassifier, RandomForestClassifier
    from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor

    fastml.set_num_threads(a.threads)
    threadpool_limits(a.threads)
    X, y = make_classification(n_samples=a.n, n_features=a.d, n_informative=10,
                               n_redundant=4, random_state=0)
    Xr, yr = make_regression(n_samples=a.n, n_features=a.d, n_informative=10, noise=5.0,
                             random_state=0)
    cases = [
        ("tree-cls-depthNone", lambda: DecisionTreeClassifier(random_state=0),
         lambda: skt.DecisionTreeClassifier(random_state=0), X, y),
        ("tree-cls-depth12", lambda: DecisionTreeClassifier(max_depth=12, random_state=0),
         lambda: skt.DecisionTreeClassifier(max_depth=12, random_state=0), X, y),
        ("tree-cls-hist-depth12",
         lambda: DecisionTreeClassifier(splitter="hist", max_depth=12, random_state=0),
         lambda: skt.DecisionTreeClassifier(max_depth=12, random_state=0), X, y),
        ("tree-reg-depthNone", lambda: DecisionTreeRegressor(random_state=0),
         lambda: skt.DecisionTreeRegressor(random_state=0), Xr, yr),
        ("forest-cls", lambda: RandomForestClassifier(a.trees, n_jobs=a.threads, random_state=0),
         lambda: ske.RandomForestClassifier(a.trees, n_jobs=a.threads, random_state=0), X, y),
        ("extratrees-cls",
         lambda: ExtraTreesClassifier(a.trees, n_jobs=a.threads, random_state=0),
         lambda: ske.ExtraTreesClassifier(a.trees, n_jobs=a.threads, random_state=0), X, y),
    ]
    print(f"n={a.n} d={a.d} threads={a.threads} repeat={a.repeat} (min seconds)")
    for name, ours, theirs, XX, yy in cases:
        if a.only and a.only not in name:
            continue
        t_sk = t_fm = np.inf
        for _ in range(a.repeat):  # interleaved
            t_fm = min(t_fm, _best(lambda: ours().fit(XX, yy), 1))
            t_sk = min(t_sk, _best(lambda: theirs().fit(XX, yy), 1))
        m_fm, m_sk = ours().fit(XX, yy), theirs().fit(XX, yy)
        extra = ""
        if hasattr(m_fm, "tree_"):
            extra = f" nodes fastml={m_fm.tree_.node_count} sklearn={m_sk.tree_.node_count}"
        print(f"{name:24s} fastml {t_fm:7.3f}s  sklearn {t_sk:7.3f}s  "
              f"speedup {t_sk / t_fm:5.2f}x{extra}", flush=True)


if __name__ == "__main__":
    main()
