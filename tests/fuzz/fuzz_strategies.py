"""Hypothesis strategies for the fuzz suite: array recipes (see fuzz_inputs)
over dtypes, extreme finite values, NaN/inf, degenerate shapes, strides,
read-only and guard-page memory, and the case dicts of every target."""
import math

from hypothesis import strategies as st

import fuzz_inputs

INF, NAN = math.inf, math.nan
# extreme finite values: overflow of squares / sums in float64 and float32,
# subnormals, signed zero
EXTREMES = (0.0, -0.0, 1.0, -1.0, 1e300, -1e300, 1.7e308, -1.7e308, 1e200, 1e160, -1e160,
            1e154, -1e154, 1e19, -1e19, 3e19, 1e20, 3.4e38, -3.4e38, 1e-300, 5e-324, -5e-324,
            1e-310, 1.4e-45, 1e-38, 1e-30, 2.0 ** 60, 65504.0, 1e6)
NONFINITE = (NAN, INF, -INF)
SCALES = (1.0, 1.0, 1.0, 1e-3, 1e3, 1e6, 1e19, -1e19, 3e19, 1e20, 1e38, 1e154, 1e160, 1e200,
          1e300, -1e300, 1e-300, 1e-310, 0.0)
FILLS = ("randn", "randn", "uniform", "near", "halves", "constant", "integers", "values")


def sizes(max_n=12, big=40):
    return st.one_of(st.integers(1, max_n), st.sampled_from((1, 2, 3, 7, 8, 9, 16, 17)),
                     st.just(big))


def dims():
    return st.one_of(st.integers(1, 6), st.sampled_from((1, 2, 3, 7, 8, 9, 15, 16, 17, 31,
                                                          32, 33, 64, 96)))


@st.composite
def recipes(draw, shape, dtypes=fuzz_inputs.FLOAT_DTYPES, nonfinite=False, layouts=None,
            storages=None, fills=FILLS, scales=SCALES):
    """A recipe for an array of `shape` (a tuple or a strategy of tuples)."""
    if not isinstance(shape, tuple):
        shape = draw(shape)
    r = {"shape": tuple(shape), "dtype": draw(st.sampled_from(dtypes)),
         "fill": draw(st.sampled_from(fills)), "scale": draw(st.sampled_from(scales)),
         "seed": draw(st.integers(0, 3))}
    if r["fill"] == "values":
        pool = EXTREMES + (NONFINITE if nonfinite else ())
        r["values"] = draw(st.lists(st.one_of(st.sampled_from(pool),
                                              st.floats(allow_nan=nonfinite,
                                                        allow_infinity=nonfinite)),
                                    min_size=1, max_size=8))
    size = 1
    for s in shape:
        size *= s
    vals = EXTREMES + (NONFINITE if nonfinite else ())
    if size and draw(st.booleans()):
        r["special"] = draw(st.lists(st.tuples(st.integers(0, max(0, size - 1)),
                                               st.sampled_from(vals)), max_size=3))
    if len(shape) == 2 and shape[0] > 1:
        if draw(st.integers(0, 4)) == 0:
            r["dup_rows"] = True
        if draw(st.integers(0, 4)) == 0:
            r["const_cols"] = [draw(st.integers(0, max(0, shape[1] - 1)))]
    r["layout"] = draw(st.sampled_from(layouts or fuzz_inputs.LAYOUTS))
    r["storage"] = draw(st.sampled_from(storages or fuzz_inputs.STORAGES))
    return r


def shapes2(max_n=12, max_d=None, min_n=1):
    d = dims() if max_d is None else st.integers(1, max_d)
    return st.tuples(st.one_of(st.integers(min_n, max_n), sizes(max_n)).filter(
        lambda n: n >= min_n), d)


# -- estimator hyper-parameters: small default-ish ones, and bad/extreme ones ---
BAD_VALUES = (0, -1, -1.5, 10 ** 9, 10 ** 30, 1e300, INF, -INF, NAN, None, "bogus", True,
              1e-300, 0.5, [1], "auto")

SMALL = {
    "AdaBoostClassifier": dict(n_estimators=3, random_state=0),
    "DecisionTreeClassifier": dict(random_state=0),
    "DecisionTreeRegressor": dict(random_state=0),
    "GradientBoostingClassifier": dict(n_estimators=3, random_state=0),
    "GradientBoostingRegressor": dict(n_estimators=3, random_state=0),
    "KMeans": dict(n_clusters=2, n_init=1, max_iter=20, random_state=0),
    "MiniBatchKMeans": dict(n_clusters=2, max_iter=5, random_state=0),
    "MLPClassifier": dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0),
    "MLPRegressor": dict(hidden_layer_sizes=(4,), max_iter=5, random_state=0),
    "RandomForestClassifier": dict(n_estimators=3, random_state=0),
    "RandomForestRegressor": dict(n_estimators=3, random_state=0),
    "LogisticRegression": dict(max_iter=30),
    "SGDClassifier": dict(max_iter=5, random_state=0),
    "SGDRegressor": dict(max_iter=5, random_state=0),
    "OneHotEncoder": dict(handle_unknown="ignore"),
    "PCA": dict(n_components=1),
}

# extra hyper-parameter values drawn per estimator (valid-but-extreme and invalid)
HYPER = {
    "KNeighborsClassifier": {"n_neighbors": (1, 2, 5, 50, 0, -1, 10 ** 9),
                             "algorithm": ("brute", "kd_tree", "auto"),
                             "weights": ("uniform", "distance"),
                             "metric": ("euclidean", "manhattan", "chebyshev", "minkowski",
                                        "sqeuclidean", "callable"),
                             "p": (1, 1.5, 2, 3, INF, 0.5, NAN),
                             "leaf_size": (1, 2, 30, 10 ** 9, 0)},
    "KNeighborsRegressor": None,     # same as the classifier
    "NearestNeighbors": None,
    "KMeans": {"n_clusters": (1, 2, 3, 50, 0), "max_iter": (1, 0), "tol": (0.0, 1e300, -1.0),
               "algorithm": ("lloyd", "elkan", "bogus")},
    "MiniBatchKMeans": {"n_clusters": (1, 2, 3, 50, 0), "batch_size": (1, 2, 10 ** 9, 0)},
    "PCA": {"n_components": (1, 2, 0.5, 0.999, None, 0, 50, -1, 1.5), "whiten": (True, False)},
    "Ridge": {"alpha": (0.0, 1e-300, 1e300, INF, NAN, -1.0)},
    "Lasso": {"alpha": (0.0, 1e-300, 1e300, INF, NAN, -1.0), "max_iter": (1, 5)},
    "ElasticNet": {"alpha": (0.0, 1e300, NAN), "l1_ratio": (0.0, 1.0, 2.0, NAN)},
    "LogisticRegression": {"C": (1e-300, 1e300, INF, NAN, 0.0), "penalty": ("l2", "l1", None),
                           "solver": ("lbfgs", "newton", "cg", "gd", "sgd")},
    "SGDClassifier": {"alpha": (1e-300, 1e300, INF, NAN), "eta0": (1e300, INF, 0.0),
                      "learning_rate": ("constant", "optimal", "invscaling", "adaptive"),
                      "loss": ("hinge", "log_loss", "modified_huber", "squared_hinge")},
    "SGDRegressor": {"alpha": (1e-300, 1e300, INF, NAN), "eta0": (1e300, INF, 0.0)},
    "DecisionTreeClassifier": {"max_depth": (1, 3, None, 0, 10 ** 9),
                               "min_samples_split": (2, 1, 1.0, 0.5, 10 ** 9),
                               "min_samples_leaf": (1, 0, 10 ** 9, 0.5),
                               "max_features": (None, 1, "sqrt", 10 ** 9, 0.5, 0),
                               "criterion": ("gini", "entropy", "log_loss", "bogus")},
    "DecisionTreeRegressor": {"max_depth": (1, 3, None, 0), "min_impurity_decrease": (0.0, 1e300,
                                                                                     INF, NAN)},
    "RandomForestClassifier": {"max_depth": (1, None), "bootstrap": (True, False),
                               "max_samples": (None, 1, 0.5, 10 ** 9)},
    "RandomForestRegressor": {"max_depth": (1, None), "max_samples": (None, 1, 0.5)},
    "GradientBoostingClassifier": {"learning_rate": (1e-300, 1e300, INF, NAN),
                                   "max_depth": (1, 3), "subsample": (1.0, 0.5, 1e-300)},
    "GradientBoostingRegressor": {"learning_rate": (1e-300, 1e300, INF, NAN),
                                  "loss": ("squared_error", "absolute_error", "huber")},
    "AdaBoostClassifier": {"learning_rate": (1e-300, 1e300, INF, NAN)},
    "GaussianNB": {"var_smoothing": (0.0, 1e-300, 1e300, INF, NAN)},
    "MultinomialNB": {"alpha": (0.0, 1e-300, 1e300, INF, NAN, None)},
    "BernoulliNB": {"alpha": (0.0, 1e300, INF, NAN), "binarize": (0.0, None, 1e300, NAN)},
    "MLPClassifier": {"alpha": (0.0, 1e300, INF), "learning_rate_init": (1e-300, 1e300, INF),
                      "hidden_layer_sizes": ((4,), (1,), (0,), (2, 2)),
                      "activation": ("relu", "tanh", "logistic", "identity"),
                      "solver": ("adam", "sgd", "lbfgs")},
    "MLPRegressor": None,
    "StandardScaler": {"with_mean": (True, False), "with_std": (True, False)},
    "MinMaxScaler": {"feature_range": ((0, 1), (-1e300, 1e300), (1, 0), (0, 0)),
                     "clip": (True, False)},
    "Normalizer": {"norm": ("l2", "l1", "max", "bogus")},
    "PolynomialFeatures": {"degree": (1, 2, 3, 0, 10 ** 9), "interaction_only": (True, False),
                           "include_bias": (True, False)},
    "LinearRegression": {"fit_intercept": (True, False), "solver": ("auto", "gd")},
}
for _a, _b in (("KNeighborsRegressor", "KNeighborsClassifier"),
               ("NearestNeighbors", "KNeighborsClassifier"), ("MLPRegressor", "MLPClassifier")):
    HYPER[_a] = {k: v for k, v in HYPER[_b].items() if k != "weights" or _a != "NearestNeighbors"}

CLASSIFIERS = ("AdaBoostClassifier", "BernoulliNB", "DecisionTreeClassifier", "GaussianNB",
               "GradientBoostingClassifier", "KNeighborsClassifier", "LogisticRegression",
               "MLPClassifier", "MultinomialNB", "RandomForestClassifier", "SGDClassifier")
UNSUPERVISED = ("KMeans", "MiniBatchKMeans", "NearestNeighbors", "PCA", "StandardScaler",
                "MinMaxScaler", "Normalizer", "OneHotEncoder", "PolynomialFeatures",
                "LabelEncoder")


@st.composite
def hyper_params(draw, name, bad_rate=4):
    """SMALL defaults + a few drawn values; 1 in bad_rate cases gets one value
    from BAD_VALUES for a random parameter of the estimator."""
    import inspect

    from fastml.utils import all_estimators

    params = dict(SMALL.get(name, {}))
    grid = HYPER.get(name) or {}
    for key in draw(st.lists(st.sampled_from(sorted(grid)), max_size=3, unique=True)) \
            if grid else ():
        params[key] = draw(st.sampled_from(grid[key]))
    if params.get("metric") == "callable":
        params["callable_kind"] = draw(st.sampled_from(("l1", "l1", "nan", "inf")))
    if draw(st.integers(0, bad_rate - 1)) == 0:
        cls = dict(all_estimators())[name]
        names = [p for p in inspect.signature(cls.__init__).parameters
                 if p not in ("self", "estimator", "steps", "param_grid", "verbose", "n_jobs",
                              "memory", "random_state", "warm_start", "copy")]
        if names:
            params[draw(st.sampled_from(names))] = draw(st.sampled_from(BAD_VALUES))
    return params


@st.composite
def estimator_cases(draw, name, long=False):
    n_max = 30 if long else 12
    shape = draw(shapes2(max_n=n_max, max_d=None if long else 20, min_n=0))
    nonfinite = draw(st.integers(0, 5)) == 0
    dtypes = fuzz_inputs.DTYPES if draw(st.integers(0, 3)) == 0 else fuzz_inputs.FLOAT_DTYPES
    X = draw(recipes(shape, dtypes=dtypes, nonfinite=nonfinite))
    if name == "MultinomialNB" and draw(st.booleans()):
        X["fill"], X["scale"] = "integers", abs(X["scale"]) or 1.0
    t_shape = (draw(st.integers(0, 6)), shape[1] if draw(st.integers(0, 9)) else shape[1] + 1)
    X_test = draw(st.one_of(st.none(), recipes(t_shape, dtypes=dtypes,
                                               nonfinite=draw(st.integers(0, 5)) == 0)))
    case = {"target": "estimator", "name": name, "params": draw(hyper_params(name)), "X": X,
            "X_test": X_test}
    if name in CLASSIFIERS:
        case["y"] = {"kind": "class", "n_classes": draw(st.sampled_from((1, 2, 2, 3, 5))),
                     "seed": draw(st.integers(0, 3)),
                     "labels": draw(st.sampled_from((None, None, ["a", "b", "c"], [-1, 1],
                                                     [1e300, -1e300], [0.5, 1.5, 2.5])))}
    elif name in UNSUPERVISED:
        case["y"] = None
    else:
        case["y"] = {"kind": "reg", "scale": draw(st.sampled_from((1.0, 1e-6, 1e6, 1e300, 1e-300))),
                     "seed": draw(st.integers(0, 3)),
                     "special": draw(st.lists(st.tuples(st.integers(0, 50),
                                                        st.sampled_from(EXTREMES + NONFINITE
                                                                        if nonfinite else
                                                                        EXTREMES)),
                                              max_size=1))}
    if name in ("NearestNeighbors", "KNeighborsClassifier", "KNeighborsRegressor"):
        case["k"] = draw(st.sampled_from((1, 2, 3, 5, 12, 50)))
    if draw(st.integers(0, 5)) == 0:
        case["sample_weight"] = draw(recipes((shape[0],), fills=("uniform", "constant", "values"),
                                             layouts=("C",), nonfinite=nonfinite))
    return case


@st.composite
def kdtree_cases(draw, long=False):
    shape = draw(shapes2(max_n=40 if long else 20, min_n=1))
    nonfinite = draw(st.integers(0, 6)) == 0
    X = draw(recipes(shape, nonfinite=nonfinite))
    q_shape = (draw(st.integers(0, 5)), shape[1])
    Q = draw(recipes(q_shape, nonfinite=draw(st.integers(0, 6)) == 0,
                     scales=SCALES + (1e200, -1e200, 1e250)))
    metric = draw(st.sampled_from(("euclidean", "sqeuclidean", "manhattan", "chebyshev",
                                   "minkowski", "l2", "cityblock")))
    case = {"target": "kdtree", "X": X, "Q": Q, "metric": metric,
            "p": draw(st.sampled_from((2, 1, 1.5, 3, INF))) if metric == "minkowski" else 2,
            "leaf_size": draw(st.sampled_from((1, 2, 3, 8, 40, 10 ** 9))),
            "op": draw(st.sampled_from(("query", "query", "radius")))}
    if case["op"] == "query":
        case["k"] = draw(st.one_of(st.integers(1, shape[0]), st.sampled_from((1, shape[0]))))
    else:
        case["r"] = draw(st.sampled_from((0.0, 1e-300, 0.5, 1.0, 3.0, 1e19, 1e154, 1e200,
                                          1e300, 1.7e308)))
        case["count_only"] = draw(st.booleans())
        case["return_distance"] = draw(st.booleans())
        case["sort"] = draw(st.booleans())
    return case


PAIRWISE_METRICS = ("euclidean", "l2", "sqeuclidean", "manhattan", "cityblock", "l1",
                    "chebyshev", "infinity", "minkowski", "cosine", "hamming")


@st.composite
def pairwise_cases(draw, long=False):
    shape = draw(shapes2(max_n=20 if long else 10, min_n=1))
    nonfinite = draw(st.integers(0, 6)) == 0
    X = draw(recipes(shape, nonfinite=nonfinite))
    Y = draw(st.one_of(st.none(), recipes((draw(st.integers(1, 8)), shape[1]),
                                          nonfinite=nonfinite)))
    metric = draw(st.sampled_from(PAIRWISE_METRICS))
    return {"target": "pairwise", "X": X, "Y": Y, "metric": metric,
            "p": draw(st.sampled_from((1, 1.5, 2, 3, 7.5, INF))) if metric == "minkowski" else 2,
            "n_jobs": draw(st.sampled_from((None, 1, 2)))}


def cpu_levels():
    """SIMD dispatch levels this machine runs (None: the default, chosen at import)."""
    from fastml._kernels import COMPILED, runtime

    if not COMPILED:
        return (None,)
    return (None,) + tuple(runtime.LEVELS[: runtime.LEVELS.index(runtime.cpu_level_hw()) + 1])


KERNEL_OPS = ("pairwise", "brute_knn", "tree_query", "tree_radius", "lloyd_step", "lloyd",
              "activation", "softmax", "loss", "cross_entropy", "dropout", "linear", "conv2d",
              "pool2d", "batchnorm", "recurrent", "optim", "tree", "enet", "hist", "sparse",
              "hgb", "gram", "hnsw")


@st.composite
def kernel_cases(draw, op, long=False):
    """Facade cases: contract-respecting (C-contiguous, one float dtype, finite
    where the contract says so) but with extreme values and guard-page storage."""
    finite_only = op in ("pairwise", "brute_knn", "tree_query", "tree_radius", "lloyd_step",
                         "lloyd", "tree", "enet", "batchnorm", "recurrent", "linear", "conv2d",
                         "sparse", "hnsw")
    vals = recipes((1,), nonfinite=not finite_only, layouts=("C",))
    case = {"target": "kernel", "op": op, "dtype": draw(st.sampled_from(("float32", "float64"))),
            "storage": draw(st.sampled_from(fuzz_inputs.STORAGES)),
            "n": draw(sizes(max_n=20, big=33)), "m": draw(sizes(max_n=9, big=17)),
            "d": draw(dims()), "seed": draw(st.integers(0, 3)),
            "level": draw(st.sampled_from(cpu_levels()))}
    for key in ("X", "Y", "w", "b", "dy", "h0", "c0"):
        r = draw(vals)
        r.pop("shape")
        r.pop("dtype")
        r.pop("storage")
        case[key] = r
    metrics = ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski")
    if op == "pairwise":
        case["metric"] = draw(st.sampled_from(metrics + ("cosine", "hamming")))
        case["direct"] = draw(st.booleans())
        case["same"] = draw(st.integers(0, 3)) == 0
    elif op in ("brute_knn", "tree_query", "tree_radius"):
        case["metric"] = draw(st.sampled_from(metrics))
        case["k"] = draw(st.integers(1, 12))
        case["leaf_size"] = draw(st.sampled_from((1, 2, 5, 40)))
        case["r"] = draw(st.sampled_from((0.0, 0.5, 1.0, 1e19, 1e200, 1e300)))
    if case.get("metric") == "minkowski":
        case["p"] = draw(st.sampled_from((1.0, 1.5, 3.0, 7.5)))
    if op == "activation":
        case["kind"] = draw(st.integers(0, 4))
        case["alpha"] = draw(st.sampled_from((0.01, 1.0, 0.0, -1.0, 1e300, 1e-300)))
    if op == "softmax":
        case["log"] = draw(st.booleans())
    if op == "loss":
        case["kind"] = draw(st.integers(0, 8))
        case["param"] = draw(st.sampled_from((1.0, 0.0, 1e-300, 1e300, 0.5)))
        case["dout"] = draw(st.sampled_from((1.0, 0.5, 1e-300)))
    if op == "dropout":
        case["p"] = draw(st.sampled_from((0.5, 1e-12, 0.999999, 0.1)))
        case["key"] = draw(st.integers(0, 2 ** 64 - 1))
    if op == "linear":
        case["act"] = draw(st.sampled_from((-1, 0)))
        case["bias"] = draw(st.booleans())
    if op in ("conv2d", "pool2d", "batchnorm", "recurrent"):
        case["shape4"] = (draw(st.integers(1, 3)), draw(st.integers(1, 3)),
                          draw(st.integers(1, 9)), draw(st.integers(1, 9)))
    if op == "conv2d":
        case["groups"] = draw(st.sampled_from((1, 1, 2)))
        case["K"] = draw(st.integers(1, 3))
        case["kernel"] = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        case["stride"] = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        case["padding"] = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        case["dilation"] = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
        case["bias"] = draw(st.booleans())
    if op == "pool2d":
        case["mode"] = draw(st.sampled_from(("max", "avg", "global")))
        case["kernel"] = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
        case["stride"] = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        case["padding"] = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
        case["count_include_pad"] = draw(st.booleans())
    if op == "batchnorm":
        case["four_d"] = draw(st.booleans())
        case["affine"] = draw(st.booleans())
        case["eps"] = draw(st.sampled_from((1e-5, 0.0, 1e-300, 1.0)))
    if op == "recurrent":
        case["lstm"] = draw(st.booleans())
        case["relu"] = draw(st.booleans())
        case["bias"] = draw(st.booleans())
    if op == "optim":
        case["algo"] = draw(st.sampled_from(("adam", "sgd")))
        case["lr"] = draw(st.sampled_from((1e-3, 1.0, 1e300, 0.0)))
        case["wd"] = draw(st.sampled_from((0.0, 0.1, 1e300)))
        case["momentum"] = draw(st.sampled_from((0.0, 0.9)))
        case["nesterov"] = draw(st.booleans())
        case["amsgrad"] = draw(st.booleans())
        case["decoupled"] = draw(st.booleans())
        case["first"] = draw(st.booleans())
    if op == "tree":
        case["criterion"] = draw(st.sampled_from((0, 1, 2)))
        case["max_depth"] = draw(st.sampled_from((1, 3, 20)))
    if op == "enet":
        case["l1"] = draw(st.sampled_from((0.0, 1.0, 1e300, 1e-300)))
        case["l2"] = draw(st.sampled_from((0.0, 1.0, 1e300)))
        case["positive"] = draw(st.booleans())
    return case


NN_OPS = ("relu", "sigmoid", "tanh", "identity", "leaky_relu", "elu", "softmax", "log_softmax",
          "dropout", "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss",
          "binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge_loss",
          "hinge_embedding_loss", "kl_div", "cross_entropy", "nll_loss", "linear", "conv2d",
          "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm")


@st.composite
def nn_cases(draw, op):
    nd = draw(st.sampled_from((1, 2, 2, 4, 4, 0, 3)))
    shape = tuple(draw(st.integers(0 if draw(st.integers(0, 6)) == 0 else 1, 5))
                  for _ in range(nd))
    dtypes = fuzz_inputs.FLOAT_DTYPES if draw(st.integers(0, 4)) else fuzz_inputs.DTYPES
    X = draw(recipes(shape, dtypes=dtypes, nonfinite=draw(st.booleans())))
    case = {"target": "nn", "op": op, "X": X, "requires_grad": draw(st.booleans()), "kwargs": {}}
    kw = case["kwargs"]
    if op in ("softmax", "log_softmax"):
        kw["dim"] = draw(st.integers(-3, 3))
    if op == "leaky_relu":
        kw["negative_slope"] = draw(st.sampled_from((0.01, 1e300, -1.0, NAN)))
    if op == "elu":
        kw["alpha"] = draw(st.sampled_from((1.0, 1e300, 0.0, NAN)))
    if op == "dropout":
        kw["p"] = draw(st.sampled_from((0.5, 0.0, 1.0, 1e-300, 1.5, -0.1, NAN)))
    if op in ("mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy",
              "binary_cross_entropy_with_logits", "hinge_loss", "hinge_embedding_loss",
              "kl_div"):
        yshape = shape if draw(st.integers(0, 5)) else tuple(s + 1 for s in shape)
        case["Y"] = draw(recipes(yshape, nonfinite=draw(st.booleans())))
        kw["reduction"] = draw(st.sampled_from(("mean", "sum", "none", "bogus")))
    if op in ("cross_entropy", "nll_loss"):
        n = shape[0] if shape else 0
        case["Y"] = {"shape": (n,), "dtype": draw(st.sampled_from(("int64", "int32", "float64"))),
                     "fill": "integers", "scale": draw(st.sampled_from((1.0, 1e19))),
                     "layout": "C", "storage": "heap"}
        if op == "cross_entropy":
            kw["reduction"] = draw(st.sampled_from(("mean", "sum", "none")))
            if draw(st.booleans()):
                kw["label_smoothing"] = draw(st.sampled_from((0.0, 0.1, 1.0, 2.0, NAN)))
            if draw(st.booleans()):
                kw["ignore_index"] = draw(st.sampled_from((-100, 0, 1)))
    if op == "linear":
        d = shape[-1] if shape else 1
        case["Y"] = draw(recipes((draw(st.integers(0, 4)), d if draw(st.integers(0, 6)) else d + 1),
                                 nonfinite=draw(st.booleans())))
    if op == "conv2d":
        C = shape[1] if len(shape) > 1 else 1
        case["Y"] = draw(recipes((draw(st.integers(1, 3)), C, draw(st.integers(1, 3)),
                                  draw(st.integers(1, 3))), nonfinite=draw(st.booleans())))
        kw["stride"] = draw(st.sampled_from((1, 2, 0, -1, (1, 2))))
        kw["padding"] = draw(st.sampled_from((0, 1, 2, -1, "same", "valid", 10 ** 6)))
        kw["dilation"] = draw(st.sampled_from((1, 2, 0)))
    if op in ("max_pool2d", "avg_pool2d"):
        kw["kernel_size"] = draw(st.sampled_from((1, 2, 3, 0, -1, (2, 1), 10 ** 6)))
        kw["stride"] = draw(st.sampled_from((None, 1, 2, 0)))
        kw["padding"] = draw(st.sampled_from((0, 1, 2, -1)))
    if op == "adaptive_avg_pool2d":
        kw["output_size"] = draw(st.sampled_from((1, 2, 3, (1, 2), 0, -1, 10 ** 6)))
    if op == "batch_norm":
        kw["training"] = draw(st.booleans())
        kw["eps"] = draw(st.sampled_from((1e-5, 0.0, -1.0, 1e300, NAN)))
        kw["momentum"] = draw(st.sampled_from((0.1, 0.0, 1.0, NAN)))
    return case
KERNEL_OPS = KERNEL_OPS + ("kmeans_sparse",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("dbscan",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("svm",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("bspline", "tdlearn")  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("binning",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("linkage",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("gmm",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("layernorm",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("logistic",)  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("activation_extra", "gru")  # noqa: E305
KERNEL_OPS = KERNEL_OPS + ("embedding",)  # noqa: E305
_kernel_cases_base = kernel_cases


@st.composite
def kernel_cases(draw, op, long=False):  # noqa: F811
    """kernel_cases plus the parameters of the ops appended after it: the
    activation kinds 5-14 with their (alpha, beta), and the GRU's shapes."""
    case = draw(_kernel_cases_base(op, long))
    if op == "activation_extra":
        kind = draw(st.integers(5, 14))
        a, b = 0.0, 0.0
        if kind == 8:  # softplus: beta, threshold
            a = draw(st.sampled_from((1.0, 2.5, 0.5, 1e-3)))
            b = draw(st.sampled_from((20.0, 3.0, 0.0)))
        elif kind == 14:  # hardtanh: min_val < max_val
            a, b = draw(st.sampled_from(((-1.0, 1.0), (-0.5, 2.0), (0.0, 6.0), (-1e30, 1e30))))
        case.update(kind=kind, alpha=a, beta=b)
    if op == "gru":  # finite values, as the recurrent family's contract
        vals = recipes((1,), nonfinite=False, layouts=("C",))
        for key in ("X", "Y", "w", "b", "dy", "h0", "c0"):
            r = draw(vals)
            for k in ("shape", "dtype", "storage"):
                r.pop(k)
            case[key] = r
        case["shape4"] = (draw(st.integers(1, 3)), draw(st.integers(1, 3)),
                          draw(st.integers(1, 9)), draw(st.integers(1, 9)))
        case["bias"] = draw(st.booleans())
        case["relu"] = draw(st.booleans())  # here: whether dx is asked for
    return case
