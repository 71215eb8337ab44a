"""Pictures of fitted models: feature importances, a decision tree
(plot_tree) and the dendrogram of a hierarchical clustering."""
import numpy as np

from ._base import check_fitted, estimator_name, get_ax, merged

__all__ = ["FeatureImportanceDisplay", "TreeDisplay", "plot_tree", "DendrogramDisplay"]


class FeatureImportanceDisplay:
    """Horizontal bars of feature importances, largest on top, with the
    standard deviation over an ensemble's members as error bars.

    Attributes: ``importances``, ``std`` (or None), ``feature_names``,
    ``order`` (indices of the drawn features, top bar first), ``bars_``
    (BarContainer), ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.ensemble import RandomForestClassifier
    >>> from fastml.plot import FeatureImportanceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> disp = FeatureImportanceDisplay.from_estimator(forest)
    >>> len(disp.bars_.patches)
    4
    """

    def __init__(self, *, importances, std=None, feature_names=None):
        self.importances = np.asarray(importances, dtype=float)
        if self.importances.ndim != 1 or self.importances.size == 0:
            raise ValueError("importances must be a non-empty 1-d array, got shape "
                             f"{self.importances.shape}")
        self.std = None if std is None else np.asarray(std, dtype=float)
        n = self.importances.size
        if feature_names is None:
            feature_names = [f"feature {i}" for i in range(n)]
        feature_names = [str(f) for f in feature_names]
        if len(feature_names) != n:
            raise ValueError(f"feature_names must have {n} entries, got {len(feature_names)}")
        self.feature_names = feature_names

    @classmethod
    def from_estimator(cls, estimator, *, feature_names=None, max_features=None, ax=None,
                       **kwargs):
        """``feature_importances_`` (or ``|coef_|`` averaged over classes) of a
        fitted estimator; names from ``feature_names_in_`` when present."""
        if hasattr(estimator, "feature_importances_"):
            imp = np.asarray(estimator.feature_importances_, dtype=float)
        elif hasattr(estimator, "coef_"):
            coef = np.abs(np.atleast_2d(np.asarray(estimator.coef_, dtype=float)))
            imp = coef.mean(axis=0)
        else:
            raise ValueError(f"{estimator_name(estimator)} has no feature_importances_ or "
                             "coef_: fit it first")
        std = None
        members = getattr(estimator, "estimators_", None)
        if members is not None:
            flat = np.ravel(np.asarray(members, dtype=object))
            per = [np.asarray(m.feature_importances_, dtype=float) for m in flat
                   if hasattr(m, "feature_importances_")]
            if len(per) > 1:
                std = np.std(per, axis=0)
        if feature_names is None and getattr(estimator, "feature_names_in_", None) is not None:
            feature_names = list(estimator.feature_names_in_)
        disp = cls(importances=imp, std=std, feature_names=feature_names)
        return disp.plot(ax=ax, max_features=max_features, **kwargs)

    def plot(self, ax=None, *, max_features=None, **kwargs):
        fig, ax = get_ax(ax)
        order = np.argsort(-self.importances, kind="stable")
        if max_features is not None:
            if isinstance(max_features, bool) or not isinstance(max_features, (int, np.integer)) \
                    or max_features < 1:
                raise ValueError(f"max_features must be an int >= 1, got {max_features!r}")
            order = order[:max_features]
        self.order = order
        ypos = np.arange(order.size)[::-1]  # largest on top
        kw = {}
        if self.std is not None:
            kw["xerr"] = self.std[order]
        self.bars_ = ax.barh(ypos, self.importances[order], **merged(kw, kwargs))
        ax.set_yticks(ypos)
        ax.set_yticklabels([self.feature_names[i] for i in order])
        ax.set_xlabel("Importance")
        ax.set_title("Feature importances")
        self.ax_, self.figure_ = ax, fig
        return self


def _layout(t, max_depth):
    """{node: (x, depth)}: leaves (or nodes cut at max_depth) on consecutive
    x in left-to-right order, a parent centred over its children (iterative,
    so deep trees do not hit the recursion limit)."""
    pos = {}
    next_x = 0.0
    stack = [(0, 0, False)]
    while stack:
        node, depth, children_done = stack.pop()
        left, right = int(t.children_left[node]), int(t.children_right[node])
        if left == -1 or (max_depth is not None and depth >= max_depth):
            pos[node] = (next_x, depth)
            next_x += 1.0
        elif children_done:
            pos[node] = ((pos[left][0] + pos[right][0]) / 2.0, depth)
        else:  # visit left, then right, then come back to this node
            stack += [(node, depth, True), (right, depth + 1, False), (left, depth + 1, False)]
    return pos


class TreeDisplay:
    """A fitted fastml decision tree drawn as boxes joined by arrows (the
    layout of scikit-learn's plot_tree: split, impurity, samples, value,
    class per node; the left child is the ``<=`` branch).

    Attributes: ``node_text`` ({node id: text}), ``positions`` ({node id:
    (x, depth)}), ``annotations_`` (one Annotation per drawn node, in node
    order), ``extra_annotations_`` (True/False edge labels, "(...)" marks),
    ``ax_``, ``figure_``.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.plot import TreeDisplay
    >>> from fastml.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> disp = TreeDisplay.from_estimator(tree, class_names=["setosa", "versicolor",
    ...                                                      "virginica"])
    >>> print(disp.node_text[0])
    x[3] <= 0.8
    gini = 0.667
    samples = 150
    value = [50, 50, 50]
    class = setosa
    """

    def __init__(self, *, node_text, positions, children, truncated):
        self.node_text, self.positions = node_text, positions
        self.children, self.truncated = children, truncated

    @classmethod
    def from_estimator(cls, decision_tree, *, max_depth=None, feature_names=None,
                       class_names=None, label="all", filled=False, impurity=True,
                       node_ids=False, proportion=False, precision=3, ax=None, fontsize=None):
        t = check_fitted(decision_tree, "tree_")
        if label not in ("all", "root", "none"):
            raise ValueError(f"label must be 'all', 'root' or 'none', got {label!r}")
        if max_depth is not None and (isinstance(max_depth, bool) or max_depth < 0):
            raise ValueError(f"max_depth must be None or an int >= 0, got {max_depth!r}")
        n_feat = getattr(decision_tree, "n_features_in_", t.n_features)
        if feature_names is not None and len(feature_names) != n_feat:
            raise ValueError(f"feature_names must have {n_feat} entries, got "
                             f"{len(feature_names)}")
        classes = getattr(decision_tree, "classes_", None)
        if classes is None:
            class_names = None
        elif class_names is True:
            class_names = [f"y[{i}]" for i in range(len(classes))]
        elif class_names is not None and len(class_names) != len(classes):
            raise ValueError(f"class_names must have {len(classes)} entries, got "
                             f"{len(class_names)}")
        pos = _layout(t, max_depth)
        text, kids, cut = {}, {}, set()
        for node, (_, depth) in pos.items():
            show = label == "all" or (label == "root" and node == 0)
            text[node] = _node_text(t, node, decision_tree, feature_names, class_names, show,
                                    impurity, node_ids, proportion, precision)
            left, right = int(t.children_left[node]), int(t.children_right[node])
            if left != -1 and left in pos:
                kids[node] = (left, right)
            elif left != -1:
                cut.add(node)
        disp = cls(node_text=text, positions=pos, children=kids, truncated=cut)
        disp._values = t.value[:, 0, :]
        disp._classifier = classes is not None
        return disp.plot(ax=ax, filled=filled, fontsize=fontsize)

    def plot(self, ax=None, *, filled=False, fontsize=None):
        fig, ax = get_ax(ax)
        xs = np.array([p[0] for p in self.positions.values()])
        depth = max(p[1] for p in self.positions.values())
        width = max(xs.max(), 1.0)
        ax.set_axis_off()
        ax.set(xlim=(-0.5, width + 0.5), ylim=(-depth - 0.5, 0.5))

        def xy(node):
            x, d = self.positions[node]
            return x, -d

        if fontsize is None:
            fontsize = self._fit_fontsize(ax, width + 1.0, depth + 1.0)
        parents = {c: p for p, ch in self.children.items() for c in ch}
        self.annotations_ = []
        for node in sorted(self.positions):
            box = {"boxstyle": "round", "fc": self._colour(node) if filled else "white",
                   "ec": "black"}
            kw = {"bbox": box, "ha": "center", "va": "center", "zorder": 2}
            if fontsize is not None:
                kw["fontsize"] = fontsize
            txt = self.node_text[node]
            parent = parents.get(node)
            if parent is None:
                ann = ax.annotate(txt, xy(node), **kw)
            else:
                ann = ax.annotate(txt, xy=xy(parent), xytext=xy(node),
                                  arrowprops={"arrowstyle": "<-"}, **kw)
            self.annotations_.append(ann)
        self.extra_annotations_ = []
        if 0 in self.children:  # which way is True, as scikit-learn marks it
            for child, text, dx in ((self.children[0][0], "True  ", -0.15),
                                    (self.children[0][1], "  False", 0.15)):
                x = (xy(0)[0] + xy(child)[0]) / 2.0 + dx
                self.extra_annotations_.append(ax.annotate(text, (x, -0.5), ha="center",
                                                           va="center", fontsize=fontsize))
        for node in sorted(self.truncated):  # the cut subtrees
            x, y = xy(node)
            for dx in (-0.25, 0.25):
                self.extra_annotations_.append(ax.annotate(
                    "(...)", xy=(x, y), xytext=(x + dx, y - 0.6), ha="center", va="center",
                    arrowprops={"arrowstyle": "<-"}, fontsize=fontsize))
        if self.truncated:
            ax.set_ylim(-depth - 1.0, 0.5)
        self.ax_, self.figure_ = ax, fig
        return self

    def _fit_fontsize(self, ax, n_columns, n_rows):
        """The largest font (<= 12 pt) at which the widest node box fits its
        column and the tallest its row, as scikit-learn's plot_tree scales."""
        box = ax.get_window_extent()
        dpi = ax.figure.dpi
        texts = list(self.node_text.values())
        chars = max(len(line) for t in texts for line in t.split("\n"))
        lines = max(t.count("\n") + 1 for t in texts)
        col_pt = box.width / n_columns * 72.0 / dpi
        row_pt = box.height / n_rows * 72.0 / dpi
        return float(max(1.0, min(12.0, col_pt / (0.62 * chars + 1.5),
                                  row_pt / (1.25 * lines + 1.0))))

    def _colour(self, node):
        import matplotlib.colors as mcolors

        v = self._values[node]
        if self._classifier:
            k = int(np.argmax(v))
            base = np.array(mcolors.to_rgb(f"C{k % 10}"))
            srt = np.sort(v)[::-1]
            alpha = 0.0 if v.sum() == 0 else (srt[0] - (srt[1] if v.size > 1 else 0)) / v.sum()
        else:
            lo, hi = self._values.min(), self._values.max()
            base = np.array(mcolors.to_rgb("C1"))
            alpha = 0.0 if hi == lo else float((v[0] - lo) / (hi - lo))
        return tuple(1.0 - alpha * (1.0 - base))


def _node_text(t, node, est, feature_names, class_names, show, impurity, node_ids,
               proportion, precision):
    """A node's text: fastml.tree.plot_tree's (scikit-learn's wording); `show`
    writes the field names, as label="all" (or "root" at the root) does."""
    from ..tree._plot import _node_text as tree_node_text

    label = "all" if show else "none"
    return tree_node_text(est, t, node, feature_names, class_names, label, impurity, node_ids,
                          proportion, precision)


def plot_tree(decision_tree, *, max_depth=None, feature_names=None, class_names=None,
              label="all", filled=False, impurity=True, node_ids=False, proportion=False,
              precision=3, ax=None, fontsize=None):
    """Draw a fitted fastml decision tree (scikit-learn's plot_tree signature,
    without ``rounded``: boxes are always rounded); returns the list of
    Annotations: one per drawn node (in node order), then the True/False
    edge labels and the "(...)" marks of cut subtrees. See TreeDisplay for the display object
    and fastml.tree.export_text for the same rules as text.

    Examples
    --------
    >>> from fastml.datasets import load_iris
    >>> from fastml.plot import plot_tree
    >>> from fastml.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    >>> annotations = plot_tree(tree, max_depth=1, filled=True)
    >>> [a.get_text() for a in annotations][-2:]
    ['(...)', '(...)']
    """
    disp = TreeDisplay.from_estimator(
        decision_tree, max_depth=max_depth, feature_names=feature_names,
        class_names=class_names, label=label, filled=filled, impurity=impurity,
        node_ids=node_ids, proportion=proportion, precision=precision, ax=ax,
        fontsize=fontsize)
    return disp.annotations_ + disp.extra_annotations_


def linkage_from_children(children, distances, n_samples=None):
    """SciPy linkage matrix (merge i, merge j, height, size) from the
    ``children_`` / ``distances_`` of an agglomerative clustering (merge k
    creates cluster n_samples + k, as in SciPy)."""
    children = np.asarray(children, dtype=np.int64)
    distances = np.asarray(distances, dtype=float)
    if children.ndim != 2 or children.shape[1] != 2:
        raise ValueError(f"children_ must have shape (n_samples - 1, 2), got {children.shape}")
    if distances.shape != (children.shape[0],):
        raise ValueError(f"distances_ must have shape ({children.shape[0]},), got "
                         f"{distances.shape}")
    n = children.shape[0] + 1 if n_samples is None else int(n_samples)
    counts = np.zeros(children.shape[0])
    for k, (a, b) in enumerate(children):
        counts[k] = sum(1.0 if c < n else counts[c - n] for c in (a, b))
    return np.column_stack([children, distances, counts]).astype(float)


class DendrogramDisplay:
    """Dendrogram of a hierarchical clustering: the U-shaped links of SciPy's
    dendrogram layout, one Line2D per merge.

    Attributes: ``linkage`` (SciPy linkage matrix), ``icoord``, ``dcoord``
    (link coordinates), ``leaves``, ``ivl`` (leaf labels), ``color_list``,
    ``lines_``, ``ax_``, ``figure_``.

    Examples
    --------
    >>> import numpy as np
    >>> from fastml.plot import DendrogramDisplay
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.5]])
    >>> disp = DendrogramDisplay.from_data(X, method="single")
    >>> len(disp.lines_), round(float(disp.dcoord.max()), 3)
    (3, 6.403)
    """

    def __init__(self, linkage, *, labels=None, truncate_mode=None, p=30,
                 color_threshold=None, orientation="top"):
        import scipy.cluster.hierarchy as sch

        Z = np.asarray(linkage, dtype=float)
        if Z.ndim != 2 or Z.shape[1] != 4:
            raise ValueError(f"linkage must have shape (n_samples - 1, 4), got {Z.shape}")
        if orientation not in ("top", "bottom", "left", "right"):
            raise ValueError(f"orientation must be top, bottom, left or right, got "
                             f"{orientation!r}")
        self.linkage, self.orientation = Z, orientation
        tree = sch.dendrogram(Z, p=p, truncate_mode=truncate_mode, labels=labels,
                              color_threshold=color_threshold, no_plot=True)
        self.icoord = np.asarray(tree["icoord"], dtype=float)
        self.dcoord = np.asarray(tree["dcoord"], dtype=float)
        self.leaves, self.ivl = tree["leaves"], tree["ivl"]
        self.color_list = tree["color_list"]

    @classmethod
    def from_linkage(cls, linkage, *, labels=None, truncate_mode=None, p=30,
                     color_threshold=None, orientation="top", ax=None, **kwargs):
        disp = cls(linkage, labels=labels, truncate_mode=truncate_mode, p=p,
                   color_threshold=color_threshold, orientation=orientation)
        return disp.plot(ax=ax, **kwargs)

    @classmethod
    def from_data(cls, X, *, method="ward", metric="euclidean", ax=None, **kwargs):
        """Linkage of the rows of X by scipy.cluster.hierarchy.linkage."""
        import scipy.cluster.hierarchy as sch

        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[0] < 2:
            raise ValueError(f"X must be 2-d with at least 2 rows, got shape {X.shape}")
        return cls.from_linkage(sch.linkage(X, method=method, metric=metric), ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """From an agglomerative clustering with ``children_`` and
        ``distances_`` (e.g. scikit-learn's AgglomerativeClustering with
        compute_distances=True or distance_threshold set)."""
        children = check_fitted(estimator, "children_")
        distances = getattr(estimator, "distances_", None)
        if distances is None:
            raise ValueError(f"{estimator_name(estimator)} has no distances_: fit it with "
                             "compute_distances=True (or a distance_threshold)")
        n = getattr(estimator, "n_leaves_", None)
        Z = linkage_from_children(children, distances, n)
        return cls.from_linkage(Z, ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        fig, ax = get_ax(ax)
        vertical = self.orientation in ("top", "bottom")
        self.lines_ = []
        for xs, ys, c in zip(self.icoord, self.dcoord, self.color_list):
            if not vertical:
                xs, ys = ys, xs
            (line,) = ax.plot(xs, ys, **merged({"color": c}, kwargs))
            self.lines_.append(line)
        n_leaves = len(self.ivl)
        ticks = 5.0 + 10.0 * np.arange(n_leaves)
        (ax.set_xticks if vertical else ax.set_yticks)(ticks)
        (ax.set_xticklabels if vertical else ax.set_yticklabels)(self.ivl)
        (ax.set_ylabel if vertical else ax.set_xlabel)("Distance")
        if self.orientation == "bottom":
            ax.invert_yaxis()
        elif self.orientation == "left":
            ax.invert_xaxis()
        self.ax_, self.figure_ = ax, fig
        return self
