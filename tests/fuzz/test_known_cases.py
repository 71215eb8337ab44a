"""Explicit regression list: the bugs of issue 11 items 1-4 (and bugs the fuzz
suite found since), each as one fixed case run in the fuzz worker subprocess
(a crash is a failure, not a dead test run).

Each is marked xfail(strict=False) while open; once a fix lands the case
passes (XPASS) and the lead removes its mark -- the generative tests in this
directory must then stop hitting the bug too. The cases use the same recipe
format as the generative tests (see fuzz_inputs.py).
"""
import pytest

import fuzz_harness


def _const(shape, value, dtype="float64", storage="heap"):
    return {"shape": shape, "dtype": dtype, "fill": "constant", "scale": value,
            "layout": "C", "storage": storage}


def _halves(shape, value, dtype="float64", storage="heap"):
    return {"shape": shape, "dtype": dtype, "fill": "halves", "scale": value,
            "layout": "C", "storage": storage}


def _values(shape, values, dtype="float64", storage="heap"):
    return {"shape": shape, "dtype": dtype, "fill": "values", "values": list(values),
            "layout": "C", "storage": storage}


def _nn(X, X_test, k, algorithm="brute"):
    return {"target": "estimator", "name": "NearestNeighbors",
            "params": {"n_neighbors": k, "algorithm": algorithm}, "X": X, "X_test": X_test,
            "y": None, "k": k, "methods": ("kneighbors",)}


def _xfail(item, what):
    return pytest.mark.xfail(strict=False, reason=f"issue 11 item {item}: {what}")


KNOWN = [
    # the bad index wraps X + INT64_MAX*d*4 to 64 bytes BEFORE X: the guard page
    # before the data turns the silent read into the SIGSEGV of the issue
    pytest.param(_nn(_halves((20, 16), 1e19, "float32", "guard_before"),
                     _const((3, 16), 1e19, "float32"), 5),
                 id="item1-brute-knn-float32-1e19-d16-memmap",
                 marks=_xfail(1, "brute-force kNN reads X[INT64_MAX] (float32 1e19, d=16)")),
    pytest.param(_nn(_halves((20, 16), 1e300), _const((1, 16), 1e300), 12),
                 id="item1-brute-knn-float64-1e300-d16",
                 marks=_xfail(1, "brute-force kNN returns INT64_MAX (float64 1e300, d=16)")),
    pytest.param(_nn(_halves((20, 16), 1e154, storage="guard_before"),
                     _const((2, 16), 1e154), 4),
                 id="item1-brute-knn-float64-1e154-d16",
                 marks=_xfail(1, "brute-force kNN INT64_MAX / crash (float64 1e154, d=16)")),
    pytest.param({"target": "kdtree", "X": _values((101, 1), range(101)),
                  "Q": _values((1, 1), [1e200]), "leaf_size": 2, "op": "query", "k": 1},
                 id="item2-kdtree-far-query-1e200",
                 marks=_xfail(2, "k-d tree query far away returns INT64_MAX")),
    pytest.param({"target": "kdtree", "X": _values((101, 1), range(101)),
                  "Q": _values((1, 1), [1e200]), "leaf_size": 2, "op": "radius", "r": 1e300,
                  "count_only": True},
                 id="item2-kdtree-far-query-radius-count",
                 marks=_xfail(2, "k-d tree query_radius far away counts 0 instead of 101")),
    pytest.param({"target": "kdtree", "X": {"shape": (40, 3), "fill": "randn", "scale": 1e300,
                                            "seed": 10},
                  "Q": {"shape": (5, 3), "fill": "randn", "scale": 1e300, "seed": 10},
                  "leaf_size": 2, "op": "query", "k": 3},
                 id="item2-kdtree-1e300-data",
                 marks=_xfail(2, "k-d tree on 1e300-scale data returns INT64_MAX")),
    pytest.param({"target": "kdtree", "X": _values((5, 2), [0.5, 1.5, 2.5], "float32"),
                  "Q": _values((1, 2), [1e300]), "leaf_size": 1, "op": "query", "k": 2},
                 id="item2-kdtree-float32-tree-float64-1e300-query",
                 marks=_xfail(2, "float32 tree queried with float64 1e300: cast to inf "
                                 "after validation")),
    pytest.param({"target": "pairwise", "X": _const((1, 96), 1e160),
                  "Y": _const((1, 96), 1e160 * (1 + 1e-10)), "metric": "euclidean"},
                 id="item4-euclidean-float64-1e160-d96",
                 marks=_xfail(4, "euclidean BLAS expansion gives NaN near 1e160 (d=96)")),
    pytest.param({"target": "pairwise", "X": _const((1, 32), 1e19, "float32"),
                  "Y": _const((1, 32), 1.0000001e19, "float32"), "metric": "euclidean"},
                 id="item4-euclidean-float32-1e19-d32",
                 marks=_xfail(4, "float32 euclidean NaN around 1e19 (d=32)")),
    pytest.param({"target": "pairwise", "X": _values((1, 4), [1e20, 0, 0, 0], "float32"),
                  "Y": _values((1, 4), [1e20, 1e20, 0, 0], "float32"), "metric": "cosine"},
                 id="item4-cosine-float32-1e20",
                 marks=_xfail(4, "float32 cosine [1e20,0,0,0] vs [1e20,1e20,0,0] is NaN "
                                 "(true 0.293)")),
]


def _found(what):
    return pytest.mark.xfail(strict=False, reason=f"found by the fuzz suite: {what}")


FOUND = [
    pytest.param({"target": "estimator", "name": "SGDClassifier",
                  "params": {"learning_rate": "optimal", "alpha": 1e300, "max_iter": 5,
                             "random_state": 0},
                  "X": _values((4, 1), [0.5, -1.0, 2.0, 1.5]), "X_test": None,
                  "y": {"kind": "class", "n_classes": 2, "seed": 1}},
                 id="sgd-optimal-alpha-1e300-zerodivision",
                 marks=_found("SGDClassifier(alpha=1e300, learning_rate='optimal') raises "
                              "ZeroDivisionError from the jitted epoch")),
    pytest.param({"target": "estimator", "name": "MiniBatchKMeans",
                  "params": {"n_clusters": 2, "max_iter": 5, "random_state": 0},
                  "X": _values((3, 1), [1e300, 0.3, 0.3]), "X_test": None, "y": None},
                 id="minibatch-kmeans-1e300-attributeerror",
                 marks=_found("MiniBatchKMeans on [[1e300],[.3],[.3]]: AttributeError "
                              "'NoneType' object has no attribute 'astype'")),
    pytest.param({"target": "estimator", "name": "DecisionTreeRegressor",
                  "params": {"random_state": 0}, "X": _values((2, 1), [0.0, 1.0]),
                  "X_test": None, "y": {"kind": "reg", "scale": 1.0, "special": [(0, 1.7e308)]},
                  "sample_weight": _values((2,), [3.0, 1.0])},
                 id="tree-regressor-weighted-y-1.7e308-inf",
                 marks=_found("DecisionTreeRegressor with sample_weight and y ~1.7e308 "
                              "predicts inf (weighted leaf mean overflows)")),
    pytest.param({"target": "kernel", "op": "recurrent", "dtype": "float32",
                  "storage": "guard_before", "n": 17, "m": 3, "d": 6, "seed": 2,
                  "X": {"fill": "values", "values": [-1e19, 2.2e-216, 1e200, -5e-324],
                        "special": [(0, 1e-30)]},
                  "Y": {"fill": "halves", "scale": 1e160, "seed": 3},
                  "w": {"fill": "integers", "scale": 1.0, "seed": 1},
                  "b": {"fill": "randn", "scale": 1.0}, "dy": {"fill": "integers", "scale": -1e19},
                  "h0": {"fill": "uniform", "scale": 1e160},
                  "c0": {"fill": "randn", "scale": 1e200},
                  "shape4": (1, 2, 5, 5), "lstm": False, "relu": False, "bias": False},
                 id="rnn-tanh-float32-overflowed-preactivation-nan",
                 marks=_found("float32 RNN (tanh) forward gives NaN where the twin gives "
                              "+-1 (pre-activation overflows to inf)")),
    pytest.param({"target": "kernel", "op": "batchnorm", "dtype": "float32",
                  "storage": "guard_before", "n": 33, "m": 17, "d": 1, "seed": 2,
                  "X": {"fill": "randn", "scale": 1e154, "seed": 1,
                        "special": [(0, 1e6), (0, 1e200)]},
                  "w": {"fill": "randn", "scale": 1e19}, "b": {"fill": "constant", "scale": 1e6},
                  "dy": {"fill": "constant", "scale": 1e160},
                  "shape4": (1, 3, 3, 7), "four_d": True, "affine": True, "eps": 1e-300},
                 id="batchnorm-float32-3e38-nan",
                 marks=_found("float32 batch norm forward_train of saturated (+-3.4e38) data "
                              "gives -inf where the twin's value is finite")),
    pytest.param({"target": "estimator", "name": "RandomForestRegressor",
                  "params": {"n_estimators": 3, "random_state": 0},
                  "X": _values((2, 1), [0.3]), "X_test": None,
                  "y": {"kind": "reg", "scale": 1.0, "special": [(1, 1.0)]},
                  "sample_weight": _values((2,), [1.0, 0.0]), "repeat": 100},
                 id="forest-regressor-zero-weight-sample-memory-corruption",
                 marks=_found("RandomForestRegressor with a zero sample_weight: IndexError in "
                              "_forest._tree_outputs, and SIGSEGV after a few repeats")),
    pytest.param({"target": "nn", "op": "mse_loss", "X": _values((0, 3), [0.0]),
                  "Y": _values((0, 3), [0.0]), "requires_grad": True,
                  "kwargs": {"reduction": "mean"}},
                 id="nn-loss-mean-empty-backward-zerodivision",
                 marks=_found("mse_loss (any pointwise loss) of an empty input, "
                              "reduction='mean', backward: ZeroDivisionError")),
]


@pytest.mark.parametrize("case", KNOWN + FOUND)
def test_known_case(case):
    fuzz_harness.check(case)
