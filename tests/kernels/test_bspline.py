"""B-spline basis (fastml._kernels.bspline: Numba bspline_jit when compiled)
vs the NumPy twin (reference/bspline.py), vs the textbook Cox-de Boor
recursion, and vs SciPy's BSpline; serial and parallel kernels agree."""
import numpy as np
import pytest

from fastml._kernels import _threads
from fastml._kernels import bspline as facade
from fastml._kernels.reference import bspline as ref


def _knots(rng, p, n_knots, k, periodic=False):
    base = np.sort(rng.uniform(-2, 2, size=(n_knots, p)), axis=0)
    base[0], base[-1] = -2.0, 2.0
    if periodic:
        period = base[-1] - base[0]
        T = np.r_[base[-(k + 1):-1] - period, base, base[1:k + 1] + period]
    else:
        d0, d1 = base[1] - base[0], base[-1] - base[-2]
        T = np.r_[np.linspace(base[0] - k * d0, base[0] - d0, num=k), base,
                  np.linspace(base[-1] + d1, base[-1] + k * d1, num=k)]
    return np.ascontiguousarray(T.T)


def _cox_de_boor(t, k, x):
    """All basis functions at scalar x by the recursive definition (the last
    interval closed at its right end), extended outside by the end pieces."""
    n = len(t) - k - 1
    x = min(max(x, t[k]), t[n])  # the interior only (callers keep x inside)

    def B(i, d):
        if d == 0:
            if x == t[n]:  # the right end belongs to the last interval
                return 1.0 if i == n - 1 else 0.0
            return 1.0 if t[i] <= x < t[i + 1] else 0.0
        out = 0.0
        if t[i + d] > t[i]:
            out += (x - t[i]) / (t[i + d] - t[i]) * B(i, d - 1)
        if t[i + d + 1] > t[i + 1]:
            out += (t[i + d + 1] - x) / (t[i + d + 1] - t[i + 1]) * B(i + 1, d - 1)
        return out

    return np.array([B(i, k) for i in range(n)])


@pytest.mark.parametrize("k", [0, 1, 2, 3, 5])
def test_twin_matches_the_recursive_definition(rng, k):
    T = _knots(rng, 2, 6, k)
    X = np.c_[rng.uniform(-2, 2, 40), np.r_[rng.uniform(-2, 2, 38), -2.0, 2.0]]
    ns = T.shape[1] - k - 1
    out = np.zeros((40, 2 * ns))
    E = ref.edge_table(T, k, "continue")
    assert ref.spline_dense(X, T, k, "continue", True, False, E, out) == 0
    for f in range(2):
        want = np.array([_cox_de_boor(T[f], k, x) for x in X[:, f]])
        np.testing.assert_allclose(out[:, f * ns:(f + 1) * ns], want, atol=1e-13)


@pytest.mark.parametrize("mode", ref.MODES)
@pytest.mark.parametrize("k", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("include_bias", [True, False])
def test_facade_matches_twin_dense_and_csr(rng, mode, k, dtype, include_bias):
    periodic = mode == "periodic"
    T = _knots(rng, 3, 7, k, periodic)
    X = rng.uniform(-3, 3, size=(1030, 3)).astype(dtype)
    if mode == "error":
        X = np.clip(X, -2, 2)
    X[5, 1] = np.nan
    X[7] = [-2.0, 2.0, 0.0]
    ns = T.shape[1] - k - 1 - (k if periodic else 0)
    w = ns if include_bias else ns - 1
    E = ref.edge_table(T, k, mode)
    outs = []
    for impl in (ref, facade):
        for order in ("C", "F"):
            out = np.zeros((X.shape[0], 3 * w), dtype=dtype, order=order)
            assert impl.spline_dense(X, T, k, mode, include_bias, True, E, out) == 0
            outs.append(out)
    for o in outs[1:]:
        np.testing.assert_array_equal(o, outs[0])
    for impl in (ref, facade):
        indptr, indices, data, bad = impl.spline_csr(X, T, k, mode, include_bias, True, E, dtype)
        assert bad == 0 and data.dtype == dtype
        dense = np.zeros((X.shape[0], 3 * w), dtype=dtype)
        rows = np.repeat(np.arange(X.shape[0]), np.diff(indptr))
        np.add.at(dense, (rows, indices), data)
        np.testing.assert_array_equal(dense, outs[0])
        for i in range(X.shape[0]):  # sorted, unique columns per row
            assert np.all(np.diff(indices[indptr[i]:indptr[i + 1]]) > 0)
    assert not outs[0][5, w:2 * w].any()  # NaN -> zeros


@pytest.mark.parametrize("k", [1, 2, 3])
def test_periodic_degree_equal_to_splines_sums_the_repeated_column(rng, k):
    T = _knots(rng, 1, k + 1, k, periodic=True)  # n_knots = k + 1: ns = k
    X = rng.uniform(-5, 5, size=(50, 1))
    E = ref.edge_table(T, k, "periodic")
    a = np.zeros((50, k))
    b = np.zeros((50, k))
    ref.spline_dense(X, T, k, "periodic", True, False, E, a)
    facade.spline_dense(X, T, k, "periodic", True, False, E, b)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    indptr, indices, data, _ = facade.spline_csr(X, T, k, "periodic", True, False, E,
                                                np.float64)
    assert np.all(np.diff(indptr) == k)
    np.testing.assert_allclose(data.reshape(50, k), a)


def test_error_mode_counts_values_outside(rng):
    T = _knots(rng, 2, 5, 3)
    X = np.array([[0.0, 0.0], [-2.5, 0.0], [0.0, 9.0], [np.nan, 1.0]])
    E = ref.edge_table(T, 3, "error")
    for impl in (ref, facade):
        out = np.zeros((4, 2 * 7))
        assert impl.spline_dense(X, T, 3, "error", True, True, E, out) == 2
        assert impl.spline_csr(X, T, 3, "error", True, True, E, np.float64)[3] == 2


@pytest.mark.parametrize("mode", ["continue", "constant", "linear", "periodic"])
def test_scipy_bspline_agrees_bit_for_bit(rng, mode):
    interp = pytest.importorskip("scipy.interpolate")
    k = 3
    T = _knots(rng, 1, 8, k, mode == "periodic")
    t = T[0]
    n = t.shape[0] - k - 1
    ns = n - k if mode == "periodic" else n
    x = np.linspace(t[k], t[n], 501)
    coef = np.eye(ns)
    if mode == "periodic":
        coef = np.concatenate((coef, coef[:k]))
    want = interp.BSpline(t, coef, k, extrapolate=True)(x)
    out = np.zeros((501, ns))
    facade.spline_dense(x[:, None], T, k, mode, True, False, ref.edge_table(T, k, mode), out)
    np.testing.assert_array_equal(out, want)


def test_edge_table_derivatives_match_scipy(rng):
    interp = pytest.importorskip("scipy.interpolate")
    for k in (1, 2, 3, 5):
        T = _knots(rng, 1, 6, k)
        t = T[0]
        n = t.shape[0] - k - 1
        spl = interp.BSpline(t, np.eye(n), k)
        E = ref.edge_table(T, k, "linear")[0]
        d = k + 1 if k <= 1 else k
        np.testing.assert_allclose(E[0, :d], spl(t[k])[:d], atol=1e-14)
        np.testing.assert_allclose(E[1, :d], spl(t[k], nu=1)[:d], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(E[3, k + 1 - d:], spl(t[n], nu=1)[n - d:], rtol=1e-12,
                                   atol=1e-12)


def test_threads_do_not_change_the_result(rng):
    T = _knots(rng, 4, 9, 3)
    X = rng.uniform(-3, 3, size=(40000, 4))
    E = ref.edge_table(T, 3, "linear")
    outs = []
    for n in (1, 2):
        with _threads.scope(n):
            out = np.zeros((X.shape[0], 4 * 11))
            facade.spline_dense(X, T, 3, "linear", True, False, E, out)
            outs.append(out)
            outs.append(facade.spline_csr(X, T, 3, "linear", True, False, E, np.float64)[2])
    np.testing.assert_array_equal(outs[0], outs[2])
    np.testing.assert_array_equal(outs[1], outs[3])


def test_non_contiguous_and_read_only_inputs(rng):
    T = _knots(rng, 2, 5, 2)
    X = np.asfortranarray(rng.uniform(-3, 3, size=(64, 4)))[:, ::2]
    X.setflags(write=False)
    E = ref.edge_table(T, 2, "constant")
    a = np.zeros((64, 12))
    b = np.zeros((64, 12))
    ref.spline_dense(X, T, 2, "constant", True, False, E, a)
    facade.spline_dense(X, T, 2, "constant", True, False, E, b)
    np.testing.assert_array_equal(a, b)
