"""Dendrogram of a hierarchical clustering

Ward linkage of three small 2-D blobs: the three groups join last, at the
largest merge distances.
"""
import matplotlib.pyplot as plt
import numpy as np

from fastml.plot import DendrogramDisplay

rng = np.random.default_rng(0)
X = np.vstack([rng.normal(c, 0.4, size=(8, 2)) for c in (0.0, 3.0, 6.0)])
disp = DendrogramDisplay.from_data(X, method="ward")
disp.ax_.set_title("Ward linkage of three blobs")
plt.show()
