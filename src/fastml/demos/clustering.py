"""The clustering families on one 2-D data set: two moons, a round blob and
scattered noise. Centroid methods (k-means, Gaussian mixtures, Ward, mean
shift) cut the moons; single linkage follows shapes but the noise points chain
into clusters of their own; the density methods (DBSCAN, HDBSCAN) follow the
moons and label the noise. Each line gives the
clusters found, the adjusted Rand index against the truth (noise counted as
its own group) and the fit time; DBSCAN is checked against a plain NumPy
version (pairwise distances + breadth-first expansion)."""
from collections import deque

import numpy as np

from ..cluster import (DBSCAN, HDBSCAN, AgglomerativeClustering, KMeans, MeanShift,
                       estimate_bandwidth)
from ..datasets import make_blobs, make_moons
from ..metrics import adjusted_rand_score
from ..mixture import GaussianMixture
from ._timing import best_of


def _data(seed=0):
    rng = np.random.default_rng(seed)
    Xm, ym = make_moons(1600, noise=0.05, random_state=seed)
    Xb, _ = make_blobs(500, n_features=2, centers=[[0.5, -1.4]], cluster_std=0.15,
                       random_state=seed + 1)
    Xn = rng.uniform([-1.5, -2.2], [2.5, 1.5], size=(60, 2))
    X = np.vstack([Xm, Xb, Xn])
    y = np.concatenate([ym, np.full(len(Xb), 2), np.full(len(Xn), -1)])
    return X, y


def _numpy_dbscan(X, eps, min_samples):
    """DBSCAN as the textbook states it: core points have >= min_samples
    neighbours within eps (themselves included); clusters grow breadth-first
    from each unvisited core point in row order."""
    D2 = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    nbrs = [np.flatnonzero(row <= eps * eps) for row in D2]
    core = np.array([len(nb) >= min_samples for nb in nbrs])
    labels = np.full(len(X), -1)
    k = 0
    for i in range(len(X)):
        if not core[i] or labels[i] != -1:
            continue
        labels[i] = k
        todo = deque([i])
        while todo:
            j = todo.popleft()
            if not core[j]:
                continue
            for m in nbrs[j]:
                if labels[m] == -1:
                    labels[m] = k
                    todo.append(m)
        k += 1
    return labels


def run(print_fn=print):
    X, y = _data()
    print_fn(f"{len(X)} points in 2-D: two moons, a blob and {int((y == -1).sum())} noise points")
    bw = estimate_bandwidth(X, quantile=0.3, random_state=0)
    models = [
        ("k-means (k=3)", KMeans(3, n_init=4, random_state=0)),
        ("Gaussian mixture (3, full)", GaussianMixture(3, random_state=0)),
        ("Ward linkage (3 clusters)", AgglomerativeClustering(3, linkage="ward")),
        ("single linkage (4 clusters)", AgglomerativeClustering(4, linkage="single")),
        (f"mean shift (bandwidth {bw:.2f})", MeanShift(bandwidth=bw, bin_seeding=True)),
        ("DBSCAN (eps 0.12, min 8)", DBSCAN(eps=0.12, min_samples=8)),
        ("HDBSCAN (min cluster 40)", HDBSCAN(min_cluster_size=40, copy=True)),
    ]
    for name, est in models:
        t, fitted = best_of(lambda: est.fit(X))
        labels = fitted.predict(X) if name.startswith("Gaussian") else fitted.labels_
        found = len(set(labels.tolist()) - {-1})
        noise = int((labels == -1).sum())
        ari = adjusted_rand_score(y, labels)
        extra = f", {noise} labelled noise" if noise else ""
        print_fn(f"  {name:<31} {found:>2} clusters{extra:<22} ARI {ari:5.3f}  "
                 f"{t * 1e3:7.1f} ms")
    db = DBSCAN(eps=0.12, min_samples=8)
    t_fast, fitted = best_of(lambda: db.fit(X))
    t_ref, ref = best_of(lambda: _numpy_dbscan(X, 0.12, 8), repeat=1)
    same = (adjusted_rand_score(ref, fitted.labels_) == 1.0
            and np.array_equal(ref == -1, fitted.labels_ == -1))
    print_fn(f"DBSCAN vs plain NumPy (pairwise distances + BFS): fastml {t_fast * 1e3:.1f} ms, "
             f"NumPy {t_ref * 1e3:.0f} ms (x{t_ref / t_fast:.0f}), same clusters: {same}")
