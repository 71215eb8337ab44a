"""Linear models on the bundled data: regression by gradient descent (with its
cost curve), logistic regression on breast cancer, compiled loops vs NumPy."""
import os
import tempfile

import numpy as np

from .._kernels import enet as kenet
from .._kernels import sgd as ksgd
from .._kernels.reference import enet as renet
from .._kernels.reference import sgd as rsgd
from ..datasets import load_breast_cancer, make_advertising
from ..linear_model import LinearRegression, LogisticRegression, SGDClassifier
from ..model_selection import train_test_split
from ..preprocessing import StandardScaler
from ._timing import best_of


def _cost_curve_png(history):
    """Save the cost curve as a PNG when matplotlib is installed; return the path."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    fig = Figure(figsize=(5, 3.2))
    ax = fig.add_subplot()
    ax.plot(np.arange(len(history)), history)
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost J = MSE / 2")
    ax.set_yscale("log")
    ax.set_title("Linear regression by gradient descent (sales ~ TV)")
    fig.tight_layout()
    path = os.path.join(tempfile.gettempdir(), "fastml_linear_cost.png")
    fig.savefig(path, dpi=100)
    return path


def run(print_fn=print):
    # 1. sales ~ TV budget by batch gradient descent, the classic first model
    X, y = make_advertising(random_state=0)
    tv = StandardScaler().fit_transform(X[:, :1])
    gd = LinearRegression(solver="gd", learning_rate=0.01, max_iter=2000).fit(tv, y)
    h = gd.cost_history_
    marks = [k for k in (0, 10, 50, 100, 200, 500, len(h) - 1) if k < len(h)]
    print_fn("advertising (200 markets): sales ~ TV, batch gradient descent, lr 0.01")
    print_fn("  cost J = MSE/2 at iteration " +
             ", ".join(f"{k}: {h[k]:.2f}" for k in marks))
    exact = LinearRegression().fit(tv, y)
    print_fn(f"  gradient descent w = {gd.coef_[0]:.4f}, b = {gd.intercept_:.4f};  "
             f"least squares w = {exact.coef_[0]:.4f}, b = {exact.intercept_:.4f}")
    path = _cost_curve_png(h)
    if path:
        print_fn(f"  cost curve saved to {path}")

    # 2. logistic regression on breast cancer (569 tumours, 30 features)
    Xb, yb = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(Xb, yb, test_size=0.25, stratify=yb, random_state=0)
    sc = StandardScaler().fit(Xtr)
    Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
    print_fn("breast cancer, logistic regression, held-out accuracy (25% test split):")
    for solver in ("lbfgs", "newton", "cg", "gd", "sgd"):
        t, m = best_of(lambda: LogisticRegression(solver=solver, max_iter=500,
                                                  random_state=0).fit(Xtr, ytr))
        print_fn(f"  {solver:<6} {m.score(Xte, yte):.3f}   fit {t * 1e3:6.1f} ms  "
                 f"({int(m.n_iter_[0])} iterations)")
    svm = SGDClassifier(loss="hinge", random_state=0).fit(Xtr, ytr)
    print_fn(f"  linear SVM (SGD, hinge loss) {svm.score(Xte, yte):.3f}")

    # 3. compiled loops vs the plain NumPy implementation of the same algorithm
    rng = np.random.default_rng(0)
    n, d = 5000, 30
    Xs = rng.standard_normal((n, d))
    ys = np.sign(Xs @ rng.standard_normal(d))
    order = rng.permutation(n).astype(np.int64)

    def epoch(impl):
        w, q, st = np.zeros(d), np.zeros(d), np.array([1.0, 0.0, 1.0, 0.0])
        args = (w, q, st, Xs, ys, np.ones(n), order)
        if impl is ksgd:
            return ksgd.sgd_epoch(*args, "hinge", 0.1, "l2", 1e-4, 0.15, "optimal", 0.0, 0.5,
                                  1e4, True)
        return rsgd.sgd_epoch(*args, 0, 0.1, 1, 1e-4, 0.15, 1, 0.0, 0.5, 1e4, True)

    epoch(ksgd)  # compile (cached on disk after the first run)
    t_fast, _ = best_of(lambda: epoch(ksgd))
    t_ref, _ = best_of(lambda: epoch(rsgd), repeat=1)
    print_fn(f"one SGD epoch, {n} x {d}: compiled {t_fast * 1e3:6.2f} ms   numpy "
             f"{t_ref * 1e3:7.1f} ms   x{t_ref / t_fast:5.1f}")
    Xc = rng.standard_normal((1000, 100))
    yc = Xc[:, :10] @ rng.standard_normal(10) + rng.standard_normal(1000)
    XT = np.ascontiguousarray((Xc - Xc.mean(0)).T)
    yc = yc - yc.mean()
    kenet.enet_cd(np.zeros(100), XT, yc, 50.0, 0.0, 1, 0.0)
    t_fast, _ = best_of(lambda: kenet.enet_cd(np.zeros(100), XT, yc, 50.0, 0.0, 20, 0.0))
    t_ref, _ = best_of(lambda: renet.enet_cd(np.zeros(100), XT, yc, 50.0, 0.0, 20, 0.0), repeat=1)
    print_fn(f"20 lasso coordinate-descent sweeps, 1000 x 100: compiled {t_fast * 1e3:6.2f} ms"
             f"   numpy {t_ref * 1e3:7.1f} ms   x{t_ref / t_fast:5.1f}")
