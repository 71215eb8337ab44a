"""A dense autoencoder on the bundled 8x8 digits: 64 -> 32 -> 8 -> 32 -> 64
(ReLU, sigmoid output), mean-squared reconstruction error, Adam. Test
reconstructions are written to autoencoder_digits.png when matplotlib is
installed.

    python examples/autoencoder_digits.py [--quick]
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


def build(code=8):
    encoder = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, code))
    decoder = nn.Sequential(nn.Linear(code, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())
    return nn.Sequential(encoder, decoder)


def main(quick=False, make_plot=True):
    nn.manual_seed(0)
    Xtr, _, Xte, _ = load_digits_01()
    model = build()
    opt = nn.optim.Adam(model.parameters(), lr=3e-3)
    loader = nn.DataLoader((Xtr,), batch_size=64, shuffle=True, seed=0)
    test_losses = []

    def test_loss():
        with nn.no_grad():
            return F.mse_loss(model(Xte), Xte).item()

    test_losses.append(test_loss())
    t0 = time.perf_counter()
    for _ in range(10 if quick else 60):
        for (xb,) in loader:
            opt.zero_grad()
            loss = F.mse_loss(model(xb), xb)
            loss.backward()
            opt.step()
        test_losses.append(test_loss())
    secs = time.perf_counter() - t0
    print(f"autoencoder_digits: test reconstruction MSE {test_losses[0]:.4f} -> "
          f"{test_losses[-1]:.4f} ({secs:.2f}s)")
    if make_plot and not quick:
        with nn.no_grad():
            rec = model(Xte[:10]).data
        path = save_grid(np.concatenate([Xte[:10], rec]), "autoencoder_digits.png",
                         title="top: test digits, bottom: reconstructions")
        if path:
            print(f"images written to {path}")
    return {"test_losses": test_losses, "seconds": secs}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
