"""Fuzz KDTree (query, query_radius) and pairwise_distances (every metric and
alias) through the public API: indices always in [0, n_samples), the k
returned neighbours are the k nearest (float64 truth on scaled data, so 1e300
is exact), radius counts match brute force, distances are finite wherever the
true distance fits the output dtype, and bad input raises a clean exception.
"""
from hypothesis import given

import fuzz_harness
import fuzz_strategies as fs
from conftest import LONG, fuzz_settings


@fuzz_settings(100)
@given(case=fs.kdtree_cases(long=LONG))
def test_kdtree_never_crashes_and_answers_exactly(case):
    fuzz_harness.check(case)


@fuzz_settings(200)
@given(case=fs.pairwise_cases(long=LONG))
def test_pairwise_distances_finite_and_exact(case):
    fuzz_harness.check(case)
