"""k-means on iris and on blobs, and a random forest on breast cancer:
accuracy and time against the plain NumPy version of the same algorithm."""
import numpy as np

from .._kernels import tree as kt
from .._kernels.reference import kmeans as rkm
from .._kernels.reference import tree as rtree
from ..cluster import KMeans
from ..datasets import load_breast_cancer, load_iris, make_blobs
from ..ensemble import RandomForestClassifier
from ..model_selection import train_test_split
from ..tree import DecisionTreeClassifier, _binning
from ._timing import best_of


def _numpy_lloyd(X, C, n_iter):
    """Lloyd's iterations on fastml's NumPy twin of the compiled step."""
    C = C.copy()
    for _ in range(n_iter):
        _, _, _, sums, wsum = rkm.lloyd_step(X, C)
        nz = wsum > 0
        C[nz] = (sums[nz] / wsum[nz, None]).astype(X.dtype)
    return C


def _kmeans_part(print_fn):
    iris = load_iris()
    km = KMeans(3, random_state=0).fit(iris.data)
    # best match of clusters to species (3! permutations)
    import itertools
    acc = max(np.mean(np.array(p)[km.labels_] == iris.target)
              for p in itertools.permutations(range(3)))
    print_fn(f"k-means on iris (k=3, k-means++): inertia {km.inertia_:.2f}, "
             f"{km.n_iter_} iterations, clusters match species for {acc:.1%} of flowers")
    X, _ = make_blobs(n_samples=50_000, n_features=8, centers=10, random_state=0)
    X = X.astype(np.float32)
    init = X[:10].copy()
    t_fast, km = best_of(lambda: KMeans(10, init=init, n_init=1, max_iter=30, tol=0).fit(X))
    t_ref, C = best_of(lambda: _numpy_lloyd(X, init, km.n_iter_), repeat=1)
    diff = float(np.max(np.abs(C - km.cluster_centers_)))
    print_fn(f"k-means on blobs (50k x 8, k=10, float32, {km.n_iter_} iterations): fastml "
             f"{t_fast * 1e3:.1f} ms, NumPy Lloyd {t_ref * 1e3:.1f} ms (x{t_ref / t_fast:.1f}), "
             f"max centre difference {diff:.1e}")


def _forest_part(print_fn):
    ds = load_breast_cancer()
    Xtr, Xte, ytr, yte = train_test_split(ds.data, ds.target, random_state=0,
                                          stratify=ds.target)
    t_rf, rf = best_of(lambda: RandomForestClassifier(100, random_state=0).fit(Xtr, ytr))
    print_fn(f"random forest on breast cancer (100 trees, {len(ytr)} training rows): "
             f"fit {t_rf * 1e3:.0f} ms, test accuracy {rf.score(Xte, yte):.3f}")
    top = np.argsort(rf.feature_importances_)[::-1][:3]
    print_fn("  most important features: " + ", ".join(ds.feature_names[i] for i in top))
    tree = DecisionTreeClassifier(random_state=0).fit(Xtr, ytr)
    print_fn(f"  one decision tree: depth {tree.get_depth()}, {tree.get_n_leaves()} leaves, "
             f"test accuracy {tree.score(Xte, yte):.3f}")
    bn = _binning.prepare(Xtr)
    args = (ytr.astype(np.float64), np.empty(0), 0, 2, 2**31 - 1, 2, 1, 0.0, Xtr.shape[1],
            0.0, 1234)
    t_fast, a = best_of(lambda: kt.build(bn, *args))
    t_ref, b = best_of(lambda: rtree.build(bn, *args), repeat=1)
    same = np.array_equal(a["feature"], b["feature"]) and np.array_equal(a["bin"], b["bin"])
    print_fn(f"  growing that tree: compiled {t_fast * 1e3:.2f} ms, NumPy split search "
             f"{t_ref * 1e3:.1f} ms (x{t_ref / t_fast:.0f}), identical tree: {same}")


def run(print_fn=print):
    _kmeans_part(print_fn)
    _forest_part(print_fn)
