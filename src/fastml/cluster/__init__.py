"""Clustering: k-means (Lloyd iterations in compiled code) and mini-batch k-means."""
from ._kmeans import KMeans, MiniBatchKMeans, kmeans_plusplus

__all__ = ["KMeans", "MiniBatchKMeans", "kmeans_plusplus"]
