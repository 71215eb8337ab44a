r"""Nearest neighbours: KDTree, NearestNeighbors, KNeighborsClassifier,
KNeighborsRegressor, RadiusNeighborsClassifier, RadiusNeighborsRegressor,
KNeighborsTransformer, RadiusNeighborsTransformer, and the sparse graphs
kneighbors_graph / radius_neighbors_graph (functions and methods,
scipy.sparse CSR like scikit-learn's; scipy is imported only when a graph is
built).

Search is exact. These engines sit behind the estimators:

* ``kd_tree`` -- the C k-d tree (csrc/kdtree.c: flat preorder nodes, points in
  tree order, leaves stored feature-major and scanned with SIMD, O(1)
  incremental bounds, queries in parallel with the GIL released);
* ``brute`` -- tiled BLAS for euclidean (candidates re-checked with the direct
  formula, so results match it exactly and memory stays bounded for any
  number of queries), the SIMD distance tiles for the other metrics;
* a user ``metric=callable`` f(x, y) -> float, compiled with Numba and run
  in parallel (always brute force);
* the generic brute force of _metrics.py for every other metric (distances
  in blocks of queries, then a stable (distance, index) ranking), for
  precomputed distances (_precomputed.py) and for user metrics on sparse rows.

Metrics: every name of VALID_METRICS (scikit-learn's lists per algorithm),
metric_params, a scikit-learn DistanceMetric object, a callable, and
metric="precomputed" (dense distances or a sparse neighbours graph). The
compiled engines serve euclidean (default, "minkowski" with p=2),
sqeuclidean, manhattan, chebyshev and minkowski p >= 1; the other metrics
run an exact blocked brute force (_metrics.py, scipy.spatial distances).
algorithm="ball_tree" is accepted: fastml builds no ball tree, it serves the
request with the k-d tree for the metrics the k-d tree supports and with the
exact brute force for the other ball-tree metrics (haversine, ...); results
are the same as a ball tree's (exact, ties to the lower index). kd_tree also
accepts sqeuclidean.

Tie rule: neighbours are ordered by (distance, training index) -- among equal
distances the lower training index comes first -- in the tree and in brute
force, at any thread count and batch size. Majority votes that tie go to the
smallest class label (as in scikit-learn).

algorithm="auto" chooses "kd_tree" when n_samples >= 256, k <= n_samples / 10
and n_features <= 10; otherwise "brute" (always "brute" for a callable
metric and for the metrics outside the compiled engines: where scikit-learn
would pick its ball tree, fastml runs the exact brute force and reports
_fit_method="brute"). 0 < p < 1 (a semimetric) runs brute force with
scikit-learn's UserWarning; kd_tree / ball_tree refuse it. Brute force is the fused candidate scan (csrc/knn_scan_tmpl.h: keys
never leave the registers unless they beat a query's current k-th), which
moved the crossover down from d = 16-32. Measured at n = 100 000, k = 10,
1000 queries, float64, 2 threads (fit + kneighbors in ms, tree / brute; a
heavily shared machine, so the ratios, not the times, are the point):

    data \ d                   8                 12                 16
    64 Gaussian clusters   212+364 / 1+651    212+848 / 1+858    415+2272 / 2+1210
    make_classification    226+468 / 1+827    318+2589 / 1+889   278+3276 / 2+1365

The tree wins the queries at d = 8 on both kinds of data (and overall, build
included); at d = 12 brute force ties on clusters and wins 3x on
make_classification, at d = 16 it wins the queries alone. The cut sits at
d = 10, between the measured points.
"""
from ._estimators import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestNeighbors,
    kneighbors_graph,
    radius_neighbors_graph,
)
from ._kdtree import KDTree
from ._metrics import VALID_METRICS, VALID_METRICS_SPARSE
from ._radius_estimators import (
    KNeighborsTransformer,
    RadiusNeighborsClassifier,
    RadiusNeighborsRegressor,
    RadiusNeighborsTransformer,
)

__all__ = ["KDTree", "NearestNeighbors", "KNeighborsClassifier", "KNeighborsRegressor",
           "RadiusNeighborsClassifier", "RadiusNeighborsRegressor", "KNeighborsTransformer",
           "RadiusNeighborsTransformer", "kneighbors_graph", "radius_neighbors_graph",
           "VALID_METRICS", "VALID_METRICS_SPARSE"]
from ._hnsw import HNSW
from ._lsh import LSH

__all__ += ["HNSW", "LSH"]
