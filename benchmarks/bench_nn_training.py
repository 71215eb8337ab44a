"""nn training stack: fastml vs the plain NumPy network vs PyTorch / scikit-learn.

Groups (float32, 2 threads everywhere; benchmarks/conftest.py pins fastml and
BLAS, torch.set_num_threads here):
  mlp-blobs-5001-steps  3-blob MLP (2-5-3, ReLU, CE + L2 0.01, lr 0.01), 5001
                        full-batch steps: fastml vs the NumPy implementation
                        below (target >= 5x).
  cnn-digits-epoch      one training epoch (batch 64, Adam) of
                        (Conv-BN-ReLU-Pool) x 2 -> Linear on the 8x8 digits:
                        fastml vs the same model in PyTorch (target >= 1.0x).
  lstm-fwd-bwd          LSTM T=50, B=32, I=32, H=64 forward + backward:
                        fastml vs torch.nn.LSTM (target >= 0.8x).
  rnn-fwd-bwd           tanh RNN of the same size vs torch.nn.RNN (target >= 2x).
  mlp-classifier-digits MLPClassifier((100,)) fit, 30 epochs of adam on digits:
                        fastml vs scikit-learn (target: faster, >= equal accuracy).

    PYTHONPATH=src python3 -m pytest benchmarks/bench_nn_training.py --benchmark-only \
        --benchmark-columns=min,median --benchmark-sort=name

With --benchmark-disable every body runs once on tiny sizes (CI correctness).
"""
import os
import sys
import warnings

import numpy as np
import pytest

from fastml import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import mlp_blobs  # noqa: E402


@pytest.fixture(scope="module")
def small(request):
    return bool(request.config.getoption("benchmark_disable"))


def _torch(bench_threads):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(bench_threads)
    return torch


# ---- 3-blob MLP: fastml vs plain NumPy ---------------------------------------------
def numpy_mlp_train(X, y, steps, lr=0.01, reg=0.01, hidden=5, seed=0):
    """The same network and update in plain NumPy (the tutorial's implementation):
    forward, softmax cross-entropy, manual backward, gradient-descent update."""
    rng = np.random.default_rng(seed)
    dt = X.dtype
    b1_ = 1 / np.sqrt(X.shape[1])
    W1 = rng.uniform(-b1_, b1_, (X.shape[1], hidden)).astype(dt)
    b1 = np.zeros(hidden, dt)
    b2_ = 1 / np.sqrt(hidden)
    W2 = rng.uniform(-b2_, b2_, (hidden, 3)).astype(dt)
    b2 = np.zeros(3, dt)
    n = X.shape[0]
    onehot = np.eye(3, dtype=dt)[y]
    for _ in range(steps):
        z1 = X @ W1 + b1
        h = np.maximum(z1, 0)
        s = h @ W2 + b2
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        ds = (p - onehot) / n
        dW2 = h.T @ ds + reg * W2
        db2 = ds.sum(axis=0)
        dh = ds @ W2.T
        dh[z1 <= 0] = 0
        dW1 = X.T @ dh + reg * W1
        db1 = dh.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    return W1, b1, W2, b2


@pytest.fixture(scope="module")
def blobs(small):
    Xtr, ytr, Xte, yte = mlp_blobs.make_data(200 if small else 5000)
    return Xtr, ytr, Xte, yte, (21 if small else 5001)


def bench_mlp_blobs_fastml(benchmark, blobs):
    Xtr, ytr, Xte, yte, steps = blobs
    benchmark.group = "mlp-blobs-5001-steps"

    def run():
        model = mlp_blobs.build_model()
        mlp_blobs.train(model, Xtr, ytr, steps=steps)
        return model

    model = benchmark.pedantic(run, rounds=2, iterations=1)
    acc = mlp_blobs.accuracy(model, Xte, yte)
    benchmark.extra_info["test_accuracy"] = acc
    if steps == 5001:
        assert acc >= 0.95


def bench_mlp_blobs_numpy(benchmark, blobs):
    Xtr, ytr, Xte, yte, steps = blobs
    benchmark.group = "mlp-blobs-5001-steps"
    W1, b1, W2, b2 = benchmark.pedantic(numpy_mlp_train, args=(Xtr, ytr, steps), rounds=2,
                                        iterations=1)
    acc = float(((np.maximum(Xte @ W1 + b1, 0) @ W2 + b2).argmax(1) == yte).mean())
    benchmark.extra_info["test_accuracy"] = acc


# ---- recurrent layers: fastml vs torch ------------------------------------------------
def _rnn_sizes(small):
    return (5, 4, 3, 6) if small else (50, 32, 32, 64)


@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
def bench_recurrent_fastml(benchmark, small, kind):
    T, B, I, H = _rnn_sizes(small)
    benchmark.group = f"{kind.lower()}-fwd-bwd"
    nn.manual_seed(0)
    mod = getattr(nn, kind)(I, H)
    x = nn.Tensor(np.random.default_rng(0).standard_normal((T, B, I)).astype(np.float32),
                  requires_grad=True)

    def step():
        out, _ = mod(x)
        out.sum().backward()

    benchmark(step)
    assert mod.weight_hh_l0.grad is not None


@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
def bench_recurrent_torch(benchmark, small, kind, bench_threads):
    torch = _torch(bench_threads)
    T, B, I, H = _rnn_sizes(small)
    benchmark.group = f"{kind.lower()}-fwd-bwd"
    torch.manual_seed(0)
    mod = getattr(torch.nn, kind)(I, H)
    x = torch.tensor(np.random.default_rng(0).standard_normal((T, B, I)).astype(np.float32),
                     requires_grad=True)

    def step():
        out, _ = mod(x)
        out.sum().backward()

    benchmark(step)


# ---- CNN on digits: one epoch, fastml vs torch ----------------------------------------------
@pytest.fixture(scope="module")
def digit_images(small):
    import cnn_digits

    Xtr, ytr, Xte, yte = cnn_digits.load_images()
    if small:
        Xtr, ytr = Xtr[:128], ytr[:128]
    return Xtr, ytr


def bench_cnn_epoch_fastml(benchmark, digit_images):
    pytest.importorskip("fastml.nn.functional.conv")
    import cnn_digits

    Xtr, ytr = digit_images
    benchmark.group = "cnn-digits-epoch"
    nn.manual_seed(0)
    model = cnn_digits.build_model()
    opt = nn.optim.Adam(model.parameters(), lr=3e-3)
    loader = nn.DataLoader((Xtr, ytr), batch_size=64, shuffle=True, seed=0)
    loss = benchmark(cnn_digits.train_epoch, model, opt, loader)
    assert np.isfinite(loss)


def bench_cnn_epoch_torch(benchmark, digit_images, bench_threads):
    torch = _torch(bench_threads)
    Xtr, ytr = digit_images
    benchmark.group = "cnn-digits-epoch"
    torch.manual_seed(0)
    tnn = torch.nn
    model = tnn.Sequential(
        tnn.Conv2d(1, 16, 3, padding=1), tnn.BatchNorm2d(16), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(16, 32, 3, padding=1), tnn.BatchNorm2d(32), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    X, y = torch.tensor(Xtr), torch.tensor(ytr)
    gen = torch.Generator().manual_seed(0)

    def epoch():
        model.train()
        perm = torch.randperm(len(y), generator=gen)
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = tnn.functional.cross_entropy(model(X[idx]), y[idx])
            loss.backward()
            opt.step()
        return loss.item()

    benchmark(epoch)


# ---- MLPClassifier vs scikit-learn --------------------------------------------------------
@pytest.fixture(scope="module")
def digits_split(small):
    from fastml.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    X, y = (X[order] / 16.0).astype(np.float32), y[order]
    cut = 1400
    epochs = 2 if small else 30
    return X[:cut], y[:cut], X[cut:], y[cut:], epochs


def _fit_score(cls, data):
    Xtr, ytr, Xte, yte, epochs = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = cls(hidden_layer_sizes=(100,), max_iter=epochs, tol=0.0, random_state=0)
        m.fit(Xtr, ytr)
    return m.score(Xte, yte)


def bench_mlp_classifier_fastml(benchmark, digits_split):
    from fastml.neural_network import MLPClassifier

    benchmark.group = "mlp-classifier-digits"
    acc = benchmark.pedantic(_fit_score, args=(MLPClassifier, digits_split), rounds=3,
                             iterations=1)
    benchmark.extra_info["test_accuracy"] = acc


def bench_mlp_classifier_sklearn(benchmark, digits_split):
    sk = pytest.importorskip("sklearn.neural_network")
    benchmark.group = "mlp-classifier-digits"
    acc = benchmark.pedantic(_fit_score, args=(sk.MLPClassifier, digits_split), rounds=3,
                             iterations=1)
    benchmark.extra_info["test_accuracy"] = acc
