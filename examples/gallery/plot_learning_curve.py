"""Learning curve

Training and cross-validated scores of a logistic regression against the size
of the training set (``fastml.model_selection.learning_curve``).
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.linear_model import LogisticRegression
from fastml.plot import LearningCurveDisplay

X, y = load_iris(return_X_y=True)
disp = LearningCurveDisplay.from_estimator(LogisticRegression(max_iter=500), X, y, cv=5,
                                           train_sizes=[0.1, 0.2, 0.4, 0.6, 0.8, 1.0],
                                           shuffle=True, random_state=0)
disp.ax_.set_title("Learning curve: logistic regression on iris")
plt.show()
