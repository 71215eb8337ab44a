"""Demo: KNN on iris, and KDTree vs NumPy brute force on clustered points."""
import time

import numpy as np


def run(print_fn=print):
    from fastml.datasets import load_iris
    from fastml.neighbors import KDTree, KNeighborsClassifier

    X, y = load_iris(return_X_y=True)
    order = np.random.default_rng(42).permutation(len(y))
    te, tr = order[:50], order[50:]
    acc = KNeighborsClassifier(n_neighbors=7).fit(X[tr], y[tr]).score(X[te], y[te])
    print_fn(f"KNeighborsClassifier(k=7) on iris: test accuracy {acc:.3f}")

    rng = np.random.default_rng(0)
    n, q, d, k = 50_000, 2_000, 3, 10
    centres = rng.normal(0, 5, (64, d))
    pts = centres[rng.integers(0, 64, n)] + rng.standard_normal((n, d))
    qs = centres[rng.integers(0, 64, q)] + rng.standard_normal((q, d))
    t0 = time.perf_counter()
    tree = KDTree(pts)
    t1 = time.perf_counter()
    dist, ind = tree.query(qs, k=k)
    t2 = time.perf_counter()
    m = 200  # plain NumPy on the first m queries: full distance rows + argpartition
    d2 = ((qs[:m, None, :] - pts[None]) ** 2).sum(-1)
    part = np.argpartition(d2, k, axis=1)[:, :k]
    ref = np.take_along_axis(part, np.argsort(np.take_along_axis(d2, part, 1), 1), 1)
    t3 = time.perf_counter()
    same = float((np.sort(ref, 1) == np.sort(ind[:m], 1)).mean())
    per_tree, per_np = (t2 - t1) / q, (t3 - t2) / m
    print_fn(f"KDTree on {n} clustered points (d={d}): build {1e3 * (t1 - t0):.1f} ms, "
             f"{q} queries k={k}: {1e3 * (t2 - t1):.1f} ms")
    print_fn(f"NumPy brute force: {1e6 * per_np:.0f} us/query vs {1e6 * per_tree:.1f} us/query "
             f"({per_np / max(per_tree, 1e-12):.0f}x slower), same neighbours: {same:.1%}")
