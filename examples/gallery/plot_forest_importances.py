"""Feature importances of a random forest

Mean decrease in impurity of each iris feature, with its spread over the
forest's trees.
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.ensemble import RandomForestClassifier
from fastml.plot import FeatureImportanceDisplay

X, y = load_iris(return_X_y=True)
names = ["sepal length", "sepal width", "petal length", "petal width"]
forest = RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)
disp = FeatureImportanceDisplay.from_estimator(forest, feature_names=names)
disp.ax_.set_title("Random forest feature importances (iris)")
plt.show()
