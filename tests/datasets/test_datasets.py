"""Tests for fastml.datasets: bundled loaders and synthetic generators."""

import ast
import pathlib
import pickle
from importlib import resources

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from fastml.datasets import (
    Bunch,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    make_advertising,
    make_blobs,
    make_classification,
    make_regression,
)

LOADERS = {
    "iris": (load_iris, {}),
    "digits": (load_digits, {}),
    "digits5": (load_digits, {"n_class": 5}),
    "breast_cancer": (load_breast_cancer, {}),
    "diabetes": (load_diabetes, {}),
    "diabetes_raw": (load_diabetes, {"scaled": False}),
}

# name -> (data shape, target dtype, class counts or None for regression)
EXPECTED = {
    "iris": ((150, 4), np.int64, [50, 50, 50]),
    "digits": ((1797, 64), np.int64, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]),
    "digits5": ((901, 64), np.int64, [178, 182, 177, 183, 181]),
    "breast_cancer": ((569, 30), np.int64, [212, 357]),
    "diabetes": ((442, 10), np.float64, None),
    "diabetes_raw": ((442, 10), np.float64, None),
}


# ----------------------------------------------------------------------------- loaders

@pytest.mark.parametrize("name", list(LOADERS))
def test_loader_shapes_and_dtypes(name):
    loader, kwargs = LOADERS[name]
    shape, target_dtype, counts = EXPECTED[name]
    bunch = loader(**kwargs)
    assert isinstance(bunch, Bunch)
    assert bunch.data.shape == shape and bunch.data.dtype == np.float64
    assert bunch.target.shape == (shape[0],) and bunch.target.dtype == target_dtype
    assert bunch.data.flags.c_contiguous and bunch.data.flags.writeable
    assert np.all(np.isfinite(bunch.data))
    assert len(bunch.feature_names) == shape[1]
    assert isinstance(bunch.DESCR, str) and "Source" in bunch.DESCR
    if counts is not None:
        assert np.bincount(bunch.target).tolist() == counts
    else:
        assert "target_names" not in bunch


@pytest.mark.parametrize("name", list(LOADERS))
def test_return_X_y_matches_bunch(name):
    loader, kwargs = LOADERS[name]
    bunch = loader(**kwargs)
    X, y = loader(return_X_y=True, **kwargs)
    assert_array_equal(X, bunch.data)
    assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("name", list(LOADERS))
def test_each_call_returns_fresh_writable_arrays(name):
    loader, kwargs = LOADERS[name]
    first = loader(**kwargs)
    original = first.data[0, 0]
    first.data[0, 0] = -12345.0
    first.target[0] = 99
    second = loader(**kwargs)
    assert second.data[0, 0] == original
    assert second.target[0] != 99
    assert not np.shares_memory(first.data, second.data)


def test_iris_values():
    b = load_iris()
    assert b.feature_names == ["sepal length (cm)", "sepal width (cm)",
                               "petal length (cm)", "petal width (cm)"]
    assert b.target_names.tolist() == ["setosa", "versicolor", "virginica"]
    assert_array_equal(b.data[0], [5.1, 3.5, 1.4, 0.2])
    assert_array_equal(b.data[-1], [5.9, 3.0, 5.1, 1.8])
    # Fisher's values for samples 35 and 38 (the UCI file has errors there)
    assert_array_equal(b.data[34], [4.9, 3.1, 1.5, 0.2])
    assert_array_equal(b.data[37], [4.9, 3.6, 1.4, 0.1])
    assert_array_equal(b.target, np.repeat([0, 1, 2], 50))


def test_digits_values_and_images():
    b = load_digits()
    assert_array_equal(np.unique(b.data), np.arange(17.0))
    assert b.images.shape == (1797, 8, 8) and b.images.dtype == np.float64
    assert_array_equal(b.images.reshape(1797, 64), b.data)
    assert not np.shares_memory(b.images, b.data)
    assert b.feature_names[:3] == ["pixel_0_0", "pixel_0_1", "pixel_0_2"]
    assert b.feature_names[-1] == "pixel_7_7"
    assert_array_equal(b.target_names, np.arange(10))
    assert_array_equal(b.target[:10], np.arange(10))


@pytest.mark.parametrize("n_class", [1, 2, 9, 10])
def test_digits_n_class_keeps_order(n_class):
    full = load_digits()
    keep = full.target < n_class
    X, y = load_digits(n_class=n_class, return_X_y=True)
    assert_array_equal(X, full.data[keep])
    assert_array_equal(y, full.target[keep])
    assert set(np.unique(y)) == set(range(n_class))
    b = load_digits(n_class=n_class)
    assert_array_equal(b.images, full.images[keep])
    assert_array_equal(b.target_names, np.arange(10))


@pytest.mark.parametrize("n_class", [0, 11, -1, 2.5, True, "3", None])
def test_digits_bad_n_class(n_class):
    with pytest.raises(ValueError, match="n_class"):
        load_digits(n_class=n_class)


def test_breast_cancer_values():
    b = load_breast_cancer()
    assert b.target_names.tolist() == ["malignant", "benign"]
    assert isinstance(b.feature_names, np.ndarray)
    assert b.feature_names[0] == "mean radius"
    assert b.feature_names[-1] == "worst fractal dimension"
    assert_array_equal(b.data[0, :4], [17.99, 10.38, 122.8, 1001.0])


def test_diabetes_scaled_and_raw():
    scaled = load_diabetes()
    raw = load_diabetes(scaled=False)
    assert scaled.feature_names == ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    assert raw.feature_names == scaled.feature_names
    assert_array_equal(scaled.target, raw.target)
    assert raw.target.min() == 25.0 and raw.target.max() == 346.0
    assert set(np.unique(raw.data[:, 1])) == {1.0, 2.0}
    # scaled = (raw - mean) / (std * sqrt(n)): centred columns of unit sum of squares
    assert_allclose(scaled.data.mean(axis=0), 0.0, atol=1e-15)
    assert_allclose((scaled.data ** 2).sum(axis=0), 1.0, rtol=1e-12)
    expected = (raw.data - raw.data.mean(0)) / (raw.data.std(0) * np.sqrt(442))
    assert_allclose(scaled.data, expected, rtol=1e-12, atol=1e-15)


def test_bunch_behaves_like_dict_and_object():
    b = Bunch(data=np.arange(3), target=[1])
    assert b.data is b["data"]
    b.new = 5
    assert b["new"] == 5
    b["other"] = 6
    assert b.other == 6
    del b.new
    assert "new" not in b
    with pytest.raises(AttributeError):
        b.missing
    with pytest.raises(AttributeError):
        del b.missing
    assert "target" in dir(b)
    restored = pickle.loads(pickle.dumps(b))
    assert isinstance(restored, Bunch)
    assert_array_equal(restored.data, b.data) and restored.other == 6


def test_bundled_files_small_and_reachable_via_resources():
    data_dir = resources.files("fastml.datasets").joinpath("data")
    names = ["iris.csv.gz", "digits.csv.gz", "breast_cancer.csv.gz",
             "diabetes.csv.gz", "diabetes_scaled.csv.gz"]
    sizes = [len(data_dir.joinpath(n).read_bytes()) for n in names]
    assert sum(sizes) < 1_000_000


def test_modules_import_only_numpy_and_stdlib():
    # `import fastml` must stay fast: the datasets code may only import numpy at
    # module level; pandas (optional, for as_frame=True) only inside a function.
    allowed = {"gzip", "importlib", "numbers", "numpy"}
    import fastml.datasets as pkg
    for path in pathlib.Path(pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        lazy = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                for n in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            ok = allowed | ({"pandas"} if id(node) in lazy else set())
            assert roots <= ok, f"{path.name} imports {roots - ok}"


@pytest.mark.parametrize("name", list(LOADERS))
def test_loaders_match_scikit_learn_exactly(name):
    skd = pytest.importorskip("sklearn.datasets")
    loader, kwargs = LOADERS[name]
    ours = loader(**kwargs)
    theirs = getattr(skd, loader.__name__)(**kwargs)
    for key in ("data", "target", "images"):
        if key in theirs:
            assert ours[key].dtype == theirs[key].dtype, key
            assert_array_equal(ours[key], theirs[key], err_msg=key, strict=True)
    for key in ("feature_names", "target_names"):
        if key in theirs:
            assert type(ours[key]) is type(theirs[key]), key
            assert_array_equal(np.asarray(ours[key]), np.asarray(theirs[key]), err_msg=key)
        else:
            assert key not in ours
    X, y = loader(return_X_y=True, **kwargs)
    X_sk, y_sk = getattr(skd, loader.__name__)(return_X_y=True, **kwargs)
    assert_array_equal(X, X_sk, strict=True)
    assert_array_equal(y, y_sk, strict=True)


# ----------------------------------------------------------------------------- random_state

def test_random_state_kinds():
    a = make_blobs(50, random_state=3)[0]
    assert_array_equal(a, make_blobs(50, random_state=3)[0])
    assert_array_equal(a, make_blobs(50, random_state=np.random.default_rng(3))[0])
    assert not np.array_equal(a, make_blobs(50, random_state=4)[0])
    # a RandomState with the same state gives the same data, and is advanced
    rs = np.random.RandomState(7)
    b = make_blobs(50, random_state=rs)[0]
    assert_array_equal(b, make_blobs(50, random_state=np.random.RandomState(7))[0])
    assert not np.array_equal(b, make_blobs(50, random_state=rs)[0])
    # a Generator is used in place, so successive calls differ
    gen = np.random.default_rng(0)
    assert not np.array_equal(make_blobs(50, random_state=gen)[0],
                              make_blobs(50, random_state=gen)[0])
    assert make_blobs(50, random_state=None)[0].shape == (50, 2)


@pytest.mark.parametrize("bad", [-1, 1.5, "seed", True, [1, 2]])
def test_bad_random_state(bad):
    with pytest.raises(ValueError, match="random_state"):
        make_regression(10, 3, random_state=bad)


# ----------------------------------------------------------------------------- make_blobs

def test_make_blobs_counts_shapes_and_box():
    X, y, centers = make_blobs(10, 3, centers=4, random_state=0, return_centers=True)
    assert X.shape == (10, 3) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [3, 3, 2, 2]
    assert centers.shape == (4, 3) and np.all(np.abs(centers) <= 10.0)
    X, y = make_blobs([5, 0, 7], centers=[[0, 0, 0], [1, 1, 1], [2, 2, 2]], random_state=0)
    assert X.shape == (12, 3) and np.bincount(y, minlength=3).tolist() == [5, 0, 7]
    X, y = make_blobs([4, 6], random_state=0)  # two random centres
    assert X.shape == (10, 2) and np.bincount(y).tolist() == [4, 6]
    _, y = make_blobs(9, centers=3, shuffle=False, random_state=0)
    assert_array_equal(y, np.repeat([0, 1, 2], 3))
    _, _, c = make_blobs(30, 2, centers=5, center_box=(2.0, 3.0), random_state=1,
                         return_centers=True)
    assert np.all((c >= 2.0) & (c <= 3.0))


def test_make_blobs_cluster_std_per_center():
    # 20000 points per cluster: the sample std has relative standard error
    # 1/sqrt(2 * 20000) ~ 0.5%, so 3% is > 5 standard errors.
    std = np.array([0.5, 2.0, 4.0])
    X, y = make_blobs([20000] * 3, centers=np.zeros((3, 2)), cluster_std=std, random_state=0)
    for k in range(3):
        assert_allclose(X[y == k].std(axis=0), std[k], rtol=0.03)
    X, y = make_blobs(100, centers=[[1.0, 2.0]], cluster_std=0.0, random_state=0)
    assert_array_equal(X, np.tile([1.0, 2.0], (100, 1)))


def test_make_blobs_covariances_match():
    means = np.array([[0.0, 0.0, 0.0], [5.0, -3.0, 1.0]])
    covs = np.array([
        [[1.0, 0.8, 0.0], [0.8, 1.0, -0.3], [0.0, -0.3, 0.5]],
        [[4.0, -1.0, 0.5], [-1.0, 2.0, 0.0], [0.5, 0.0, 1.0]],
    ])
    n = 40000
    X, y, c = make_blobs([n, n], centers=means, covariances=covs, random_state=42,
                         return_centers=True)
    assert_array_equal(c, means)
    for k in range(2):
        Xk = X[y == k]
        # Mean: standard error sqrt(var / n) <= sqrt(4 / 40000) = 0.01; allow 0.05 (5 SE).
        assert_allclose(Xk.mean(axis=0), means[k], atol=0.05)
        # Covariance entry (i, j): standard error sqrt((s_ii s_jj + s_ij^2) / n)
        # <= sqrt(2 * 16 / 40000) ~ 0.028; allow 0.15 (> 5 SE).
        assert_allclose(np.cov(Xk, rowvar=False), covs[k], atol=0.15)
        # relative check on the diagonal: SE of a variance is var * sqrt(2 / n) ~ 0.7%
        assert_allclose(np.var(Xk, axis=0), np.diag(covs[k]), rtol=0.04)


def test_make_blobs_singular_covariance():
    cov = [[[1.0, 1.0], [1.0, 1.0]]]  # rank 1: all points on the line x1 - x0 = const
    X, _ = make_blobs(500, centers=[[2.0, 3.0]], covariances=cov, random_state=0)
    assert_allclose(X[:, 1] - X[:, 0], 1.0, atol=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 0}, "n_samples"),
    ({"n_samples": -5}, "n_samples"),
    ({"n_samples": [3, -1]}, "n_samples"),
    ({"n_samples": []}, "n_samples"),
    ({"n_samples": "abc"}, "n_samples"),
    ({"n_features": 0}, "n_features"),
    ({"centers": 0}, "centers"),
    ({"centers": [[0, np.nan]]}, "centers"),
    ({"centers": [1.0, 2.0]}, "centers"),
    ({"n_samples": [3, 4], "centers": [[0, 0]]}, "n_samples has 2 entries"),
    ({"n_samples": [3, 4], "centers": 2}, "centers"),
    ({"centers": 2, "cluster_std": [1.0, 2.0, 3.0]}, "cluster_std"),
    ({"cluster_std": -1.0}, "cluster_std"),
    ({"center_box": (5.0, 1.0)}, "center_box"),
    ({"center_box": 3.0}, "center_box"),
    ({"centers": 2, "covariances": np.stack([np.eye(2)] * 3)}, "covariances"),
    ({"centers": 1, "covariances": [[[1.0, 0.5], [0.0, 1.0]]]}, "symmetric"),
    ({"centers": 1, "covariances": [[[1.0, 2.0], [2.0, 1.0]]]}, "semi-definite"),
    ({"centers": 1, "covariances": [np.eye(2)], "cluster_std": 2.0}, "not both"),
])
def test_make_blobs_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_blobs(**{"n_samples": 10, "random_state": 0, **kwargs})


# ----------------------------------------------------------------------------- make_classification

def test_make_classification_shapes_and_determinism():
    X, y = make_classification(random_state=0)
    assert X.shape == (100, 20) and X.dtype == np.float64 and y.dtype == np.int64
    assert X.flags.c_contiguous
    X2, y2 = make_classification(random_state=0)
    assert_array_equal(X, X2) and assert_array_equal(y, y2)
    X3, _ = make_classification(random_state=1)
    assert not np.array_equal(X, X3)
    X, y = make_classification(37, 7, n_informative=3, n_redundant=2, n_repeated=2,
                               n_classes=4, n_clusters_per_class=2, random_state=5)
    assert X.shape == (37, 7) and set(np.unique(y)) <= {0, 1, 2, 3}


@pytest.mark.parametrize("weights, counts", [
    (None, [334, 333, 333]),
    ([0.1, 0.3, 0.6], [100, 300, 600]),
    ([0.25, 0.25], [250, 250, 500]),        # last weight inferred
    ([0.0, 0.5, 0.5], [0, 500, 500]),
])
def test_make_classification_class_balance(weights, counts):
    _, y = make_classification(1000, 6, n_classes=3, n_informative=3, weights=weights,
                               flip_y=0.0, random_state=0)
    assert np.bincount(y, minlength=3).tolist() == counts


def test_make_classification_informative_features_separate_classes():
    class_sep = 2.0
    X, y = make_classification(2000, 6, n_informative=2, n_redundant=1, n_repeated=1,
                               n_clusters_per_class=1, flip_y=0.0, class_sep=class_sep,
                               shuffle=False, random_state=3)
    assert np.bincount(y).tolist() == [1000, 1000]
    diff = np.abs(X[y == 0].mean(axis=0) - X[y == 1].mean(axis=0))
    # Each cluster's mean is exactly its hypercube vertex; two distinct vertices differ
    # by 2 * class_sep in at least one coordinate. The informative columns have
    # variance <= n_informative = 2, so a difference of means has SE <= sqrt(4/1000)
    # ~ 0.06 and the noise columns (variance 1) ~ 0.045: 0.5 is a wide margin both ways.
    assert diff[:2].max() > 2 * class_sep - 0.5
    assert np.all(diff[4:] < 0.5)
    # redundant column 2 is an exact linear combination of columns 0 and 1
    coef, *_ = np.linalg.lstsq(X[:, :2], X[:, 2], rcond=None)
    assert_allclose(X[:, :2] @ coef, X[:, 2], atol=1e-9)
    # repeated column 3 duplicates one of columns 0..2
    assert any(np.array_equal(X[:, 3], X[:, j]) for j in range(3))


def test_make_classification_flip_y_fraction():
    common = dict(n_samples=4000, n_features=4, n_clusters_per_class=1, shuffle=False,
                  random_state=11)
    X0, y0 = make_classification(flip_y=0.0, **common)
    X1, y1 = make_classification(flip_y=0.3, **common)
    assert_array_equal(X0, X1)  # flipping draws come after the features
    # expected changed fraction 0.3 * (1 - 1/2) = 0.15; SE sqrt(.15 * .85 / 4000) ~ 0.006
    assert abs(np.mean(y0 != y1) - 0.15) < 0.03


def test_make_classification_shift_and_scale():
    common = dict(n_samples=50, n_features=5, shuffle=False, random_state=2)
    X0, _ = make_classification(**common)
    shift = np.arange(5.0)
    scale = np.array([1.0, 2.0, 0.5, 3.0, 10.0])
    X1, _ = make_classification(shift=shift, scale=scale, **common)
    assert_allclose(X1, (X0 + shift) * scale, rtol=1e-12)
    X2, _ = make_classification(shift=None, scale=None, **common)
    assert X2.shape == (50, 5) and np.all(np.isfinite(X2))


def test_make_classification_hypercube_false_and_many_informative():
    X, y = make_classification(200, 40, n_informative=35, n_redundant=0, n_classes=5,
                               hypercube=False, random_state=0)
    assert X.shape == (200, 40) and set(np.unique(y)) <= set(range(5))


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 0}, "n_samples"),
    ({"n_features": 0}, "n_features"),
    ({"n_informative": 0}, "n_informative"),
    ({"n_redundant": -1}, "n_redundant"),
    ({"n_classes": 0}, "n_classes"),
    ({"n_features": 4, "n_informative": 2, "n_redundant": 2, "n_repeated": 1}, "n_features"),
    ({"n_informative": 2, "n_classes": 3, "n_clusters_per_class": 2}, "2\\*\\*n_informative"),
    ({"weights": [0.2, 0.3, 0.5]}, "weights"),
    ({"weights": [1.5]}, "weights"),
    ({"weights": [0.7, 0.7]}, "sum to 1"),
    ({"weights": [-0.5, 1.5]}, "non-negative"),
    ({"flip_y": 1.5}, "flip_y"),
    ({"flip_y": -0.1}, "flip_y"),
    ({"class_sep": np.inf}, "class_sep"),
    ({"shift": [1.0, 2.0]}, "shift"),
    ({"scale": np.ones((2, 2))}, "scale"),
])
def test_make_classification_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_classification(**{"random_state": 0, **kwargs})


# ----------------------------------------------------------------------------- regression

def test_make_regression_linear_model():
    X, y, w = make_regression(200, 30, n_informative=5, bias=3.0, coef=True, random_state=0)
    assert X.shape == (200, 30) and y.shape == (200,) and w.shape == (30,)
    assert (w != 0).sum() == 5 and np.all((w >= 0) & (w < 100))
    assert_allclose(y, X @ w + 3.0, rtol=1e-12, atol=1e-9)
    X2, y2 = make_regression(200, 30, n_informative=5, bias=3.0, random_state=0)
    assert_array_equal(X, X2) and assert_array_equal(y, y2)
    _, _, w = make_regression(10, 4, n_informative=10, coef=True, random_state=0)
    assert (w != 0).sum() == 4  # capped at n_features
    _, _, w = make_regression(10, 6, n_informative=3, coef=True, shuffle=False, random_state=0)
    assert np.all(w[:3] != 0) and np.all(w[3:] == 0)


def test_make_regression_noise_level():
    # 20000 residuals: the sample std has relative SE ~0.5%; 3% is a wide margin.
    X, y, w = make_regression(20000, 5, n_informative=5, noise=2.5, coef=True, random_state=1)
    assert_allclose(np.std(y - X @ w), 2.5, rtol=0.03)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_samples": 0}, "n_samples"),
    ({"n_features": -3}, "n_features"),
    ({"n_informative": -1}, "n_informative"),
    ({"noise": -1.0}, "noise"),
    ({"bias": np.nan}, "bias"),
])
def test_make_regression_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_regression(**kwargs)


def test_make_advertising_statistics():
    X, y = make_advertising(random_state=0)
    assert X.shape == (200, 3) and y.shape == (200,) and X.dtype == y.dtype == np.float64
    assert np.all(X >= 0) and np.all(y >= 0)
    assert X[:, 0].max() <= 296.4 and X[:, 1].max() <= 49.6
    assert_array_equal(np.round(X, 1), X)
    # sales mean ~14 (SE 5 / sqrt(200) ~ 0.35), std ~5; zero-weight half-MSE ~110
    assert abs(y.mean() - 14.0) < 1.5 and 4.0 < y.std() < 6.5
    assert 85.0 < 0.5 * np.mean(y ** 2) < 140.0
    assert_array_equal(X, make_advertising(random_state=0)[0])
    # large sample: least squares recovers the generating coefficients
    X, y = make_advertising(50000, random_state=1)
    A = np.column_stack([np.ones(len(y)), X])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    assert_allclose(coef[1:], [0.046, 0.189, -0.001], atol=0.003)
    r2 = 1 - np.var(y - A @ coef) / np.var(y)
    assert r2 > 0.85
    with pytest.raises(ValueError, match="n_samples"):
        make_advertising(0)


_LOADERS = [load_iris, load_digits, load_breast_cancer, load_diabetes]


@pytest.mark.parametrize("loader", _LOADERS)
def test_loader_dtype_float32(loader):
    X64, y64 = loader(return_X_y=True)
    X32, y32 = loader(return_X_y=True, dtype=np.float32)
    assert X32.dtype == np.float32 and X32.flags.writeable
    assert_array_equal(X32, X64.astype(np.float32))
    if loader is load_diabetes:  # a regression target follows dtype
        assert y32.dtype == np.float32 and y64.dtype == np.float64
    else:  # class labels stay integers
        assert y32.dtype == y64.dtype == np.int64
    b = loader(dtype="float32")
    assert b.data.dtype == np.float32 and b.frame is None
    if loader is load_digits:
        assert b.images.dtype == np.float32 and b.images.shape[1:] == (8, 8)


@pytest.mark.parametrize("loader", _LOADERS)
@pytest.mark.parametrize("kwargs, match", [
    ({"dtype": np.int32}, "dtype must be None, numpy.float32 or numpy.float64"),
    ({"dtype": "nonsense"}, "dtype must be"),
    ({"as_frame": "yes"}, "as_frame must be a bool"),
    ({"return_X_y": 1}, "return_X_y must be a bool"),
])
def test_loader_bad_arguments(loader, kwargs, match):
    with pytest.raises(ValueError, match=match):
        loader(**kwargs)


@pytest.mark.parametrize("loader", _LOADERS)
def test_loader_as_frame_matches_sklearn(loader):
    pd = pytest.importorskip("pandas")
    datasets = pytest.importorskip("sklearn.datasets")
    ours = loader(as_frame=True)
    theirs = getattr(datasets, loader.__name__)(as_frame=True)
    assert isinstance(ours.data, pd.DataFrame) and isinstance(ours.target, pd.Series)
    assert list(ours.data.columns) == [str(c) for c in ours.feature_names]
    assert ours.target.name == "target" == theirs.target.name
    assert list(ours.frame.columns) == list(ours.data.columns) + ["target"]
    assert ours.frame.shape == theirs.frame.shape
    assert_allclose(ours.data.to_numpy(), theirs.data.to_numpy(), rtol=1e-12)
    assert_allclose(ours.target.to_numpy(), theirs.target.to_numpy())
    X, y = loader(as_frame=True, return_X_y=True, dtype=np.float32)
    assert isinstance(X, pd.DataFrame) and (X.dtypes == np.float32).all()
    assert isinstance(y, pd.Series) and len(y) == len(X)


@pytest.mark.parametrize("name", ["make_moons", "make_circles"])
@pytest.mark.parametrize("n", [1, 7, 100, (3, 5), (0, 4)])
def test_shapes_match_sklearn_layout_without_noise(name, n):
    skd = pytest.importorskip("sklearn.datasets")
    import fastml.datasets as fd

    X, y = getattr(fd, name)(n, shuffle=False)
    Xs, ys = getattr(skd, name)(n, shuffle=False)
    np.testing.assert_allclose(X, Xs, rtol=0, atol=1e-15)
    assert_array_equal(y, ys)
    assert X.dtype == np.float64 and y.dtype == np.int64


@pytest.mark.parametrize("name", ["make_moons", "make_circles"])
def test_shapes_noise_shuffle_and_seed(name):
    import fastml.datasets as fd

    make = getattr(fd, name)
    X, y = make(200, noise=0.1, random_state=0)
    X2, y2 = make(200, noise=0.1, random_state=0)
    assert_array_equal(X, X2)
    assert_array_equal(y, y2)
    assert not np.array_equal(X, make(200, noise=0.1, random_state=1)[0])
    _, yc = make(200, shuffle=False)
    # noise is centred and small: each point lies near its clean position's shape
    assert np.bincount(y).tolist() == np.bincount(yc).tolist() == [100, 100]
    assert 0.05 < np.std(X - make(200, shuffle=True, random_state=0)[0]) < 0.2


@pytest.mark.parametrize("kw, match", [({"n_samples": 0}, "n_samples"),
                                       ({"n_samples": (3,)}, "n_samples"),
                                       ({"n_samples": (-1, 3)}, r"n_samples\[0\]"),
                                       ({"noise": -0.1}, "noise"),
                                       ({"noise": float("nan")}, "noise")])
@pytest.mark.parametrize("name", ["make_moons", "make_circles"])
def test_shapes_bad_input(name, kw, match):
    import fastml.datasets as fd

    with pytest.raises(ValueError, match=match):
        getattr(fd, name)(**kw)


def test_circles_factor_checked():
    from fastml.datasets import make_circles

    for bad in (1.0, -0.1, 2):
        with pytest.raises(ValueError, match="factor"):
            make_circles(10, factor=bad)
    X, y = make_circles(40, factor=0.3, shuffle=False)
    np.testing.assert_allclose(np.hypot(*X[y == 1].T), 0.3)
    np.testing.assert_allclose(np.hypot(*X[y == 0].T), 1.0)
