"""Confusion matrix, ROC and precision-recall curves

A logistic regression on iris: the confusion matrix of the three classes on a
held-out split, then the ROC and precision-recall curves of "virginica vs the
rest" on the two sepal features.
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.linear_model import LogisticRegression
from fastml.model_selection import train_test_split
from fastml.plot import ConfusionMatrixDisplay, PrecisionRecallDisplay, RocCurveDisplay

X, y = load_iris(return_X_y=True)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
clf = LogisticRegression(max_iter=500).fit(Xtr, ytr)

fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
ConfusionMatrixDisplay.from_estimator(clf, Xte, yte, ax=axes[0],
                                      display_labels=["setosa", "versicolor", "virginica"])
axes[0].set_title("confusion matrix")
binary = LogisticRegression(max_iter=500).fit(Xtr[:, :2], ytr == 2)
RocCurveDisplay.from_estimator(binary, Xte[:, :2], yte == 2, plot_chance_level=True,
                               ax=axes[1])
axes[1].set_title("ROC: virginica vs rest")
PrecisionRecallDisplay.from_estimator(binary, Xte[:, :2], yte == 2, plot_chance_level=True,
                                      ax=axes[2])
axes[2].set_title("precision-recall: virginica vs rest")
plt.show()
