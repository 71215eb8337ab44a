"""Preprocessing on scipy.sparse input against scikit-learn: StandardScaler
(with_mean=False, partial_fit), MaxAbsScaler, normalize/Normalizer,
OneHotEncoder's sparse output (the default) and PolynomialFeatures; outputs
stay sparse in scikit-learn's format and in the input's flavour."""
import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")
skp = pytest.importorskip("sklearn.preprocessing")

from fastml.preprocessing import (MaxAbsScaler, Normalizer, OneHotEncoder,  # noqa: E402
                                  PolynomialFeatures, StandardScaler, normalize)

VARIANTS = [(fl, idx, fmt) for fl in ("matrix", "array") for idx in (np.int32, np.int64)
            for fmt in ("csr", "csc")]


def _sparse(rng, n, d, density, flavour="matrix", idx=np.int32, fmt="csr", dtype=np.float64):
    X = sp.random(n, d, density=density, format=fmt, random_state=int(rng.integers(1 << 30)),
                  data_rvs=lambda k: rng.standard_normal(k) * 3 + 1).astype(dtype)
    X.indices, X.indptr = X.indices.astype(idx), X.indptr.astype(idx)
    if flavour == "array":
        X = sp.csr_array(X) if fmt == "csr" else sp.csc_array(X)
    return X


def _same(a, b, rtol=1e-12):
    assert sp.issparse(a) and a.format == b.format, (type(a), type(b))
    assert sp.isspmatrix(a) == sp.isspmatrix(b)
    assert a.dtype == b.dtype
    np.testing.assert_allclose(a.toarray(), b.toarray(), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("flavour,idx,fmt", VARIANTS)
def test_scalers_match_sklearn(rng, flavour, idx, fmt):
    X = _sparse(rng, 120, 15, 0.2, flavour, idx, fmt)
    w = rng.random(120)
    for kw in ({}, {"sample_weight": w}):
        a = StandardScaler(with_mean=False).fit(X, **kw)
        b = skp.StandardScaler(with_mean=False).fit(X, **kw)
        np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-12)
        np.testing.assert_allclose(a.var_, b.var_, rtol=1e-10)
        np.testing.assert_allclose(a.scale_, b.scale_, rtol=1e-10)
        np.testing.assert_allclose(a.n_samples_seen_, b.n_samples_seen_)
        _same(a.transform(X), b.transform(X), rtol=1e-10)
        _same(a.inverse_transform(a.transform(X)), b.inverse_transform(b.transform(X)),
              rtol=1e-10)
    a = MaxAbsScaler().fit(X)
    b = skp.MaxAbsScaler().fit(X)
    np.testing.assert_allclose(a.max_abs_, b.max_abs_)
    _same(a.transform(X), b.transform(X))
    _same(a.inverse_transform(a.transform(X)), b.inverse_transform(b.transform(X)))
    np.testing.assert_allclose(MaxAbsScaler().fit(X.toarray()).transform(X.toarray()),
                               b.transform(X).toarray())


def test_partial_fit_matches_one_fit(rng):
    X = _sparse(rng, 300, 10, 0.3)
    for est, ref in ((StandardScaler(with_mean=False), skp.StandardScaler(with_mean=False)),
                     (MaxAbsScaler(), skp.MaxAbsScaler())):
        for s in range(0, 300, 70):
            est.partial_fit(X[s:s + 70])
            ref.partial_fit(X[s:s + 70])
        for attr in ("scale_", "n_samples_seen_"):
            np.testing.assert_allclose(getattr(est, attr), getattr(ref, attr), rtol=1e-10)
    Xd = X.toarray()
    a = StandardScaler()
    for s in range(0, 300, 70):
        a.partial_fit(Xd[s:s + 70])
    b = StandardScaler().fit(Xd)
    np.testing.assert_allclose(a.mean_, b.mean_, rtol=1e-12)
    np.testing.assert_allclose(a.var_, b.var_, rtol=1e-10)
    assert a.n_samples_seen_ == 300


def test_centring_sparse_raises_sklearn_error(rng):
    X = _sparse(rng, 20, 4, 0.5)
    for call in (lambda: StandardScaler().fit(X), lambda: StandardScaler().partial_fit(X),
                 lambda: StandardScaler().fit(X.toarray()).transform(X)):
        with pytest.raises(ValueError, match="Cannot center sparse matrices"):
            call()


@pytest.mark.parametrize("flavour,idx,fmt", VARIANTS)
@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_normalize_matches_sklearn(rng, flavour, idx, fmt, norm):
    X = _sparse(rng, 40, 12, 0.3, flavour, idx, fmt)
    for axis in (0, 1):
        _same(normalize(X, norm, axis=axis), skp.normalize(X, norm, axis=axis))
    _same(Normalizer(norm).fit(X).transform(X), skp.Normalizer(norm=norm).fit(X).transform(X))
    if norm == "max":
        a, na = normalize(X, "max", return_norm=True)
        b, nb = skp.normalize(X, "max", return_norm=True)
        np.testing.assert_allclose(na, nb)
    else:
        with pytest.raises(NotImplementedError):
            normalize(X, norm, return_norm=True)
    X32 = X.astype(np.float32)
    assert normalize(X32).dtype == np.float32


@pytest.mark.parametrize("flavour,idx,fmt", VARIANTS)
@pytest.mark.parametrize("kw", [{}, {"interaction_only": True}, {"degree": 3},
                                {"include_bias": False}])
def test_polynomial_features_match_sklearn(rng, flavour, idx, fmt, kw):
    X = _sparse(rng, 30, 5, 0.4, flavour, idx, fmt)
    a = PolynomialFeatures(**kw).fit_transform(X)
    b = skp.PolynomialFeatures(**kw).fit_transform(X)
    assert a.format == b.format
    np.testing.assert_allclose(a.toarray(), b.toarray(), rtol=1e-12)
    np.testing.assert_allclose(a.toarray(), PolynomialFeatures(**kw).fit_transform(X.toarray()),
                               rtol=1e-12)


def test_one_hot_sparse_default_matches_sklearn():
    C = np.array([["b", "x"], ["a", "y"], ["b", "z"], ["c", "x"]], dtype=object)
    assert OneHotEncoder().sparse_output is skp.OneHotEncoder().sparse_output is True
    for kw in ({}, {"drop": "first"}, {"drop": "if_binary"}, {"handle_unknown": "ignore"}):
        a = OneHotEncoder(**kw).fit(C)
        b = skp.OneHotEncoder(**kw).fit(C)
        A, B = a.transform(C), b.transform(C)
        _same(A, B)
        np.testing.assert_array_equal(A.indices, B.indices)
        np.testing.assert_array_equal(a.inverse_transform(A), b.inverse_transform(B))
        np.testing.assert_array_equal(a.inverse_transform(sp.csr_array(A)), C)
    a = OneHotEncoder(handle_unknown="ignore").fit(C)
    b = skp.OneHotEncoder(handle_unknown="ignore").fit(C)
    _same(a.transform([["d", "x"]]), b.transform([["d", "x"]]))
    np.testing.assert_array_equal(a.inverse_transform(a.transform([["d", "x"]])),
                                  b.inverse_transform(b.transform([["d", "x"]])))


def test_large_sparse_inputs_are_not_densified(rng):
    import tracemalloc

    X = _sparse(rng, 20000, 20000, 0.0005)  # dense: 3.2 GB
    nbytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    for run in (lambda: StandardScaler(with_mean=False).fit(X).transform(X),
                lambda: MaxAbsScaler().fit(X).transform(X),
                lambda: normalize(X), lambda: normalize(X, axis=0),
                lambda: PolynomialFeatures(2, interaction_only=True).fit_transform(X[:, :40])):
        tracemalloc.start()
        out = run()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert sp.issparse(out)
        assert peak < 6 * nbytes + (16 << 20), (peak, nbytes)


@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
def test_maxabs_scaler_clip_matches_scikit_learn(fmt):
    skp = pytest.importorskip("sklearn.preprocessing")
    import scipy.sparse as sp

    from fastml.preprocessing import MaxAbsScaler

    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 4)) * (rng.random((30, 4)) < 0.5)
    T = 3 * rng.standard_normal((10, 4))
    conv = {"dense": np.asarray, "csr": sp.csr_matrix, "csc": sp.csc_matrix}[fmt]
    for clip in (False, True):
        got = MaxAbsScaler(clip=clip).fit(conv(X)).transform(conv(T))
        want = skp.MaxAbsScaler(clip=clip).fit(conv(X)).transform(conv(T))
        got = got.toarray() if sp.issparse(got) else got
        want = want.toarray() if sp.issparse(want) else want
        np.testing.assert_allclose(got, want, rtol=1e-12)
        if clip:
            assert np.abs(got).max() <= 1.0
