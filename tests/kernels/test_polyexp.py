"""CSR polynomial expansion (fastml._kernels.polyexp: Numba polyexp_jit when
compiled, widths beyond int64 rank arithmetic on the twin) vs the NumPy twin
(reference/polyexp.py) and a brute-force product of columns."""
import itertools
import math

import numpy as np
import pytest

sp = pytest.importorskip("scipy.sparse")

from fastml._kernels import polyexp as facade  # noqa: E402
from fastml._kernels.reference import polyexp as ref  # noqa: E402


def _setup(X, degrees, io, bias):
    n = X.shape[1]
    k = np.diff(X.indptr)
    per = np.array([sum((math.comb(kk, d) if io else math.comb(kk + d - 1, d)) for d in degrees)
                    + bias for kk in k], dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(per)]).astype(np.int64)
    offs, o = [], int(bias)
    for d in degrees:
        offs.append(o)
        o += math.comb(n, d) if io else math.comb(n + d - 1, d)
    return ptr, np.array(offs, dtype=np.int64), o


def _brute(Xd, degrees, io, bias):
    comb = itertools.combinations if io else itertools.combinations_with_replacement
    combos = ([()] if bias else []) + [c for d in degrees for c in comb(range(Xd.shape[1]), d)]
    return np.stack([np.prod(Xd[:, list(c)], axis=1) for c in combos], axis=1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("io", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("degrees", [[1], [2], [1, 2, 3], [3, 4], [2, 3, 4, 5]])
def test_facade_matches_twin_and_brute_force(dtype, io, bias, degrees):
    X = sp.random(25, 6, density=0.45, format="csr", random_state=7, dtype=dtype)
    X.indptr, X.indices = X.indptr.astype(np.int64), X.indices.astype(np.int64)
    ptr, offs, width = _setup(X, degrees, io, bias)
    args = (X.indptr, X.indices, X.data, 6, np.array(degrees), offs, io, bias, ptr)
    i1, v1 = facade.csr_expand(*args)
    i2, v2 = ref.csr_expand(*args)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(v1, v2)  # same products in the same order
    assert v1.dtype == dtype
    for r in range(25):  # sorted columns within each row
        assert np.all(np.diff(i1[ptr[r]:ptr[r + 1]]) > 0)
    out = sp.csr_matrix((v1, i1, ptr), shape=(25, width)).toarray()
    np.testing.assert_allclose(out, _brute(X.toarray(), degrees, io, bias), rtol=1e-6)


def test_huge_width_takes_the_big_integer_path():
    n = 3_000_000
    assert ref.needs_big_ints(n, 3) and not ref.needs_big_ints(1000, 3)
    X = sp.csr_matrix(([2.0, 3.0], ([0, 0], [n - 2, n - 1])), shape=(1, n))
    ptr, offs, _ = _setup(X, [3], False, False)
    idx, val = facade.csr_expand(X.indptr, X.indices, X.data, n, [3], offs, False, False, ptr)
    # the last four degree-3 tuples: (n-2)^3, (n-2)^2 (n-1), (n-2)(n-1)^2, (n-1)^3
    top = math.comb(n + 2, 3)
    np.testing.assert_array_equal(idx, [top - 4, top - 3, top - 2, top - 1])
    np.testing.assert_array_equal(val, [8.0, 12.0, 18.0, 27.0])


def test_empty_rows_and_no_rows():
    X = sp.csr_matrix((3, 4))
    ptr, offs, _ = _setup(X, [1, 2], False, True)
    idx, val = facade.csr_expand(X.indptr.astype(np.int64), X.indices.astype(np.int64),
                                 X.data, 4, [1, 2], offs, False, True, ptr)
    np.testing.assert_array_equal(idx, [0, 0, 0])
    np.testing.assert_array_equal(val, [1.0, 1.0, 1.0])


@pytest.mark.parametrize("io", [False, True])
def test_wide_input_without_pascal_table(io):
    # 5e6 features: binomials computed on the fly (no table), int64 ranks
    n = 5_000_000
    cols = [3, n - 7, n - 1]
    X = sp.csr_matrix(([2.0, 3.0, 5.0], ([0, 0, 0], cols)), shape=(1, n))
    ptr, offs, _ = _setup(X, [2], io, False)
    idx, val = facade.csr_expand(X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data,
                                 n, [2], offs, io, False, ptr)
    i2, v2 = ref.csr_expand(X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data,
                            n, np.array([2]), offs, io, False, ptr)
    np.testing.assert_array_equal(idx, i2)
    np.testing.assert_array_equal(val, v2)

    def rank(a, b):  # independent: tuples before (a, b) in lexicographic order
        if io:
            return sum(n - 1 - u for u in range(a)) + (b - a - 1)
        return sum(n - u for u in range(a)) + (b - a)
    pairs = list(itertools.combinations(cols, 2) if io else
                 itertools.combinations_with_replacement(cols, 2))
    np.testing.assert_array_equal(idx, [rank(a, b) for a, b in pairs])
