"""plot_tree: a fitted tree drawn with matplotlib (scikit-learn's node text)."""
import numbers

import numpy as np

from ..utils.validation import check_is_fitted

__all__ = ["plot_tree"]


def _num(v, precision):
    v = round(float(v), precision)
    return str(v)


def _values_text(values, precision, integral):
    def one(v):
        return str(int(v)) if integral else str(np.round(float(v), precision))
    return "[" + ", ".join(one(v) for v in values) + "]"


def _node_text(est, t, node, feature_names, class_names, label, impurity, node_ids,
               proportion, precision):
    lines = []
    labels = label == "all" or (label == "root" and node == 0)
    is_cls = hasattr(est, "classes_")
    if node_ids:
        lines.append(("node #" if labels else "#") + str(node))
    if t.children_left[node] != -1:
        f = int(t.feature[node])
        name = feature_names[f] if feature_names is not None else f"x[{f}]"
        lines.append(f"{name} <= {_num(t.threshold[node], precision)}")
    if impurity:
        crit = getattr(est, "criterion", "impurity")
        crit = crit if isinstance(crit, str) else "impurity"
        if crit == "friedman_mse":
            crit = "squared_error"
        lines.append((f"{crit} = " if labels else "") + _num(t.impurity[node], precision))
    if proportion:
        pct = 100.0 * t.n_node_samples[node] / float(t.n_node_samples[0])
        lines.append(("samples = " if labels else "") + f"{round(pct, 1)}%")
    else:
        lines.append(("samples = " if labels else "") + str(int(t.n_node_samples[node])))
    value = t.value[node][0] if t.n_outputs == 1 else t.value[node]
    if is_cls and not proportion:
        value = value * t.weighted_n_node_samples[node]
    if not is_cls:
        if t.n_outputs == 1:
            vtxt = str(np.round(float(value[0]), precision))
        else:
            vtxt = "[" + "\n".join(_values_text(row, precision, False) for row in value) + "]"
    else:
        integral = (not proportion) and bool(np.all(np.mod(value, 1) == 0))
        vtxt = _values_text(value, precision, integral) if t.n_outputs == 1 else \
            "[" + "\n".join(_values_text(row, precision, integral) for row in value) + "]"
    lines.append(("value = " if labels else "") + vtxt)
    if class_names is not None and is_cls and t.n_outputs == 1:
        k = int(np.argmax(value))
        name = f"y[{k}]" if class_names is True else str(class_names[k])
        lines.append(("class = " if labels else "") + name)
    return "\n".join(lines)


def _layout(t, max_depth):
    """(x, depth) per drawn node: leaves of the drawn tree spread evenly left to
    right, parents centred over their children."""
    pos, next_x = {}, [0.0]

    def place(node, depth):
        kids = (t.children_left[node], t.children_right[node])
        if kids[0] == -1 or (max_depth is not None and depth >= max_depth):
            pos[node] = (next_x[0], depth)
            next_x[0] += 1.0
            return
        for c in kids:
            place(c, depth + 1)
        pos[node] = ((pos[kids[0]][0] + pos[kids[1]][0]) / 2.0, depth)

    place(0, 0)
    return pos, max(next_x[0], 1.0)


def plot_tree(decision_tree, *, max_depth=None, feature_names=None, class_names=None,
              label="all", filled=False, impurity=True, node_ids=False, proportion=False,
              rounded=False, precision=3, ax=None, fontsize=None):
    """Draw a fitted DecisionTree*/ExtraTree* with matplotlib; returns the list of
    annotation artists (node boxes, and the "True"/"False" labels of the root's
    edges), each node's text as scikit-learn's plot_tree writes it.

    Nodes below max_depth are drawn as "(...)". filled colours classifier nodes
    by their majority class (regressors by value). The layout is fastml's
    (leaves evenly spaced, parents centred), not scikit-learn's.
    """
    check_is_fitted(decision_tree, "tree_")
    if max_depth is not None and (not isinstance(max_depth, numbers.Integral) or
                                  max_depth < 0):
        raise ValueError(f"max_depth must be None or an int >= 0, got {max_depth!r}")
    if not isinstance(precision, numbers.Integral) or precision < 0:
        raise ValueError(f"precision must be an int >= 0, got {precision!r}")
    if label not in ("all", "root", "none"):
        raise ValueError(f"label must be 'all', 'root' or 'none', got {label!r}")
    t = decision_tree.tree_
    if feature_names is not None:
        feature_names = list(feature_names)
        if len(feature_names) != t.n_features:
            raise ValueError(f"Length of feature_names, {len(feature_names)} does not match "
                             f"number of features, {t.n_features}")
    import matplotlib.pyplot as plt
    if ax is None:
        ax = plt.gca()
    ax.clear()
    ax.set_axis_off()
    pos, width = _layout(t, max_depth)
    depth = max(d for _, d in pos.values()) + 1
    xy = {n: ((x + 0.5) / width, 1.0 - (d + 0.5) / depth) for n, (x, d) in pos.items()}
    style = "round" if rounded else "square"
    colors = _fill_colors(decision_tree, t) if filled else None
    kw = {} if fontsize is None else {"fontsize": fontsize}
    anns = []

    def draw(node, parent, d, edge=None):
        """The node's box, then (under the root) its edge label, then its subtree."""
        cut = max_depth is not None and d > max_depth
        text = "\n  (...)  \n" if cut else _node_text(
            decision_tree, t, node, feature_names, class_names, label, impurity, node_ids,
            proportion, precision)
        bbox = dict(boxstyle=style, fc=colors[node] if colors is not None else "w",
                    ec="k")
        arrow = None if parent is None else dict(arrowstyle="<-", color="k")
        anns.append(ax.annotate(text, xy=xy[parent] if parent is not None else xy[node],
                                xytext=xy[node], xycoords="axes fraction",
                                textcoords="axes fraction", ha="center", va="center",
                                bbox=None if cut else bbox, arrowprops=arrow, zorder=1,
                                **kw))
        if edge is not None:
            mx = (xy[parent][0] + xy[node][0]) / 2.0
            my = (xy[parent][1] + xy[node][1]) / 2.0
            anns.append(ax.annotate(edge, xy=(mx, my), xycoords="axes fraction",
                                    ha="right" if edge.startswith("True") else "left",
                                    va="center", **kw))
        if cut or t.children_left[node] == -1:
            return
        kids = (t.children_left[node], t.children_right[node])
        if max_depth is not None and d == max_depth:  # children drawn as "(...)"
            for c, dx in zip(kids, (-0.02, 0.02)):
                xy[c] = xy[node][0] + dx, xy[node][1] - 0.5 / depth
        for c, e in zip(kids, ("True  ", "  False")):
            draw(c, node, d + 1, e if node == 0 else None)

    draw(0, None, 0)
    return anns


def _fill_colors(est, t):
    """A light colour per node: majority class hue (alpha by purity) for
    classifiers, value-scaled orange for regressors."""
    import matplotlib.colors as mcolors
    base = np.array([mcolors.to_rgb(c) for c in
                     ("tab:orange", "tab:green", "tab:purple", "tab:blue", "tab:red",
                      "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray")])
    out = []
    if hasattr(est, "classes_") and t.n_outputs == 1:
        for node in range(t.node_count):
            v = t.value[node][0]
            k = int(np.argmax(v))
            s = np.sort(v)[::-1]
            alpha = 0.0 if len(s) < 2 or s[0] == 0 else (s[0] - s[1]) / s[0]
            out.append(tuple(1 - alpha * (1 - base[k % len(base)])))
        return out
    v = t.value[:, 0, 0]
    lo, hi = float(v.min()), float(v.max())
    for node in range(t.node_count):
        alpha = 0.0 if hi == lo else (v[node] - lo) / (hi - lo)
        out.append(tuple(1 - alpha * (1 - base[0])))
    return out
