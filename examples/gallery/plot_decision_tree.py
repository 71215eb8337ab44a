"""A fitted decision tree

A depth-3 tree on iris drawn with ``plot_tree`` (the node text is the one
scikit-learn's ``plot_tree`` writes; ``export_text`` gives the same rules as
text).
"""
import matplotlib.pyplot as plt

from fastml.datasets import load_iris
from fastml.plot import plot_tree
from fastml.tree import DecisionTreeClassifier

X, y = load_iris(return_X_y=True)
tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
fig, ax = plt.subplots(figsize=(12, 6))
plot_tree(tree, feature_names=["sepal length", "sepal width", "petal length", "petal width"],
          class_names=["setosa", "versicolor", "virginica"], filled=True, ax=ax)
plt.show()
