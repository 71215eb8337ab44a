"""Every Python block of docs/plot.md runs (with the Agg backend)."""
import pathlib
import re
import warnings

import pytest

pytest.importorskip("matplotlib")

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "plot.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples():
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_doc_example_runs(index, capsys):
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. convergence warnings of short fits
        exec(compile(BLOCKS[index], f"{DOC.name}[{index}]", "exec"), {})
    assert plt.get_fignums(), "the example drew nothing"
