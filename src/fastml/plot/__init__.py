"""fastml.plot: figures for fitted models, shaped like scikit-learn's
``*Display`` classes.

Each display computes its data in ``from_estimator`` / ``from_predictions``
(or ``from_history``, ``from_functions``, ...), keeps it as attributes,
draws it with ``plot(ax=None, **kwargs)`` and keeps the matplotlib artists
(``ax_``, ``figure_``, ``lines_`` / ``im_`` / ``bars_`` ...).

matplotlib is optional (``pip install fastml[plot]``) and imported only when a
figure is drawn: importing fastml.plot does not import it, and drawing
without it raises an ImportError naming the extra.
"""
from ._boundary import ClusterDisplay, DecisionBoundaryDisplay
from ._classification import (ConfusionMatrixDisplay, PrecisionRecallDisplay,
                              RocCurveDisplay, precision_recall_curve)
from ._history import (KNeighborsCVDisplay, LearningCurveDisplay, LossCurveDisplay,
                       ValidationCurveDisplay)
from ._models import DendrogramDisplay, FeatureImportanceDisplay, TreeDisplay, plot_tree
from ._nn import TEST_FUNCTIONS, ActivationDisplay, OptimizerPathDisplay

__all__ = ["DecisionBoundaryDisplay", "ClusterDisplay", "ConfusionMatrixDisplay",
           "RocCurveDisplay", "PrecisionRecallDisplay", "precision_recall_curve",
           "LossCurveDisplay", "LearningCurveDisplay", "ValidationCurveDisplay",
           "KNeighborsCVDisplay", "FeatureImportanceDisplay", "TreeDisplay", "plot_tree",
           "DendrogramDisplay", "ActivationDisplay", "OptimizerPathDisplay", "TEST_FUNCTIONS"]
