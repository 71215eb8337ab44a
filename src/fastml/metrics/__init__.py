"""Metrics: pairwise distances (and, as they land, classification/regression
scores)."""
from .pairwise import PAIRWISE_METRICS, pairwise_distances

__all__ = ["PAIRWISE_METRICS", "pairwise_distances"]
