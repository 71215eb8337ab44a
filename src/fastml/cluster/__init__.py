"""Clustering.

- Centroids: KMeans, MiniBatchKMeans (Lloyd iterations in compiled code),
  kmeans_plusplus.
- Density: DBSCAN / dbscan (k-d tree neighbourhoods, compiled expansion),
  HDBSCAN (mutual-reachability minimum spanning tree, condensed tree), MeanShift
  (batched k-d tree radius queries), estimate_bandwidth, get_bin_seeds.
- Hierarchical: AgglomerativeClustering, FeatureAgglomeration, ward_tree,
  linkage_tree (nearest-neighbour chains and Prim in compiled code);
  fastml.cluster.hierarchy gives SciPy-format linkage matrices.

Gaussian mixtures are in fastml.mixture.
"""
from ._agglomerative import AgglomerativeClustering, FeatureAgglomeration
from ._agglomerative_tree import linkage_tree, ward_tree
from ._dbscan import DBSCAN, dbscan
from ._hdbscan import HDBSCAN
from ._kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus
from ._mean_shift import MeanShift, estimate_bandwidth, get_bin_seeds, mean_shift

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus",
           "DBSCAN", "dbscan", "HDBSCAN",
           "AgglomerativeClustering", "FeatureAgglomeration", "linkage_tree", "ward_tree",
           "MeanShift", "estimate_bandwidth", "get_bin_seeds", "mean_shift"]
