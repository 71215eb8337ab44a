"""Density clustering on two moons plus blobs and noise: DBSCAN and HDBSCAN.

1. 1500 points: two interleaved moons, a Gaussian blob and 5% uniform noise.
2. DBSCAN(eps=0.12, min_samples=8) finds the three shapes and marks the noise
   (-1); HDBSCAN(min_cluster_size=30) finds them without an eps and gives each
   point a membership strength (probabilities_).
3. When scikit-learn is installed, its labels are computed on the same data
   and compared (the same partition is expected), with both timings.

Run: python examples/dbscan_moons.py
"""
import time

import numpy as np

from fastml.cluster import DBSCAN, HDBSCAN


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, 700)
    upper = np.c_[np.cos(t), np.sin(t)]
    lower = np.c_[1 - np.cos(t), 0.5 - np.sin(t)]
    moons = np.vstack([upper, lower]) + rng.normal(0, 0.06, (1400, 2))
    blob = rng.normal([3.0, 1.5], 0.15, (300, 2))
    X = np.vstack([moons, blob])
    noise = rng.uniform(X.min(0), X.max(0), (len(X) // 20, 2))
    return np.vstack([X, noise])


def same_partition(a, b):
    if not np.array_equal(a < 0, b < 0):
        return False
    pairs = set(zip(a[a >= 0].tolist(), b[b >= 0].tolist()))
    return len(pairs) == len(set(a[a >= 0].tolist())) == len(set(b[b >= 0].tolist()))


def main(print_fn=print):
    X = make_data()
    models = {"DBSCAN": dict(eps=0.12, min_samples=8),
              "HDBSCAN": dict(min_cluster_size=30, copy=False)}
    results = {}
    for name, kw in models.items():
        cls = DBSCAN if name == "DBSCAN" else HDBSCAN
        t = time.perf_counter()
        est = cls(**kw).fit(X)
        dt = time.perf_counter() - t
        labels = est.labels_
        k = len(set(labels.tolist()) - {-1})
        line = (f"{name:7s}: {k} clusters, {np.mean(labels == -1):.1%} noise, "
                f"fastml {dt * 1e3:.1f} ms")
        try:
            import sklearn.cluster as skc
        except ImportError:
            line += " (scikit-learn not installed: no comparison)"
        else:
            t = time.perf_counter()
            ref = getattr(skc, name)(**kw).fit(X)
            st = time.perf_counter() - t
            line += (f" | scikit-learn {st * 1e3:.1f} ms, same partition: "
                     f"{same_partition(labels, ref.labels_)}")
        print_fn(line)
        results[name] = labels
    return results


if __name__ == "__main__":
    main()
