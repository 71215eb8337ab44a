"""Spline regression: B-spline features + a linear model (the cheatsheet's
"spline regression"), against plain polynomial regression.

1. Noisy samples of f(x) = x sin(x) on [0, 10]; fit
   make_pipeline(SplineTransformer(n_knots=8, degree=3), Ridge(alpha=1e-3))
   and, for contrast, a degree-3 polynomial with the same Ridge.
2. Report the test RMSE of both against the noise-free curve, and check the
   spline features equal scikit-learn's (when installed) to 1e-10.
3. Periodic splines: an hourly pattern learned from one day generalises to
   the next (extrapolation="periodic").
4. Plot to spline_regression.png when matplotlib is installed.

Run: python examples/spline_regression.py [--no-plot]
"""
import sys

import numpy as np

from fastml.linear_model import Ridge
from fastml.pipeline import make_pipeline
from fastml.preprocessing import PolynomialFeatures, SplineTransformer


def f(x):
    return x * np.sin(x)


def main(plot=True, out="spline_regression.png", print_fn=print):
    rng = np.random.default_rng(0)
    x_train = np.sort(rng.uniform(0, 10, 100))[:, None]
    y_train = f(x_train[:, 0]) + rng.normal(0, 0.5, 100)
    x_test = np.linspace(0, 10, 1000)[:, None]

    spline = make_pipeline(SplineTransformer(n_knots=8, degree=3), Ridge(alpha=1e-3))
    poly = make_pipeline(PolynomialFeatures(degree=3), Ridge(alpha=1e-3))
    rmse = {}
    for name, model in (("splines (8 knots, cubic)", spline), ("polynomial (degree 3)", poly)):
        model.fit(x_train, y_train)
        rmse[name] = float(np.sqrt(np.mean((model.predict(x_test) - f(x_test[:, 0])) ** 2)))
        print_fn(f"{name:26s} test RMSE vs the true curve: {rmse[name]:.3f}")

    try:
        from sklearn.preprocessing import SplineTransformer as SkSpline
    except ImportError:
        print_fn("scikit-learn not installed: comparison skipped")
    else:
        ours = SplineTransformer(n_knots=8, degree=3).fit(x_train).transform(x_test)
        theirs = SkSpline(n_knots=8, degree=3).fit(x_train).transform(x_test)
        print_fn(f"spline features vs scikit-learn: max |difference| = "
                 f"{np.abs(ours - theirs).max():.1e}")

    hours = np.arange(24.0)[:, None]
    load = 10 + 3 * np.sin(2 * np.pi * hours[:, 0] / 24) + np.cos(4 * np.pi * hours[:, 0] / 24)
    periodic = make_pipeline(SplineTransformer(n_knots=7, degree=3, extrapolation="periodic",
                                               knots=np.linspace(0, 24, 7)[:, None]),
                             Ridge(alpha=1e-6)).fit(hours, load)
    next_day = periodic.predict(hours + 24)
    print_fn(f"periodic splines, next day max |error|: {np.abs(next_day - load).max():.3f}")

    if plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print_fn("matplotlib not installed: plot skipped")
        else:
            fig, ax = plt.subplots(figsize=(6, 4))
            ax.scatter(x_train[:, 0], y_train, s=8, color="gray", label="samples")
            ax.plot(x_test[:, 0], f(x_test[:, 0]), "k--", label="x sin(x)")
            ax.plot(x_test[:, 0], spline.predict(x_test), label="splines + Ridge")
            ax.plot(x_test[:, 0], poly.predict(x_test), label="polynomial + Ridge")
            ax.legend()
            fig.tight_layout()
            fig.savefig(out)
            plt.close(fig)
            print_fn(f"plot written to {out}")
    return rmse


if __name__ == "__main__":
    main(plot="--no-plot" not in sys.argv)
