"""Gaussian mixture density estimation: fit a 3-component GaussianMixture on
2-D data drawn from three correlated Gaussians, pick the covariance type by
BIC, and compare the fitted log-likelihood with scikit-learn's from the same
start (both run EM from the same k-means initialisation).

    python examples/gmm_density.py
"""
import time

import numpy as np

from fastml.mixture import GaussianMixture


def make_data(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    parts = [rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], n // 3),
             rng.multivariate_normal([4, 0], [[0.3, 0], [0, 2]], n // 3),
             rng.multivariate_normal([2, 4], [[1, -0.5], [-0.5, 0.6]], n // 3)]
    return np.vstack(parts)


def main():
    X = make_data()
    bics = {}
    for ct in ("full", "tied", "diag", "spherical"):
        bics[ct] = GaussianMixture(3, covariance_type=ct, random_state=0).fit(X).bic(X)
        print(f"covariance_type={ct:9s} BIC={bics[ct]:.1f}")
    best = min(bics, key=bics.get)
    t = time.perf_counter()
    g = GaussianMixture(3, covariance_type=best, random_state=0).fit(X)
    tf = time.perf_counter() - t
    print(f"best by BIC: {best}; weights {np.round(g.weights_, 3)}; n_iter {g.n_iter_}")
    try:
        from sklearn.mixture import GaussianMixture as SK
    except ImportError:
        print(f"fastml mean log-likelihood {g.score(X):.6f} ({tf * 1e3:.1f} ms)")
        return
    t = time.perf_counter()
    s = SK(3, covariance_type=best, random_state=0).fit(X)
    ts = time.perf_counter() - t
    print(f"mean log-likelihood: fastml {g.score(X):.8f} ({tf * 1e3:.1f} ms)  "
          f"scikit-learn {s.score(X):.8f} ({ts * 1e3:.1f} ms)  "
          f"relative difference {abs(g.score(X) - s.score(X)) / abs(s.score(X)):.1e}")


if __name__ == "__main__":
    main()
