"""Name map (which scikit-learn public names fastml provides) and import rewriting.

The map is derived from fastml itself: for every pair of public modules in
``MODULE_PAIRS``, a name is swapped when fastml exports it (``__all__``, or for a
module without ``__all__`` its public functions and classes defined in fastml)
and scikit-learn's module has the same public name. ``overrides.toml`` adds or
removes single names, each with a reason.

Only ``from sklearn.<public module> import ...`` statements are rewritten;
private modules (any path component starting with ``_``) and scikit-learn's
testing utilities (``sklearn.utils``, ``sklearn.datasets``, ``sklearn.base``,
``sklearn.exceptions``, ``sklearn.utils.estimator_checks`` ...) are not in
``MODULE_PAIRS`` and stay untouched. ``from sklearn import neighbors`` binds a
proxy module (see ``_cf_support.proxy_module``). The rewrite keeps every line
number of the original file, so tracebacks point at scikit-learn's source.
"""
import ast
import importlib
import inspect
import os

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None

MODULE_PAIRS = (
    ("sklearn.neighbors", "fastml.neighbors"),
    ("sklearn.linear_model", "fastml.linear_model"),
    ("sklearn.cluster", "fastml.cluster"),
    ("sklearn.tree", "fastml.tree"),
    ("sklearn.ensemble", "fastml.ensemble"),
    ("sklearn.naive_bayes", "fastml.naive_bayes"),
    ("sklearn.decomposition", "fastml.decomposition"),
    ("sklearn.preprocessing", "fastml.preprocessing"),
    ("sklearn.metrics", "fastml.metrics"),
    ("sklearn.metrics.pairwise", "fastml.metrics.pairwise"),
    ("sklearn.model_selection", "fastml.model_selection"),
    ("sklearn.neural_network", "fastml.neural_network"),
    ("sklearn.pipeline", "fastml.pipeline"),
    ("sklearn.mixture", "fastml.mixture"),
    ("sklearn.svm", "fastml.svm"),
    ("sklearn.multiclass", "fastml.multiclass"),
    ("sklearn.dummy", "fastml.dummy"),
    ("sklearn.discriminant_analysis", "fastml.discriminant_analysis"),
    ("sklearn.feature_selection", "fastml.feature_selection"),
    ("sklearn.compose", "fastml.compose"),
    ("sklearn.multioutput", "fastml.multioutput"),
)


def _public_names(mod):
    names = getattr(mod, "__all__", None)
    if names is not None:
        return list(names)
    return [n for n, v in vars(mod).items()
            if not n.startswith("_") and (inspect.isfunction(v) or inspect.isclass(v))
            and getattr(v, "__module__", "").startswith("fastml")]


def load_overrides(path):
    if not path or not os.path.exists(path):
        return {"exclude": {}, "include": {}}
    if tomllib is None:
        raise RuntimeError("reading overrides.toml needs Python >= 3.11 (tomllib)")
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    out = {"exclude": {}, "include": {}}
    for kind in ("exclude", "include"):
        for key, entry in data.get(kind, {}).items():
            reason = entry.get("reason", "").strip() if isinstance(entry, dict) else ""
            if not reason:
                raise ValueError(f"{path}: [{kind}] {key!r} has no reason")
            out[kind][key] = entry
    return out


def build_name_map(overrides):
    """Return ``{sklearn_module: {name: fastml_module}}``."""
    names = {}
    for sk_name, fm_name in MODULE_PAIRS:
        try:
            fm = importlib.import_module(fm_name)
            sk = importlib.import_module(sk_name)
        except ImportError:
            continue
        table = {}
        for name in _public_names(fm):
            if name.startswith("_") or not hasattr(sk, name):
                continue
            if f"{sk_name}:{name}" in overrides["exclude"]:
                continue
            table[name] = fm_name
        names[sk_name] = table
    for key, entry in overrides["include"].items():
        sk_name, name = key.split(":")
        names.setdefault(sk_name, {})[name] = entry["fastml"]
    return names


def _alias_text(alias):
    return alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"


def _rewrite_import(node, name_map, modules):
    """New statements for one ``ImportFrom`` node, or None to keep it."""
    mod = node.module or ""
    if node.level or not (mod == "sklearn" or mod.startswith("sklearn.")):
        return None
    kept, swapped, proxied = [], {}, []
    for alias in node.names:
        sub = f"{mod}.{alias.name}"
        if sub in modules:
            proxied.append((alias.asname or alias.name, sub))
        elif alias.name in name_map.get(mod, {}):
            swapped.setdefault(name_map[mod][alias.name], []).append(_alias_text(alias))
        else:
            kept.append(_alias_text(alias))
    if not swapped and not proxied:
        return None
    stmts = []
    if kept:
        stmts.append(f"from {mod} import ({', '.join(kept)})")
    for fm_mod, items in swapped.items():
        stmts.append(f"from {fm_mod} import ({', '.join(items)})")
    if proxied:
        stmts.append("from _conformance_support import proxy_module as _cf_proxy")
        stmts.extend(f"{local} = _cf_proxy({sub!r})" for local, sub in proxied)
    return stmts


def rewrite_source(source, name_map):
    """Rewrite sklearn imports in ``source``; return (new_source, swapped_names)."""
    modules = set(name_map)
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits, swapped = [], set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        stmts = _rewrite_import(node, name_map, modules)
        if stmts is None:
            continue
        first, last = node.lineno - 1, node.end_lineno - 1
        prefix = lines[first][: node.col_offset]
        suffix = lines[last][node.end_col_offset:]
        if prefix.strip() or (suffix.strip() and not suffix.strip().startswith("#")):
            continue  # shares its line with other code (``x = 1; from ...``): leave it
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            if full in modules or alias.name in name_map.get(node.module, {}):
                swapped.add(full)
        new = prefix + "; ".join(stmts) + "\n" + "\n" * (last - first)
        edits.append((first, last, new))
    for first, last, new in sorted(edits, reverse=True):
        lines[first:last + 1] = [new]
    return "".join(lines), swapped
