"""Linear support vector regression: LinearSVR with the epsilon-insensitive
loss (dual coordinate descent) and the squared epsilon-insensitive loss
(primal Newton) on a noisy linear problem with outliers, against the
DummyRegressor baseline (R^2 = 0 by construction) and, when installed,
scikit-learn's LinearSVR on the same data.

Run: python examples/linear_svm_regression.py
"""
import numpy as np

from fastml.dummy import DummyRegressor
from fastml.svm import LinearSVR


def make_data(n=5000, p=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = rng.standard_normal(p)
    y = X @ w + 0.5 * rng.standard_normal(n)
    y[rng.random(n) < 0.02] += 30.0  # a few gross outliers
    return X, y, w


def main(print_fn=print):
    X, y, w = make_data()
    out = {}
    for name, model in [("DummyRegressor (median)", DummyRegressor(strategy="median")),
                        ("LinearSVR eps-insensitive", LinearSVR(epsilon=0.5, C=1.0,
                                                                random_state=0,
                                                                max_iter=10000)),
                        ("LinearSVR squared eps-insensitive",
                         LinearSVR(loss="squared_epsilon_insensitive", epsilon=0.5, C=0.01))]:
        model.fit(X, y)
        r2 = model.score(X, y)
        err = np.abs(model.coef_ - w).max() if hasattr(model, "coef_") else float("nan")
        out[name] = r2
        print_fn(f"{name:36s} R^2 {r2:.4f}  max|coef - true| {err:.3f}")
    try:
        from sklearn.svm import LinearSVR as SkLinearSVR
    except ImportError:
        return out
    sk = SkLinearSVR(epsilon=0.5, C=1.0, random_state=0, max_iter=10000).fit(X, y)
    ours = LinearSVR(epsilon=0.5, C=1.0, random_state=0, max_iter=10000).fit(X, y)
    print_fn(f"scikit-learn LinearSVR eps-insensitive R^2 {sk.score(X, y):.4f}; "
             f"max|coef fastml - coef scikit-learn| {np.abs(ours.coef_ - sk.coef_).max():.2e}")
    return out


if __name__ == "__main__":
    main()
