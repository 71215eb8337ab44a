"""Scalers and normalisation details against scikit-learn: exact zero
variance for constant features (dense, sparse, weighted), float16 kept,
in-place transforms with copy=False, MinMaxScaler.partial_fit, partial_fit
with an all-NaN batch, a stateless Normalizer, LabelEncoder with NaN."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
skp = pytest.importorskip("sklearn.preprocessing")

from fastml.preprocessing import (LabelEncoder, MinMaxScaler, Normalizer,  # noqa: E402
                                  StandardScaler, normalize)


@pytest.mark.parametrize("fmt", [None, "csr", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("constant", [0.0, 1.0, 100.0, 1e-10 + 1e-30])
def test_constant_features_have_zero_variance(rng, fmt, weighted, dtype, constant):
    X = np.full((100, 2), constant, dtype=dtype)
    X[:, 1] = rng.standard_normal(100)
    w = rng.uniform(size=100) * 2 if weighted else None
    Xin = X if fmt is None else getattr(sp, fmt + "_matrix")(X)
    a = StandardScaler(with_mean=False).fit(Xin, sample_weight=w)
    b = skp.StandardScaler(with_mean=False).fit(Xin, sample_weight=w)
    # exactly 0 unweighted; within float64 rounding of 0 with weights
    assert (a.var_[0] == 0.0) if w is None else (0.0 <= a.var_[0] <= 1e-30)
    assert a.scale_[0] == 1.0
    np.testing.assert_allclose(a.var_[1], b.var_[1], rtol=1e-6)
    np.testing.assert_allclose(a.scale_[1], b.scale_[1], rtol=1e-6)


def test_float16_kept_and_copy_false_in_place(rng):
    X = rng.standard_normal((10, 3)).astype(np.float16)
    out = StandardScaler().fit(X).transform(X)
    assert out.dtype == np.float16
    X = rng.standard_normal((10, 3))
    ref = skp.StandardScaler().fit_transform(X)
    Xc = X.copy()
    out = StandardScaler().fit(Xc).transform(Xc, copy=False)
    assert out is Xc
    np.testing.assert_allclose(out, ref, rtol=1e-12)


def test_minmax_partial_fit_equals_fit(rng):
    X = rng.standard_normal((60, 4))
    X[5, 2] = np.nan
    a = MinMaxScaler()
    for batch in np.array_split(X, 6):
        a.partial_fit(batch)
    b = skp.MinMaxScaler().fit(X)
    for attr in ("data_min_", "data_max_", "data_range_", "scale_", "min_",
                 "n_samples_seen_"):
        np.testing.assert_allclose(getattr(a, attr), getattr(b, attr), rtol=1e-12)
    with pytest.raises(TypeError, match="does not support sparse"):
        MinMaxScaler().fit(sp.csr_matrix(X[:, :2]))


def test_partial_fit_with_all_nan_batch_keeps_statistics(rng):
    X1 = sp.random(5, 1, density=0.8, format="csr", random_state=0)
    X2 = sp.csr_matrix(np.full((10, 1), np.nan))
    a = StandardScaler(with_mean=False).fit(X1).partial_fit(X2)
    b = skp.StandardScaler(with_mean=False).fit(X1).partial_fit(X2)
    assert np.isfinite(a.var_[0])
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-12)


@pytest.mark.parametrize("fmt", ["dense", "csr", "csc", "coo"])
@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_normalizer_stateless_and_copy(rng, fmt, norm):
    Xd = rng.standard_normal((6, 4))
    Xd[3] = 0.0
    X = Xd if fmt == "dense" else getattr(sp, fmt + "_matrix")(Xd)
    out = Normalizer(norm=norm).transform(X)  # no fit needed
    ref = skp.Normalizer(norm=norm).transform(X)
    assert out is not X
    if fmt != "dense":
        assert out.format == ref.format == "csr"
        out, ref = out.toarray(), ref.toarray()
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    if fmt in ("dense", "csr"):
        X2 = X.copy()
        assert Normalizer(norm=norm, copy=False).transform(X2) is X2
        assert normalize(X2.copy(), norm, copy=False) is not None


def test_label_encoder_nan_among_strings():
    a = LabelEncoder().fit(["a", "a", "b", np.nan])
    b = skp.LabelEncoder().fit(["a", "a", "b", np.nan])
    np.testing.assert_array_equal(a.classes_, b.classes_)
    np.testing.assert_array_equal(a.transform([np.nan]), b.transform([np.nan]))
