"""PolynomialFeatures: degree ranges, the CSR expansion from stored entries
(huge output widths, int64 indices) and the dense path, against a brute-force
product of columns and against scikit-learn."""
import itertools
import math

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from fastml.preprocessing import PolynomialFeatures  # noqa: E402
from fastml.preprocessing._csr_expansion import csr_polynomial  # noqa: E402


def _brute(X, lo, hi, interaction_only, include_bias):
    """Each output column as the product of its combination of columns."""
    n = X.shape[1]
    comb = itertools.combinations if interaction_only else \
        itertools.combinations_with_replacement
    combos = ([()] if include_bias else []) + [
        c for d in range(max(lo, 1), hi + 1) for c in comb(range(n), d)]
    out = np.ones((X.shape[0], len(combos)))
    for k, c in enumerate(combos):
        for j in c:
            out[:, k] *= X[:, j]
    return out


DEGREES = [0, 1, 2, 3, 4, (0, 0), (1, 1), (2, 2), (2, 3), (0, 3), (3, 4), (4, 4)]


@pytest.mark.parametrize("degree", DEGREES)
@pytest.mark.parametrize("interaction_only", [False, True])
@pytest.mark.parametrize("include_bias", [False, True])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc", "csr_array"])
def test_matches_brute_force(rng, degree, interaction_only, include_bias, fmt):
    lo, hi = (0, degree) if isinstance(degree, int) else degree
    if hi == 0 and not include_bias:
        with pytest.raises(ValueError, match="empty output array"):
            PolynomialFeatures(degree, include_bias=False).fit(np.ones((3, 2)))
        return
    Xd = rng.standard_normal((30, 5)) * (rng.random((30, 5)) < 0.4)
    Xd[3] = 0.0  # an all-zero row
    X = {"dense": Xd, "csr": sp.csr_matrix(Xd), "csc": sp.csc_matrix(Xd),
         "csr_array": sp.csr_array(Xd)}[fmt]
    pf = PolynomialFeatures(degree, interaction_only=interaction_only,
                            include_bias=include_bias)
    out = pf.fit_transform(X)
    ref = _brute(Xd, lo, hi, interaction_only, include_bias)
    assert pf.n_output_features_ == ref.shape[1] == out.shape[1]
    if fmt == "dense":
        assert isinstance(out, np.ndarray)
    else:
        assert out.format == X.format and sp.isspmatrix(out) == sp.isspmatrix(X)
        assert out.has_canonical_format
        out = out.toarray()
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-14)
    assert pf.powers_.shape == (ref.shape[1], 5)


@pytest.mark.parametrize("degree", [2, 3, (2, 3)])
@pytest.mark.parametrize("interaction_only", [False, True])
def test_matches_sklearn(rng, degree, interaction_only):
    skp = pytest.importorskip("sklearn.preprocessing")
    X = sp.random(200, 12, density=0.3, format="csr", random_state=1, dtype=np.float32)
    kw = dict(degree=degree, interaction_only=interaction_only)
    a = PolynomialFeatures(**kw).fit(X)
    b = skp.PolynomialFeatures(**kw).fit(X)
    assert a.n_output_features_ == b.n_output_features_
    np.testing.assert_array_equal(a.powers_, b.powers_)
    np.testing.assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())
    ta, tb = a.transform(X), b.transform(X)
    assert ta.dtype == tb.dtype == np.float32
    np.testing.assert_allclose(ta.toarray(), tb.toarray(), rtol=1e-6)
    np.testing.assert_allclose(a.transform(X.toarray()), b.transform(X.toarray()), rtol=1e-6)


@pytest.mark.parametrize("interaction_only", [False, True])
def test_huge_width_uses_int64_indices(interaction_only):
    # 3e6 features at degree 3: ~4.5e18 output columns, only the stored
    # entries' products are computed (exact integer column ranks)
    n = 3_000_000
    a, b = 2, 5
    X = sp.csr_matrix(([2.0, 3.0, 5.0], ([0, 0, 1], [a, b, 7])), shape=(2, n))
    pf = PolynomialFeatures(3, interaction_only=interaction_only, include_bias=False)
    out = pf.fit_transform(X)
    assert out.indices.dtype == np.int64
    # rank of (a, b, c) in the brute-force order, computed independently
    count = (lambda m, d: math.comb(m, d)) if interaction_only else \
        (lambda m, d: math.comb(m + d - 1, d))

    def col(t):
        d = len(t)
        before = sum(count(n, k) for k in range(1, d))
        # lexicographic rank by counting smaller tuples position by position
        rank, prev = 0, (-1 if interaction_only else 0)
        for p, v in enumerate(t):
            m = d - p - 1
            for u in range(prev + (1 if interaction_only else 0), v):
                rank += count(n - u - (1 if interaction_only else 0), m)
            prev = v
        return before + rank

    expect = {(a,): 2.0, (b,): 3.0}
    if not interaction_only:
        expect.update({(a, a): 4.0, (a, b): 6.0, (b, b): 9.0, (a, a, a): 8.0,
                       (a, a, b): 12.0, (a, b, b): 18.0, (b, b, b): 27.0})
    else:
        expect.update({(a, b): 6.0})
    row0 = out[[0]].tocoo()
    got = dict(zip(row0.col.tolist(), row0.data.tolist()))
    assert got == {col(t): v for t, v in expect.items()}
    assert pf.n_output_features_ == sum(count(n, d) for d in (1, 2, 3))


def test_small_ranks_match_brute_force_order(rng):
    # the closed-form rank against enumeration for every tuple of a small n
    Xd = rng.random((1, 6)) + 0.5
    for io in (False, True):
        for d in (2, 3, 4):
            out = csr_polynomial(sp.csr_matrix(Xd), d, d, io, False,
                                 len(_brute(Xd, d, d, io, False)[0]))
            np.testing.assert_allclose(out.toarray(), _brute(Xd, d, d, io, False))


def test_too_large_to_index_raises():
    n = np.iinfo(np.int64).max // 2
    X = sp.csr_matrix(([1.0], ([0], [n - 1])), shape=(1, n))
    with pytest.raises(ValueError, match="too large to be indexed"):
        PolynomialFeatures(degree=(2, 2)).fit(X)


@pytest.mark.parametrize("degree,msg", [((-1, 2), "min_degree <= max_degree"),
                                        ((3, 2), "min_degree <= max_degree"),
                                        ((0, 1.5), "min_degree <= max_degree"),
                                        ((1, 2, 3), "int or tuple")])
def test_degree_validation(degree, msg):
    with pytest.raises(ValueError, match=msg):
        PolynomialFeatures(degree=degree).fit([[1.0], [2.0]])


def test_order_and_dtypes(rng):
    X = rng.random((10, 3)).astype(np.float32)
    out = PolynomialFeatures(2, order="F").fit_transform(X)
    assert out.flags.f_contiguous and out.dtype == np.float32
    Xi = sp.csr_matrix((rng.random((10, 3)) > 0.5).astype(np.int64))
    assert PolynomialFeatures(2).fit_transform(Xi).dtype == np.float64


def test_output_nnz_is_exact(rng):
    from fastml.preprocessing._csr_expansion import output_nnz

    X = sp.random(40, 7, density=0.3, format="csr", random_state=3)
    for lo, hi in ((0, 2), (1, 3), (2, 4), (3, 3)):
        for io in (False, True):
            for bias in (False, True):
                pf = PolynomialFeatures((lo, hi), interaction_only=io, include_bias=bias)
                out = pf.fit_transform(X)
                assert output_nnz(X, lo, hi, io, bias) == out.nnz
