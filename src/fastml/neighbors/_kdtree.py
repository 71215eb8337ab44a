"""fastml.neighbors.KDTree: exact k-nearest-neighbour and radius search.

The tree is built and searched in C (csrc/kdtree.c explains the algorithm);
this class validates inputs once and owns the tree's arrays, which is all a
pickle stores (unpickling does not rebuild).

Tie rule (the whole of fastml.neighbors): neighbours are ordered by
(distance, training index), so among equal distances the lower index comes
first, in the tree and in brute force, at any thread count.
"""
import numbers

import numpy as np

from .._kernels import kdtree as _kt
from ..utils._param_validation import Interval, validate_parameter_constraints
from ..utils.validation import check_array
from ._state import check_tree_state
from ._validation import (METRIC_OPTIONS, P_CONSTRAINT, check_k, check_metric, check_query,
                          check_radius, effective_leaf_size)

__all__ = ["KDTree"]


class KDTree:
    """k-d tree over the rows of X.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        float32 stays float32 (queries are then answered in float32); other
        dtypes become float64. NaN/inf are rejected.
    leaf_size : int >= 1, default 40
        Largest number of points in a leaf (leaves hold leaf_size/2 to
        leaf_size points). Values above MAX_LEAF_SIZE (1024) build the tree
        with 1024: results are the same and queries stay fast (the first leaf
        a query scans costs O(leaf_size^2)).
    metric : {"euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski"}
        Aliases "l2", "l1", "cityblock", "infinity" are accepted.
    p : float >= 1, default 2
        Minkowski order (p = 1, 2, inf select the dedicated metrics).
    """

    #: metric names the tree answers (scikit-learn's KDTree.valid_metrics without
    #: the alias "p", plus "sqeuclidean")
    valid_metrics = sorted(METRIC_OPTIONS.options)

    _parameter_constraints = {
        "leaf_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [METRIC_OPTIONS],
        "p": [P_CONSTRAINT],
    }

    def __init__(self, X, leaf_size=40, metric="euclidean", p=2):
        validate_parameter_constraints(self._parameter_constraints,
                                       {"leaf_size": leaf_size, "metric": metric, "p": p},
                                       "KDTree")
        self.leaf_size = int(leaf_size)
        self.metric, self.p = check_metric(metric, p, allow_callable=False)
        X = check_array(X, input_name="X")
        self.n_samples, self.n_features = X.shape
        self.dtype = X.dtype
        self._data = X
        self._tree = _kt.build_tree(X, effective_leaf_size(self.leaf_size, self.n_samples))

    @property
    def data(self):
        """The training points (n_samples, n_features), in input order."""
        X = getattr(self, "_data", None)
        if X is None:  # restored from a pickle: rebuilt from the tree's points
            tree = self._tree
            X = _kt.tree_points(tree)
            e = tree.get("plan", (None, 0))[1]
            X = (np.ldexp(X, e) if e else X).astype(self.dtype, copy=False)
            self._data = X
        return X

    def query(self, X, k=1, return_distance=True):
        """k nearest training points of each row of X.

        Returns (dist, ind) of shape (n_queries, k), or ind alone when
        return_distance is False. Rows are sorted by (distance, index).
        """
        k = check_k(k, "KDTree.query")
        if k > self.n_samples:
            raise ValueError(f"k must be less than or equal to the number of training "
                             f"points: k={k}, n_samples={self.n_samples}.")
        X = check_query(X, self.dtype, self.n_features)
        dist, ind = _kt.tree_query(self._tree, X, k, self.metric, self.p, return_distance)
        return (dist, ind) if return_distance else ind

    def query_radius(self, X, r, return_distance=False, count_only=False, sort_results=False):
        """Training points within distance r (<= r) of each row of X.

        r is a scalar or one radius per query. Returns an object array of index
        arrays (and of distance arrays with return_distance=True, as
        ``ind, dist``), or an int64 array of counts with count_only=True.
        Without sort_results the order within a row is the tree's (deterministic).
        """
        if count_only and return_distance:
            raise ValueError("return_distance must be False if count_only is True.")
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True.")
        X = check_query(X, self.dtype, self.n_features)
        r = check_radius(r, X.shape[0])
        res = _kt.tree_radius(self._tree, X, r, self.metric, self.p,
                              return_distance=return_distance, sort=sort_results,
                              count_only=count_only)
        if count_only:
            return res
        flat_ind, flat_dist, off = res
        nq = X.shape[0]
        ind = np.empty(nq, dtype=object)
        dist = np.empty(nq, dtype=object) if return_distance else None
        for i in range(nq):
            ind[i] = flat_ind[off[i]:off[i + 1]]
            if return_distance:
                dist[i] = flat_dist[off[i]:off[i + 1]]
        return (ind, dist) if return_distance else ind

    def __getstate__(self):
        return {"leaf_size": self.leaf_size, "metric": self.metric, "p": self.p,
                "n_samples": self.n_samples, "n_features": self.n_features,
                "dtype": self.dtype.str, "tree": self._tree}

    def __setstate__(self, state):
        # every array reaches C on the next query: check it all, once, here
        if not isinstance(state, dict):
            raise ValueError("Invalid pickled state of KDTree: not a dict.")
        try:
            self.metric, self.p = check_metric(state["metric"], state["p"],
                                               allow_callable=False)
            dtype = np.dtype(state["dtype"])
            self._tree = check_tree_state(state["tree"], state["n_samples"],
                                          state["n_features"], dtype, state["leaf_size"])
        except (KeyError, TypeError) as e:
            raise ValueError(f"Invalid pickled state of KDTree: {e!r}") from None
        self.leaf_size = int(state["leaf_size"])
        self.n_samples = int(state["n_samples"])
        self.n_features = int(state["n_features"])
        self.dtype = dtype

    def __repr__(self):
        return (f"KDTree(n_samples={self.n_samples}, n_features={self.n_features}, "
                f"leaf_size={self.leaf_size}, metric={self.metric!r}, dtype={self.dtype})")
