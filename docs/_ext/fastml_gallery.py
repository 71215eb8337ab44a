"""The example gallery: every ``examples/gallery/plot_*.py`` script is run with
matplotlib's Agg backend when the site is built; each figure it leaves open is
saved as a PNG, and a page per script (its docstring, its figures, its code)
plus an index of thumbnails are written to ``docs/gallery/`` (generated, not
committed).

A script runs again only when it is newer than its images, so an incremental
build stays fast. A script that raises is a build warning, which ``-W`` (the
documented build and CI) turns into an error: the gallery cannot silently lose
a figure.
"""
import os
import runpy
import warnings
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

DOCS = Path(__file__).resolve().parents[1]
SCRIPTS = DOCS.parent / "examples" / "gallery"
OUT = DOCS / "gallery"


def _title_and_body(script):
    import ast

    doc = ast.get_docstring(ast.parse(script.read_text())) or script.stem
    title, _, body = doc.partition("\n")
    return title.strip(), body.strip()


def _run(script, images):
    """Run one script; save its open figures as images/<stem>_<i>.png."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.close("all")
    for old in images.glob(f"{script.stem}_*.png"):
        old.unlink()
    cwd = os.getcwd()
    try:
        os.chdir(script.parent)
        with warnings.catch_warnings():
            # plt.show() under Agg, and the fits' own convergence notes
            warnings.simplefilter("ignore")
            runpy.run_path(str(script), run_name="__main__")
        saved = []
        for i, num in enumerate(plt.get_fignums()):
            path = images / f"{script.stem}_{i}.png"
            plt.figure(num).savefig(path, dpi=80, bbox_inches="tight")
            saved.append(path)
        return saved
    finally:
        os.chdir(cwd)
        plt.close("all")


def _write_if_changed(path, text):
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)


def build_gallery(app):
    scripts = sorted(SCRIPTS.glob("plot_*.py"))
    images = OUT / "images"
    images.mkdir(parents=True, exist_ok=True)
    entries = []
    for script in scripts:
        pngs = sorted(images.glob(f"{script.stem}_*.png"))
        if not pngs or min(p.stat().st_mtime for p in pngs) < script.stat().st_mtime:
            try:
                pngs = _run(script, images)
            except Exception as e:  # noqa: BLE001 -- reported as a build warning
                logger.warning(f"gallery: {script.name} failed: {type(e).__name__}: {e}")
                continue
        if not pngs:
            logger.warning(f"gallery: {script.name} drew no figure")
            continue
        title, body = _title_and_body(script)
        rel = os.path.relpath(script, OUT)
        page = [title, "=" * len(title), "", body, ""]
        for png in pngs:
            page += [f".. image:: images/{png.name}", f"   :alt: {title}", ""]
        page += [f"Source: ``examples/gallery/{script.name}``", "",
                 f".. literalinclude:: {rel}", "   :language: python", ""]
        _write_if_changed(OUT / f"{script.stem}.rst", "\n".join(page))
        entries.append((script.stem, title, pngs[0].name))
    index = ["Gallery", "=======", "",
             "Each figure below is drawn by one call of :mod:`fastml.plot` in a short "
             "script of ``examples/gallery/`` (run when this site is built). Click a "
             "figure for its page and code.", ""]
    for stem, title, png in entries:
        index += [f".. figure:: images/{png}", f"   :target: {stem}.html",
                  "   :width: 280px", f"   :alt: {title}", "",
                  f"   :doc:`{stem}`", ""]
    index += [".. toctree::", "   :hidden:", "", *[f"   {stem}" for stem, _, _ in entries], ""]
    _write_if_changed(OUT / "index.rst", "\n".join(index))


def setup(app):
    app.connect("builder-inited", build_gallery)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
