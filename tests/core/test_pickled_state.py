"""Fitted state restored from a pickle is validated before it reaches C:
tampered arrays raise ValueError naming what is wrong, never a crash or hang
(issue: unpickling trusted the state)."""
import pickle

import numpy as np
import pytest

from fastml._kernels import COMPILED
from fastml.cluster import KMeans
from fastml.neighbors import KDTree, KNeighborsClassifier, NearestNeighbors
from fastml.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _reload(obj):
    return pickle.loads(pickle.dumps(obj))


@pytest.fixture
def data(rng):
    X = rng.standard_normal((300, 4))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def test_valid_pickles_round_trip(data):
    X, y = data
    for leaf_size in (5, 10**9):  # the second is capped when the tree is built
        t = KDTree(X, leaf_size=leaf_size)
        np.testing.assert_array_equal(_reload(t).query(X[:20], k=4)[1],
                                      t.query(X[:20], k=4)[1])
    for m in (KNeighborsClassifier(algorithm="kd_tree").fit(X, y),
              KNeighborsClassifier(algorithm="brute").fit(X, y),
              DecisionTreeClassifier(random_state=0).fit(X, y),
              DecisionTreeRegressor(random_state=0).fit(X, X[:, 0])):
        np.testing.assert_array_equal(_reload(m).predict(X), m.predict(X))
    km = KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    np.testing.assert_array_equal(_reload(km).predict(X), km.predict(X))


_TREE_ARRAYS = pytest.mark.skipif(not COMPILED, reason="the compiled tree's arrays (the "
                                  "reference backend's tree is the data itself)")


@_TREE_ARRAYS
@pytest.mark.parametrize("field,value,match", [
    ("nodes", lambda a: a.__setitem__((3, 2), 1) or a, "do not describe a tree"),
    ("nodes", lambda a: a.__setitem__((0, 3), 99) or a, "split dimension"),
    ("nodes", lambda a: a[:-1], "do not describe a tree"),
    ("idx", lambda a: a.__setitem__(0, 10**12) or a, "idx holds an index"),
    ("idx", lambda a: a.__setitem__(1, a[0]) or a, "not a permutation"),
    ("data", lambda a: a[:-3], "data must have shape"),
    ("bounds", lambda a: a.astype(np.float32), "bounds must have dtype"),
    ("splits", lambda a: a.__setitem__((0, 0), np.nan) or a, "NaN"),
    ("max_leaf", lambda v: 10**9, "max_leaf"),
])
def test_tampered_kdtree_state_raises(data, field, value, match):
    st = KDTree(data[0], leaf_size=5).__getstate__()
    tree = dict(st["tree"])
    v = tree[field]
    tree[field] = value(v.copy() if isinstance(v, np.ndarray) else v)
    st["tree"] = tree
    with pytest.raises(ValueError, match=match):
        KDTree.__new__(KDTree).__setstate__(st)


def test_tampered_kdtree_sizes_raise(data):
    st = KDTree(data[0], leaf_size=5).__getstate__()
    for key, v in (("n_samples", 301), ("n_features", 9), ("leaf_size", 0), ("dtype", "<i8")):
        bad = dict(st, **{key: v})
        with pytest.raises(ValueError, match="Invalid pickled state of KDTree"):
            KDTree.__new__(KDTree).__setstate__(bad)


@_TREE_ARRAYS
def test_tampered_knn_estimator_raises(data):
    X, y = data
    m = KNeighborsClassifier(algorithm="brute").fit(X, y)
    st = m.__getstate__() if hasattr(m, "__getstate__") else dict(m.__dict__)
    st = dict(st, _fit_X=X[:, :2].copy())
    with pytest.raises(ValueError, match="_fit_X must have shape"):
        KNeighborsClassifier.__new__(KNeighborsClassifier).__setstate__(st)
    st = dict(m.__dict__, _y=np.full(len(y), 7))
    with pytest.raises(ValueError, match="class code"):
        KNeighborsClassifier.__new__(KNeighborsClassifier).__setstate__(st)
    nn = NearestNeighbors(algorithm="kd_tree").fit(X)
    tree = dict(nn._tree, nodes=nn._tree["nodes"][::-1].copy())
    with pytest.raises(ValueError, match="nodes"):
        NearestNeighbors.__new__(NearestNeighbors).__setstate__(dict(nn.__dict__, _tree=tree))


def _tree_state(m):
    return dict(m.tree_.__dict__)


@pytest.mark.parametrize("edit,match", [
    (lambda s: s["children_left"].__setitem__(0, 0), "outside|earlier node"),  # self-loop
    (lambda s: s["children_left"].__setitem__(0, 10**6), "outside"),        # out of range
    (lambda s: s["feature"].__setitem__(0, 50), "feature holds an index"),
    (lambda s: s["children_right"].__setitem__(0, -1), "mix a leaf"),
])
def test_tampered_decision_tree_raises(data, edit, match):
    m = DecisionTreeClassifier(random_state=0).fit(*data)
    st = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in _tree_state(m).items()}
    edit(st)
    from fastml.tree._classes import Tree
    with pytest.raises(ValueError, match=match):
        Tree.__new__(Tree).__setstate__(st)


def test_decision_tree_with_two_parents_for_a_node_raises(data):
    m = DecisionTreeClassifier(random_state=0).fit(*data)
    st = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in _tree_state(m).items()}
    left, right = st["children_left"], st["children_right"]
    inner = np.flatnonzero(left >= 0)
    right[inner[1]] = right[inner[0]]  # a node reached twice, another orphaned
    from fastml.tree._classes import Tree
    with pytest.raises(ValueError, match="do not form a tree|earlier node"):
        Tree.__new__(Tree).__setstate__(st)


def test_tampered_kmeans_centres_raise(data):
    km = KMeans(n_clusters=3, n_init=1, random_state=0).fit(data[0])
    for bad in (km.cluster_centers_[:, :2].copy(), km.cluster_centers_.astype(np.int64),
                np.full_like(km.cluster_centers_, np.nan)):
        with pytest.raises(ValueError, match="cluster_centers_"):
            KMeans.__new__(KMeans).__setstate__(dict(km.__dict__, cluster_centers_=bad))


def test_byte_flipped_pickles_never_crash(data, tmp_path):
    """Random byte flips of fitted-model pickles, loaded and used in a subprocess:
    a clean exception or a result, never a signal."""
    import subprocess
    import sys
    X, y = data
    models = [KDTree(X, leaf_size=5), KNeighborsClassifier(algorithm="kd_tree").fit(X, y),
              DecisionTreeClassifier(random_state=0).fit(X, y),
              KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)]
    blobs = [pickle.dumps(m) for m in models]
    (tmp_path / "blobs.pkl").write_bytes(pickle.dumps((blobs, X)))
    code = f"""
import pickle, random, sys
import numpy as np
blobs, X = pickle.loads(open({str(tmp_path / 'blobs.pkl')!r}, 'rb').read())
rnd = random.Random(0)
for trial in range(120):
    b = bytearray(blobs[trial % len(blobs)])
    for _ in range(4):
        b[rnd.randrange(len(b))] = rnd.randrange(256)
    try:
        m = pickle.loads(bytes(b))
        (m.query(X[:5], k=2) if hasattr(m, 'query') else m.predict(X[:5]))
    except Exception:
        pass
print('ok')
"""
    import os
    import fastml
    # the directory of the fastml this process imported (src/ or site-packages)
    src = os.path.dirname(os.path.dirname(os.path.abspath(fastml.__file__)))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=300, env={**os.environ, "PYTHONPATH": src})
    assert r.returncode == 0, (r.returncode, r.stderr[-1500:])
    assert r.stdout.strip() == "ok"


def test_bagging_state_round_trips_and_is_checked(data):
    from fastml.ensemble import BaggingClassifier

    X, y = data
    clf = BaggingClassifier(n_estimators=3, max_features=0.5, random_state=0).fit(X, y)
    back = _reload(clf)
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(back.estimators_samples_[1], clf.estimators_samples_[1])
    state = clf.__getstate__() if hasattr(clf, "__getstate__") else dict(vars(clf))
    state = dict(state)
    state["estimators_features_"] = [f.copy() for f in clf.estimators_features_]
    state["estimators_features_"][0][0] = 10**6
    fresh = BaggingClassifier.__new__(BaggingClassifier)
    with pytest.raises(ValueError, match="estimators_features_"):
        fresh.__setstate__(state)
    state["estimators_features_"] = state["estimators_features_"][:2]
    with pytest.raises(ValueError, match="one entry per estimator"):
        BaggingClassifier.__new__(BaggingClassifier).__setstate__(state)


def test_svm_state_round_trips_and_tampered_support_vectors_raise(data):
    sp = pytest.importorskip("scipy.sparse")
    from fastml.svm import SVC, SVR
    X, y = data
    for m in (SVC(probability=True, random_state=0).fit(X, y), SVR().fit(X, X[:, 0]),
              SVC().fit(sp.csr_matrix(X), y)):
        np.testing.assert_array_equal(_reload(m).predict(X), m.predict(X))
    m = SVC().fit(X, y)
    bad = m.support_vectors_.copy()
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="support_vectors_"):
        SVC.__new__(SVC).__setstate__(dict(m.__dict__, support_vectors_=bad))
    with pytest.raises(ValueError, match="support_vectors_"):
        SVC.__new__(SVC).__setstate__(dict(m.__dict__, support_vectors_=bad[:, :2]))
    s = SVC().fit(sp.csr_matrix(X), y)
    sv = s.support_vectors_.copy()
    sv.indices[0] = 10 ** 6
    with pytest.raises(ValueError, match="support_vectors_"):
        SVC.__new__(SVC).__setstate__(dict(s.__dict__, support_vectors_=sv))


def test_tampered_spline_transformer_state_raises(rng):
    from fastml.preprocessing import SplineTransformer

    X = rng.standard_normal((50, 2))
    st = SplineTransformer(n_knots=5, degree=3).fit(X)
    np.testing.assert_array_equal(_reload(st).transform(X), st.transform(X))
    state = dict(st.__dict__)
    for key, bad in (("_knots", st._knots[:, :4].copy()), ("_knots", st._knots[:, ::-1].copy()),
                     ("_degree", 9), ("_edges", np.zeros((2, 4, 2))), ("_n_splines", 99)):
        with pytest.raises(ValueError, match="Invalid pickled state of SplineTransformer"):
            SplineTransformer.__new__(SplineTransformer).__setstate__(dict(state, **{key: bad}))
def test_agglomerative_pickles_round_trip(data):
    import pickle

    from fastml.cluster import AgglomerativeClustering, FeatureAgglomeration
    X = data[0]
    est = AgglomerativeClustering(n_clusters=3, compute_distances=True).fit(X)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.labels_, est.labels_)
    np.testing.assert_array_equal(back.children_, est.children_)
    fa = FeatureAgglomeration(n_clusters=2).fit(X)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(fa)).transform(X), fa.transform(X))
def test_tampered_mixture_and_mean_shift_state_raise(data):
    from fastml.cluster import MeanShift
    from fastml.mixture import GaussianMixture
    X = data[0]
    g = GaussianMixture(n_components=2, random_state=0).fit(X)
    edits = [("means_", g.means_[:, :1].copy()), ("means_", np.full_like(g.means_, np.nan)),
             ("weights_", np.array([0.5, 0.5, 0.0])), ("weights_", -g.weights_),
             ("precisions_cholesky_", g.precisions_cholesky_[:1].copy()),
             ("precisions_cholesky_", -g.precisions_cholesky_),
             ("covariance_type", "bogus")]
    for name, bad in edits:
        with pytest.raises(ValueError, match=name):
            GaussianMixture.__new__(GaussianMixture).__setstate__(dict(g.__dict__, **{name: bad}))
    h = _reload(g)
    np.testing.assert_array_equal(h.predict_proba(X), g.predict_proba(X))
    m = MeanShift(bandwidth=2.0).fit(X)
    with pytest.raises(ValueError, match="cluster_centers_"):
        MeanShift.__new__(MeanShift).__setstate__(dict(m.__dict__, cluster_centers_=np.ones(3)))
