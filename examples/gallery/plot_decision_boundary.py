"""Decision boundary of k-nearest neighbours

k-NN (K = 7) on two iris features: the predicted class over a grid, with the
training points on top. ``DecisionBoundaryDisplay.from_estimator`` draws any
classifier with two features (labels, probabilities or decision values).
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.neighbors import KNeighborsClassifier
from fastml.plot import DecisionBoundaryDisplay

X, y = load_iris(return_X_y=True)
X = X[:, :2]
clf = KNeighborsClassifier(n_neighbors=7).fit(X, y)
disp = DecisionBoundaryDisplay.from_estimator(clf, X, y, response_method="predict",
                                              xlabel="sepal length (cm)",
                                              ylabel="sepal width (cm)")
disp.ax_.set_title("k-NN (K=7) on two iris features")
plt.show()
