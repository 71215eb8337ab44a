"""Plot tests draw with the non-interactive Agg backend and close every figure
(the rendering modules skip themselves when matplotlib is missing; the import
test runs either way)."""
import pytest

try:
    import matplotlib
except ImportError:
    matplotlib = None
else:
    matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if matplotlib is not None:
        import matplotlib.pyplot as plt

        plt.close("all")
