"""Fuzz the kernel-family facades in fastml._kernels directly, with inputs
that respect each facade's documented contract (C-contiguous, one float dtype,
finite where required, documented ranges) but take extreme values and live in
guard-page memory (a read one element past the end or before the start of
any input is a SIGSEGV in the worker). Results are checked against the NumPy
twins in fastml._kernels.reference (or exact brute-force truths for distances,
neighbours and k-means assignments). Every family of csrc/families.def is
covered: gemm via dense/conv2d, distance, kdtree, knn, kmeans, enet (linear),
tree, optim, activation, loss, dropout, dense, conv2d, pool2d, batchnorm,
recurrent.
"""
import pytest
from hypothesis import given

import fuzz_harness
import fuzz_strategies as fs
from conftest import LONG, fuzz_settings

from fastml._kernels import runtime

_MORE = {"pairwise": 150, "brute_knn": 60, "tree_query": 40, "tree_radius": 25}


@pytest.mark.parametrize("op", fs.KERNEL_OPS)
def test_kernel_facade_matches_twin(op):
    @fuzz_settings(_MORE.get(op, 10))
    @given(case=fs.kernel_cases(op, long=LONG))
    def run(case):
        fuzz_harness.check(case)

    run()


# family -> the facade ops that reach it (gemm: the float32 dense/conv paths)
FAMILY_OPS = {"gemm": ("linear", "conv2d"), "distance": ("pairwise",),
              "kdtree": ("tree_query", "tree_radius"), "knn": ("brute_knn",),
              "kmeans": ("lloyd_step", "lloyd"), "enet": ("enet",), "tree": ("tree",),
              "optim": ("optim",), "activation": ("activation", "softmax"),
              "loss": ("loss", "cross_entropy"), "dropout": ("dropout",), "dense": ("linear",),
              "conv2d": ("conv2d",), "pool2d": ("pool2d",), "batchnorm": ("batchnorm",),
              "recurrent": ("recurrent",), "hist": ("hist",),
              "sparse": ("sparse",), "hgb": ("hgb",), "gram": ("gram",),
              "hnsw": ("hnsw",)}


def test_every_kernel_family_is_fuzzed():
    if runtime is None:  # FASTML_BACKEND=reference: the family list is the compiled module's
        pytest.skip("needs the compiled kernels (their family list)")
    families = set(runtime.family_levels())
    assert families <= set(FAMILY_OPS), sorted(families - set(FAMILY_OPS))
    assert {op for ops in FAMILY_OPS.values() for op in ops} <= set(fs.KERNEL_OPS)


FAMILY_OPS["kmeans_sparse"] = ("kmeans_sparse",)
FAMILY_OPS["dbscan"] = ("dbscan",)
FAMILY_OPS["svm"] = ("svm",)
FAMILY_OPS["bspline"] = ("bspline",)  # Numba families (no families.def row)
FAMILY_OPS["tdlearn"] = ("tdlearn",)
FAMILY_OPS["binning"] = ("binning",)
FAMILY_OPS["linkage"] = ("linkage",)
FAMILY_OPS["gmm"] = ("gmm",)
FAMILY_OPS["layernorm"] = ("layernorm",)
FAMILY_OPS["logistic"] = ("logistic",)
FAMILY_OPS["embedding"] = ("embedding",)
FAMILY_OPS["activation"] += ("activation_extra",)
FAMILY_OPS["recurrent"] += ("gru",)
