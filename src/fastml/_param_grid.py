"""ParameterGrid: the candidates of a grid search (kept apart from model_selection.py
so that module stays short; re-exported there)."""
import itertools
import math

import numpy as np

__all__ = ["ParameterGrid"]


class ParameterGrid:
    """Iterate over the cartesian product of a dict (or list of dicts) of lists."""

    def __init__(self, param_grid):
        if isinstance(param_grid, dict):
            param_grid = [param_grid]
        if not isinstance(param_grid, (list, tuple)):
            raise TypeError(f"Parameter grid should be a dict or a list, got: {param_grid!r} of "
                            f"type {type(param_grid).__name__}")
        for grid in param_grid:
            if not isinstance(grid, dict):
                raise TypeError(f"Parameter grid is not a dict ({grid!r})")
            for k, v in grid.items():
                if isinstance(v, np.ndarray) and v.ndim > 1:
                    raise ValueError(f"Parameter array for {k!r} should be one-dimensional, "
                                     f"got: {v!r} with shape {v.shape}")
                if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__") or \
                        not hasattr(v, "__len__"):
                    raise TypeError(f"Parameter grid for parameter {k!r} needs to be a list or "
                                    f"a numpy array, but got {v!r} (of type "
                                    f"{type(v).__name__}) instead. Single values need to be "
                                    "wrapped in a list with one element.")
                if len(v) == 0:
                    raise ValueError(f"Parameter grid for parameter {k!r} need to be a "
                                     f"non-empty sequence, got: {v!r}")
        self.param_grid = list(param_grid)

    def __iter__(self):
        for grid in self.param_grid:
            keys = sorted(grid)
            for values in itertools.product(*(grid[k] for k in keys)):
                yield dict(zip(keys, values))

    def __len__(self):
        return sum(math.prod(len(v) for v in g.values()) for g in self.param_grid)

    def __getitem__(self, ind):
        """The ind-th parameter dict of the iteration order, without iterating."""
        for grid in self.param_grid:
            keys = sorted(grid)
            sizes = [len(grid[k]) for k in keys]
            total = math.prod(sizes)
            if ind >= total:
                ind -= total
                continue
            out = {}
            for k, n in zip(reversed(keys), reversed(sizes)):
                ind, j = divmod(ind, n)
                out[k] = list(grid[k])[j]
            return dict(sorted(out.items()))
        raise IndexError("ParameterGrid index out of range")
