"""A PyTorch MLP with layer norm and modern activations (GELU, SiLU, Mish,
PReLU, Softplus), run on fastml.nn.

Only the import block below differs from the PyTorch version of this script:
with ``import torch``, ``import torch.nn as nn``, ``import torch.nn.functional
as F`` and ``from torch.utils.data import DataLoader, TensorDataset`` the same
code runs under PyTorch (tests/nn/test_torch_style_examples.py runs both from
the same initial weights and compares the losses).

Data: two interleaved spirals in 2-D (generated, no download), 800 points.
Run: python examples/torch_style/norm_mlp.py
"""
import numpy as np

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------


def make_data(n=800, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    t = rng.uniform(0.25, 1.0, n) * 3 * np.pi
    r = t / (3 * np.pi) * 2
    X = np.stack([r * np.cos(t + np.pi * y), r * np.sin(t + np.pi * y)], 1)
    X += 0.05 * rng.standard_normal(X.shape)
    return X.astype(np.float32), y.astype(np.int64)


class Block(nn.Module):
    """Pre-norm residual block: x + W2 act(W1 LayerNorm(x))."""

    def __init__(self, width, act):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, 2 * width)
        self.act = act
        self.fc2 = nn.Linear(2 * width, width)

    def forward(self, x):
        return x + self.fc2(self.act(self.fc1(self.norm(x))))


class NormMLP(nn.Module):
    def __init__(self, n_in=2, width=32, n_out=2):
        super().__init__()
        self.inp = nn.Linear(n_in, width)
        self.prelu = nn.PReLU(width)
        self.blocks = nn.Sequential(Block(width, nn.GELU()), Block(width, nn.SiLU()),
                                    Block(width, nn.Mish()),
                                    Block(width, nn.GELU(approximate="tanh")))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, n_out)

    def forward(self, x):
        h = self.blocks(self.prelu(self.inp(x)))
        return self.head(F.softplus(self.norm(h), beta=2.0) - 0.5)


def train(model, X, y, epochs=15, lr=3e-3, batch_size=64):
    """Mini-batch Adam; returns the mean loss of every epoch."""
    loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                        batch_size=batch_size, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        history.append(total / count)
    return history


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        _, pred = model(torch.from_numpy(X)).max(1)
        return (pred == torch.from_numpy(y)).float().mean().item()


def main(epochs=15, print_fn=print):
    torch.manual_seed(0)
    X, y = make_data()
    model = NormMLP()
    history = train(model, X, y, epochs=epochs)
    acc = accuracy(model, X, y)
    print_fn(f"loss {history[0]:.4f} -> {history[-1]:.4f}, training accuracy {acc:.3f}")
    return history, acc


if __name__ == "__main__":
    main()
