"""A PyTorch CNN (Conv-BN-ReLU-Pool x 2 -> Linear) on the bundled 8x8 digits,
run on fastml.nn.

Only the import block below differs from the PyTorch version of this script
(see mlp_classifier.py); tests/nn/test_torch_style_examples.py runs both from
the same initial weights and compares the losses.

Run: python examples/torch_style/cnn_classifier.py
"""
import numpy as np

from fastml.datasets import load_digits
from fastml.model_selection import train_test_split

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------


def make_data():
    X, y = load_digits(return_X_y=True, dtype=np.float32)
    X = (X / 16.0).reshape(-1, 1, 8, 8)
    return train_test_split(X, y, test_size=0.25, random_state=0)


class CNN(nn.Module):
    def __init__(self, n_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32 * 2 * 2, n_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.pool(F.relu(self.bn2(self.conv2(x))))
        x = x.view(x.size(0), -1)
        return self.fc(x)


def train(model, X, y, epochs=5, lr=1e-3, batch_size=64):
    """Adam on mini-batches in order; returns the mean loss of every epoch."""
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
        _, pred = torch.max(model(torch.from_numpy(X)), 1)
        return (pred == torch.from_numpy(y)).sum().item() / len(y)


def main(epochs=10, print_fn=print):
    torch.manual_seed(0)
    X_tr, X_te, y_tr, y_te = make_data()
    model = CNN()
    history = train(model, X_tr, y_tr, epochs=epochs)
    acc = accuracy(model, X_te, y_te)
    print_fn(f"loss {history[0]:.4f} -> {history[-1]:.4f}, test accuracy {acc:.3f}")
    return history, acc


if __name__ == "__main__":
    main()
