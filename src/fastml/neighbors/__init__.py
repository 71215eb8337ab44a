"""Nearest neighbours: KDTree, NearestNeighbors, KNeighborsClassifier,
KNeighborsRegressor.

Search is exact. Three engines sit behind the estimators:

* ``kd_tree`` -- the C k-d tree (csrc/kdtree.c: flat preorder nodes, points in
  tree order, leaves stored feature-major and scanned with SIMD, O(1)
  incremental bounds, queries in parallel with the GIL released);
* ``brute`` -- tiled BLAS for euclidean (candidates re-checked with the direct
  formula, so results match it exactly and memory stays bounded for any
  number of queries), the SIMD distance tiles for the other metrics;
* a user ``metric=callable`` f(x, y) -> float, compiled with Numba and run
  in parallel (always brute force).

Metrics: euclidean (default, "minkowski" with p=2), sqeuclidean, manhattan,
chebyshev, minkowski p >= 1.

Tie rule: neighbours are ordered by (distance, training index) -- among equal
distances the lower training index comes first -- in the tree and in brute
force, at any thread count and batch size. Majority votes that tie go to the
smallest class label (as in scikit-learn).

algorithm="auto" chooses "kd_tree" when n_features <= 20, n_samples >= 256 and
k <= n_samples / 10, otherwise "brute" (and always "brute" for a callable
metric). Measured on this machine (2 cores, AVX-512, 64 Gaussian clusters,
k=10, float64, see benchmarks/bench_neighbors.py): to be filled in.
"""
from ._estimators import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from ._kdtree import KDTree

__all__ = ["KDTree", "NearestNeighbors", "KNeighborsClassifier", "KNeighborsRegressor"]
