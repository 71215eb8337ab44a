"""A PyTorch MLP classifier (the cheatsheets' first network), run on fastml.nn.

Only the import block below differs from the PyTorch version of this script:
with ``import torch``, ``import torch.nn as nn``, ``import torch.nn.functional
as F`` and ``from torch.utils.data import DataLoader, TensorDataset`` the same
code runs under PyTorch (tests/nn/test_torch_style_examples.py runs both from
the same initial weights and compares the losses).

Data: 3 Gaussian blobs in 2-D (generated, no download), 600 points.
Run: python examples/torch_style/mlp_classifier.py
"""
import numpy as np

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------


def make_data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    y = rng.integers(0, 3, n)
    X = centres[y] + 0.8 * rng.standard_normal((n, 2))
    return X.astype(np.float32), y.astype(np.int64)


class MLP(nn.Module):
    def __init__(self, n_in=2, hidden=32, n_out=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, n_out))

    def forward(self, x):
        return self.net(x)


def train(model, X, y, epochs=20, lr=0.05, batch_size=64):
    """Mini-batch SGD with momentum; returns the mean loss of every epoch."""
    loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                        batch_size=batch_size, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
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


def main(print_fn=print):
    torch.manual_seed(0)
    X, y = make_data()
    model = MLP()
    history = train(model, X, y)
    acc = accuracy(model, X, y)
    print_fn(f"loss {history[0]:.4f} -> {history[-1]:.4f}, training accuracy {acc:.3f}")
    return history, acc


if __name__ == "__main__":
    main()
