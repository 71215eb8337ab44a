"""Fuzz every public estimator (fastml.utils.all_estimators()): fit, then
predict / predict_proba / transform / kneighbors / decision_function / score
as available, on generated data (dtypes incl. int/bool/object/float16, extreme
finite values, NaN/inf, 0 or 1 rows, 1 feature, constant columns, duplicate
rows, strided / Fortran / reversed layouts, read-only and guard-page memory)
with small default-ish hyper-parameters plus drawn extreme and invalid ones.

Each case runs in the fuzz worker subprocess (fuzz_harness); a crash, hang,
out-of-range or wrong neighbour index, prediction outside classes_ / the range
of y, NaN from moderate finite input or an unclean exception fails the test
with a reproducer. Short profile by default; FASTML_FUZZ=long for the long
run (see conftest.py for the command).
"""
import pytest
from hypothesis import given

import fuzz_harness
import fuzz_strategies as fs
from conftest import LONG, fuzz_settings

from fastml.utils import all_estimators

NAMES = [name for name, _ in all_estimators()]
# meta-estimators wrap Ridge / StandardScaler: fewer examples
_FEW = {"GridSearchCV": 3, "Pipeline": 3, "LabelEncoder": 3}
_SLOW = {"GradientBoostingClassifier", "GradientBoostingRegressor", "AdaBoostClassifier",
         "RandomForestClassifier", "RandomForestRegressor", "MLPClassifier", "MLPRegressor",
         "LogisticRegression", "SGDClassifier"}


def _settings(name):
    return fuzz_settings(_FEW.get(name, 3 if name in _SLOW else 5))


@pytest.mark.parametrize("name", NAMES)
def test_estimator_never_crashes(name):
    @_settings(name)
    @given(case=fs.estimator_cases(name, long=LONG))
    def run(case):
        fuzz_harness.check(case)

    run()


def test_every_public_estimator_is_fuzzed():
    assert len(NAMES) >= 30
