"""A small CNN on the bundled 8x8 digits: (Conv 3x3 - BatchNorm - ReLU -
MaxPool 2x2) x 2 -> Linear, Adam, minibatches of 64; >= 97% test accuracy.

    python examples/cnn_digits.py [--quick]
"""
import sys
import time

import numpy as np

from fastml import nn
from fastml.nn import functional as F

try:
    from ._digits_common import load_digits_01
except ImportError:  # run as a script
    from _digits_common import load_digits_01


def build_model(c1=16, c2=32):
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * 2 * 2, 10))


def load_images(dtype=np.float32):
    Xtr, ytr, Xte, yte = load_digits_01(dtype)
    return Xtr.reshape(-1, 1, 8, 8), ytr, Xte.reshape(-1, 1, 8, 8), yte


def train_epoch(model, opt, loader):
    model.train()
    total, n = 0.0, 0
    for xb, yb in loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
        n += len(xb)
    return total / n


def accuracy(model, X, y):
    model.eval()
    with nn.no_grad():
        return float((model(X).data.argmax(axis=1) == y).mean())


def main(quick=False):
    nn.manual_seed(0)
    Xtr, ytr, Xte, yte = load_images()
    model = build_model()
    opt = nn.optim.Adam(model.parameters(), lr=3e-3)
    epochs = 5 if quick else 20
    sched = nn.optim.CosineAnnealingLR(opt, epochs)
    loader = nn.DataLoader((Xtr, ytr), batch_size=64, shuffle=True, seed=0)
    t0 = time.perf_counter()
    losses = []
    for _ in range(epochs):
        losses.append(train_epoch(model, opt, loader))
        sched.step()
    secs = time.perf_counter() - t0
    acc = accuracy(model, Xte, yte)
    print(f"cnn_digits: loss {losses[0]:.3f} -> {losses[-1]:.3f}, test accuracy {acc:.4f} "
          f"({secs:.2f}s, {secs / epochs * 1000:.0f} ms/epoch)")
    return {"accuracy": acc, "losses": losses, "seconds": secs}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
