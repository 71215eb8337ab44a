"""Explicit regression list: the bugs of issue 11 items 1-4 (and bugs the fuzz
suite found since), each as one fixed case run in the fuzz worker subprocess
(a crash is a failure, not a dead test run).

Every case here failed before its fix and passes now. Three findings were
left out because fastml gives what the reference library gives, stated here so
that they are not re-filed: DecisionTreeRegressor with sample_weight and
y ~1.7e308 predicts inf (scikit-learn 1.9 too: the weighted leaf sum
overflows); float32 RNN and batch norm on saturated (+-3.4e38) data give
inf/NaN where the float64 twin is finite (float32 partial sums overflow, the
same judgement as for dense and conv2d; PyTorch float32 gives NaN there too).
The cases use the same recipe format as the generative tests (see
fuzz_inputs.py).
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


KNOWN = [
    # the bad index wraps X + INT64_MAX*d*4 to 64 bytes BEFORE X: the guard page
    # before the data turns the silent read into the SIGSEGV of the issue
    pytest.param(_nn(_halves((20, 16), 1e19, "float32", "guard_before"),
                     _const((3, 16), 1e19, "float32"), 5),
                 id="item1-brute-knn-float32-1e19-d16-memmap"),
    pytest.param(_nn(_halves((20, 16), 1e300), _const((1, 16), 1e300), 12),
                 id="item1-brute-knn-float64-1e300-d16"),
    pytest.param(_nn(_halves((20, 16), 1e154, storage="guard_before"),
                     _const((2, 16), 1e154), 4),
                 id="item1-brute-knn-float64-1e154-d16"),
    pytest.param({"target": "kdtree", "X": _values((101, 1), range(101)),
                  "Q": _values((1, 1), [1e200]), "leaf_size": 2, "op": "query", "k": 1},
                 id="item2-kdtree-far-query-1e200"),
    pytest.param({"target": "kdtree", "X": _values((101, 1), range(101)),
                  "Q": _values((1, 1), [1e200]), "leaf_size": 2, "op": "radius", "r": 1e300,
                  "count_only": True},
                 id="item2-kdtree-far-query-radius-count"),
    pytest.param({"target": "kdtree", "X": {"shape": (40, 3), "fill": "randn", "scale": 1e300,
                                            "seed": 10},
                  "Q": {"shape": (5, 3), "fill": "randn", "scale": 1e300, "seed": 10},
                  "leaf_size": 2, "op": "query", "k": 3},
                 id="item2-kdtree-1e300-data"),
    pytest.param({"target": "kdtree", "X": _values((5, 2), [0.5, 1.5, 2.5], "float32"),
                  "Q": _values((1, 2), [1e300]), "leaf_size": 1, "op": "query", "k": 2},
                 id="item2-kdtree-float32-tree-float64-1e300-query"),
    pytest.param({"target": "pairwise", "X": _const((1, 96), 1e160),
                  "Y": _const((1, 96), 1e160 * (1 + 1e-10)), "metric": "euclidean"},
                 id="item4-euclidean-float64-1e160-d96"),
    pytest.param({"target": "pairwise", "X": _const((1, 32), 1e19, "float32"),
                  "Y": _const((1, 32), 1.0000001e19, "float32"), "metric": "euclidean"},
                 id="item4-euclidean-float32-1e19-d32"),
    pytest.param({"target": "pairwise", "X": _values((1, 4), [1e20, 0, 0, 0], "float32"),
                  "Y": _values((1, 4), [1e20, 1e20, 0, 0], "float32"), "metric": "cosine"},
                 id="item4-cosine-float32-1e20"),
]


FOUND = [
    pytest.param({"target": "estimator", "name": "SGDClassifier",
                  "params": {"learning_rate": "optimal", "alpha": 1e300, "max_iter": 5,
                             "random_state": 0},
                  "X": _values((4, 1), [0.5, -1.0, 2.0, 1.5]), "X_test": None,
                  "y": {"kind": "class", "n_classes": 2, "seed": 1}},
                 id="sgd-optimal-alpha-1e300-zerodivision"),
    pytest.param({"target": "estimator", "name": "MiniBatchKMeans",
                  "params": {"n_clusters": 2, "max_iter": 5, "random_state": 0},
                  "X": _values((3, 1), [1e300, 0.3, 0.3]), "X_test": None, "y": None},
                 id="minibatch-kmeans-1e300-attributeerror"),
                pytest.param({"target": "estimator", "name": "RandomForestRegressor",
                  "params": {"n_estimators": 3, "random_state": 0},
                  "X": _values((2, 1), [0.3]), "X_test": None,
                  "y": {"kind": "reg", "scale": 1.0, "special": [(1, 1.0)]},
                  "sample_weight": _values((2,), [1.0, 0.0]), "repeat": 100},
                 id="forest-regressor-zero-weight-sample-memory-corruption"),
    pytest.param({"target": "nn", "op": "mse_loss", "X": _values((0, 3), [0.0]),
                  "Y": _values((0, 3), [0.0]), "requires_grad": True,
                  "kwargs": {"reduction": "mean"}},
                 id="nn-loss-mean-empty-backward-zerodivision"),
]


# Found by the hour-long run (FASTML_FUZZ=long, 6,941 cases): float32 running
# sums that overflow where the result does not (avg_pool2d windows, loss sums:
# redone in double), a batch-norm scale 1/sqrt(var + eps) beyond float32 (eps
# 1e-300: normalised in double), and LSH -- an approximate index -- held to
# exact neighbours by the harness (now: distances must be right, the choice
# may miss), an SGDClassifier whose float64 intercept overflows float32 (now
# scikit-learn's overflow ValueError), and HNSW on float32 data holding 3e38 that
# reported 0 for a neighbour 1e-3 away (now recomputed at the data's scale).
# Recipes verbatim from the run's reproducers.
_NUM = {"nan": float("nan"), "inf": float("inf")}
FOUND_LONG = [pytest.param(eval(text, {"__builtins__": {}}, _NUM), id=name) for name, text in [
    ("long-run-pool2d-float32-overflow",
     "{'target': 'kernel', 'op': 'pool2d', 'dtype': 'float32', 'storage': 'heap', 'n': 1, 'm':"
     " 1, 'd': 1, 'seed': 0, 'level': None, 'X': {'fill': 'randn', 'scale': 1e+154, 'seed': 0,"
     " 'layout': 'C'}, 'Y': {'fill': 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, 'w': {'"
     "fill': 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, 'b': {'fill': 'randn', 'scale':"
     " 1.0, 'seed': 0, 'layout': 'C'}, 'dy': {'fill': 'randn', 'scale': 1.0, 'seed': 0, 'layou"
     "t': 'C'}, 'h0': {'fill': 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, 'c0': {'fill'"
     ": 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, 'shape4': (1, 1, 1, 4), 'mode': 'avg"
     "', 'kernel': (1, 2), 'stride': (1, 1), 'padding': (0, 0), 'count_include_pad': False}"),
    ("long-run-loss-float32-overflow",
     "{'target': 'kernel', 'op': 'loss', 'dtype': 'float32', 'storage': 'heap', 'n': 33, 'm': "
     "17, 'd': 1, 'seed': 0, 'level': 'baseline', 'X': {'fill': 'integers', 'scale': 1e+160, '"
     "seed': 2, 'special': [], 'layout': 'C'}, 'Y': {'fill': 'uniform', 'scale': 1e-300, 'seed"
     "': 2, 'special': [(0, 5e-324), (0, 1e-38)], 'layout': 'C'}, 'w': {'fill': 'uniform', 'sc"
     "ale': 1e+200, 'seed': 0, 'layout': 'C'}, 'b': {'fill': 'halves', 'scale': 1e+38, 'seed':"
     " 2, 'layout': 'C'}, 'dy': {'fill': 'randn', 'scale': 1.0, 'seed': 2, 'special': [], 'lay"
     "out': 'C'}, 'h0': {'fill': 'constant', 'scale': 1e-300, 'seed': 1, 'special': [(0, 1.7e+"
     "308), (0, 5e-324)], 'layout': 'C'}, 'c0': {'fill': 'values', 'scale': 0.001, 'seed': 3, "
     "'values': [nan, 5e-324, 1e-06, 4.653027360037381e+16, -1.401298464324817e-45, 1e-06], 'l"
     "ayout': 'C'}, 'kind': 4, 'param': 1e-300, 'dout': 1e-300}"),
    ("long-run-batchnorm-float32-overflow",
     "{'target': 'kernel', 'op': 'batchnorm', 'dtype': 'float32', 'storage': 'heap', 'n': 1, '"
     "m': 1, 'd': 1, 'seed': 0, 'level': None, 'X': {'fill': 'randn', 'scale': 1e+154, 'seed':"
     " 0, 'special': [(0, -1e+300)], 'layout': 'C'}, 'Y': {'fill': 'randn', 'scale': 1.0, 'see"
     "d': 0, 'layout': 'C'}, 'w': {'fill': 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, '"
     "b': {'fill': 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, 'dy': {'fill': 'randn', '"
     "scale': 1.0, 'seed': 0, 'layout': 'C'}, 'h0': {'fill': 'randn', 'scale': 1.0, 'seed': 0,"
     " 'layout': 'C'}, 'c0': {'fill': 'randn', 'scale': 1.0, 'seed': 0, 'layout': 'C'}, 'shape"
     "4': (1, 1, 1, 1), 'four_d': False, 'affine': False, 'eps': 1e-300}"),
    ("long-run-sgd-float32-intercept-overflow",
     "{'target': 'estimator', 'name': 'SGDClassifier', 'params': {'max_iter': 5, 'random_state"
     "': 0, 'learning_rate': 'optimal', 'alpha': 1e-300, 'loss': 'modified_huber'}, 'X': {'sha"
     "pe': (22, 96), 'dtype': 'float32', 'fill': 'constant', 'scale': 1e-310, 'seed': 2, 'spec"
     "ial': [(22, 1e-38)], 'dup_rows': True, 'layout': 'F', 'storage': 'guard_after'}, 'X_test"
     "': None, 'y': {'kind': 'class', 'n_classes': 3, 'seed': 0, 'labels': None}}"),
    ("long-run-hnsw-rescaled-float32-small-distance",
     "{'target': 'estimator', 'name': 'HNSW', 'params': {}, 'X': {'shape': (40, 1), 'dtype': '"
     "float32', 'fill': 'randn', 'scale': 1e-300, 'seed': 0, 'special': [(0, 1e+300)], 'dup_ro"
     "ws': True, 'const_cols': [0], 'layout': 'C', 'storage': 'heap'}, 'X_test': {'shape': (2,"
     " 1), 'dtype': 'float64', 'fill': 'randn', 'scale': 0.001, 'seed': 0, 'dup_rows': True, '"
     "const_cols': [0], 'layout': 'C', 'storage': 'heap'}, 'y': {'kind': 'reg', 'scale': 1.0, "
     "'seed': 0, 'special': []}}"),
    ("long-run-lsh-approximate-neighbours",
     "{'target': 'estimator', 'name': 'LSH', 'params': {}, 'X': {'shape': (40, 33), 'dtype': '"
     "float64', 'fill': 'uniform', 'scale': 3e+19, 'seed': 1, 'special': [(333, 1.7e+308)], 'l"
     "ayout': 'rows_step2', 'storage': 'guard_before'}, 'X_test': None, 'y': {'kind': 'reg', '"
     "scale': 1e-300, 'seed': 0, 'special': [(4, 1e+160)]}}"),
]]


@pytest.mark.parametrize("case", KNOWN + FOUND + FOUND_LONG)
def test_known_case(case):
    fuzz_harness.check(case)
