"""Fuzz fastml.nn.functional ops through the public API with autograd: any
shape (0-d, empty, 1-d, 4-d), dtype (float and not), NaN/inf, extreme values,
strided / guard-page memory and invalid arguments. Forward and backward must
return (gradient shaped like the input; bounded ops finite for finite input)
or raise a clean exception."""
import pytest
from hypothesis import given

import fuzz_harness
import fuzz_strategies as fs
from conftest import fuzz_settings


@pytest.mark.parametrize("op", fs.NN_OPS)
def test_nn_functional_never_crashes(op):
    @fuzz_settings(5)
    @given(case=fs.nn_cases(op))
    def run(case):
        fuzz_harness.check(case)

    run()
