"""Kernel SVMs on the digits: SVC (rbf) against scikit-learn's libsvm, plus
SVR and OneClassSVM in one line each.

1. Split digits 75/25, scale pixels to [0, 1], fit SVC(C=10, gamma="scale")
   with fastml and with scikit-learn (when installed); print the test
   accuracy, the number of support vectors, the largest difference between
   the two decision functions and the fit times.
2. SVR (rbf) on a noisy sine: test R^2.
3. OneClassSVM(nu=0.05) on Gaussian blobs with uniform outliers: fraction
   of the outliers flagged.

Run: python examples/svm_digits.py
"""
import time

import numpy as np

from fastml.datasets import load_digits
from fastml.model_selection import train_test_split
from fastml.svm import SVC, SVR, OneClassSVM


def main(print_fn=print):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=0)
    t0 = time.perf_counter()
    clf = SVC(C=10).fit(X_tr, y_tr)
    t_fm = time.perf_counter() - t0
    acc = clf.score(X_te, y_te)
    line = (f"SVC rbf digits: fastml test accuracy {acc:.4f}, {clf.n_support_.sum()} SVs, "
            f"fit {t_fm:.2f}s")
    try:
        from sklearn.svm import SVC as SKSVC
        t0 = time.perf_counter()
        ref = SKSVC(C=10).fit(X_tr, y_tr)
        t_sk = time.perf_counter() - t0
        diff = np.abs(ref.decision_function(X_te) - clf.decision_function(X_te)).max()
        line += (f" | scikit-learn accuracy {ref.score(X_te, y_te):.4f}, "
                 f"{ref.n_support_.sum()} SVs, fit {t_sk:.2f}s, max |decision diff| {diff:.1e}")
    except ImportError:
        pass
    print_fn(line)

    rng = np.random.default_rng(0)
    Xs = rng.uniform(-3, 3, (600, 1))
    ys = np.sin(Xs[:, 0]) + 0.1 * rng.standard_normal(600)
    reg = SVR(C=3.0, epsilon=0.05).fit(Xs[:400], ys[:400])
    print_fn(f"SVR rbf sine: test R^2 {reg.score(Xs[400:], ys[400:]):.4f}, "
             f"{reg.n_support_[0]} SVs")

    inl = rng.standard_normal((500, 2))
    out = rng.uniform(-6, 6, (50, 2))
    out = out[np.linalg.norm(out, axis=1) > 4]
    oc = OneClassSVM(nu=0.05, gamma=0.5).fit(inl)
    print_fn(f"OneClassSVM: {np.mean(oc.predict(out) == -1):.2f} of far outliers flagged, "
             f"{np.mean(oc.predict(inl) == 1):.2f} of training inliers kept")
    return acc


if __name__ == "__main__":
    main()
