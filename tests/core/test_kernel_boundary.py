"""fastml._kernels is the one boundary to compiled code, and its facades are
used only through their public names.

A facade (``fastml._kernels.<family>``) picks the compiled kernels or the NumPy
twin once at import and binds the chosen functions to public names; its
``_``-prefixed helpers call the compiled module directly. Code outside
``_kernels`` that reaches for a private helper therefore bypasses the choice
and breaks under ``FASTML_BACKEND=reference`` (a NameError on the missing
compiled module), so it is checked here by parsing the sources with ``ast``.
"""
import ast
import pathlib

SRC = pathlib.Path(__file__).resolve().parents[2] / "src"
PKG = SRC / "fastml"
KERNELS = PKG / "_kernels"


def _facade_aliases(tree, path):
    """Local names bound to a kernel facade module in one file."""
    rel = path.relative_to(SRC).with_suffix("").parts
    pkg = rel[:-1]
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(pkg[: len(pkg) - (node.level - 1)]) if node.level > 1 else list(pkg)
            else:
                base = []
            base += (node.module or "").split(".") if node.module else []
            dotted = ".".join(base)
            if dotted == "fastml._kernels":
                for a in node.names:
                    if not a.name.startswith("_") and (KERNELS / f"{a.name}.py").exists():
                        aliases[a.asname or a.name] = a.name
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[:2] == ["fastml", "_kernels"] and len(parts) == 3 and a.asname:
                    aliases[a.asname] = parts[2]
    return aliases


def private_uses_in(path, source):
    """``family.name`` strings of private facade names used in one file."""
    tree = ast.parse(source, filename=str(path))
    aliases = _facade_aliases(tree, path)
    found = []
    for node in ast.walk(tree):
        if (aliases and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.append(f"{path.relative_to(SRC)}:{node.lineno}: "
                         f"{aliases[node.value.id]}.{node.attr}")
    return found


def private_facade_uses():
    found = []
    for path in sorted(PKG.rglob("*.py")):
        if KERNELS not in path.parents:
            found += private_uses_in(path, path.read_text())
    return found


def test_checker_sees_a_planted_private_use():
    path = PKG / "decomposition" / "_planted.py"
    bad = "from .._kernels import sparse as _ks\n\ndef f(a):\n    return _ks._gram(a, a)\n"
    good = "from .._kernels import sparse as _ks\n\ndef f(a):\n    return _ks.gram(a, a)\n"
    absolute = "import fastml._kernels.sparse as ks\nks._knn(1)\n"
    assert private_uses_in(path, bad) == ["fastml/decomposition/_planted.py:4: sparse._gram"]
    assert private_uses_in(path, good) == []
    assert private_uses_in(path, absolute) == ["fastml/decomposition/_planted.py:2: sparse._knn"]


def test_no_private_facade_names_outside_kernels():
    assert private_facade_uses() == []
