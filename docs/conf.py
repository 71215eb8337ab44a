"""Sphinx configuration of the fastml documentation site.

Build with ``tools/build_docs.sh`` (or ``sphinx-build -W -b html docs docs/_build/html``).
The API reference pages (``docs/api/*.rst``) are generated here, before Sphinx reads
the sources, from each public module's ``__all__``: a name exported by fastml is
documented without anyone having to list it twice.
"""
import glob
import importlib
import inspect
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")

# The documented code is this checkout's src/. Without the in-place developer build
# (tools/dev-build.sh) there, the NumPy reference backend imports every module
# (the docstrings are the same; nothing compiled is needed to build the site).
sys.path.insert(0, SRC)
sys.path.insert(0, os.path.join(HERE, "_ext"))
if not (glob.glob(os.path.join(SRC, "fastml", "_kernels", "_runtime*.so"))
        or glob.glob(os.path.join(SRC, "fastml", "_kernels", "_runtime*.pyd"))):
    os.environ.setdefault("FASTML_BACKEND", "reference")

import fastml  # noqa: E402

project = "fastml"
author = "the fastml developers"
copyright = "the fastml developers, BSD-3-Clause"
release = fastml.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_parser",
    "fastml_docstrings",   # docs/_ext: escape reST markup in plain-text docstrings
    "fastml_gallery",      # docs/_ext: run examples/gallery/plot_*.py, pages + thumbnails
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "README.md", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
root_doc = "index"

# numpydoc-style docstrings, read by napoleon.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
# Parameters/Returns become field lists with the types as plain text: a type
# word that names several documented attributes (``estimator``) is not a link.
napoleon_use_rtype = False
napoleon_use_param = False
# Attributes sections become fields of the class (not attribute entries that
# would duplicate a documented property or annotation of the same name).
napoleon_use_ivar = True
napoleon_preprocess_types = False

autosummary_generate = True
autosummary_imported_members = True
# Class pages document the class's own and inherited methods, except the plumbing
# every estimator or module shares (documented once on BaseEstimator / Module).
autodoc_default_options = {
    "members": True,
    "undoc-members": True,     # a method without a docstring is still listed (fit, ...)
    "inherited-members": "BaseEstimator,Module,BaseException,object,dict,tuple,list",
    "show-inheritance": True,
}
autodoc_member_order = "groupwise"
autodoc_typehints = "none"          # signatures keep their hints; the prose has the types
autodoc_inherit_docstrings = True
autoclass_content = "class"

myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
# "ref.python": a type word in an Attributes field (``shape``) that names several
# documented attributes links to the first; not an error in prose types.
suppress_warnings = ["myst.header", "ref.python"]

html_theme = "alabaster"
html_title = f"fastml {release}"
html_static_path = []
html_theme_options = {
    "description": "Fast classic machine learning",
    "fixed_sidebar": True,
    "show_relbars": True,
}

# --- API reference pages, generated from __all__ -------------------------------------

# (module, title) in the order the reference shows them.
API_MODULES = [(f"fastml.{sub}", f"fastml.{sub}") for sub in fastml._SUBMODULES] + [
    ("fastml.nn.functional", "fastml.nn.functional"),
    ("fastml.nn.init", "fastml.nn.init"),
    ("fastml.nn.optim", "fastml.nn.optim"),
    ("fastml.nn.utils", "fastml.nn.utils"),
    ("fastml.nn.data", "fastml.nn.data"),
]
TOP_LEVEL = ["config_context", "get_config", "set_config", "get_num_threads",
             "set_num_threads", "show_config"]


def public_names(modname):
    """(classes, functions) a module exports: its ``__all__``, else its public
    attributes defined in fastml; submodules, dtypes and constants are left out."""
    mod = importlib.import_module(modname)
    names = getattr(mod, "__all__", None)
    if not names:
        names = [n for n in dir(mod) if not n.startswith("_")]
    classes, functions = [], []
    for n in names:
        obj = getattr(mod, n, None)
        if not (getattr(obj, "__module__", "") or "").startswith("fastml"):
            continue
        if inspect.isclass(obj):
            classes.append(n)
        elif inspect.isfunction(obj) or inspect.isbuiltin(obj):
            functions.append(n)
    return sorted(classes, key=str.lower), sorted(functions, key=str.lower)


def _section(title, modname, names, template):
    if not names:
        return []
    return [title, "-" * len(title), "",
            f".. currentmodule:: {modname}", "",
            ".. autosummary::",
            "   :toctree: generated",
            f"   :template: {template}", "",
            *[f"   {n}" for n in names], ""]


def write_api_pages():
    out_dir = os.path.join(HERE, "api")
    os.makedirs(out_dir, exist_ok=True)
    pages = []
    for modname, title in API_MODULES:
        try:
            mod = importlib.import_module(modname)
        except ImportError:  # an optional extra is absent
            continue
        classes, functions = public_names(modname)
        if not (classes or functions):
            continue
        lines = [f"``{title}``", "=" * (len(title) + 4), "",
                 f".. automodule:: {modname}", "   :no-members:",
                 "   :no-inherited-members:", "   :no-undoc-members:", ""]
        lines += _section("Classes", modname, classes, "fastml_class.rst")
        lines += _section("Functions", modname, functions, "fastml_function.rst")
        page = modname.replace("fastml.", "")
        _write_if_changed(os.path.join(out_dir, page + ".rst"), "\n".join(lines))
        pages.append(page)
    index = ["API reference", "=============", "",
             "Every public class and function of fastml, generated from its docstring.",
             "The top-level helpers live in ``fastml`` itself:", "",
             ".. currentmodule:: fastml", "",
             ".. autosummary::", "   :toctree: generated", "   :template: fastml_function.rst", "",
             *[f"   {n}" for n in TOP_LEVEL], "",
             "Modules", "-------", "",
             ".. toctree::", "   :maxdepth: 1", "",
             *[f"   {p}" for p in pages], ""]
    _write_if_changed(os.path.join(out_dir, "index.rst"), "\n".join(index))


def _write_if_changed(path, text):
    # Unchanged sources keep their mtime, so an incremental build stays incremental.
    if os.path.exists(path):
        with open(path) as fh:
            if fh.read() == text:
                return
    with open(path, "w") as fh:
        fh.write(text)


write_api_pages()



def _refresh_found_docs(app):
    # An incremental build starts from the pickled environment, whose list of source
    # files predates the API pages written above: autosummary would not generate the
    # stubs of a module added since the last build (a -W error). List the sources now.
    app.builder.env.find_files(app.config, app.builder)


def setup(app):
    app.connect("builder-inited", _refresh_found_docs, priority=400)  # before autosummary
