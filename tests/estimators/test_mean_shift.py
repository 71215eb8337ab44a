"""fastml.cluster.MeanShift / estimate_bandwidth / get_bin_seeds against
scikit-learn (centres within 1e-6, identical labels) and its own invariants."""
import pickle

import numpy as np
import pytest

from fastml.cluster import MeanShift, estimate_bandwidth, get_bin_seeds, mean_shift


def _blobs(n=900, d=2, seed=0, std=0.5):
    rng = np.random.RandomState(seed)
    centres = np.array([[1, 1, 0], [-1, -1, 1], [1, -1, -1], [-2, 2, 2]])[:, :d] * 2
    lab = rng.randint(0, len(centres), n)
    return centres[lab] + rng.randn(n, d) * std


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("bin_seeding", [False, True])
@pytest.mark.parametrize("cluster_all", [True, False])
def test_same_centres_and_labels_as_sklearn(d, bin_seeding, cluster_all):
    skc = pytest.importorskip("sklearn.cluster")
    X = _blobs(d=d, seed=d)
    bw = skc.estimate_bandwidth(X, quantile=0.2)
    assert estimate_bandwidth(X, quantile=0.2) == pytest.approx(bw, rel=1e-12)
    kw = dict(bandwidth=bw, bin_seeding=bin_seeding, cluster_all=cluster_all)
    s = skc.MeanShift(**kw).fit(X)
    f = MeanShift(**kw).fit(X)
    assert f.cluster_centers_.shape == s.cluster_centers_.shape
    np.testing.assert_allclose(f.cluster_centers_, s.cluster_centers_, atol=1e-6)
    np.testing.assert_array_equal(f.labels_, s.labels_)
    assert f.n_iter_ == s.n_iter_
    np.testing.assert_array_equal(f.predict(X[:50]), s.predict(X[:50]))


def test_explicit_seeds_max_iter_and_default_bandwidth():
    skc = pytest.importorskip("sklearn.cluster")
    X = _blobs(n=400, seed=9)
    seeds = X[::17]
    for kw in (dict(seeds=seeds, bandwidth=1.0), dict(seeds=seeds, bandwidth=1.0, max_iter=2),
               dict()):
        s = skc.MeanShift(**kw).fit(X)
        f = MeanShift(**kw).fit(X)
        np.testing.assert_allclose(f.cluster_centers_, s.cluster_centers_, atol=1e-6)
        np.testing.assert_array_equal(f.labels_, s.labels_)
        assert f.n_iter_ == s.n_iter_


def test_get_bin_seeds_as_sklearn():
    skc = pytest.importorskip("sklearn.cluster")
    X = _blobs(n=500, seed=1)
    for size, freq in ((1.0, 1), (1.0, 5), (0.5, 3)):
        a = get_bin_seeds(X, size, freq)
        b = skc.get_bin_seeds(X, size, freq)
        assert {tuple(r) for r in a.tolist()} == {tuple(r) for r in b.tolist()}
    X = np.array([[1.0, 1.0], [1.4, 1.4], [1.8, 1.2], [2.0, 1.0], [2.1, 1.1], [0.0, 0.0]])
    with pytest.warns(UserWarning, match="Binning data failed"):
        np.testing.assert_array_equal(get_bin_seeds(X, 0.01), X)
    assert get_bin_seeds(X, 0) is X


def test_brute_force_mean_shift_oracle():
    """Each centre is a fixed point: the mean of the points within bandwidth."""
    X = _blobs(n=600, seed=3)
    bw = 1.2
    m = MeanShift(bandwidth=bw).fit(X)
    for c in m.cluster_centers_:
        inside = np.linalg.norm(X - c, axis=1) <= bw
        assert np.linalg.norm(X[inside].mean(0) - c) <= 1e-3 * bw
    d = np.linalg.norm(X[:, None] - m.cluster_centers_[None], axis=2)
    np.testing.assert_array_equal(m.labels_, d.argmin(1))


def test_thread_count_does_not_change_the_result():
    X = _blobs(n=3000, seed=4)
    a = MeanShift(bandwidth=1.0, n_jobs=1).fit(X)
    b = MeanShift(bandwidth=1.0, n_jobs=2).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.labels_, b.labels_)


def test_mean_shift_function_pickle_and_errors():
    X = _blobs(n=300, seed=5)
    centres, labels = mean_shift(X, bandwidth=1.0)
    m = MeanShift(bandwidth=1.0).fit(X)
    np.testing.assert_array_equal(centres, m.cluster_centers_)
    np.testing.assert_array_equal(labels, m.labels_)
    h = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(h.predict(X), m.predict(X))
    with pytest.raises(ValueError, match="bandwidth"):
        MeanShift(bandwidth=-1).fit(X)
    with pytest.raises(ValueError, match="No point was within bandwidth"):
        MeanShift(bandwidth=0.01, seeds=[[100.0, 100.0]]).fit(X)
    with pytest.raises(ValueError, match="min_bin_freq"):
        MeanShift(min_bin_freq=0).fit(X)
    with pytest.raises(ValueError, match="cluster_centers_"):
        MeanShift().__setstate__({"cluster_centers_": np.full((2, 2), np.inf)})
