"""Text rendering of a fitted tree, in scikit-learn's export_text format."""
import numpy as np

from ..utils.validation import check_is_fitted


def export_text(decision_tree, *, feature_names=None, class_names=None, max_depth=10,
                spacing=3, decimals=2, show_weights=False):
    """Rules of a fitted DecisionTreeClassifier/Regressor as indented text."""
    check_is_fitted(decision_tree, "tree_")
    t = decision_tree.tree_
    n_feat = decision_tree.n_features_in_
    if feature_names is not None:
        feature_names = list(feature_names)
        if len(feature_names) != n_feat:
            raise ValueError(f"feature_names must contain {n_feat} elements, got "
                             f"{len(feature_names)}")
    else:
        feature_names = [f"feature_{i}" for i in range(n_feat)]
    if not isinstance(spacing, int) or spacing <= 0:
        raise ValueError(f"spacing must be > 0, given {spacing}")
    if not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be >= 0, given {decimals}")
    is_cls = hasattr(decision_tree, "classes_")
    if is_cls:
        names = class_names if class_names is not None else decision_tree.classes_
    bar, pad = "|" + "-" * spacing + " ", "|" + " " * spacing
    lines = []

    def leaf_text(node):
        v = t.value[node][0]
        if is_cls:
            txt = f"class: {names[int(np.argmax(v))]}"
            if show_weights:
                w = np.round(v * t.weighted_n_node_samples[node], decimals)
                txt = f"weights: {list(w)} " + txt
            return txt
        return f"value: [{np.round(v[0], decimals)}]"

    def rec(node, depth):
        indent = pad * depth
        if t.children_left[node] == -1:
            lines.append(indent + bar + leaf_text(node))
            return
        if depth >= max_depth + 0 and max_depth is not None:
            lines.append(indent + bar + "truncated branch of depth "
                         f"{_subdepth(t, node)}")
            return
        name = feature_names[t.feature[node]]
        thr = f"{t.threshold[node]:.{decimals}f}"
        lines.append(f"{indent}{bar}{name} <= {thr}")
        rec(t.children_left[node], depth + 1)
        lines.append(f"{indent}{bar}{name} >  {thr}")
        rec(t.children_right[node], depth + 1)

    rec(0, 0)
    return "\n".join(lines) + "\n"


def _subdepth(t, node):
    if t.children_left[node] == -1:
        return 0
    return 1 + max(_subdepth(t, t.children_left[node]), _subdepth(t, t.children_right[node]))
