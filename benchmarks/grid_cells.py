"""Workload families of the speed grid (benchmarks/grid.py runs them).

A family knows its cells for each profile, how to make the data (the same
arrays for every library), which public estimator each library offers, what
one timed run does, how much work a run is (FLOP or bytes, for GFLOP/s and
GB/s) and how to check that the libraries agree. Everything goes through
public estimators (fastml.*, sklearn.*, sklearnex.*), so any speed-up behind
those classes shows up here without changes.

Libraries: "fastml", "sklearn", "sklearnex" (scikit-learn-intelex, skipped
when not installed); boosting adds "sklearn-hist" (HistGradientBoosting*, the
binned boosting a scikit-learn user picks for speed; fastml's is binned too).
"""
import importlib
import itertools

import numpy as np

LIBS = ("fastml", "sklearn", "sklearnex")
PREFIX = {"fastml": "fastml", "sklearn": "sklearn", "sklearnex": "sklearnex",
          "sklearn-hist": "sklearn"}


def estimator_class(lib, module, name):
    """The public class `name` of `lib`'s `module`, or None when absent."""
    try:
        mod = importlib.import_module(f"{PREFIX[lib]}.{module}")
    except ImportError:
        return None
    return getattr(mod, name, None)


def make(cls, threads, **params):
    """cls(**params), with n_jobs=threads when the estimator takes n_jobs
    (scikit-learn's LogisticRegression ignores it since 1.8 and warns)."""
    est = cls(**params)
    keys = est.get_params()
    if "n_jobs" in keys and not (cls.__module__.startswith("sklearn.")
                                 and cls.__name__ == "LogisticRegression"):
        est.set_params(n_jobs=threads)
    return est


def _ids(params):
    return " ".join(f"{k}={v}" for k, v in params.items())


def _grid(**axes):
    keys = list(axes)
    return [dict(zip(keys, vals)) for vals in itertools.product(*axes.values())]


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300))


def _coef_notes(fitted, tol):
    ref = fitted["fastml"].coef_
    out = {}
    for lib, e in fitted.items():
        if lib != "fastml":
            diff = _rel(ref, e.coef_)
            out[lib] = "" if diff <= tol else f"coef rel. diff {diff:.1e}"
    return out


class Family:
    """Base: subclasses set name/module/classes and the hooks below."""
    name = ""
    module = ""
    libs = LIBS
    # the timed operation: "fit" (a fresh estimator each run) or "predict"
    # (fit once untimed, then time predict on the query rows)
    timed = "fit"

    def cells(self, profile):
        raise NotImplementedError

    def cls_name(self, params):
        return self.classes[0]

    def cell_id(self, params):
        return f"{self.cls_name(params)} {_ids(params)}"

    def data(self, params):
        raise NotImplementedError

    def kwargs(self, lib, params, data):
        return {}

    def estimator(self, lib, params, data, threads):
        name = self.cls_name(params)
        if lib == "sklearn-hist":
            name = name.replace("GradientBoosting", "HistGradientBoosting")
        cls = estimator_class(lib, self.module, name)
        return None if cls is None else make(cls, threads, **self.kwargs(lib, params, data))

    def run(self, est, data):
        """One timed run; returns what check() needs."""
        if self.timed == "fit":
            return est.fit(data["X"], data["y"])
        return est.predict(data["Q"])

    def prepare(self, est, data):
        """Untimed setup before the timed runs (fit for predict-timed families)."""
        if self.timed == "predict":
            est.fit(data["X"], data["y"])
        return est

    def work(self, params, data, fitted):
        """(amount, unit, limit key) for one run, or None."""
        return None

    def check(self, params, data, fitted):
        """fitted: {lib: estimator after a run}. Returns {peer: "" if fastml
        agrees with it, else what differs}; the runner flags a cell when fastml
        differs from scikit-learn (the reference; any peer when it is absent)."""
        return {}


# ---- k-nearest neighbours --------------------------------------------------------------

class KNN(Family):
    name = "knn"
    module = "neighbors"
    classes = ("KNeighborsClassifier",)
    timed = "predict"

    def cells(self, profile):
        if profile == "full":
            return _grid(d=[2, 4, 8, 16, 32, 64, 128], k=[1, 10, 100], p=[1, 2],
                         algorithm=["kd_tree", "brute", "auto"], dtype=["float32", "float64"],
                         q=[1, 1000, 100_000], n=[100_000])
        if profile == "smoke":
            return _grid(d=[4], k=[10], p=[2], algorithm=["kd_tree", "brute"],
                         dtype=["float64"], q=[50], n=[500])
        cells = []
        for d, k in [(4, 10), (4, 100), (8, 100), (16, 10), (16, 100)]:
            cells.append(dict(d=d, k=k, p=2, algorithm="kd_tree", dtype="float64", q=1000,
                              n=100_000))
        cells.append(dict(d=8, k=10, p=2, algorithm="kd_tree", dtype="float32", q=100_000,
                          n=100_000))
        cells.append(dict(d=8, k=10, p=2, algorithm="kd_tree", dtype="float64", q=1,
                          n=100_000))
        for p, k in [(2, 10), (2, 100), (1, 10), (1, 100)]:
            cells.append(dict(d=16, k=k, p=p, algorithm="brute", dtype="float64", q=1000,
                              n=100_000))
        for d in (2, 32, 128):
            cells.append(dict(d=d, k=10, p=2, algorithm="auto", dtype="float32", q=1000,
                              n=100_000))
        return cells

    def data(self, p):
        from sklearn.datasets import make_classification
        X, y = make_classification(n_samples=p["n"] + p["q"], n_features=p["d"],
                                   n_informative=max(2, p["d"] // 2), n_redundant=0,
                                   n_classes=2, random_state=0)
        X = X.astype(p["dtype"])
        return {"X": X[:p["n"]], "y": y[:p["n"]], "Q": X[p["n"]:]}

    def kwargs(self, lib, p, data):
        return dict(n_neighbors=p["k"], algorithm=p["algorithm"], p=p["p"])

    def work(self, p, data, fitted):
        if p["algorithm"] != "brute" or p["p"] != 2:
            return None
        gemm = "gemm_f32" if p["dtype"] == "float32" else "gemm_f64"
        return 2.0 * p["d"] * p["n"] * p["q"], "GFLOP/s", gemm

    def check(self, p, data, fitted):
        Q = data["Q"][:200]
        ref = fitted["fastml"]
        dist_f, _ = ref.kneighbors(Q)
        pred_f = ref.predict(data["Q"])
        tol = 1e-4 if p["dtype"] == "float32" else 1e-9
        notes = {}
        for lib, est in fitted.items():
            if lib == "fastml":
                continue
            dist_p, _ = est.kneighbors(Q)
            scale = max(float(np.median(dist_p)), 1e-12)
            note = []
            if not np.allclose(dist_f, dist_p, rtol=tol, atol=tol * scale):
                note.append("neighbour distances differ")
            agree = float((est.predict(data["Q"]) == pred_f).mean())
            if agree < 0.999:
                note.append(f"{100 * (1 - agree):.2f}% predictions differ")
            notes[lib] = ", ".join(note)
        return notes


# ---- k-means ---------------------------------------------------------------------------

class KMeansFamily(Family):
    name = "kmeans"
    module = "cluster"
    classes = ("KMeans",)
    max_iter = 30

    def cells(self, profile):
        if profile == "full":
            out = []
            for d, c, n in itertools.product([2, 10, 100, 400, 1000], [8, 20, 256, 1024],
                                             [100_000, 1_000_000]):
                if n * d > 100_000_000:  # cap X at 800 MB of float64
                    n = 100_000_000 // d
                out += [dict(d=d, clusters=c, n=n, init=i) for i in ("given", "k-means++")]
            return [dict(c) for c in {tuple(x.items()): x for x in out}.values()]
        if profile == "smoke":
            return [dict(d=10, clusters=8, n=2000, init="given"),
                    dict(d=10, clusters=8, n=2000, init="k-means++")]
        return [dict(d=10, clusters=20, n=200_000, init="k-means++"),
                dict(d=100, clusters=20, n=100_000, init="k-means++"),
                dict(d=400, clusters=20, n=25_000, init="k-means++"),
                dict(d=2, clusters=8, n=1_000_000, init="given"),
                dict(d=10, clusters=256, n=100_000, init="given"),
                dict(d=100, clusters=20, n=100_000, init="given"),
                dict(d=1000, clusters=256, n=5_000, init="given")]

    def data(self, p):
        from sklearn.datasets import make_blobs
        X, y = make_blobs(n_samples=p["n"], n_features=p["d"], centers=p["clusters"],
                          random_state=0)
        rng = np.random.default_rng(1)
        init = X[rng.choice(p["n"], p["clusters"], replace=False)].copy()
        return {"X": X, "y": None, "init": init}

    def kwargs(self, lib, p, data):
        init = data["init"] if p["init"] == "given" else "k-means++"
        return dict(n_clusters=p["clusters"], init=init, n_init=1, max_iter=self.max_iter,
                    random_state=0)

    def work(self, p, data, fitted):
        it = int(np.max(fitted["fastml"].n_iter_))
        return 2.0 * p["n"] * p["d"] * p["clusters"] * it, "GFLOP/s", "gemm_f64"

    def check(self, p, data, fitted):
        inert = {lib: float(est.inertia_) for lib, est in fitted.items()}
        f = inert.pop("fastml")
        if p["init"] == "given":  # same start, same Lloyd iterations
            return {lib: "" if abs(f - v) <= 1e-6 * abs(v) else f"inertia {f / v:.6f}x"
                    for lib, v in inert.items()}
        # different seeds: only "not clearly worse"
        return {lib: "" if f <= 1.05 * v else f"inertia {f / v:.3f}x" for lib, v in inert.items()}


# ---- linear regression, ridge, PCA -----------------------------------------------------

SHAPES = {"full": {"tall": (1_000_000, 50), "square": (10_000, 1_000), "wide": (2_000, 10_000)},
          "quick": {"tall": (500_000, 50), "square": (10_000, 1_000), "wide": (1_000, 5_000)},
          "smoke": {"tall": (2_000, 10), "square": (300, 100), "wide": (50, 200)}}


class LinReg(Family):
    name = "linreg"
    module = "linear_model"
    classes = ("LinearRegression",)

    def cells(self, profile):
        return [dict(shape=s, n=n, p=d, dtype=dt)
                for s, (n, d) in SHAPES[profile].items()
                for dt in (("float64", "float32") if profile == "full" else ("float64",))]

    def data(self, p):
        from sklearn.datasets import make_regression
        X, y = make_regression(n_samples=p["n"], n_features=p["p"],
                               n_informative=max(1, p["p"] // 2), noise=1.0, random_state=0)
        return {"X": X.astype(p["dtype"]), "y": y.astype(p["dtype"])}

    def work(self, p, data, fitted):
        n, d = p["n"], p["p"]
        return float(n) * d * min(n, d), "GFLOP/s", \
            "gemm_f32" if p["dtype"] == "float32" else "gemm_f64"

    def check(self, p, data, fitted):
        return _coef_notes(fitted, 1e-3 if p["dtype"] == "float32" else 1e-6)


class RidgeFamily(LinReg):
    name = "ridge"
    classes = ("Ridge",)

    def kwargs(self, lib, p, data):
        return dict(alpha=1.0)


class PCAFamily(LinReg):
    name = "pca"
    module = "decomposition"
    classes = ("PCA",)

    def data(self, p):
        from sklearn.datasets import make_low_rank_matrix
        X = make_low_rank_matrix(n_samples=p["n"], n_features=p["p"],
                                 effective_rank=max(2, min(p["n"], p["p"]) // 5),
                                 tail_strength=0.2, random_state=0)
        return {"X": X.astype(p["dtype"]), "y": None}

    def kwargs(self, lib, p, data):
        return dict(n_components=min(20, p["n"], p["p"]), random_state=0)

    def check(self, p, data, fitted):
        ref = fitted["fastml"]
        tol = 1e-3 if p["dtype"] == "float32" else 1e-4
        notes = {}
        for lib, e in fitted.items():
            if lib == "fastml":
                continue
            note = []
            if _rel(ref.explained_variance_, e.explained_variance_) > tol:
                note.append("explained variance differs")
            cos = np.abs(np.sum(ref.components_ * e.components_, axis=1))
            if cos.min() < 1 - tol:
                note.append(f"components differ (min |cos| {cos.min():.5f})")
            notes[lib] = ", ".join(note)
        return notes


# ---- logistic regression ---------------------------------------------------------------

class Logistic(Family):
    name = "logistic"
    module = "linear_model"
    classes = ("LogisticRegression",)

    def cells(self, profile):
        n = {"full": [100_000, 1_000_000], "quick": [100_000], "smoke": [1_000]}[profile]
        return [dict(classes=c, n=m, p=50 if profile != "smoke" else 10)
                for m in n for c in (2, 5, 20)]

    def data(self, p):
        from sklearn.datasets import make_classification
        X, y = make_classification(n_samples=p["n"], n_features=p["p"],
                                   n_informative=p["p"] // 2, n_redundant=p["p"] // 5,
                                   n_classes=p["classes"], n_clusters_per_class=1,
                                   random_state=0)
        return {"X": X, "y": y}

    def kwargs(self, lib, p, data):
        return dict(C=1.0, tol=1e-4, max_iter=100)

    def check(self, p, data, fitted):
        X, y = data["X"], data["y"]
        obj = {}
        for lib, e in fitted.items():
            P = np.clip(e.predict_proba(X), 1e-300, None)
            nll = -np.mean(np.log(P[np.arange(len(y)), np.searchsorted(e.classes_, y)]))
            obj[lib] = nll + 0.5 * float(np.sum(e.coef_ ** 2)) / (1.0 * len(y))
        f = obj.pop("fastml")
        # same tol, different solvers: fastml's objective must not be worse
        return {lib: "" if f <= v + 1e-4 * abs(v) + 1e-8 else f"objective {f:.6g} vs {v:.6g}"
                for lib, v in obj.items()}


# ---- forests and boosting --------------------------------------------------------------

class Forest(Family):
    name = "forest"
    module = "ensemble"
    classes = ("RandomForestClassifier", "RandomForestRegressor")
    n_estimators = 50

    def cls_name(self, p):
        return self.classes[0] if p["task"] == "clf" else self.classes[1]

    def cells(self, profile):
        # splitter: fastml's (the peers have one kind each: scikit-learn exact,
        # scikit-learn-intelex histogram); "best" (exact, the default) and "hist"
        if profile == "full":
            return _grid(task=["clf", "reg"], depth=[6, 12, None], n=[100_000], p=[20],
                         splitter=["best", "hist"])
        if profile == "smoke":
            return _grid(task=["clf"], depth=[6], n=[1_000], p=[8], splitter=["best"])
        return _grid(task=["clf", "reg"], depth=[12], n=[50_000], p=[20],
                     splitter=["best", "hist"])

    def data(self, p):
        from sklearn.datasets import make_classification, make_regression
        m = int(p["n"] * 1.25)
        if p["task"] == "clf":
            X, y = make_classification(n_samples=m, n_features=p["p"],
                                       n_informative=p["p"] // 2, random_state=0)
        else:
            X, y = make_regression(n_samples=m, n_features=p["p"],
                                   n_informative=p["p"] // 2, noise=1.0, random_state=0)
        return {"X": X[:p["n"]], "y": y[:p["n"]], "Xt": X[p["n"]:], "yt": y[p["n"]:]}

    def kwargs(self, lib, p, data):
        kw = dict(n_estimators=self.n_estimators, max_depth=p["depth"], random_state=0)
        return dict(kw, splitter=p["splitter"]) if lib == "fastml" else kw

    def check(self, p, data, fitted):
        scores = {lib: float(e.score(data["Xt"], data["yt"])) for lib, e in fitted.items()}
        f = scores.pop("fastml")
        # randomised algorithms: the held-out score must be as good (within 0.02)
        return {lib: "" if f >= v - 0.02 else f"held-out score {f:.4f} vs {v:.4f}"
                for lib, v in scores.items()}


class Boosting(Forest):
    name = "gboost"
    classes = ("GradientBoostingClassifier", "GradientBoostingRegressor")
    libs = ("fastml", "sklearn", "sklearn-hist")

    def cells(self, profile):
        if profile == "full":
            return _grid(task=["clf", "reg"], depth=[6, 12, None], n=[100_000], p=[20])
        if profile == "smoke":
            return _grid(task=["reg"], depth=[3], n=[1_000], p=[8])
        return _grid(task=["clf", "reg"], depth=[6], n=[20_000], p=[20])

    def kwargs(self, lib, p, data):
        kw = dict(max_depth=p["depth"], learning_rate=0.1, min_samples_leaf=20, random_state=0)
        if lib == "sklearn-hist":
            return dict(kw, max_iter=self.n_estimators, early_stopping=False,
                        max_leaf_nodes=None)
        return dict(kw, n_estimators=self.n_estimators)


class HistBoosting(Forest):
    """HistGradientBoosting* against scikit-learn's (scikit-learn-intelex has none)."""
    name = "hgb"
    classes = ("HistGradientBoostingClassifier", "HistGradientBoostingRegressor")
    libs = ("fastml", "sklearn")

    def cells(self, profile):
        if profile == "full":
            return _grid(task=["clf", "reg"], n=[100_000, 1_000_000], p=[20, 100])
        if profile == "smoke":
            return _grid(task=["reg"], n=[1_000], p=[8])
        return _grid(task=["clf", "reg"], n=[100_000], p=[20])

    def kwargs(self, lib, p, data):
        return dict(max_iter=self.n_estimators, learning_rate=0.1, early_stopping=False,
                    random_state=0)


# ---- lasso / elastic net, naive Bayes ---------------------------------------------------

class Enet(Family):
    name = "enet"
    module = "linear_model"
    classes = ("Lasso", "ElasticNet")

    def cls_name(self, p):
        return p["model"]

    def cells(self, profile):
        n = {"full": [100_000, 1_000_000], "quick": [100_000], "smoke": [1_000]}[profile]
        return [dict(model=m, n=k, p=50) for k in n for m in self.classes]

    def data(self, p):
        from sklearn.datasets import make_regression
        X, y = make_regression(n_samples=p["n"], n_features=p["p"], n_informative=10,
                               noise=1.0, random_state=0)
        return {"X": X, "y": y}

    def kwargs(self, lib, p, data):
        return dict(alpha=1.0, tol=1e-6)

    def check(self, p, data, fitted):
        return _coef_notes(fitted, 1e-4)


class NaiveBayes(Family):
    name = "nb"
    module = "naive_bayes"
    classes = ("GaussianNB",)

    def cells(self, profile):
        n = {"full": [100_000, 1_000_000], "quick": [500_000], "smoke": [1_000]}[profile]
        return [dict(n=k, p=50, classes=5) for k in n]

    def data(self, p):
        from sklearn.datasets import make_classification
        X, y = make_classification(n_samples=p["n"], n_features=p["p"], n_informative=20,
                                   n_classes=p["classes"], random_state=0)
        return {"X": X, "y": y}

    def run(self, est, data):
        est.fit(data["X"], data["y"])
        est.pred_ = est.predict(data["X"])
        return est

    def work(self, p, data, fitted):
        return 2.0 * data["X"].nbytes, "GB/s", "dram"

    def check(self, p, data, fitted):
        ref = fitted["fastml"]
        return {lib: "" if (e.pred_ == ref.pred_).mean() >= 1 - 1e-4
                and _rel(ref.theta_, e.theta_) <= 1e-8 else "predictions or theta_ differ"
                for lib, e in fitted.items() if lib != "fastml"}


FAMILIES = {f.name: f for f in (KNN(), KMeansFamily(), LinReg(), RidgeFamily(), PCAFamily(),
                                Logistic(), Forest(), Boosting(), HistBoosting(), Enet(),
                                NaiveBayes())}
