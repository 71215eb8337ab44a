"""Agglomerative clustering of Gaussian blobs with every linkage: fastml's
labels and merge distances against scikit-learn's, timed side by side, and
the linkage matrix of fastml.cluster.hierarchy cut into flat clusters.

    python examples/agglo_blobs.py
"""
import time

import numpy as np

from fastml.cluster import AgglomerativeClustering, hierarchy


def main():
    rng = np.random.default_rng(0)
    centres = rng.uniform(-8, 8, size=(5, 3))
    X = centres[rng.integers(0, 5, size=3000)] + rng.standard_normal((3000, 3))
    try:
        from sklearn.cluster import AgglomerativeClustering as SK
    except ImportError:  # pragma: no cover
        SK = None
    for linkage in ("ward", "complete", "average", "single"):
        t0 = time.perf_counter()
        fm = AgglomerativeClustering(n_clusters=5, linkage=linkage, compute_distances=True).fit(X)
        t_fm = time.perf_counter() - t0
        line = f"{linkage:8s} fastml {t_fm:6.3f} s, cluster sizes {sorted(np.bincount(fm.labels_).tolist())}"
        if SK is not None:
            t0 = time.perf_counter()
            sk = SK(n_clusters=5, linkage=linkage, compute_distances=True).fit(X)
            t_sk = time.perf_counter() - t0
            same = (np.array_equal(fm.labels_, sk.labels_)
                    and np.allclose(fm.distances_, sk.distances_, rtol=1e-9))
            line += f" | scikit-learn {t_sk:6.3f} s ({t_sk / t_fm:5.1f}x), identical: {same}"
        print(line)
    Z = hierarchy.linkage(X, method="ward")
    flat = hierarchy.fcluster(Z, 5, criterion="maxclust")
    print(f"hierarchy.linkage -> Z {Z.shape}, fcluster(maxclust=5) sizes "
          f"{sorted(np.bincount(flat)[1:].tolist())}")


if __name__ == "__main__":
    main()
