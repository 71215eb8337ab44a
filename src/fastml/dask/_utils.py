"""Shared plumbing of fastml.dask: turning inputs into row-partitioned dask
arrays with known chunk sizes, tree reductions of delayed values, and the
map_blocks / map_partitions wrapper that runs a fitted in-memory estimator's
method over a dask collection.

Everything here imports dask; fastml itself never imports this package.
"""
import numbers

import numpy as np

import dask
import dask.array as da
from dask import delayed

DEFAULT_ROWS = 100_000  # rows per block when an in-memory array is split for the cluster
SPLIT_EVERY = 8         # fan-in of the tree reductions


def is_dask_collection(X):
    return dask.is_dask_collection(X)


def is_dask_dataframe(X):
    return is_dask_collection(X) and hasattr(X, "map_partitions") and hasattr(X, "npartitions")


def feature_names(X):
    cols = getattr(X, "columns", None)
    if cols is None:
        return None
    names = np.asarray([str(c) for c in cols], dtype=object)
    return names if all(isinstance(c, str) for c in cols) else None


def as_dask_array(X, name="X", ndim=2, rows=DEFAULT_ROWS):
    """(dask array partitioned by rows only, with known chunk sizes).

    A dask DataFrame / Series becomes its values with lengths computed; an
    in-memory array (or pandas object) is split into blocks of `rows` rows, a
    scipy.sparse matrix into CSR blocks of `rows` rows (a dask array whose
    blocks are scipy.sparse stays as it is).
    2-D inputs are rechunked to one column block (each partition holds whole
    rows). Raises ValueError naming `name` for a wrong number of dimensions.
    """
    if is_dask_dataframe(X):
        X = X.to_dask_array(lengths=True)
    elif not is_dask_collection(X) and is_sparse(X):  # blocks of CSR rows
        if X.ndim != 2:
            raise ValueError(f"{name} must be 2-D, got a sparse array of shape {X.shape}.")
        X = X.tocsr()
        X = da.from_array(X, chunks=(max(1, int(rows)), X.shape[1]), asarray=False)
    elif not is_dask_collection(X):
        arr = np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X)
        X = da.from_array(arr, chunks=(max(1, int(rows)),) + arr.shape[1:])
    if not isinstance(X, da.Array):
        raise TypeError(f"{name} must be a dask array, a dask DataFrame/Series or an "
                        f"in-memory array, got {type(X).__name__}.")
    if ndim == 2 and X.ndim == 1:
        raise ValueError(f"Expected 2D array for {name}, got 1D array of shape {X.shape}. "
                         "Reshape your data either using array.reshape(-1, 1) if your data "
                         "has a single feature or array.reshape(1, -1) if it contains a "
                         "single sample.")
    if X.ndim not in (1, 2) or (ndim == 2 and X.ndim != 2):
        raise ValueError(f"{name} must be {ndim}-D, got an array of shape {X.shape}.")
    if any(np.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    if X.ndim == 2 and len(X.chunks[1]) > 1:
        X = X.rechunk({1: -1})
    return X


def is_sparse(X):
    """X is a scipy.sparse matrix / array."""
    return hasattr(X, "tocsr") and hasattr(X, "nnz")


def has_sparse_blocks(X):
    """X is a dask array whose blocks are scipy.sparse matrices (its meta is)."""
    return isinstance(X, da.Array) and is_sparse(getattr(X, "_meta", None))


def row_offsets(X):
    """(n_blocks + 1,) int64 first global row of every block (last: n)."""
    off = np.zeros(len(X.chunks[0]) + 1, dtype=np.int64)
    np.cumsum(X.chunks[0], out=off[1:])
    return off


def blocks(X):
    """The row blocks of a (row-partitioned) dask array as delayed objects."""
    return list(X.to_delayed().ravel())


def tree_reduce(parts, combine, split_every=SPLIT_EVERY):
    """One delayed value from `parts` by combining up to `split_every` at a
    time (combine(list) -> value), keeping their order: depth
    log_split_every(len(parts)), no single task receives every part."""
    parts = list(parts)
    if not parts:
        raise ValueError("tree_reduce needs at least one part.")
    fn = delayed(combine, pure=True)
    while len(parts) > 1:
        parts = [fn(parts[i:i + split_every]) if len(parts[i:i + split_every]) > 1
                 else parts[i] for i in range(0, len(parts), split_every)]
    return parts[0]


def check_positive_int(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {name}={value!r}.")
    return int(value)


def check_y(y, X, name="y"):
    """y as a dask array whose row blocks line up with X's."""
    y = as_dask_array(y, name, ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: "
                         f"[{X.shape[0]}, {y.shape[0]}] ({name}).")
    if y.chunks[0] != X.chunks[0]:
        y = y.rechunk({0: X.chunks[0]})
    return y


def align_weights(sample_weight, X):
    if sample_weight is None:
        return None
    sw = as_dask_array(sample_weight, "sample_weight", ndim=1)
    if sw.ndim != 1 or sw.shape[0] != X.shape[0]:
        raise ValueError(f"sample_weight.shape == {sw.shape}, expected ({X.shape[0]},)!")
    return sw.rechunk({0: X.chunks[0]}) if sw.chunks[0] != X.chunks[0] else sw


# ---- running a fitted estimator's method over a collection --------------------

def _call(est, method, Xb, kwargs):
    return getattr(est, method)(Xb, **kwargs)


def _output_sample(est, method, X):
    """The method's output on the first row (shape and dtype of the result)."""
    if is_dask_dataframe(X):
        head = X.head(1, npartitions=-1)
    else:
        head = X[:1].compute()
    return np.asarray(_call(est, method, head, {}))


def apply_method(est, method, X, **kwargs):
    """est.<method>(X) over a dask collection: map_blocks on a dask array
    (output blocks line up with X's row blocks), map_partitions with correct
    meta on a dask DataFrame (a Series for 1-D outputs, a DataFrame for 2-D).
    The estimator is put in the graph once (one key shared by every task)."""
    sample = _output_sample(est, method, X)
    est_d = delayed(est, pure=True)
    tail, dt = sample.shape[1:], sample.dtype

    def call(e, b):  # an empty block (estimators reject 0 rows) gives an empty output
        if b.shape[0] == 0:
            return np.empty((0,) + tail, dtype=dt)
        return np.asarray(_call(e, method, b, kwargs))

    if is_dask_dataframe(X):
        import pandas as pd

        def run(part, est, method, kwargs):
            out = call(est, part)
            if out.ndim == 1:
                return pd.Series(out, index=part.index)
            return pd.DataFrame(out, index=part.index)

        meta = (pd.Series(sample[:0]) if sample.ndim == 1
                else pd.DataFrame(sample[:0]))
        return X.map_partitions(run, est_d, method, kwargs, meta=meta)
    X = as_dask_array(X)
    if sample.ndim == 1:
        return X.map_blocks(lambda b, e: call(e, b), est_d,
                            drop_axis=1, dtype=sample.dtype, meta=sample[:0])
    return X.map_blocks(lambda b, e: call(e, b), est_d,
                        chunks=(X.chunks[0], (sample.shape[1],)), dtype=sample.dtype,
                        meta=sample[:0])


class PostFitMixin:
    """predict / predict_proba / predict_log_proba / decision_function /
    transform / score of the fitted in-memory parent class, run blockwise
    when X is a dask collection (lazily: a dask array or Series back), and
    directly on in-memory X."""

    def __getstate__(self):
        # lazy fitted attributes (e.g. KMeans.labels_) are computed: a pickle
        # holds no futures of a cluster that may be gone when it is loaded
        state = dict(self.__dict__)
        lazy = [k for k, v in state.items() if is_dask_collection(v)]
        if lazy:
            values = dask.compute(*[state[k] for k in lazy])
            state.update(zip(lazy, values))
        return state

    def _blockwise(self, method, X):
        parent = super(PostFitMixin, self)
        if not is_dask_collection(X):
            return getattr(parent, method)(X)
        self._check_is_fitted()
        local = self._local_estimator()
        return apply_method(local, method, X)

    def _local_estimator(self):
        """A plain in-memory fastml estimator with this one's fitted state
        (what ships to the workers: no dask objects inside)."""
        base = next(c for c in type(self).__mro__
                    if c.__module__.startswith("fastml.") and
                    not c.__module__.startswith("fastml.dask") and
                    c.__name__ == type(self).__name__)
        est = base.__new__(base)
        est.__dict__.update({k: v for k, v in self.__dict__.items()
                             if not is_dask_collection(v)})
        return est

    def predict(self, X, *args, **kwargs):
        if args or kwargs:
            return super().predict(X, *args, **kwargs)
        return self._blockwise("predict", X)

    def score(self, X, y=None, sample_weight=None):
        if is_dask_collection(X) or is_dask_collection(y):
            X = X.compute() if is_dask_collection(X) else X
            y = y.compute() if is_dask_collection(y) else y
            sample_weight = (sample_weight.compute() if is_dask_collection(sample_weight)
                             else sample_weight)
        if y is None:
            return super().score(X, sample_weight=sample_weight)
        return super().score(X, y, sample_weight=sample_weight)
