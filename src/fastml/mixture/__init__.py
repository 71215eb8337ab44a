"""Mixture models: GaussianMixture (EM with a compiled, fused E-step)."""
from ._gaussian_mixture import GaussianMixture

__all__ = ["GaussianMixture"]
