"""Clustering: k-means (Lloyd iterations in compiled code) and mini-batch k-means."""
from ._kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]

from ._dbscan import DBSCAN, dbscan  # noqa: E402
from ._hdbscan import HDBSCAN  # noqa: E402

__all__ += ["DBSCAN", "dbscan", "HDBSCAN"]
from ._agglomerative import AgglomerativeClustering, FeatureAgglomeration  # noqa: E402
from ._agglomerative_tree import linkage_tree, ward_tree  # noqa: E402

__all__ += ["AgglomerativeClustering", "FeatureAgglomeration", "linkage_tree", "ward_tree"]
from ._mean_shift import MeanShift, estimate_bandwidth, get_bin_seeds, mean_shift  # noqa: E402

__all__ += ["MeanShift", "estimate_bandwidth", "get_bin_seeds", "mean_shift"]
