"""k-nearest neighbours on iris, the classic tutorial experiment.

1. Split iris 67/33 (shuffled, fixed seed), fit KNeighborsClassifier(k=7),
   report test accuracy (~98%).
2. 10-fold cross-validation on the training part over odd K = 1, 3, ..., 49;
   pick the K with the lowest misclassification error.
3. Plot misclassification error vs K to knn_iris_cv.png when matplotlib is
   installed (skipped otherwise).

Run: python examples/knn_iris.py [--no-plot]
"""
import sys

import numpy as np

from fastml.datasets import load_iris
from fastml.neighbors import KNeighborsClassifier


def train_test_split(X, y, test_size, seed):
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_size * len(y)))
    te, tr = order[:n_test], order[n_test:]
    return X[tr], X[te], y[tr], y[te]


def kfold_indices(n, n_splits, seed):
    """Shuffled folds of (almost) equal size: list of (train_idx, val_idx)."""
    order = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(order, n_splits)
    return [(np.concatenate(folds[:i] + folds[i + 1:]), f) for i, f in enumerate(folds)]


def cross_val_accuracy(k, X, y, folds):
    scores = []
    for tr, va in folds:
        clf = KNeighborsClassifier(n_neighbors=k).fit(X[tr], y[tr])
        scores.append(clf.score(X[va], y[va]))
    return float(np.mean(scores))


def main(plot=True, ks=range(1, 50, 2), out="knn_iris_cv.png", print_fn=print):
    X, y = load_iris(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.33, seed=42)
    clf = KNeighborsClassifier(n_neighbors=7).fit(X_tr, y_tr)
    acc = clf.score(X_te, y_te)
    print_fn(f"k=7: test accuracy {acc:.3f} ({len(y_tr)} train / {len(y_te)} test)")

    ks = [k for k in ks if k < len(y_tr) * 0.9]
    folds = kfold_indices(len(y_tr), 10, seed=0)
    mse = [1.0 - cross_val_accuracy(k, X_tr, y_tr, folds) for k in ks]
    best = ks[int(np.argmin(mse))]  # first minimum: the smallest best K
    print_fn(f"10-fold CV: best K = {best} (misclassification {min(mse):.3f})")
    if plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print_fn("matplotlib not installed: plot skipped")
        else:
            fig, ax = plt.subplots(figsize=(6, 4))
            ax.plot(ks, mse, marker="o")
            ax.set_xlabel("Number of neighbours K")
            ax.set_ylabel("Misclassification error")
            ax.set_title("KNN on iris: 10-fold cross-validation")
            fig.tight_layout()
            fig.savefig(out)
            plt.close(fig)
            print_fn(f"plot saved to {out}")
    return acc, best, mse


if __name__ == "__main__":
    main(plot="--no-plot" not in sys.argv)
