"""A PyTorch convolutional VAE (Conv2d encoder, reparameterisation,
ConvTranspose2d decoder, BCE + KL loss) on the bundled digits upscaled to
1x28x28, run on fastml.nn.

Only the import block below differs from the PyTorch version of this script;
tests/nn/test_torch_style_examples.py runs both from the same initial weights
(and the same noise draws) and compares the losses.

Run: python examples/torch_style/conv_vae.py
"""
import numpy as np

from fastml.datasets import load_digits

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------


def make_data():
    """8x8 digits in [0, 1], upscaled 4x (nearest) to 32x32 and cropped to 28x28."""
    X, _ = load_digits(return_X_y=True, dtype=np.float32)
    X = np.kron((X / 16.0).reshape(-1, 8, 8), np.ones((4, 4), np.float32))[:, 2:30, 2:30]
    return np.ascontiguousarray(X[:, None], dtype=np.float32)


class ConvVAE(nn.Module):
    def __init__(self, latent=16):
        super().__init__()
        self.enc = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=4, stride=2, padding=1), nn.ReLU(),   # 28 -> 14
            nn.Conv2d(32, 64, kernel_size=4, stride=2, padding=1), nn.ReLU())  # 14 -> 7
        self.fc_mu = nn.Linear(64 * 7 * 7, latent)
        self.fc_logvar = nn.Linear(64 * 7 * 7, latent)
        self.fc_dec = nn.Linear(latent, 64 * 7 * 7)
        self.dec = nn.Sequential(
            nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1), nn.ReLU(),  # 7->14
            nn.ConvTranspose2d(32, 1, kernel_size=4, stride=2, padding=1))            # 14->28

    def encode(self, x):
        h = self.enc(x).view(x.size(0), -1)
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu, logvar, eps=None):
        std = torch.exp(0.5 * logvar)
        if eps is None:
            eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h = F.relu(self.fc_dec(z)).view(-1, 64, 7, 7)
        return torch.sigmoid(self.dec(h))

    def forward(self, x, eps=None):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar, eps)), mu, logvar


def vae_loss(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.size(0)


def train(model, X, epochs=3, lr=1e-3, batch_size=64, seed=0, latent=16):
    """Adam on mini-batches in order; the reparameterisation noise comes from a
    seeded NumPy generator so that every library sees the same draws. Returns
    the mean loss of every epoch."""
    rng = np.random.default_rng(seed)
    loader = DataLoader(TensorDataset(torch.from_numpy(X)), batch_size=batch_size,
                        shuffle=False)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for (xb,) in loader:
            eps = torch.from_numpy(rng.standard_normal((xb.size(0), latent)).astype(np.float32))
            optimizer.zero_grad()
            recon, mu, logvar = model(xb, eps)
            loss = vae_loss(recon, xb, mu, logvar)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        history.append(total / count)
    return history


def main(epochs=5, print_fn=print):
    torch.manual_seed(0)
    X = make_data()
    model = ConvVAE()
    history = train(model, X, epochs=epochs)
    model.eval()
    with torch.no_grad():
        recon, _, _ = model(torch.from_numpy(X[:256]))
        err = ((recon - torch.from_numpy(X[:256])) ** 2).mean().item()
    print_fn(f"loss {history[0]:.2f} -> {history[-1]:.2f}, reconstruction MSE {err:.4f}")
    return history, err


if __name__ == "__main__":
    main()
