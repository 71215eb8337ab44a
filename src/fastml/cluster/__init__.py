"""Clustering: k-means (Lloyd iterations in compiled code) and mini-batch k-means."""
from ._kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]
from ._mean_shift import MeanShift, estimate_bandwidth, get_bin_seeds, mean_shift  # noqa: E402

__all__ += ["MeanShift", "estimate_bandwidth", "get_bin_seeds", "mean_shift"]
