"""Loaders for the small datasets bundled with fastml.

The data files live in ``fastml/datasets/data/`` as gzip-compressed CSV text
(format described in ``data/README.md``) and are read with
:mod:`importlib.resources`, so they load from a source tree, an installed wheel
or a zip import alike. Only NumPy is needed at run time. Every call parses the
file again and returns new, writable arrays; nothing is cached.
"""

import gzip
from importlib import resources

import numpy as np

__all__ = [
    "Bunch",
    "load_iris",
    "load_digits",
    "load_breast_cancer",
    "load_diabetes",
]


class Bunch(dict):
    """Dictionary whose keys are also readable and writable as attributes.

    ``bunch["data"]`` and ``bunch.data`` are the same object.

    Examples
    --------
    >>> b = Bunch(data=[1, 2], target=[0, 1])
    >>> b.data is b["data"]
    True
    >>> b.extra = 3
    >>> b["extra"]
    3
    """

    def __init__(self, **kwargs):
        super().__init__(kwargs)

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self[key] = value

    def __delattr__(self, key):
        try:
            del self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __dir__(self):
        return list(super().__dir__()) + [str(k) for k in self.keys()]


def _read_table(filename):
    """Read one bundled ``.csv.gz`` file.

    Parameters
    ----------
    filename : str
        File name inside ``fastml/datasets/data/``.

    Returns
    -------
    meta : dict of str to str
        The ``# key: value`` lines at the top of the file.
    columns : list of str
        Column names from the header line.
    values : ndarray of shape (n_rows, n_columns), dtype float64
        The table body; a fresh array.
    """
    resource = resources.files(__package__).joinpath("data", filename)
    text = gzip.decompress(resource.read_bytes()).decode("utf-8")
    lines = text.splitlines()
    meta = {}
    start = 0
    while lines[start].startswith("#"):
        key, _, value = lines[start][1:].partition(":")
        meta[key.strip()] = value.strip()
        start += 1
    columns = lines[start].split(",")
    values = np.loadtxt(lines[start + 1:], delimiter=",", dtype=np.float64, ndmin=2)
    if values.shape[1] != len(columns):
        raise RuntimeError(f"corrupt bundled data file {filename!r}: "
                           f"{values.shape[1]} values per row, {len(columns)} columns")
    return meta, columns, values


def _split_target(filename):
    """Return ``(meta, feature_names, data, target)`` from a file whose last column is the target."""
    meta, columns, values = _read_table(filename)
    data = np.ascontiguousarray(values[:, :-1])
    target = values[:, -1].copy()
    return meta, columns[:-1], data, target


def _check_dtype(dtype):
    """The feature dtype a loader returns: float64 (default) or float32."""
    if dtype is None:
        return np.dtype(np.float64)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be None, numpy.float32 or numpy.float64, got {dtype!r}")
    return dt


def _check_flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a bool, got {value!r}")
    return bool(value)


def _as_frame(data, target, feature_names, target_name="target"):
    """(frame, data DataFrame, target Series) as scikit-learn's loaders give
    with as_frame=True (pandas is optional: a clear error without it)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is an optional extra
        raise ImportError("as_frame=True needs pandas: pip install pandas") from None
    X = pd.DataFrame(data, columns=[str(c) for c in feature_names])
    y = pd.Series(target, name=target_name)
    return pd.concat([X, y], axis=1), X, y


def _deliver(data, target, feature_names, *, return_X_y, as_frame, dtype, float_target,
             **extra):
    """The loaders' common ending: dtype, optional pandas objects, (X, y) or Bunch."""
    return_X_y = _check_flag("return_X_y", return_X_y)
    as_frame = _check_flag("as_frame", as_frame)
    dt = _check_dtype(dtype)
    data = data.astype(dt, copy=False)
    if float_target:
        target = target.astype(dt, copy=False)
    frame = None
    if as_frame:
        frame, data, target = _as_frame(data, target, feature_names)
    if return_X_y:
        return data, target
    return Bunch(data=data, target=target, frame=frame, feature_names=feature_names, **extra)


def _class_target(target):
    as_int = target.astype(np.int64)
    if not np.array_equal(as_int, target):
        raise RuntimeError("bundled class labels are not integers")
    return as_int


_SOURCE_NOTE = (
    "The bundled copy was converted from the one distributed with scikit-learn "
    "(BSD-3-Clause) and matches its values exactly."
)

_IRIS_DESCR = f"""\
Iris plants dataset
-------------------
150 samples (50 per class), 4 numeric features in cm: sepal length, sepal
width, petal length, petal width. Classes: setosa, versicolor, virginica.
One class is linearly separable from the other two; the other two are not.

Source: R. A. Fisher (1936), "The use of multiple measurements in taxonomic
problems"; UCI Machine Learning Repository, https://archive.ics.uci.edu/dataset/53/iris
(licence CC BY 4.0). Values follow Fisher's paper: samples 35 and 38 differ
from the UCI file, whose errors UCI documents. {_SOURCE_NOTE}
"""

_DIGITS_DESCR = f"""\
Optical recognition of handwritten digits
-----------------------------------------
1797 images of handwritten digits 0-9, each 8x8 pixels with integer
intensities 0..16 (about 180 per class). Each image is the count of "on"
pixels in non-overlapping 4x4 blocks of a 32x32 bitmap. `data` holds the
flattened images (64 features, row-major: pixel_<row>_<col>).

Source: E. Alpaydin, C. Kaynak (1998), UCI Machine Learning Repository,
"Optical Recognition of Handwritten Digits",
https://archive.ics.uci.edu/dataset/80 (licence CC BY 4.0); this is the
1797-sample test split. {_SOURCE_NOTE}
"""

_BREAST_CANCER_DESCR = f"""\
Breast cancer Wisconsin (diagnostic) dataset
--------------------------------------------
569 samples, 30 numeric features, 2 classes: malignant (212, target 0) and
benign (357, target 1). The features describe cell nuclei in a digitised image
of a fine needle aspirate of a breast mass: for each of ten measurements
(radius, texture, perimeter, area, smoothness, compactness, concavity, concave
points, symmetry, fractal dimension) the mean, the standard error and the
"worst" (mean of the three largest values).

Source: W. H. Wolberg, W. N. Street, O. L. Mangasarian (1995), UCI Machine
Learning Repository, "Breast Cancer Wisconsin (Diagnostic)",
https://archive.ics.uci.edu/dataset/17 (licence CC BY 4.0). {_SOURCE_NOTE}
"""

_DIABETES_DESCR = f"""\
Diabetes dataset
----------------
442 patients, 10 baseline variables: age, sex, body mass index (bmi), average
blood pressure (bp) and six blood serum measurements (s1..s6). The target is a
quantitative measure of disease progression one year after baseline (25..346).
With scaled=True (default) each feature column is mean-centred and scaled so
that its sum of squares is 1 (standard deviation times sqrt(n_samples));
with scaled=False the original measurements are returned.

Source: B. Efron, T. Hastie, I. Johnstone, R. Tibshirani (2004), "Least Angle
Regression", Annals of Statistics 32(2); data published with the paper at
https://hastie.su.domains/Papers/LARS/. {_SOURCE_NOTE}
"""


def load_iris(*, return_X_y=False, as_frame=False, dtype=None):
    """Load the iris plants dataset (classification, 3 classes).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a :class:`Bunch`.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (columns ``feature_names``),
        ``target`` a Series named ``"target"`` and ``frame`` both together, as
        scikit-learn's loaders give (needs pandas).
    dtype : {None, numpy.float32, numpy.float64}, default=None
        dtype of ``data`` (and of a regression target); None keeps float64.
        float32 feeds ``fastml.nn`` models directly (class labels stay int64).

    Returns
    -------
    bunch : Bunch
        ``data`` : ndarray of shape (150, 4), float64 (or ``dtype``;
        a DataFrame with ``as_frame``);
        ``frame`` : DataFrame of data and target with ``as_frame``, else None;
        ``target`` : ndarray of shape (150,), int64 in {0, 1, 2};
        ``feature_names`` : list of 4 str;
        ``target_names`` : ndarray of 3 str;
        ``DESCR`` : str.
    (data, target) : tuple of ndarray
        When ``return_X_y`` is True.

    Examples
    --------
    >>> X, y = load_iris(return_X_y=True)
    >>> X.shape, y.shape
    ((150, 4), (150,))
    """
    meta, feature_names, data, target = _split_target("iris.csv.gz")
    target = _class_target(target)
    return _deliver(data, target, feature_names, return_X_y=return_X_y, as_frame=as_frame,
                    dtype=dtype, float_target=False,
                    target_names=np.array(meta["target_names"].split(",")),
                    DESCR=_IRIS_DESCR)


def load_digits(*, n_class=10, return_X_y=False, as_frame=False, dtype=None):
    """Load the 8x8 handwritten digits dataset (classification, up to 10 classes).

    Parameters
    ----------
    n_class : int, default=10
        Keep only the samples of digits ``0 .. n_class - 1`` (1 <= n_class <= 10).
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a :class:`Bunch`.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (columns ``feature_names``),
        ``target`` a Series named ``"target"`` and ``frame`` both together, as
        scikit-learn's loaders give (needs pandas).
    dtype : {None, numpy.float32, numpy.float64}, default=None
        dtype of ``data`` (and of a regression target); None keeps float64.
        float32 feeds ``fastml.nn`` models directly (class labels stay int64).

    Returns
    -------
    bunch : Bunch
        ``data`` : ndarray of shape (n_samples, 64), float64 (or ``dtype``) with integer
        values 0..16, a DataFrame with ``as_frame``;
        ``frame`` : DataFrame of data and target with ``as_frame``, else None;
        ``images`` : ndarray of shape (n_samples, 8, 8), float64 or ``dtype`` (a separate
        copy);
        ``target`` : ndarray of shape (n_samples,), int64;
        ``feature_names`` : list of 64 str ``"pixel_<row>_<col>"``;
        ``target_names`` : ndarray ``arange(10)`` (all ten digits, whatever ``n_class``);
        ``DESCR`` : str.
        ``n_samples`` is 1797 for ``n_class=10``.
    (data, target) : tuple of ndarray
        When ``return_X_y`` is True.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape
    (1797, 8, 8)
    >>> load_digits(n_class=2, return_X_y=True)[0].shape
    (360, 64)
    """
    if isinstance(n_class, bool) or not isinstance(n_class, (int, np.integer)) \
            or not 1 <= n_class <= 10:
        raise ValueError(f"n_class must be an integer in [1, 10], got {n_class!r}")
    meta, feature_names, data, target = _split_target("digits.csv.gz")
    target = _class_target(target)
    if n_class < 10:
        keep = target < n_class
        data = data[keep]
        target = target[keep]
    return _deliver(data, target, feature_names, return_X_y=return_X_y, as_frame=as_frame,
                    dtype=dtype, float_target=False,
                    target_names=np.array([int(t) for t in meta["target_names"].split(",")],
                                          dtype=np.int64),
                    images=data.astype(_check_dtype(dtype)).reshape(-1, 8, 8),
                    DESCR=_DIGITS_DESCR)


def load_breast_cancer(*, return_X_y=False, as_frame=False, dtype=None):
    """Load the breast cancer Wisconsin (diagnostic) dataset (binary classification).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a :class:`Bunch`.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (columns ``feature_names``),
        ``target`` a Series named ``"target"`` and ``frame`` both together, as
        scikit-learn's loaders give (needs pandas).
    dtype : {None, numpy.float32, numpy.float64}, default=None
        dtype of ``data`` (and of a regression target); None keeps float64.
        float32 feeds ``fastml.nn`` models directly (class labels stay int64).

    Returns
    -------
    bunch : Bunch
        ``data`` : ndarray of shape (569, 30), float64 (or ``dtype``;
        a DataFrame with ``as_frame``);
        ``frame`` : DataFrame of data and target with ``as_frame``, else None;
        ``target`` : ndarray of shape (569,), int64 (0 = malignant, 1 = benign);
        ``feature_names`` : ndarray of 30 str;
        ``target_names`` : ndarray ``["malignant", "benign"]``;
        ``DESCR`` : str.
    (data, target) : tuple of ndarray
        When ``return_X_y`` is True.

    Examples
    --------
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((569, 30), 357)
    """
    meta, feature_names, data, target = _split_target("breast_cancer.csv.gz")
    target = _class_target(target)
    return _deliver(data, target, np.array(feature_names), return_X_y=return_X_y,
                    as_frame=as_frame, dtype=dtype, float_target=False,
                    target_names=np.array(meta["target_names"].split(",")),
                    DESCR=_BREAST_CANCER_DESCR)


def load_diabetes(*, return_X_y=False, scaled=True, as_frame=False, dtype=None):
    """Load the diabetes dataset (regression).

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a :class:`Bunch`.
    as_frame : bool, default=False
        If True, ``data`` is a pandas DataFrame (columns ``feature_names``),
        ``target`` a Series named ``"target"`` and ``frame`` both together, as
        scikit-learn's loaders give (needs pandas).
    dtype : {None, numpy.float32, numpy.float64}, default=None
        dtype of ``data`` (and of a regression target); None keeps float64.
        float32 feeds ``fastml.nn`` models directly (class labels stay int64).
    scaled : bool, default=True
        If True, each feature is mean-centred and divided by its standard deviation
        times ``sqrt(n_samples)`` (every column then has unit sum of squares). If
        False, the raw measurements are returned.

    Returns
    -------
    bunch : Bunch
        ``data`` : ndarray of shape (442, 10), float64 (or ``dtype``;
        a DataFrame with ``as_frame``);
        ``frame`` : DataFrame of data and target with ``as_frame``, else None;
        ``target`` : ndarray of shape (442,), float64;
        ``feature_names`` : list of 10 str;
        ``DESCR`` : str. There is no ``target_names`` (regression).
    (data, target) : tuple of ndarray
        When ``return_X_y`` is True.

    Examples
    --------
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X.shape, y.shape
    ((442, 10), (442,))
    """
    _, feature_names, data, target = _split_target("diabetes.csv.gz")
    if scaled:
        # Stored rather than recomputed so the values never depend on the NumPy version.
        _, scaled_names, data = _read_table("diabetes_scaled.csv.gz")
        if scaled_names != feature_names or data.shape != (len(target), len(feature_names)):
            raise RuntimeError("bundled diabetes files are inconsistent")
    return _deliver(data, target, feature_names, return_X_y=return_X_y, as_frame=as_frame,
                    dtype=dtype, float_target=True, DESCR=_DIABETES_DESCR)
