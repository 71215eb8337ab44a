"""Loss history, learning / validation curves and the KNN CV-error figure:
the drawn lines hold the computed values."""
import warnings

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from fastml import nn  # noqa: E402
from fastml.datasets import load_iris  # noqa: E402
from fastml.linear_model import LinearRegression  # noqa: E402
from fastml.model_selection import (StratifiedKFold, cross_val_score,  # noqa: E402
                                    learning_curve, validation_curve)
from fastml.naive_bayes import GaussianNB  # noqa: E402
from fastml.neighbors import KNeighborsClassifier  # noqa: E402
from fastml.neural_network import MLPClassifier  # noqa: E402
from fastml.nn.training import Trainer, accuracy  # noqa: E402
from fastml.plot import (KNeighborsCVDisplay, LearningCurveDisplay,  # noqa: E402
                         LossCurveDisplay, ValidationCurveDisplay)


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_loss_curve_of_an_mlp(iris):
    X, y = iris
    mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    with warnings.catch_warnings():  # may stop before converging
        warnings.simplefilter("ignore")
        mlp.fit(X, y)
    disp = LossCurveDisplay.from_estimator(mlp)
    line = disp.lines_["loss"]
    np.testing.assert_allclose(line.get_ydata(), mlp.loss_curve_)
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(mlp.loss_curve_) + 1))
    assert disp.ax_.get_xlabel() == "epoch" and disp.ax_.get_ylabel() == "loss"


def test_cost_history_starts_at_iteration_zero():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 2))
    y = X @ [1.0, -2.0] + 0.5
    with warnings.catch_warnings():  # 40 steps: not converged
        warnings.simplefilter("ignore")
        gd = LinearRegression(solver="gd", learning_rate=0.1, max_iter=40).fit(X, y)
    disp = LossCurveDisplay.from_estimator(gd, log_scale=True)
    line = disp.lines_["cost"]
    np.testing.assert_allclose(line.get_ydata(), gd.cost_history_)
    assert line.get_xdata()[0] == 0
    # cost_history_[0] is J at w = 0, b = 0: half the mean of y^2
    np.testing.assert_allclose(line.get_ydata()[0], 0.5 * np.mean(y ** 2))
    assert disp.ax_.get_yscale() == "log"
    with pytest.raises(ValueError, match="loss_curve_ or cost_history_"):
        LossCurveDisplay.from_estimator(LinearRegression())


def test_trainer_history(rng):
    nn.manual_seed(0)
    X = rng.standard_normal((120, 4)).astype(np.float32)
    y = (X[:, 0] - X[:, 2] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    trainer = Trainer(model, nn.functional.cross_entropy,
                      nn.optim.Adam(model.parameters(), lr=0.02), {"acc": accuracy})
    trainer.fit((X[:90], y[:90]), epochs=4, val_data=(X[90:], y[90:]), seed=0, verbose=0)
    disp = LossCurveDisplay.from_history(trainer)
    assert set(disp.lines_) == {"loss", "val_loss"}
    for key, line in disp.lines_.items():
        np.testing.assert_allclose(line.get_ydata(), trainer.history[key])
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    acc = LossCurveDisplay.from_history(trainer.history, keys=["acc", "val_acc"])
    np.testing.assert_allclose(acc.lines_["val_acc"].get_ydata(), trainer.history["val_acc"])
    assert acc.ax_.get_ylabel() == "value" and len(acc.ax_.get_legend().get_texts()) == 2
    with pytest.raises(ValueError, match="not in the history"):
        LossCurveDisplay.from_history(trainer.history, keys=["nope"])
    plain = LossCurveDisplay.from_history([3.0, 2.0, 1.5])
    np.testing.assert_array_equal(plain.lines_["loss"].get_xdata(), [0, 1, 2])


def test_learning_curve_display_draws_fold_means(iris):
    X, y = iris
    kw = dict(train_sizes=[0.2, 0.5, 1.0], cv=5, shuffle=True, random_state=0)
    sizes, train, test = learning_curve(KNeighborsClassifier(), X, y, **kw)
    disp = LearningCurveDisplay.from_estimator(KNeighborsClassifier(), X, y, **kw)
    np.testing.assert_array_equal(disp.train_sizes, sizes)
    np.testing.assert_allclose(disp.lines_["train"].get_ydata(), train.mean(axis=1))
    np.testing.assert_allclose(disp.lines_["test"].get_ydata(), test.mean(axis=1))
    np.testing.assert_array_equal(disp.lines_["test"].get_xdata(), sizes)
    assert set(disp.fill_between_) == {"train", "test"}
    assert disp.ax_.get_xlabel() == "Number of samples in the training set"
    assert disp.ax_.get_ylabel() == "Score"
    only = disp.plot(score_type="test", std_display_style="errorbar")
    assert set(only.lines_) == {"test"} and set(only.errorbar_) == {"test"}


def test_validation_curve_display_log_axis_and_negated_score(iris):
    X, y = iris
    rng = np.random.default_rng(1)
    Xr = rng.standard_normal((80, 3))
    yr = Xr @ [1.0, 0.5, -1.0] + 0.1 * rng.standard_normal(80)
    from fastml.linear_model import Ridge

    alphas = [0.01, 0.1, 1.0, 10.0, 100.0]
    train, test = validation_curve(Ridge(), Xr, yr, param_name="alpha", param_range=alphas,
                                   cv=4, scoring="neg_mean_squared_error")
    disp = ValidationCurveDisplay.from_estimator(Ridge(), Xr, yr, param_name="alpha",
                                                 param_range=alphas, cv=4,
                                                 scoring="neg_mean_squared_error",
                                                 negate_score=True)
    np.testing.assert_allclose(disp.lines_["test"].get_ydata(), -test.mean(axis=1))
    np.testing.assert_allclose(disp.lines_["train"].get_ydata(), -train.mean(axis=1))
    assert disp.ax_.get_xscale() == "log" and disp.ax_.get_xlabel() == "alpha"
    assert disp.ax_.get_ylabel() == "Mean squared error"


def test_knn_cv_error_vs_k(iris):
    X, y = iris
    ks = [1, 5, 9, 15, 31]
    disp = KNeighborsCVDisplay.from_estimator(None, X, y, n_neighbors=ks, cv=10)
    want = [1.0 - cross_val_score(KNeighborsClassifier(n_neighbors=k), X, y,
                                  cv=StratifiedKFold(10), scoring="accuracy").mean()
            for k in ks]
    np.testing.assert_allclose(disp.errors, want)
    np.testing.assert_allclose(disp.line_.get_ydata(), want)
    np.testing.assert_array_equal(disp.line_.get_xdata(), ks)
    assert disp.best_n_neighbors_ == ks[int(np.argmin(want))]
    np.testing.assert_array_equal(disp.best_line_.get_xdata(), [disp.best_n_neighbors_] * 2)
    assert disp.ax_.get_ylabel() == "Misclassification error"
    with pytest.raises(ValueError, match="n_neighbors"):
        KNeighborsCVDisplay.from_estimator(None, X, y, n_neighbors=[0, 3])


def test_learning_curve_matches_scikit_learn(iris):
    skm = pytest.importorskip("sklearn.model_selection")
    X, y = iris
    for kw in (dict(train_sizes=[0.1, 0.4, 1.0], cv=5, shuffle=True, random_state=7),
               dict(train_sizes=[10, 50, 100], cv=3)):
        ours = learning_curve(KNeighborsClassifier(), X, y, return_times=True, **kw)
        theirs = skm.learning_curve(KNeighborsClassifier(), X, y, return_times=True, **kw)
        assert len(ours) == 5
        for a, b in zip(ours[:3], theirs[:3]):
            np.testing.assert_array_equal(a, b)
        assert ours[3].shape == theirs[3].shape
    ours = learning_curve(GaussianNB(), X, y, cv=4, shuffle=True, random_state=0,
                          exploit_incremental_learning=True)
    theirs = skm.learning_curve(GaussianNB(), X, y, cv=4, shuffle=True, random_state=0,
                                exploit_incremental_learning=True)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b)
    ours = validation_curve(KNeighborsClassifier(), X, y, param_name="n_neighbors",
                            param_range=[1, 4, 16], cv=5)
    theirs = skm.validation_curve(KNeighborsClassifier(), X, y, param_name="n_neighbors",
                                  param_range=[1, 4, 16], cv=5)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_curve_argument_errors(iris):
    X, y = iris
    with pytest.raises(ValueError, match="within \\(0, 1\\]"):
        learning_curve(KNeighborsClassifier(), X, y, train_sizes=[0.0, 0.5])
    with pytest.raises(ValueError, match="within \\(0, 120\\]"):
        learning_curve(KNeighborsClassifier(), X, y, train_sizes=[5, 500])
    with pytest.raises(ValueError, match="partial_fit"):
        learning_curve(KNeighborsClassifier(), X, y, exploit_incremental_learning=True)
    with pytest.warns(RuntimeWarning, match="duplicate"):
        learning_curve(KNeighborsClassifier(), X, y, train_sizes=[0.5, 0.5, 1.0])
    with pytest.raises(ValueError, match="single scoring"):
        validation_curve(KNeighborsClassifier(), X, y, param_name="n_neighbors",
                         param_range=[1, 2], scoring=["accuracy"])
    with pytest.raises(ValueError, match="param_range"):
        validation_curve(KNeighborsClassifier(), X, y, param_name="n_neighbors",
                         param_range=[])


def test_knn_cv_skips_failed_k(iris):
    X, y = iris
    with warnings.catch_warnings():  # K = 200 > the training folds: those fits fail
        warnings.simplefilter("ignore")
        disp = KNeighborsCVDisplay.from_estimator(None, X[:40], y[:40], n_neighbors=[1, 3, 200],
                                                  cv=2)
    assert np.isnan(disp.errors[2]) and disp.best_n_neighbors_ in (1, 3)
    with pytest.raises(ValueError, match="not all NaN"):
        KNeighborsCVDisplay(n_neighbors=[1, 2], errors=[np.nan, np.nan])
