"""Text rendering of a fitted tree, in scikit-learn's export_text format."""
import numbers

import numpy as np

from ..utils.validation import check_is_fitted


def _check_int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an int >= {low}, given {value!r}")


def export_text(decision_tree, *, feature_names=None, class_names=None, max_depth=10,
                spacing=3, decimals=2, show_weights=False):
    """Rules of a fitted DecisionTreeClassifier/Regressor as indented text.

    Nodes deeper than max_depth are summarized as "truncated branch of depth
    d" (a single leaf is still printed); show_weights prints the weighted
    class counts of classifier leaves. Same text as scikit-learn's.
    """
    check_is_fitted(decision_tree, "tree_")
    _check_int("max_depth", max_depth, 0)
    _check_int("spacing", spacing, 1)
    _check_int("decimals", decimals, 0)
    t = decision_tree.tree_
    is_cls = hasattr(decision_tree, "classes_")
    if is_cls:
        if class_names is None:
            class_names = decision_tree.classes_
        elif len(class_names) != len(decision_tree.classes_):
            raise ValueError("When `class_names` is an array, it should contain as many "
                             "items as `decision_tree.classes_`. Got "
                             f"{len(class_names)} while the tree was fitted with "
                             f"{len(decision_tree.classes_)} classes.")
    if feature_names is not None:
        feature_names = list(feature_names)
        if len(feature_names) != t.n_features:
            raise ValueError(f"feature_names must contain {t.n_features} elements, got "
                             f"{len(feature_names)}")
    else:
        feature_names = [f"feature_{i}" for i in range(t.n_features)]
    lines = []

    def fmt(v):
        return f"{v:.{decimals}f}"

    def leaf(node, indent):
        value = t.value[node][0] if t.n_outputs == 1 else t.value[node].T[0]
        if is_cls:
            name = np.argmax(value)
            if t.n_outputs == 1:
                name = class_names[name]
            txt = f" class: {name}"
            if show_weights:
                w = t.weighted_n_node_samples[node]
                txt = " weights: [" + ", ".join(fmt(v * w) for v in value) + "]" + txt
            lines.append(indent + txt)
        else:
            lines.append(indent + " value: [" + ", ".join(fmt(v) for v in value) + "]")

    def rec(node, depth):
        indent = ("|" + " " * spacing) * depth
        indent = indent[:-spacing] + "-" * spacing
        if depth <= max_depth + 1:
            if t.children_left[node] == -1:
                leaf(node, indent)
                return
            name, thr = feature_names[t.feature[node]], fmt(t.threshold[node])
            lines.append(f"{indent} {name} <= {thr}")
            rec(t.children_left[node], depth + 1)
            lines.append(f"{indent} {name} >  {thr}")
            rec(t.children_right[node], depth + 1)
        else:
            d = _subdepth(t, node)
            if d == 1:
                leaf(node, indent)
            else:
                lines.append(f"{indent} truncated branch of depth {d}")

    rec(0, 1)
    return "\n".join(lines) + "\n"


def _subdepth(t, node):
    """Levels of the subtree under node (a leaf counts 1)."""
    if t.children_left[node] == -1:
        return 1
    return 1 + max(_subdepth(t, t.children_left[node]), _subdepth(t, t.children_right[node]))
