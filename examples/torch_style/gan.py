"""A PyTorch GAN (the cheatsheets' simple GAN: generator and discriminator MLPs,
BCE loss, two Adam optimizers), run on fastml.nn.

Only the import block below differs from the PyTorch version of this script:
with ``import torch``, ``import torch.nn as nn``, ``import torch.nn.functional
as F`` and ``from torch.utils.data import DataLoader, TensorDataset`` the same
code runs under PyTorch (tests/nn/test_torch_style_examples.py runs both from
the same initial weights and the same noise, and compares the losses).

Data: 2-D points on a ring of 8 Gaussians (generated, no download). The latent
noise is drawn with NumPy so that both libraries see the same numbers.
Run: python examples/torch_style/gan.py
"""
import numpy as np

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------

LATENT = 8


def make_data(n=2048, seed=0):
    """float32 (n, 2): a ring of 8 Gaussian modes of radius 2."""
    rng = np.random.default_rng(seed)
    k = rng.integers(0, 8, n)
    centres = 2.0 * np.stack([np.cos(k * np.pi / 4), np.sin(k * np.pi / 4)], axis=1)
    return (centres + 0.05 * rng.standard_normal((n, 2))).astype(np.float32)


class Generator(nn.Module):
    def __init__(self, latent=LATENT, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent, hidden), nn.LeakyReLU(0.2),
                                 nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
                                 nn.Linear(hidden, 2))

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, hidden), nn.LeakyReLU(0.2),
                                 nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
                                 nn.Linear(hidden, 1), nn.Sigmoid())

    def forward(self, x):
        return self.net(x)


def train(G, D, X, epochs=5, lr=1e-3, batch_size=128, seed=0):
    """Alternating updates; returns [(mean D loss, mean G loss)] per epoch."""
    rng = np.random.default_rng(seed)
    loader = DataLoader(TensorDataset(torch.from_numpy(X)), batch_size=batch_size,
                        shuffle=False)
    criterion = nn.BCELoss()
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    history = []
    for _ in range(epochs):
        d_total = g_total = 0.0
        for (real,) in loader:
            b = real.size(0)
            ones, zeros = torch.ones(b, 1), torch.zeros(b, 1)
            z = torch.from_numpy(rng.standard_normal((b, LATENT)).astype(np.float32))
            fake = G(z)
            # discriminator: real -> 1, fake -> 0 (no gradient into G)
            opt_d.zero_grad()
            d_loss = criterion(D(real), ones) + criterion(D(fake.detach()), zeros)
            d_loss.backward()
            opt_d.step()
            # generator: make D call the fakes real
            opt_g.zero_grad()
            g_loss = criterion(D(fake), ones)
            g_loss.backward()
            opt_g.step()
            d_total += d_loss.item()
            g_total += g_loss.item()
        history.append((d_total / len(loader), g_total / len(loader)))
    return history


def sample(G, n=1000, seed=1):
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        z = torch.from_numpy(rng.standard_normal((n, LATENT)).astype(np.float32))
        return G(z).numpy()


def main(epochs=20, print_fn=print):
    torch.manual_seed(0)
    X = make_data()
    G, D = Generator(), Discriminator()
    history = train(G, D, X, epochs=epochs)
    radius = np.linalg.norm(sample(G), axis=1)
    print_fn(f"D loss {history[0][0]:.3f} -> {history[-1][0]:.3f}, G loss {history[0][1]:.3f} "
             f"-> {history[-1][1]:.3f}, sample radius {radius.mean():.2f} +- {radius.std():.2f} "
             "(data: 2.00)")
    return history, radius


if __name__ == "__main__":
    main()
