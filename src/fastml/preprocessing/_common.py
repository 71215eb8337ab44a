"""Input helpers shared by the preprocessing transformers."""
import numpy as np

from ..utils._set_output import dataframe_to_numpy
from ..utils.validation import check_array


def frame_to_array(est, X, reset):
    """Record (reset=True) or check est's feature names from a DataFrame X,
    then X as an array of its columns' common dtype."""
    est._check_feature_names(X, reset=reset)
    return dataframe_to_numpy(X)


def check_allow_nan(X, dtype=None):
    """check_array that lets NaN through (scalers ignore it) but rejects inf;
    dtype: the kept float dtypes (default float64 / float32)."""
    X = check_array(X, ensure_all_finite=False, **({} if dtype is None else {"dtype": dtype}))
    if np.isinf(X).any():
        raise ValueError(f"Input X contains infinity or a value too large for {X.dtype!r}.")
    return X


def handle_zeros(scale):
    """Constant features get scale 1 (they map to 0, not NaN)."""
    scale = np.asarray(scale, dtype=np.float64).copy()
    scale[scale < 10 * np.finfo(np.float64).eps] = 1.0
    return scale
