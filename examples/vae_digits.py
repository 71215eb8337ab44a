"""A variational autoencoder on the bundled 8x8 digits.

Encoder 64 -> 64 -> (mu, log_var) in 8-D, reparameterised sample
z = mu + exp(log_var / 2) * eps, decoder 8 -> 64 -> 64 (sigmoid). Loss per
image: binary cross-entropy (summed over pixels) + KL(q(z|x) || N(0, I)).
Digits decoded from z ~ N(0, I) are written to vae_digits.png when matplotlib
is installed.

    python examples/vae_digits.py [--quick]
"""
import sys
import time

import numpy as np

from fastml import nn
from fastml.nn import functional as F

try:
    from ._digits_common import load_digits_01, save_grid
except ImportError:  # run as a script
    from _digits_common import load_digits_01, save_grid

LATENT = 8


class VAE(nn.Module):
    def __init__(self, latent=LATENT):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(64, 64), nn.ReLU())
        self.mu = nn.Linear(64, latent)
        self.log_var = nn.Linear(64, latent)
        self.dec = nn.Sequential(nn.Linear(latent, 64), nn.ReLU(), nn.Linear(64, 64),
                                 nn.Sigmoid())

    def forward(self, x, rng):
        h = self.enc(x)
        mu, log_var = self.mu(h), self.log_var(h)
        eps = nn.Tensor(rng.standard_normal(mu.shape).astype(mu.data.dtype))
        z = mu + (log_var * 0.5).exp() * eps
        return self.dec(z), mu, log_var


def vae_loss(recon, x, mu, log_var):
    """Mean over the batch of (BCE summed over pixels + KL)."""
    n = x.shape[0]
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kl = -0.5 * (1 + log_var - mu * mu - log_var.exp()).sum()
    return (bce + kl) * (1.0 / n)


def main(quick=False, make_plot=True):
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    Xtr, _, Xte, _ = load_digits_01()
    model = VAE()
    opt = nn.optim.Adam(model.parameters(), lr=2e-3)
    loader = nn.DataLoader((Xtr,), batch_size=64, shuffle=True, seed=0)

    def test_loss():
        with nn.no_grad():
            recon, mu, log_var = model(nn.Tensor(Xte), np.random.default_rng(1))
            return vae_loss(recon, nn.Tensor(Xte), mu, log_var).item()

    losses = [test_loss()]
    t0 = time.perf_counter()
    for _ in range(10 if quick else 80):
        for (xb,) in loader:
            opt.zero_grad()
            recon, mu, log_var = model(xb, rng)
            loss = vae_loss(recon, xb, mu, log_var)
            loss.backward()
            opt.step()
        losses.append(test_loss())
    secs = time.perf_counter() - t0
    print(f"vae_digits: test loss (BCE + KL per image) {losses[0]:.2f} -> {losses[-1]:.2f} "
          f"({secs:.2f}s)")
    with nn.no_grad():
        z = nn.Tensor(rng.standard_normal((20, LATENT)).astype(np.float32))
        samples = model.dec(z).data
    if make_plot and not quick:
        path = save_grid(samples, "vae_digits.png", title="VAE samples, z ~ N(0, I)")
        if path:
            print(f"samples written to {path}")
    return {"test_losses": losses, "samples": samples, "seconds": secs}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
