"""The docs build reads fastml's plain-text docstrings as reStructuredText
through docs/_ext/fastml_docstrings.py: formulas and fitted-attribute names in
prose are escaped, while doctests, literal blocks, inline literals, roles and
the numpydoc term lines stay as written. Runs without Sphinx."""
import importlib.util
from pathlib import Path

import pytest

EXT = Path(__file__).resolve().parents[2] / "docs" / "_ext" / "fastml_docstrings.py"


@pytest.fixture(scope="module")
def escape():
    spec = importlib.util.spec_from_file_location("fastml_docstrings", EXT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return lambda text: "\n".join(mod.escape_docstring_lines(text.split("\n")))


def test_prose_markup_is_escaped(escape):
    assert escape("Attributes: labels_, n_iter_.") == r"Attributes: labels\_, n_iter\_."
    assert escape("ranks by |c|^2 - 2 x.c") == r"ranks by \|c\|^2 - 2 x.c"
    assert escape("lr *= gamma, p **2") == r"lr \*= gamma, p \*\*2"
    # already escaped text and dunder names are left alone
    assert escape(r"a \* b and __init__") == r"a \* b and __init__"


def test_literals_roles_and_references_are_kept(escape):
    for text in ("``labels_ * 2 | x``", ":class:`fastml.nn.Module`", "`iterated_power`",
                 "see `scikit-learn`_"):
        assert escape(text) == text


def test_doctests_and_literal_blocks_are_kept(escape):
    text = ("Example::\n\n    y = a * b  # |x| labels_\n\nAfter labels_.\n\n"
            ">>> 2 * 3\n6\n>>> x_ = 1\n\nEnd")
    out = escape(text).split("\n")
    assert out[2] == "    y = a * b  # |x| labels_"
    assert out[4] == r"After labels\_."
    assert out[6:9] == [">>> 2 * 3", "6", ">>> x_ = 1"]
    math = ".. math::\n\n    |x|_2 * y\n\nand |x|"
    assert escape(math).split("\n") == [".. math::", "", "    |x|_2 * y", "", r"and \|x\|"]


def test_numpydoc_term_lines_keep_their_names(escape):
    text = ("Parameters\n----------\nn_jobs : int | None\n    Threads (|n| * 2).\n"
            "**kwds\n    Passed on.\n\nAttributes\n----------\ncoef_ : ndarray\n"
            "    Weights; see intercept_.")
    out = escape(text).split("\n")
    assert out[2] == r"n_jobs : int \| None"
    assert out[3] == r"    Threads (\|n\| \* 2)."
    assert out[4] == "**kwds"
    assert out[9] == "coef_ : ndarray"
    assert out[10] == r"    Weights; see intercept\_."
