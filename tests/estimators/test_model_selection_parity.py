"""Model-selection parity with scikit-learn: failing scorers with error_score,
ParameterGrid indexing, GridSearchCV verbose/pre_dispatch."""
import warnings

import numpy as np
import pytest

from fastml.linear_model import LogisticRegression
from fastml.model_selection import GridSearchCV, ParameterGrid, cross_validate

sms = pytest.importorskip("sklearn.model_selection")


def _failing(estimator, X, y):
    raise ValueError("scorer broke")


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("error_score", [np.nan, 0.0])
def test_failing_scorer_gives_error_score_with_warning(data, error_score):
    X, y = data
    scoring = {"ok": "accuracy", "bad": _failing}
    with pytest.warns(UserWarning, match="Scoring failed. The score on this train-test "
                      f"partition for these parameters will be set to {error_score}"):
        ours = cross_validate(LogisticRegression(), X, y, cv=3, scoring=scoring,
                              error_score=error_score, return_train_score=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sms.cross_validate(LogisticRegression(), X, y, cv=3, scoring=scoring,
                                    error_score=error_score, return_train_score=True)
    for key in ("test_ok", "test_bad", "train_ok", "train_bad"):
        np.testing.assert_allclose(ours[key], theirs[key])
    with pytest.raises(ValueError, match="scorer broke"):
        cross_validate(LogisticRegression(), X, y, cv=3, scoring=_failing, error_score="raise")


@pytest.mark.parametrize("grid", [
    {"a": [1, 2, 3], "b": ["x", "y"]},
    [{"a": [1, 2]}, {"b": [0.1, 0.2, 0.3], "c": [True, False]}, {"d": [None]}],
])
def test_parameter_grid_getitem(grid):
    ours, theirs = ParameterGrid(grid), sms.ParameterGrid(grid)
    assert [ours[i] for i in range(len(ours))] == list(ours) == [theirs[i]
                                                                  for i in range(len(theirs))]
    with pytest.raises(IndexError):
        ours[len(ours)]


def test_grid_search_verbose_and_pre_dispatch(data, capsys):
    X, y = data
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3, verbose=1,
                          pre_dispatch=4).fit(X, y)
    assert "Fitting 3 folds for each of 2 candidates, totalling 6 fits" in capsys.readouterr().out
    assert search.get_params()["pre_dispatch"] == 4
    with pytest.raises(ValueError, match="verbose"):
        GridSearchCV(LogisticRegression(), {"C": [1.0]}, verbose="loud").fit(X, y)


def test_stratified_train_test_split_is_sklearns():
    """train_test_split(stratify=...) draws scikit-learn's StratifiedShuffleSplit."""
    ms = pytest.importorskip("sklearn.model_selection")
    from fastml.model_selection import train_test_split

    rng = np.random.RandomState(0)
    X, y = np.arange(103), rng.randint(0, 4, 103)
    for rs in range(5):
        for ts in (0.3, 17):
            want = ms.train_test_split(X, y, test_size=ts, stratify=y, random_state=rs)
            got = train_test_split(X, y, test_size=ts, stratify=y, random_state=rs)
            for a, b in zip(got, want):
                np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"Classes with too few members are: \[7\]"):
        train_test_split(X[:5], stratify=[1, 1, 2, 2, 7])


def test_sparse_any_format_precomputed_kernel_and_dict_scoring():
    """COO/CSC X is indexed as CSR (train_test_split returns CSR, as
    scikit-learn); a precomputed kernel is split on both axes; a callable
    scoring that returns a dict gives one test_<name> per key. Oracle:
    scikit-learn's cross_validate / train_test_split."""
    sp = pytest.importorskip("scipy.sparse")
    ms = pytest.importorskip("sklearn.model_selection")
    svm = pytest.importorskip("sklearn.svm")
    from fastml.model_selection import KFold, train_test_split

    rng = np.random.RandomState(0)
    X = rng.rand(40, 5)
    y = (X[:, 0] > 0.5).astype(int)
    for fmt in ("coo_matrix", "csc_array"):
        Xs = getattr(sp, fmt)(X)
        a_tr, a_te = train_test_split(Xs, random_state=0)
        assert a_tr.format == "csr"
        np.testing.assert_array_equal(a_te.toarray(), train_test_split(X, random_state=0)[1])
    K = X @ X.T
    got = cross_validate(svm.SVC(kernel="precomputed"), K, y, cv=KFold(4))["test_score"]
    want = ms.cross_validate(svm.SVC(kernel="precomputed"), K, y, cv=ms.KFold(4))["test_score"]
    np.testing.assert_allclose(got, want)

    def two(est, X, y):
        p = est.predict(X)
        return {"acc": float(np.mean(p == y)), "ones": float(np.mean(p))}

    got = cross_validate(LogisticRegression(), X, y, cv=KFold(4), scoring=two,
                         return_train_score=True)
    want = ms.cross_validate(LogisticRegression(), X, y, cv=ms.KFold(4), scoring=two,
                             return_train_score=True)
    for key in ("test_acc", "test_ones", "train_acc", "train_ones"):
        np.testing.assert_allclose(got[key], want[key])
