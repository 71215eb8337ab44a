"""Pairwise distances on the bundled digits data, fastml vs the NumPy reference."""
import numpy as np

from .._kernels.reference import distance as ref
from ..datasets import load_digits
from ..metrics import pairwise_distances
from ._timing import best_of


def run(print_fn=print):
    X = load_digits().data.astype(np.float32)          # 1797 x 64 images
    print_fn(f"digits: {X.shape[0]} images x {X.shape[1]} pixels, float32, all pairs")
    for metric in ("euclidean", "manhattan", "cosine"):
        t_fast, D = best_of(lambda: pairwise_distances(X, metric=metric))
        t_ref, R = best_of(lambda: ref.pairwise_distances(X, X, metric, same=True), repeat=1)
        err = float(np.max(np.abs(D - R)) / max(1.0, float(np.max(np.abs(R)))))
        print_fn(f"  {metric:<10} fastml {t_fast * 1e3:7.1f} ms   numpy reference "
                 f"{t_ref * 1e3:8.1f} ms   x{t_ref / t_fast:5.1f}   max rel. diff {err:.1e}")
    # the nearest other image of each digit has the same label most of the time
    y = load_digits().target
    D = pairwise_distances(X)
    np.fill_diagonal(D, np.inf)
    acc = float(np.mean(y[np.argmin(D, axis=1)] == y))
    print_fn(f"  1-nearest-neighbour leave-one-out accuracy on digits: {acc:.3f}")
