"""Shared by the digits examples: the bundled 8x8 digits scaled to [0, 1] and
a PNG grid writer (only when matplotlib is installed)."""
import numpy as np


def load_digits_01(dtype=np.float32, seed=0, test_fraction=0.2):
    """-> X_train, y_train, X_test, y_test; X (n, 64) in [0, 1], shuffled split."""
    from fastml.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    X, y = (X[order] / 16.0).astype(dtype), y[order]
    cut = int(len(y) * (1 - test_fraction))
    return X[:cut], y[:cut], X[cut:], y[cut:]


def save_grid(images, path, ncols=10, title=None):
    """images (n, 64) in [0, 1] -> PNG grid; returns path or None without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    n = len(images)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * 0.8, nrows * 0.8))
    for ax, img in zip(np.ravel(axes), images):
        ax.imshow(np.clip(img.reshape(8, 8), 0, 1), cmap="gray_r")
    for ax in np.ravel(axes):
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
