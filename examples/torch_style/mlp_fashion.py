"""A PyTorch MLP on FashionMNIST-shaped data (the cheatsheets' MLP chapter), run on
fastml.nn.

Only the import block below differs from the PyTorch version of this script:
with ``import torch``, ``import torch.nn as nn``, ``import torch.nn.functional
as F`` and ``from torch.utils.data import DataLoader, TensorDataset`` the same
code runs under PyTorch (tests/nn/test_torch_style_examples.py runs both from
the same initial weights and compares the losses).

Data: 28x28 grayscale images in 10 classes, generated (no download): each class
is a smooth random "garment" template; samples are shifted, brightness-scaled,
noisy copies, clipped to [0, 1] like FashionMNIST's pixels.
Training: Adam with a OneCycleLR schedule (stepped per batch), gradient clipping.
Run: python examples/torch_style/mlp_fashion.py
"""
import numpy as np

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------


def make_templates(seed=0, n_classes=10, size=28):
    """Ten smooth random 28x28 patterns in [0, 1] (sums of Gaussian blobs)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    out = np.zeros((n_classes, size, size))
    for c in range(n_classes):
        for _ in range(4):
            cy, cx = rng.uniform(0.2, 0.8, 2)
            sy, sx = rng.uniform(0.08, 0.3, 2)
            out[c] += rng.uniform(0.4, 1.0) * np.exp(-((yy - cy) / sy) ** 2 - ((xx - cx) / sx) ** 2)
    return np.clip(out / out.max(axis=(1, 2), keepdims=True), 0, 1)


def make_data(n_train=2000, n_test=500, seed=0):
    """(X_train, X_test, y_train, y_test): float32 images (n, 1, 28, 28), int64 labels."""
    rng = np.random.default_rng(seed + 1)
    templates = make_templates(seed)
    n = n_train + n_test
    y = rng.integers(0, 10, n)
    X = np.empty((n, 28, 28))
    for i in range(n):
        img = np.roll(templates[y[i]], tuple(rng.integers(-3, 4, 2)), axis=(0, 1))
        X[i] = img * rng.uniform(0.5, 1.3) + 0.45 * rng.standard_normal((28, 28))
    X = np.clip(X, 0, 1).astype(np.float32)[:, None]
    return X[:n_train], X[n_train:], y[:n_train].astype(np.int64), y[n_train:].astype(np.int64)


class MLP(nn.Module):
    def __init__(self, n_in=28 * 28, hidden=(256, 128), n_out=10):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(n_in, hidden[0])
        self.fc2 = nn.Linear(hidden[0], hidden[1])
        self.out = nn.Linear(hidden[1], n_out)

    def forward(self, x):
        x = self.flatten(x)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x)


def train(model, X, y, epochs=5, max_lr=3e-3, batch_size=100):
    """Adam + OneCycleLR (per batch) + clip_grad_norm_; returns each epoch's mean loss."""
    loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(y)),
                        batch_size=batch_size, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=max_lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, epochs=epochs,
                                                    steps_per_epoch=len(loader))
    history = []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)
            optimizer.step()
            scheduler.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        history.append(total / count)
    return history


def accuracy(model, X, y):
    model.eval()
    with torch.no_grad():
        _, pred = model(torch.from_numpy(X)).max(1)
        return (pred == torch.from_numpy(y)).float().mean().item()


def main(epochs=5, print_fn=print):
    torch.manual_seed(0)
    X_tr, X_te, y_tr, y_te = make_data()
    model = MLP()
    history = train(model, X_tr, y_tr, epochs=epochs)
    acc = accuracy(model, X_te, y_te)
    print_fn(f"loss {history[0]:.4f} -> {history[-1]:.4f}, test accuracy {acc:.3f}")
    return history, acc


if __name__ == "__main__":
    main()
