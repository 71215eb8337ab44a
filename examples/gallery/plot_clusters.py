"""k-means clusters with their centres

k-means (3 clusters, k-means++ seeding, 4 restarts) on iris, drawn on the two
petal features with the centres marked.
"""
import matplotlib.pyplot as plt

from fastml.cluster import KMeans
from fastml.datasets import load_iris
from fastml.plot import ClusterDisplay

X, _ = load_iris(return_X_y=True)
km = KMeans(n_clusters=3, n_init=4, random_state=0).fit(X)
disp = ClusterDisplay.from_estimator(km, X, features=(2, 3),
                                     feature_names=["sepal length", "sepal width",
                                                    "petal length", "petal width"])
disp.ax_.set_title("k-means on iris (petal features)")
plt.show()
