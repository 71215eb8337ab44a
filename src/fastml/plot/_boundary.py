"""Decision boundary of any 2-d classifier (or regressor) and the cluster
scatter with centres."""
import numpy as np

from ._base import check_2d_features, check_positive_int, estimator_name, get_ax, merged

__all__ = ["DecisionBoundaryDisplay", "ClusterDisplay"]

_RESPONSE_METHODS = ("auto", "predict", "predict_proba", "decision_function")


def _response_method(estimator, response_method):
    if response_method not in _RESPONSE_METHODS:
        raise ValueError(f"response_method must be one of {_RESPONSE_METHODS}, got "
                         f"{response_method!r}")
    order = (["decision_function", "predict_proba", "predict"] if response_method == "auto"
             else [response_method])
    for name in order:
        if callable(getattr(estimator, name, None)):
            return name
    raise ValueError(f"{estimator_name(estimator)} has none of the methods {order} "
                     f"(response_method={response_method!r})")


def _class_column(classes, class_of_interest):
    hits = np.flatnonzero(np.asarray(classes) == class_of_interest)
    if hits.size == 0:
        raise ValueError(f"class_of_interest={class_of_interest!r} is not one of the "
                         f"estimator's classes {list(classes)}")
    return int(hits[0])


def _grid_response(estimator, method, grid, class_of_interest):
    """The plotted value at each grid point: a class index for `predict` on a
    classifier, the positive (or chosen) class's score for a binary response,
    the chosen class's column (or the index of the argmax class when none is
    chosen) for a multiclass one."""
    classes = getattr(estimator, "classes_", None)
    out = np.asarray(getattr(estimator, method)(grid))
    if method == "predict":
        if classes is not None:
            return np.searchsorted(np.asarray(classes), out).astype(float)
        return out.astype(float)
    if out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1):
        out = out.reshape(-1)
        if class_of_interest is not None and classes is not None and \
                _class_column(classes, class_of_interest) == 0:
            return -out if method == "decision_function" else 1.0 - out
        return out
    if out.shape[1] == 2 and classes is not None and len(classes) == 2:
        col = 1 if class_of_interest is None else _class_column(classes, class_of_interest)
        return out[:, col]
    if class_of_interest is None:
        return np.argmax(out, axis=1).astype(float)
    return out[:, _class_column(classes, class_of_interest)]


class DecisionBoundaryDisplay:
    """Decision surface of an estimator fitted on two features.

    Build it with :meth:`from_estimator`; :meth:`plot` draws it (again) on an
    axes. Attributes: ``xx0``, ``xx1`` (the grid), ``response`` (values on the
    grid, shape of ``xx0``), ``response_method``, ``discrete`` (True when the
    response is a class index: labels, or a multiclass argmax), ``surface_`` (the contour set
    or QuadMesh), ``scatter_`` (the data points, when given), ``ax_``,
    ``figure_``.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.neighbors import KNeighborsClassifier
    >>> from fastml.plot import DecisionBoundaryDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> X = X[:, :2]
    >>> clf = KNeighborsClassifier(n_neighbors=7).fit(X, y)
    >>> disp = DecisionBoundaryDisplay.from_estimator(clf, X, y, response_method="predict")
    >>> disp.response.shape
    (100, 100)
    """

    def __init__(self, *, xx0, xx1, response, estimator_name=None, response_method=None,
                 xlabel=None, ylabel=None, X=None, y=None, n_classes=None, discrete=False):
        self.xx0, self.xx1, self.response = xx0, xx1, response
        self.estimator_name, self.response_method = estimator_name, response_method
        self.xlabel, self.ylabel = xlabel, ylabel
        self.X, self.y, self.n_classes = X, y, n_classes
        self.discrete = discrete

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, grid_resolution=100, eps=1.0,
                       response_method="auto", class_of_interest=None,
                       plot_method="contourf", xlabel=None, ylabel=None, ax=None, **kwargs):
        """Evaluate `estimator` on a grid over the range of `X` (widened by
        `eps`) and draw it; `y` (optional) colours the points of `X` on top.

        response_method: "auto" (decision_function, then predict_proba, then
        predict), "predict" (class labels; drawn as regions), "predict_proba"
        or "decision_function". plot_method: "contourf", "contour" or
        "pcolormesh"; kwargs go to it.
        """
        names = getattr(X, "columns", None)
        X = check_2d_features(X)
        grid_resolution = check_positive_int(grid_resolution, "grid_resolution", 2)
        if not np.isfinite(eps) or eps < 0:
            raise ValueError(f"eps must be a finite number >= 0, got {eps!r}")
        method = _response_method(estimator, response_method)
        lo, hi = X.min(axis=0) - eps, X.max(axis=0) + eps
        xx0, xx1 = np.meshgrid(np.linspace(lo[0], hi[0], grid_resolution),
                               np.linspace(lo[1], hi[1], grid_resolution))
        grid = np.c_[xx0.ravel(), xx1.ravel()]
        if getattr(estimator, "feature_names_in_", None) is not None:
            import pandas as pd

            grid = pd.DataFrame(grid, columns=list(estimator.feature_names_in_))
        response = _grid_response(estimator, method, grid, class_of_interest).reshape(xx0.shape)
        classes = getattr(estimator, "classes_", None)
        n_classes = len(classes) if classes is not None else None
        # class indices (drawn as one region per class): labels, or the argmax
        # of a multiclass score when no class_of_interest is chosen
        discrete = n_classes is not None and (
            method == "predict" or (n_classes > 2 and class_of_interest is None))
        if names is not None and len(names) == 2:
            xlabel = str(names[0]) if xlabel is None else xlabel
            ylabel = str(names[1]) if ylabel is None else ylabel
        disp = cls(xx0=xx0, xx1=xx1, response=response, estimator_name=estimator_name(estimator),
                   response_method=method, xlabel=xlabel, ylabel=ylabel, X=X,
                   y=None if y is None else np.asarray(y), n_classes=n_classes,
                   discrete=discrete)
        return disp.plot(ax=ax, plot_method=plot_method, **kwargs)

    def plot(self, ax=None, *, plot_method="contourf", xlabel=None, ylabel=None,
             scatter_kw=None, **kwargs):
        """Draw the surface (and the points) on `ax` (a new axes when None)."""
        if plot_method not in ("contourf", "contour", "pcolormesh"):
            raise ValueError("plot_method must be 'contourf', 'contour' or 'pcolormesh', got "
                             f"{plot_method!r}")
        fig, ax = get_ax(ax)
        kw = merged({"cmap": "viridis"}, kwargs)
        regions = self.discrete and self.n_classes is not None
        if plot_method == "pcolormesh":
            kw.setdefault("shading", "auto")
        elif regions:  # one filled band per class index
            kw.setdefault("levels", np.arange(self.n_classes + 1) - 0.5)
        if plot_method != "contour":
            kw.setdefault("alpha", 0.5)
        self.surface_ = getattr(ax, plot_method)(self.xx0, self.xx1, self.response, **kw)
        self.scatter_ = None
        if self.X is not None and self.y is not None:
            if self.n_classes is not None and len(self.y) == len(self.X):
                colours = np.searchsorted(np.unique(self.y), self.y)
            else:
                colours = self.y
            skw = merged({"c": colours, "cmap": kw["cmap"], "edgecolor": "k", "s": 20},
                         scatter_kw)
            self.scatter_ = ax.scatter(self.X[:, 0], self.X[:, 1], **skw)
        xlabel = self.xlabel if xlabel is None else xlabel
        ylabel = self.ylabel if ylabel is None else ylabel
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if ylabel is not None:
            ax.set_ylabel(ylabel)
        self.ax_, self.figure_ = ax, fig
        return self


class ClusterDisplay:
    """Points coloured by cluster, with the cluster centres marked.

    Attributes: ``X`` (the two plotted columns), ``labels``, ``centers``,
    ``scatter_`` and ``centers_scatter_`` (PathCollections), ``ax_``,
    ``figure_``.

    Examples
    --------
    >>> from fastml.cluster import KMeans
    >>> from fastml.datasets import load_iris
    >>> from fastml.plot import ClusterDisplay
    >>> X, _ = load_iris(return_X_y=True)
    >>> km = KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    >>> disp = ClusterDisplay.from_estimator(km, X, features=(2, 3))
    >>> disp.centers.shape
    (3, 2)
    """

    def __init__(self, *, X, labels, centers=None, features=(0, 1), feature_names=None):
        self.X, self.labels, self.centers = X, labels, centers
        self.features, self.feature_names = features, feature_names

    @staticmethod
    def _columns(X, features):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"X must be a non-empty 2-d array, got shape {X.shape}")
        f = tuple(features)
        if len(f) != 2 or any(not 0 <= int(i) < X.shape[1] for i in f):
            raise ValueError(f"features must be two column indices of X (0..{X.shape[1] - 1}),"
                             f" got {features!r}")
        return X, [int(i) for i in f]

    @classmethod
    def from_estimator(cls, estimator, X, *, features=(0, 1), feature_names=None, ax=None,
                       **kwargs):
        """Labels from ``estimator.predict(X)`` (or ``labels_`` when it has no
        predict), centres from ``cluster_centers_`` (or ``means_``)."""
        X, f = cls._columns(X, features)
        if callable(getattr(estimator, "predict", None)):
            labels = np.asarray(estimator.predict(X))
        elif hasattr(estimator, "labels_"):
            labels = np.asarray(estimator.labels_)
        else:
            raise ValueError(f"{estimator_name(estimator)} has neither predict nor labels_: "
                             "fit it first")
        centers = getattr(estimator, "cluster_centers_", getattr(estimator, "means_", None))
        centers = None if centers is None else np.asarray(centers, dtype=float)[:, f]
        disp = cls(X=X[:, f], labels=labels, centers=centers, features=tuple(f),
                   feature_names=feature_names)
        return disp.plot(ax=ax, **kwargs)

    @classmethod
    def from_predictions(cls, X, labels, *, centers="mean", features=(0, 1),
                         feature_names=None, ax=None, **kwargs):
        """`centers`: an (n_clusters, n_features) array, "mean" (each cluster's
        mean, in sorted label order) or None (no centres drawn)."""
        X, f = cls._columns(X, features)
        labels = np.asarray(labels)
        if labels.shape != (X.shape[0],):
            raise ValueError(f"labels must have shape ({X.shape[0]},), got {labels.shape}")
        if isinstance(centers, str):
            if centers != "mean":
                raise ValueError(f"centers must be an array, 'mean' or None, got {centers!r}")
            centers = np.array([X[labels == k].mean(axis=0) for k in np.unique(labels)])
        if centers is not None:
            centers = np.asarray(centers, dtype=float)
            if centers.ndim != 2 or centers.shape[1] != X.shape[1]:
                raise ValueError(f"centers must have shape (n_clusters, {X.shape[1]}), got "
                                 f"{centers.shape}")
            centers = centers[:, f]
        disp = cls(X=X[:, f], labels=labels, centers=centers, features=tuple(f),
                   feature_names=feature_names)
        return disp.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, scatter_kw=None, centers_kw=None):
        fig, ax = get_ax(ax)
        colours = np.searchsorted(np.unique(self.labels), self.labels)
        self.scatter_ = ax.scatter(self.X[:, 0], self.X[:, 1],
                                   **merged({"c": colours, "cmap": "viridis", "s": 15},
                                            scatter_kw))
        self.centers_scatter_ = None
        if self.centers is not None:
            self.centers_scatter_ = ax.scatter(
                self.centers[:, 0], self.centers[:, 1],
                **merged({"c": "red", "marker": "X", "s": 150, "edgecolor": "k",
                          "label": "centres"}, centers_kw))
        names = self.feature_names
        if names is None:
            names = [f"feature {i}" for i in self.features]
        elif len(names) != 2:  # names of every column of X
            names = [names[i] for i in self.features]
        ax.set_xlabel(str(names[0]))
        ax.set_ylabel(str(names[1]))
        self.ax_, self.figure_ = ax, fig
        return self
