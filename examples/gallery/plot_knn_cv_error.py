"""Cross-validated error against K for k-NN

The misclassification error of 10-fold cross-validation for odd K from 1 to 49
on iris, with the best K marked: the classic figure for choosing K.
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.plot import KNeighborsCVDisplay

X, y = load_iris(return_X_y=True)
disp = KNeighborsCVDisplay.from_estimator(None, X, y, n_neighbors=range(1, 50, 2), cv=10)
disp.ax_.set_title(f"10-fold CV error vs K (best K = {disp.best_n_neighbors_})")
plt.show()
