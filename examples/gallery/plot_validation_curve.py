"""Validation curve

Training and cross-validated scores against the inverse regularisation
strength C (``fastml.model_selection.validation_curve``).
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.linear_model import LogisticRegression
from fastml.plot import ValidationCurveDisplay

X, y = load_iris(return_X_y=True)
disp = ValidationCurveDisplay.from_estimator(LogisticRegression(max_iter=1000), X, y, cv=5,
                                             param_name="C",
                                             param_range=[1e-3, 1e-2, 1e-1, 1, 10, 100])
disp.ax_.set_title("Validation curve: logistic regression, C")
plt.show()
