"""Feature selection on a regression problem with 5 useful features out of 30.

Univariate scores (the F test measures linear dependence, the mutual
information any dependence, so it ranks features differently), recursive
feature elimination, and forward / backward stepwise regression
(SequentialFeatureSelector) -- each prints the features it keeps and the
5-fold R^2 of a linear model on them; the last line compares the mutual
information with scikit-learn's at the same random_state (identical).

Run: python examples/feature_selection_stepwise.py
"""
import numpy as np

from fastml.feature_selection import (RFE, SelectKBest, SequentialFeatureSelector,
                                      f_regression, mutual_info_regression)
from fastml.linear_model import LinearRegression
from fastml.model_selection import cross_val_score


def make_data(n=400, d=30, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    y = (3 * X[:, 0] - 2 * X[:, 1] + 1.5 * X[:, 2] + X[:, 3] + 2 * np.abs(X[:, 4])
         + 0.5 * rng.randn(n))
    return X, y


def main(print_fn=print):
    X, y = make_data()
    lin = LinearRegression()

    def report(name, support):
        idx = np.flatnonzero(support)
        r2 = cross_val_score(lin, X[:, idx], y, cv=5).mean()
        print_fn(f"{name:28s} keeps {idx.tolist()}  CV R^2 {r2:.3f}")
        return idx

    out = {}
    out["f"] = report("SelectKBest(f_regression)", SelectKBest(f_regression, k=5).fit(
        X, y).get_support())
    mi = SelectKBest(lambda X, y: mutual_info_regression(X, y, random_state=0), k=5).fit(X, y)
    out["mi"] = report("SelectKBest(mutual info)", mi.get_support())
    out["rfe"] = report("RFE(LinearRegression)", RFE(lin, n_features_to_select=5).fit(
        X, y).get_support())
    for direction in ("forward", "backward"):
        sfs = SequentialFeatureSelector(lin, n_features_to_select=5, direction=direction,
                                        cv=5, n_jobs=2).fit(X[:, :12], y)
        out[direction] = report(f"stepwise {direction} (12 cand.)", sfs.get_support())
    try:
        from sklearn.feature_selection import mutual_info_regression as sk_mi
    except ImportError:
        return out
    a = mutual_info_regression(X, y, random_state=0)
    b = sk_mi(X, y, random_state=0)
    print_fn(f"mutual information vs scikit-learn: max |difference| {np.abs(a - b).max():.2e}")
    return out


if __name__ == "__main__":
    main()
