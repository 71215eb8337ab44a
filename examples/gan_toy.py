"""A GAN on a 2-D toy distribution: the generator learns to map N(0, I) noise
to a correlated Gaussian (mean (2, -1), covariance [[1, .6], [.6, .8]]); the
discriminator is a small ReLU MLP trained with the logistic loss. At the end
the generator's sample mean and covariance are compared with the target's.

    python examples/gan_toy.py [--quick]
"""
import sys
import time

import numpy as np

from fastml import nn
from fastml.nn import functional as F

MEAN = np.array([2.0, -1.0])
COV = np.array([[1.0, 0.6], [0.6, 0.8]])


def main(quick=False):
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    G = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
    D = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32),
                      nn.LeakyReLU(0.2), nn.Linear(32, 1))
    opt_g = nn.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = nn.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
    batch = 128
    ones = np.ones((batch, 1), np.float32)
    zeros = np.zeros((batch, 1), np.float32)
    steps = 1500 if quick else 2500
    # annealing the learning rates to zero damps the usual GAN oscillation at the end
    scheds = [nn.optim.CosineAnnealingLR(o, steps) for o in (opt_g, opt_d)]
    t0 = time.perf_counter()
    for _ in range(steps):
        real = rng.multivariate_normal(MEAN, COV, batch).astype(np.float32)
        z = rng.standard_normal((batch, 2)).astype(np.float32)
        # discriminator step (generator output detached)
        opt_d.zero_grad()
        with nn.no_grad():
            fake = G(z).data
        d_loss = F.binary_cross_entropy_with_logits(D(real), ones) + \
            F.binary_cross_entropy_with_logits(D(fake), zeros)
        d_loss.backward()
        opt_d.step()
        # generator step (non-saturating loss)
        opt_g.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(D(G(z)), ones)
        g_loss.backward()
        opt_g.step()
        for sch in scheds:
            sch.step()
    secs = time.perf_counter() - t0
    with nn.no_grad():
        s = G(rng.standard_normal((20000, 2)).astype(np.float32)).data.astype(np.float64)
    mean, cov = s.mean(axis=0), np.cov(s.T)
    print(f"gan_toy: sample mean {np.round(mean, 2)} (target {MEAN}), cov "
          f"{np.round(cov, 2).tolist()} (target {COV.tolist()}) ({secs:.2f}s)")
    return {"mean": mean, "cov": cov, "seconds": secs}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
