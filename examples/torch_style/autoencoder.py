"""A PyTorch fully connected autoencoder (the cheatsheets' autoencoder chapter) on
FashionMNIST-shaped images, run on fastml.nn.

Only the import block below differs from the PyTorch version of this script:
with ``import torch``, ``import torch.nn as nn``, ``import torch.nn.functional
as F`` and ``from torch.utils.data import DataLoader, TensorDataset`` the same
code runs under PyTorch (tests/nn/test_torch_style_examples.py runs both from
the same initial weights and compares the losses).

Data: 28x28 images in [0, 1] generated from 10 smooth random templates (no
download). The encoder compresses 784 pixels to a 32-d code, the decoder maps
it back through a sigmoid; MSE reconstruction loss, Adam.
Run: python examples/torch_style/autoencoder.py
"""
import numpy as np

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------


def make_data(n=1000, seed=0):
    """float32 images (n, 1, 28, 28) in [0, 1]: shifted, noisy copies of 10 templates."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28] / 27
    templates = np.zeros((10, 28, 28))
    for c in range(10):
        for _ in range(4):
            cy, cx = rng.uniform(0.2, 0.8, 2)
            sy, sx = rng.uniform(0.08, 0.3, 2)
            templates[c] += np.exp(-((yy - cy) / sy) ** 2 - ((xx - cx) / sx) ** 2)
    templates /= templates.max(axis=(1, 2), keepdims=True)
    y = rng.integers(0, 10, n)
    X = np.stack([np.roll(templates[c], tuple(rng.integers(-2, 3, 2)), axis=(0, 1)) for c in y])
    X = X * rng.uniform(0.7, 1.0, (n, 1, 1)) + 0.05 * rng.standard_normal(X.shape)
    return np.clip(X, 0, 1).astype(np.float32)[:, None]


class AutoEncoder(nn.Module):
    def __init__(self, n_in=28 * 28, code=32):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(n_in, 128), nn.ReLU(),
                                     nn.Linear(128, code))
        self.decoder = nn.Sequential(nn.Linear(code, 128), nn.ReLU(),
                                     nn.Linear(128, n_in), nn.Sigmoid())

    def forward(self, x):
        z = self.encoder(x.view(x.size(0), -1))
        return self.decoder(z).view(x.size(0), 1, 28, 28)


def train(model, X, epochs=8, lr=5e-3, batch_size=50):
    """Adam on the MSE reconstruction loss; returns each epoch's mean loss."""
    loader = DataLoader(TensorDataset(torch.from_numpy(X)), batch_size=batch_size,
                        shuffle=False)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for (xb,) in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), xb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        history.append(total / count)
    return history


def reconstruction_error(model, X):
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(X)
        return F.mse_loss(model(x), x).item()


def main(epochs=8, print_fn=print):
    torch.manual_seed(0)
    X = make_data()
    model = AutoEncoder()
    baseline = float(((X - X.mean(axis=0)) ** 2).mean())
    history = train(model, X, epochs=epochs)
    err = reconstruction_error(model, X)
    print_fn(f"loss {history[0]:.4f} -> {history[-1]:.4f}, reconstruction MSE {err:.4f} "
             f"(predicting the mean image: {baseline:.4f})")
    return history, err, baseline


if __name__ == "__main__":
    main()
