"""LabelEncoder: labels to 0..n_classes-1."""
import numpy as np

from ..base import BaseEstimator, TransformerMixin
from ..utils.validation import column_or_1d


class LabelEncoder(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Encode labels as 0..n_classes-1 (sorted order of classes_)."""

    _parameter_constraints = {}

    def __sklearn_tags__(self):
        # a label transformer: fit(y) on 1-D labels, as scikit-learn tags its own
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags

    def fit(self, y):
        self._validate_params()
        self.classes_ = np.unique(column_or_1d(y, warn=True))
        return self

    def fit_transform(self, y):
        self._validate_params()
        y = column_or_1d(y, warn=True)
        self.classes_, idx = np.unique(y, return_inverse=True)
        return idx.astype(np.int64)

    def transform(self, y):
        self._check_is_fitted("classes_")
        y = column_or_1d(y, warn=True)
        if y.size == 0:
            return np.array([], dtype=np.int64)
        kind = self.classes_.dtype.kind
        if kind in "US" and y.dtype.kind not in "USO":
            # string classes (e.g. fitted on ["a", nan]): numbers compare as
            # their string form, as NumPy promotes them
            y = y.astype(kind)
        idx = np.searchsorted(self.classes_, y)
        idx_c = np.clip(idx, 0, len(self.classes_) - 1)
        bad = self.classes_[idx_c] != y
        if bad.any():
            raise ValueError(f"y contains previously unseen labels: {np.unique(y[bad]).tolist()}")
        return idx_c.astype(np.int64)

    def inverse_transform(self, y):
        self._check_is_fitted("classes_")
        y = column_or_1d(y, warn=True)
        if y.size == 0:
            return np.array([], dtype=self.classes_.dtype)
        y = np.asarray(y)
        if y.dtype.kind not in "iu" and not np.all(np.mod(y, 1) == 0):
            raise ValueError("y contains non-integer codes.")
        y = y.astype(np.int64)
        if (y < 0).any() or (y >= len(self.classes_)).any():
            raise ValueError(f"y contains previously unseen labels: "
                             f"{np.unique(y[(y < 0) | (y >= len(self.classes_))]).tolist()}")
        return self.classes_[y]
