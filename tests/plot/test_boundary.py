"""DecisionBoundaryDisplay and ClusterDisplay: the drawn arrays are the
estimator's own answers on the grid / the data."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from fastml.cluster import KMeans  # noqa: E402
from fastml.linear_model import LogisticRegression  # noqa: E402
from fastml.neighbors import KNeighborsClassifier  # noqa: E402
from fastml.plot import ClusterDisplay, DecisionBoundaryDisplay  # noqa: E402


def _blobs(n_classes=3, n=40, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [4.0, 4.0], [0.0, 5.0], [5.0, 0.0]])[:n_classes]
    X = np.vstack([c + rng.normal(size=(n, 2)) for c in centres])
    y = np.repeat(np.arange(n_classes), n)
    return X, y


def _grid(disp):
    return np.c_[disp.xx0.ravel(), disp.xx1.ravel()]


def test_binary_probability_surface_is_predict_proba():
    X, y = _blobs(2)
    clf = LogisticRegression().fit(X, y)
    disp = DecisionBoundaryDisplay.from_estimator(clf, X, y, response_method="predict_proba",
                                                  plot_method="pcolormesh", grid_resolution=30,
                                                  eps=0.5, xlabel="x0", ylabel="x1")
    assert disp.xx0.shape == (30, 30)
    np.testing.assert_allclose(disp.xx0[0, 0], X[:, 0].min() - 0.5)
    np.testing.assert_allclose(disp.xx1[-1, 0], X[:, 1].max() + 0.5)
    want = clf.predict_proba(_grid(disp))[:, 1]
    np.testing.assert_allclose(disp.response.ravel(), want)
    np.testing.assert_allclose(np.asarray(disp.surface_.get_array()).ravel(), want)
    np.testing.assert_array_equal(disp.scatter_.get_offsets(), X)
    assert disp.ax_.get_xlabel() == "x0" and disp.ax_.get_ylabel() == "x1"
    # the other class: 1 - p
    other = DecisionBoundaryDisplay.from_estimator(clf, X, response_method="predict_proba",
                                                   class_of_interest=0, grid_resolution=30,
                                                   eps=0.5)
    np.testing.assert_allclose(other.response, 1.0 - disp.response)


def test_auto_prefers_decision_function():
    X, y = _blobs(2)
    clf = LogisticRegression().fit(X, y)
    disp = DecisionBoundaryDisplay.from_estimator(clf, X, grid_resolution=20)
    assert disp.response_method == "decision_function"
    np.testing.assert_allclose(disp.response.ravel(), clf.decision_function(_grid(disp)))


def test_multiclass_labels_are_drawn_as_regions():
    X, y = _blobs(3)
    knn = KNeighborsClassifier(n_neighbors=5).fit(X, y)
    disp = DecisionBoundaryDisplay.from_estimator(knn, X, y, response_method="predict",
                                                  grid_resolution=25)
    pred = knn.predict(_grid(disp))
    np.testing.assert_array_equal(disp.response.ravel(), np.searchsorted(knn.classes_, pred))
    np.testing.assert_allclose(disp.surface_.levels, [-0.5, 0.5, 1.5, 2.5])
    # one class's probability
    proba = DecisionBoundaryDisplay.from_estimator(knn, X, response_method="predict_proba",
                                                   class_of_interest=2, grid_resolution=25)
    np.testing.assert_allclose(proba.response.ravel(), knn.predict_proba(_grid(disp))[:, 2])
    assert disp.discrete and not proba.discrete


def test_multiclass_scores_without_a_class_show_the_argmax():
    X, y = _blobs(3)
    clf = LogisticRegression().fit(X, y)
    disp = DecisionBoundaryDisplay.from_estimator(clf, X, grid_resolution=20)
    assert disp.response_method == "decision_function" and disp.discrete
    np.testing.assert_array_equal(disp.response.ravel(),
                                  np.argmax(clf.decision_function(_grid(disp)), axis=1))
    np.testing.assert_allclose(disp.surface_.levels, [-0.5, 0.5, 1.5, 2.5])


def test_draws_on_the_given_axes():
    import matplotlib.pyplot as plt

    X, y = _blobs(2)
    fig, ax = plt.subplots()
    disp = DecisionBoundaryDisplay.from_estimator(LogisticRegression().fit(X, y), X, ax=ax,
                                                  grid_resolution=10)
    assert disp.ax_ is ax and disp.figure_ is fig
    again = disp.plot(plot_method="contour")
    assert again is disp and disp.ax_ is not ax


def test_bad_inputs_name_the_parameter():
    X, y = _blobs(2)
    clf = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="shape"):
        DecisionBoundaryDisplay.from_estimator(clf, np.c_[X, X[:, :1]])
    with pytest.raises(ValueError, match="class_of_interest"):
        DecisionBoundaryDisplay.from_estimator(clf, X, response_method="predict_proba",
                                               class_of_interest=7)
    with pytest.raises(ValueError, match="response_method"):
        DecisionBoundaryDisplay.from_estimator(clf, X, response_method="proba")
    with pytest.raises(ValueError, match="plot_method"):
        DecisionBoundaryDisplay.from_estimator(clf, X, plot_method="imshow")
    with pytest.raises(ValueError, match="grid_resolution"):
        DecisionBoundaryDisplay.from_estimator(clf, X, grid_resolution=1)


def test_cluster_scatter_with_centres():
    X, _ = _blobs(3)
    Xw = np.c_[X, X[:, 0] * 2.0]
    km = KMeans(n_clusters=3, n_init=2, random_state=0).fit(Xw)
    disp = ClusterDisplay.from_estimator(km, Xw, features=(2, 1),
                                         feature_names=["a", "b", "c"])
    np.testing.assert_array_equal(disp.scatter_.get_offsets(), Xw[:, [2, 1]])
    np.testing.assert_allclose(disp.centers_scatter_.get_offsets(),
                               km.cluster_centers_[:, [2, 1]])
    np.testing.assert_array_equal(disp.labels, km.predict(Xw))
    assert disp.ax_.get_xlabel() == "c" and disp.ax_.get_ylabel() == "b"


def test_cluster_from_predictions_mean_centres():
    X, y = _blobs(3)
    disp = ClusterDisplay.from_predictions(X, y)
    want = np.array([X[y == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(disp.centers_scatter_.get_offsets(), want)
    assert ClusterDisplay.from_predictions(X, y, centers=None).centers_scatter_ is None
    with pytest.raises(ValueError, match="labels"):
        ClusterDisplay.from_predictions(X, y[:-1])
    with pytest.raises(ValueError, match="features"):
        ClusterDisplay.from_predictions(X, y, features=(0, 5))


def test_dataframe_input_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = _blobs(2)
    frame = pd.DataFrame(X, columns=["height", "width"])
    clf = LogisticRegression().fit(frame, y)
    disp = DecisionBoundaryDisplay.from_estimator(clf, frame, y, grid_resolution=15)
    assert disp.ax_.get_xlabel() == "height" and disp.ax_.get_ylabel() == "width"
    np.testing.assert_allclose(disp.response.ravel(), clf.decision_function(
        pd.DataFrame(_grid(disp), columns=["height", "width"])))
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        DecisionBoundaryDisplay.from_estimator(clf, frame, ax="left")
