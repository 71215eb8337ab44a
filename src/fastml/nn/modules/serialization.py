"""fastml.nn.save / load: state dicts as .npz files (no pickle)."""
from collections import OrderedDict

import numpy as np

__all__ = ["save", "load"]


def save(state_dict, path):
    """Write a {name: array} mapping (e.g. model.state_dict()) to an .npz file."""
    arrays = OrderedDict()
    for k, v in state_dict.items():
        if not isinstance(k, str):
            raise TypeError(f"state_dict keys must be strings, got {k!r}")
        arrays[k] = np.asarray(getattr(v, "data", v))
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def load(path):
    """Read an .npz written by save() -> OrderedDict name -> ndarray (same order)."""
    with np.load(path, allow_pickle=False) as z:
        return OrderedDict((k, z[k]) for k in z.files)
