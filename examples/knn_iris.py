"""k-nearest neighbours on iris, the classic tutorial experiment.

1. Split iris 67/33 with ``train_test_split(test_size=0.33, random_state=42)``,
   fit KNeighborsClassifier(n_neighbors=7) and report the test accuracy
   (0.980: 49 of 50 test flowers, the same split and answer as scikit-learn).
2. 10-fold cross-validation (``cross_val_score``, stratified folds as in
   scikit-learn) on the training part over odd K = 1, 3, ..., 49; pick the K
   with the lowest misclassification error (K = 1, error 0.060 on this split).
3. Plot misclassification error vs K to knn_iris_cv.png when matplotlib is
   installed (skipped otherwise).

Run: python examples/knn_iris.py [--no-plot]
"""
import sys

import numpy as np

from fastml.datasets import load_iris
from fastml.model_selection import cross_val_score, train_test_split
from fastml.neighbors import KNeighborsClassifier


def main(plot=True, ks=range(1, 50, 2), out="knn_iris_cv.png", print_fn=print):
    X, y = load_iris(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.33, random_state=42)
    clf = KNeighborsClassifier(n_neighbors=7).fit(X_tr, y_tr)
    acc = clf.score(X_te, y_te)
    print_fn(f"k=7: test accuracy {acc:.3f} ({len(y_tr)} train / {len(y_te)} test)")

    ks = [k for k in ks if k < len(y_tr) * 0.9]
    mse = [1.0 - cross_val_score(KNeighborsClassifier(n_neighbors=k), X_tr, y_tr, cv=10,
                                 scoring="accuracy").mean() for k in ks]
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
