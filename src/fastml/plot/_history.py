"""Curves over training: loss / cost history, learning curve, validation
curve and the cross-validated error of k-nearest neighbours against K."""
import numpy as np

from ._base import as_1d_float, estimator_name, get_ax, merged

__all__ = ["LossCurveDisplay", "LearningCurveDisplay", "ValidationCurveDisplay",
           "KNeighborsCVDisplay"]


class LossCurveDisplay:
    """Loss (or cost) per iteration / epoch.

    Sources: an estimator's ``loss_curve_`` (MLP: one value per epoch,
    x = 1..n) or ``cost_history_`` (gradient descent: value k after k steps,
    x = 0..n-1, k = 0 the start); a ``fastml.nn`` ``Trainer`` or the history
    dict its ``fit`` returns (``{"loss": [...], "val_loss": [...], ...}``, one
    value per epoch, x = 1..n); or a plain list.

    Attributes: ``curves`` ({name: (x, values)}), ``xlabel``, ``ylabel``,
    ``lines_`` ({name: Line2D}), ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.plot import LossCurveDisplay
    >>> disp = LossCurveDisplay.from_history([0.9, 0.5, 0.3, 0.25])
    >>> disp.lines_["loss"].get_ydata().tolist()
    [0.9, 0.5, 0.3, 0.25]
    """

    def __init__(self, *, curves, xlabel="iteration", ylabel="loss", name=None):
        self.curves, self.xlabel, self.ylabel, self.name = curves, xlabel, ylabel, name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, log_scale=False, **kwargs):
        """From a fitted estimator's ``loss_curve_`` or ``cost_history_``."""
        name = estimator_name(estimator)
        if getattr(estimator, "loss_curve_", None) is not None:
            loss = as_1d_float(estimator.loss_curve_, "loss_curve_")
            curves = {"loss": (np.arange(1, loss.size + 1), loss)}
            xlabel, ylabel = "epoch", "loss"
        elif getattr(estimator, "cost_history_", None) is not None:
            cost = as_1d_float(estimator.cost_history_, "cost_history_")
            curves = {"cost": (np.arange(cost.size), cost)}
            xlabel, ylabel = "iteration", "cost"
        else:
            raise ValueError(f"{name} has no loss_curve_ or cost_history_: fit it first (with "
                             "an iterative solver)")
        disp = cls(curves=curves, xlabel=xlabel, ylabel=ylabel, name=name)
        return disp.plot(ax=ax, log_scale=log_scale, **kwargs)

    @classmethod
    def from_history(cls, history, *, keys=None, ax=None, log_scale=False, **kwargs):
        """From a ``Trainer`` (its ``history``), a history dict of per-epoch
        lists, or one sequence of values. `keys`: the dict entries to draw
        (default: every entry whose name contains "loss")."""
        if hasattr(history, "history") and isinstance(history.history, dict):
            history = history.history
        if isinstance(history, dict):
            if keys is None:
                keys = [k for k in history if "loss" in k]
            elif isinstance(keys, str):
                keys = [keys]
            missing = [k for k in keys if k not in history]
            if missing or not keys:
                raise ValueError(f"keys {missing or keys!r} not in the history "
                                 f"{sorted(history)}")
            curves = {}
            for k in keys:
                v = as_1d_float(history[k], f"history[{k!r}]")
                curves[k] = (np.arange(1, v.size + 1), v)
            disp = cls(curves=curves, xlabel="epoch",
                       ylabel="loss" if all("loss" in k for k in keys) else "value")
        else:
            v = as_1d_float(history, "history")
            disp = cls(curves={"loss": (np.arange(v.size), v)}, xlabel="iteration")
        return disp.plot(ax=ax, log_scale=log_scale, **kwargs)

    def plot(self, ax=None, *, log_scale=False, **kwargs):
        fig, ax = get_ax(ax)
        self.lines_ = {}
        for label, (x, v) in self.curves.items():
            (self.lines_[label],) = ax.plot(x, v, **merged({"label": label}, kwargs))
        if log_scale:
            ax.set_yscale("log")
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel(self.ylabel)
        if self.name:
            ax.set_title(self.name)
        if len(self.curves) > 1:
            ax.legend()
        self.ax_, self.figure_ = ax, fig
        return self


class _ScoreCurve:
    """Mean (and spread) of train and test scores over folds vs one x."""

    _xlabel = ""

    def _draw(self, ax, x, *, negate_score, score_name, score_type, std_display_style,
              line_kw, fill_between_kw, xscale):
        if score_type not in ("both", "train", "test"):
            raise ValueError(f"score_type must be 'both', 'train' or 'test', got {score_type!r}")
        if std_display_style not in ("fill_between", "errorbar", None):
            raise ValueError("std_display_style must be 'fill_between', 'errorbar' or None, "
                             f"got {std_display_style!r}")
        fig, ax = get_ax(ax)
        sign = -1.0 if negate_score else 1.0
        wanted = {"train": ["train"], "test": ["test"], "both": ["train", "test"]}[score_type]
        scores = {"train": self.train_scores, "test": self.test_scores}
        self.lines_, self.fill_between_, self.errorbar_ = {}, {}, {}
        for which in wanted:
            s = sign * np.asarray(scores[which], dtype=float)
            mean, std = s.mean(axis=1), s.std(axis=1)
            label = f"{which.capitalize()} score"
            if std_display_style == "errorbar":
                bar = ax.errorbar(x, mean, yerr=std, **merged({"label": label}, line_kw))
                self.errorbar_[which] = bar
                self.lines_[which] = bar.lines[0]
            else:
                (self.lines_[which],) = ax.plot(x, mean, **merged({"label": label, "marker": "o"},
                                                                  line_kw))
                if std_display_style == "fill_between":
                    self.fill_between_[which] = ax.fill_between(
                        x, mean - std, mean + std,
                        **merged({"alpha": 0.3, "color": self.lines_[which].get_color()},
                                 fill_between_kw))
        name = score_name if score_name is not None else self.score_name
        ax.set_xlabel(self._xlabel if self._xlabel else "x")
        ax.set_ylabel(name)
        if xscale is not None:
            ax.set_xscale(xscale)
        ax.legend()
        self.ax_, self.figure_ = ax, fig
        return self


def _score_name(scoring, negate_score):
    if scoring is None:
        name = "Score"
    elif isinstance(scoring, str):
        name = scoring.replace("_", " ").capitalize()
        if negate_score and name.startswith("Neg "):
            name = name[4:].capitalize()
    else:
        name = getattr(scoring, "__name__", "Score").replace("_", " ").capitalize()
    return name


def _auto_xscale(x):
    x = np.asarray(x, dtype=float)
    if x.size > 2 and np.all(x > 0) and x.max() / x.min() > 100:
        return "log"
    return None


class LearningCurveDisplay(_ScoreCurve):
    """Train and test score (mean over folds, +/- one standard deviation)
    against the number of training samples, from
    ``fastml.model_selection.learning_curve``.

    Attributes: ``train_sizes``, ``train_scores``, ``test_scores`` (shape
    (n_sizes, n_folds)), ``score_name``, ``lines_`` / ``fill_between_`` /
    ``errorbar_`` ({"train"/"test": artist}), ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.neighbors import KNeighborsClassifier
    >>> from fastml.plot import LearningCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> disp = LearningCurveDisplay.from_estimator(
    ...     KNeighborsClassifier(), X, y, cv=5, train_sizes=[0.3, 1.0], shuffle=True,
    ...     random_state=0)
    >>> disp.train_sizes.tolist()
    [36, 120]
    """

    _xlabel = "Number of samples in the training set"

    def __init__(self, *, train_sizes, train_scores, test_scores, score_name="Score"):
        self.train_sizes, self.train_scores = train_sizes, train_scores
        self.test_scores, self.score_name = test_scores, score_name

    @classmethod
    def from_estimator(cls, estimator, X, y, *, groups=None,
                       train_sizes=np.linspace(0.1, 1.0, 5), cv=None, scoring=None,
                       exploit_incremental_learning=False, n_jobs=None, shuffle=False,
                       random_state=None, error_score=np.nan, params=None, ax=None,
                       negate_score=False, score_name=None, score_type="both",
                       std_display_style="fill_between", line_kw=None, fill_between_kw=None):
        """Run learning_curve (same arguments) and draw it."""
        from ..model_selection import learning_curve

        sizes, train, test = learning_curve(
            estimator, X, y, groups=groups, train_sizes=train_sizes, cv=cv, scoring=scoring,
            exploit_incremental_learning=exploit_incremental_learning, n_jobs=n_jobs,
            shuffle=shuffle, random_state=random_state, error_score=error_score, params=params)
        disp = cls(train_sizes=sizes, train_scores=train, test_scores=test,
                   score_name=score_name or _score_name(scoring, negate_score))
        return disp.plot(ax=ax, negate_score=negate_score, score_type=score_type,
                         std_display_style=std_display_style, line_kw=line_kw,
                         fill_between_kw=fill_between_kw)

    def plot(self, ax=None, *, negate_score=False, score_name=None, score_type="both",
             std_display_style="fill_between", line_kw=None, fill_between_kw=None,
             xscale=None):
        return self._draw(ax, self.train_sizes, negate_score=negate_score,
                          score_name=score_name, score_type=score_type,
                          std_display_style=std_display_style, line_kw=line_kw,
                          fill_between_kw=fill_between_kw, xscale=xscale)


class ValidationCurveDisplay(_ScoreCurve):
    """Train and test score against one hyperparameter's values, from
    ``fastml.model_selection.validation_curve`` (log x axis when the values
    are positive and span more than two decades).

    Attributes: ``param_name``, ``param_range``, ``train_scores``,
    ``test_scores``, ``score_name``, ``lines_``, ``fill_between_``,
    ``errorbar_``, ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.neighbors import KNeighborsClassifier
    >>> from fastml.plot import ValidationCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> disp = ValidationCurveDisplay.from_estimator(
    ...     KNeighborsClassifier(), X, y, param_name="n_neighbors", param_range=[1, 5, 15])
    >>> disp.test_scores.shape
    (3, 5)
    """

    def __init__(self, *, param_name, param_range, train_scores, test_scores,
                 score_name="Score"):
        self.param_name, self.param_range = param_name, param_range
        self.train_scores, self.test_scores = train_scores, test_scores
        self.score_name = score_name

    @property
    def _xlabel(self):
        return self.param_name

    @classmethod
    def from_estimator(cls, estimator, X, y, *, param_name, param_range, groups=None, cv=None,
                       scoring=None, n_jobs=None, error_score=np.nan, params=None, ax=None,
                       negate_score=False, score_name=None, score_type="both",
                       std_display_style="fill_between", line_kw=None, fill_between_kw=None):
        """Run validation_curve (same arguments) and draw it."""
        from ..model_selection import validation_curve

        train, test = validation_curve(
            estimator, X, y, param_name=param_name, param_range=param_range, groups=groups,
            cv=cv, scoring=scoring, n_jobs=n_jobs, error_score=error_score, params=params)
        disp = cls(param_name=param_name, param_range=np.asarray(param_range),
                   train_scores=train, test_scores=test,
                   score_name=score_name or _score_name(scoring, negate_score))
        return disp.plot(ax=ax, negate_score=negate_score, score_type=score_type,
                         std_display_style=std_display_style, line_kw=line_kw,
                         fill_between_kw=fill_between_kw)

    def plot(self, ax=None, *, negate_score=False, score_name=None, score_type="both",
             std_display_style="fill_between", line_kw=None, fill_between_kw=None,
             xscale="auto"):
        x = np.asarray(self.param_range)
        if isinstance(xscale, str) and xscale == "auto":
            xscale = _auto_xscale(x) if x.dtype.kind in "iuf" else None
        return self._draw(ax, x, negate_score=negate_score, score_name=score_name,
                          score_type=score_type, std_display_style=std_display_style,
                          line_kw=line_kw, fill_between_kw=fill_between_kw, xscale=xscale)


class KNeighborsCVDisplay:
    """Cross-validated misclassification error (1 - mean accuracy over the
    folds) of k-nearest neighbours against K, with the best K marked (the
    smallest K among ties).

    Attributes: ``n_neighbors``, ``errors`` (mean error per K), ``test_scores``
    (shape (n_K, n_folds)), ``best_n_neighbors_``, ``line_``, ``best_line_``,
    ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.plot import KNeighborsCVDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> disp = KNeighborsCVDisplay.from_estimator(None, X, y, n_neighbors=range(1, 30, 2))
    >>> disp.errors.shape
    (15,)
    """

    def __init__(self, *, n_neighbors, errors, test_scores=None, param_name="n_neighbors"):
        self.n_neighbors = np.asarray(n_neighbors)
        self.errors = np.asarray(errors, dtype=float)
        self.test_scores, self.param_name = test_scores, param_name
        if self.errors.shape != self.n_neighbors.shape or not np.isfinite(self.errors).any():
            raise ValueError("errors must hold one number per K, not all NaN; got "
                             f"{self.errors.tolist()} for n_neighbors "
                             f"{self.n_neighbors.tolist()}")
        # a K whose fits failed (NaN) is never the best; ties: the smallest K
        self.best_n_neighbors_ = int(self.n_neighbors[int(np.nanargmin(self.errors))])

    @classmethod
    def from_estimator(cls, estimator=None, X=None, y=None, *, n_neighbors=range(1, 50, 2),
                       cv=10, param_name="n_neighbors", n_jobs=None, ax=None, **kwargs):
        """Error of `estimator` (default ``fastml.neighbors.KNeighborsClassifier()``;
        a Pipeline with ``param_name="knn__n_neighbors"`` works too) for every K
        in `n_neighbors`, by `cv`-fold cross-validation of its accuracy."""
        from ..model_selection import validation_curve

        if X is None or y is None:
            raise ValueError("X and y are required")
        ks = np.asarray(list(n_neighbors))
        if ks.ndim != 1 or ks.size == 0 or ks.dtype.kind not in "iu" or np.any(ks < 1):
            raise ValueError(f"n_neighbors must be a non-empty sequence of ints >= 1, got "
                             f"{n_neighbors!r}")
        if estimator is None:
            from ..neighbors import KNeighborsClassifier

            estimator = KNeighborsClassifier()
        _, test = validation_curve(estimator, X, y, param_name=param_name,
                                   param_range=[int(k) for k in ks], cv=cv,
                                   scoring="accuracy", n_jobs=n_jobs)
        disp = cls(n_neighbors=ks, errors=1.0 - test.mean(axis=1), test_scores=test,
                   param_name=param_name)
        return disp.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, mark_best=True, **kwargs):
        fig, ax = get_ax(ax)
        (self.line_,) = ax.plot(self.n_neighbors, self.errors,
                                **merged({"marker": "o", "label": "CV error"}, kwargs))
        self.best_line_ = None
        if mark_best:
            self.best_line_ = ax.axvline(self.best_n_neighbors_, color="grey", linestyle="--",
                                         label=f"best K = {self.best_n_neighbors_}")
            ax.legend()
        ax.set_xlabel("Number of neighbours K")
        ax.set_ylabel("Misclassification error")
        self.ax_, self.figure_ = ax, fig
        return self
