"""fastml on Dask: the same estimators, exact, over data partitioned by rows
across a dask cluster (optional: ``pip install fastml[dask]``; ``import
fastml`` never imports dask).

- Exact distributed neighbours: NearestNeighbors, KNeighborsClassifier,
  KNeighborsRegressor (per-partition fastml indices, tree-reduced top-k with
  the (distance, global index) tie rule: single-machine answers, bit for bit).
- KMeans (k-means|| or k-means++ initialisation, Lloyd over fastml's
  compiled step).
- LinearRegression, Ridge (reduced centred Gram matrices, or TSQR),
  LogisticRegression (L-BFGS, finished by exact Newton steps, or Newton
  alone, over per-partition loss / gradient / Hessian sums), PCA.
- ParallelPostFit (blockwise predict / transform of any fitted estimator)
  and Incremental (partial_fit block after block).

Forests and grid searches: scikit-learn's GridSearchCV (and anything else
that runs on joblib) sends its fits to the cluster under
``joblib.parallel_config(backend="dask")``; each fit runs on one worker with
the thread count of the fastml estimator's own ``n_jobs`` (see docs/dask.md).

Inputs: dask arrays, dask DataFrames / Series, or in-memory arrays (split
into blocks); dask arrays of scipy.sparse CSR blocks (or in-memory sparse
matrices) for the linear models, the neighbours and the wrappers. Every
operation runs on the active scheduler: a
``distributed.Client`` when one exists, dask's local scheduler otherwise.
"""
try:
    import dask  # noqa: F401
    import dask.array  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("fastml.dask needs dask: pip install 'fastml[dask]' "
                      "(dask[array,dataframe] and distributed).") from exc

from ._kmeans import KMeans
from ._linear import LinearRegression, LogisticRegression, Ridge
from ._neighbors import KNeighborsClassifier, KNeighborsRegressor, NearestNeighbors
from ._pca import PCA
from ._wrappers import Incremental, ParallelPostFit

__all__ = ["Incremental", "KMeans", "KNeighborsClassifier", "KNeighborsRegressor",
           "LinearRegression", "LogisticRegression", "NearestNeighbors", "PCA",
           "ParallelPostFit", "Ridge"]
