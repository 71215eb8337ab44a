"""Every display redraws on the axes it is given and keeps the artists there."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from fastml import plot as P  # noqa: E402
from fastml.cluster import KMeans  # noqa: E402
from fastml.datasets import load_iris  # noqa: E402
from fastml.ensemble import RandomForestClassifier  # noqa: E402
from fastml.linear_model import LogisticRegression  # noqa: E402
from fastml.neighbors import KNeighborsClassifier  # noqa: E402
from fastml.nn.optim import Adam  # noqa: E402
from fastml.tree import DecisionTreeClassifier  # noqa: E402

X, Y = load_iris(return_X_y=True)
XB, YB = X[50:, :2], (Y[50:] == 2).astype(int)

BUILDERS = {
    "boundary": lambda: P.DecisionBoundaryDisplay.from_estimator(
        KNeighborsClassifier().fit(X[:, :2], Y), X[:, :2], Y, grid_resolution=20),
    "cluster": lambda: P.ClusterDisplay.from_estimator(
        KMeans(n_clusters=3, n_init=1, random_state=0).fit(X), X),
    "loss": lambda: P.LossCurveDisplay.from_history({"loss": [1.0, 0.5], "val_loss": [1, 0.7]}),
    "learning": lambda: P.LearningCurveDisplay.from_estimator(
        KNeighborsClassifier(), X, Y, cv=3, train_sizes=[0.5, 1.0], shuffle=True,
        random_state=0),
    "validation-categorical": lambda: P.ValidationCurveDisplay.from_estimator(
        KNeighborsClassifier(), X, Y, cv=3, param_name="weights",
        param_range=["uniform", "distance"]),
    "knn": lambda: P.KNeighborsCVDisplay.from_estimator(None, X, Y, n_neighbors=[1, 5], cv=3),
    "confusion": lambda: P.ConfusionMatrixDisplay.from_predictions(Y, np.roll(Y, 1)),
    "roc": lambda: P.RocCurveDisplay.from_estimator(LogisticRegression().fit(XB, YB), XB, YB),
    "pr": lambda: P.PrecisionRecallDisplay.from_estimator(LogisticRegression().fit(XB, YB),
                                                          XB, YB),
    "importances": lambda: P.FeatureImportanceDisplay.from_estimator(
        RandomForestClassifier(n_estimators=5, random_state=0).fit(X, Y)),
    "tree": lambda: P.TreeDisplay.from_estimator(
        DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, Y)),
    "dendrogram": lambda: P.DendrogramDisplay.from_data(X[::10]),
    "activation": lambda: P.ActivationDisplay.from_functions("tanh"),
    "optimizer": lambda: P.OptimizerPathDisplay.from_optimizers(
        {"Adam": (Adam, {"lr": 0.1})}, function="himmelblau", n_steps=20, resolution=30),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_plot_draws_on_the_given_axes(name):
    import matplotlib.pyplot as plt

    disp = BUILDERS[name]()
    first = disp.ax_
    assert first.figure is disp.figure_
    fig, ax = plt.subplots()
    assert disp.plot(ax=ax) is disp
    assert disp.ax_ is ax and disp.figure_ is fig and ax is not first
    drawn = ax.lines + ax.patches + ax.images + ax.collections + ax.texts
    assert drawn, f"{name}: nothing drawn on the given axes"
