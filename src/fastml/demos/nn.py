"""fastml.nn on two classic networks, against the plain NumPy version of each:
the 3-blob MLP (full-batch gradient descent) and a small CNN on the 8x8
digits (Conv-BN-ReLU-Pool x 2 -> Linear, Adam, batches of 64)."""
import time

import numpy as np

from ._nn_numpy import NumpyCNN, mlp_train


def _blobs(n_per_class=5000, seed=0):
    rng = np.random.default_rng(seed)
    cov = [[1, 0.75], [0.75, 1]]
    X = np.concatenate([rng.multivariate_normal(m, cov, n_per_class)
                        for m in ((0, 0), (1, 4), (2, 8))]).astype(np.float32)
    y = np.repeat(np.arange(3), n_per_class)
    order = rng.permutation(len(y))
    cut = int(0.9 * len(y))
    X, y = X[order], y[order]
    return X[:cut], y[:cut], X[cut:], y[cut:]


def _mlp(print_fn, steps=2001):
    from .. import nn
    from ..nn import functional as F

    Xtr, ytr, Xte, yte = _blobs()
    print_fn(f"3-blob MLP: {len(ytr)} points, 2-5-3 ReLU net, CE + L2 0.01, lr 0.01, "
             f"{steps} full-batch steps")
    nn.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 3))
    opt = nn.optim.SGD(model.parameters(), lr=0.01)
    ws = [model[0].weight, model[2].weight]
    xt = nn.Tensor(Xtr)
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(xt), ytr).backward()
        for w in ws:
            w.grad += 0.01 * w.data
        opt.step()
    t_fast = time.perf_counter() - t0
    with nn.no_grad():
        acc = float((model(Xte).data.argmax(axis=1) == yte).mean())
    t0 = time.perf_counter()
    predict = mlp_train(Xtr, ytr, steps)
    t_np = time.perf_counter() - t0
    acc_np = float((predict(Xte) == yte).mean())
    print_fn(f"  fastml.nn  {t_fast:6.2f} s   test accuracy {acc:.3f}")
    print_fn(f"  numpy      {t_np:6.2f} s   test accuracy {acc_np:.3f}   "
             f"fastml x{t_np / t_fast:.1f}")


def _cnn(print_fn, epochs=3):
    from .. import nn
    from ..datasets import load_digits
    from ..nn import functional as F

    if not hasattr(F, "conv2d"):
        print_fn("CNN: fastml.nn.functional.conv2d is not available in this build")
        return
    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    X = (X[order] / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = y[order]
    Xtr, ytr, Xte, yte = X[:1400], y[:1400], X[1400:], y[1400:]
    print_fn(f"digits CNN: (conv3x3-BN-ReLU-maxpool) x 2 -> linear, Adam, batch 64, "
             f"{epochs} epochs on {len(ytr)} images")
    nn.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128, 10))
    opt = nn.optim.Adam(model.parameters(), lr=3e-3)
    batches = [np.arange(i, min(i + 64, len(ytr))) for i in range(0, len(ytr), 64)]
    t0 = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for idx in batches:
            opt.zero_grad()
            F.cross_entropy(model(Xtr[idx]), ytr[idx]).backward()
            opt.step()
    t_fast = time.perf_counter() - t0
    model.eval()
    with nn.no_grad():
        acc = float((model(Xte).data.argmax(axis=1) == yte).mean())
    ref = NumpyCNN()
    t0 = time.perf_counter()
    for _ in range(epochs):
        for idx in batches:
            ref.step(Xtr[idx], ytr[idx])
    t_np = time.perf_counter() - t0
    print_fn(f"  fastml.nn  {t_fast:6.2f} s   test accuracy {acc:.3f}")
    print_fn(f"  numpy      {t_np:6.2f} s                        fastml x{t_np / t_fast:.1f}")


def run(print_fn=print):
    _mlp(print_fn)
    _cnn(print_fn)
