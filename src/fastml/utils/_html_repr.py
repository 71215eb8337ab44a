"""HTML display of estimators in notebooks (BaseEstimator._repr_html_)."""
import html

_STYLE = ("font-family:monospace;font-size:12px;border:1px solid #bbb;border-radius:4px;"
          "padding:2px 6px;margin:2px 0")


def _is_estimator(value):
    return hasattr(value, "get_params") and hasattr(value, "fit") and not isinstance(value, type)


def _members(value):
    """[(label, estimator)] of a list of estimators or of (name, estimator) pairs."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    out = []
    for item in value:
        if isinstance(item, tuple) and len(item) >= 2 and _is_estimator(item[1]):
            out.append((str(item[0]), item[1]))
        elif _is_estimator(item):
            out.append((None, item))
        elif isinstance(item, tuple) and len(item) >= 2 and item[1] in ("drop", "passthrough"):
            continue
        else:
            return None
    return out


def _fitted(est):
    return any(k.endswith("_") and not k.startswith("_") for k in vars(est))


def _block(est, label=None, depth=0):
    name = type(est).__name__
    title = f"{html.escape(label)}: " if label else ""
    state = "fitted" if _fitted(est) else "not fitted"
    changed = est._changed_params() if hasattr(est, "_changed_params") else {}
    rows, nested = [], []
    for key, value in est.get_params(deep=False).items():
        members = _members(value)
        if _is_estimator(value):
            nested.append(_block(value, key, depth + 1))
        elif members:
            nested.extend(_block(v, f"{key}[{lab}]" if lab else key, depth + 1)
                          for lab, v in members)
        text = html.escape(repr(value))
        if len(text) > 200:
            text = text[:197] + "..."
        cell = f"<b>{text}</b>" if key in changed else text
        rows.append(f"<tr><td style='padding:0 8px 0 0'>{html.escape(key)}</td>"
                    f"<td>{cell}</td></tr>")
    table = f"<table style='border-collapse:collapse'>{''.join(rows)}</table>" if rows else ""
    open_attr = " open" if depth == 0 else ""
    return (f"<details{open_attr} style='{_STYLE}'><summary>{title}<b>{html.escape(name)}"
            f"</b> <span style='color:#777'>({state})</span></summary>{table}"
            f"{''.join(nested)}</details>")


def estimator_html(est):
    return (f"<div class='fastml-estimator'>{_block(est)}"
            f"<pre style='display:none'>{html.escape(repr(est))}</pre></div>")
