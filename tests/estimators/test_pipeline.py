"""Pipeline: scikit-learn's semantics (the given step objects are fitted,
memory caching, slicing, named_steps, step validation messages, verbose,
feature names and set_output through the steps), checked against
scikit-learn's Pipeline."""
import re
import time

import numpy as np
import pytest

import fastml
from fastml.base import BaseEstimator, TransformerMixin
from fastml.decomposition import PCA
from fastml.linear_model import LogisticRegression, Ridge
from fastml.pipeline import Pipeline, make_pipeline
from fastml.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler

skpipe = pytest.importorskip("sklearn.pipeline")
skp = pytest.importorskip("sklearn.preprocessing")


def _data(n=60, d=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.rand(n, d)
    return X, X @ np.arange(1.0, d + 1) + 0.1 * rng.randn(n)


class _Stamp(TransformerMixin, BaseEstimator):
    """Records when it was fitted (to see cached fits)."""

    _parameter_constraints = {}

    def fit(self, X, y=None):
        self.fit_time_ = time.perf_counter()
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        return np.asarray(X) * 2.0

    def get_feature_names_out(self, input_features=None):
        return np.asarray(input_features if input_features is not None else
                          [f"x{i}" for i in range(self.n_features_in_)], dtype=object)


def test_fits_the_given_step_objects():
    X, y = _data()
    scaler, ridge = StandardScaler(), Ridge()
    pipe = Pipeline([("scale", scaler), ("ridge", ridge)]).fit(X, y)
    assert pipe.steps[0][1] is scaler and pipe.steps[1][1] is ridge
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0))
    np.testing.assert_allclose(pipe.predict(X), ridge.predict(scaler.transform(X)))
    sk = skpipe.Pipeline([("scale", skp.StandardScaler()),
                          ("ridge", pytest.importorskip("sklearn.linear_model").Ridge())])
    np.testing.assert_allclose(pipe.predict(X), sk.fit(X, y).predict(X), rtol=1e-9)
    assert pipe.score(X, y) == pytest.approx(sk.score(X, y), rel=1e-9)


def test_named_steps_and_indexing():
    scaler, pca, ridge = StandardScaler(), PCA(2), Ridge()
    pipe = Pipeline([("scale", scaler), ("pca", pca), ("ridge", ridge)])
    assert pipe.named_steps.pca is pca and pipe.named_steps["ridge"] is ridge
    assert pipe["scale"] is scaler and pipe[1] is pca and pipe[-1] is ridge
    head = pipe[:2]
    assert isinstance(head, Pipeline) and [s for _, s in head.steps] == [scaler, pca]
    assert len(pipe) == 3 and len(pipe[1:]) == 2
    with pytest.raises(ValueError, match="Pipeline slicing only supports a step of 1"):
        pipe[::2]
    X, y = _data()
    pipe.fit(X, y)
    np.testing.assert_allclose(pipe[:-1].transform(X), pca.transform(scaler.transform(X)))


def _errors(make_steps):
    """(fastml message, scikit-learn message) of fitting Pipeline(steps)."""
    X, y = _data()
    out = []
    for lib, mod in (("fm", fastml.preprocessing), ("sk", skp)):
        with pytest.raises((TypeError, ValueError)) as info:
            (Pipeline if lib == "fm" else skpipe.Pipeline)(make_steps(mod)).fit(X, y)
        out.append((type(info.value), str(info.value)))
    return out


@pytest.mark.parametrize("case", ["duplicate", "constructor", "dunder", "intermediate",
                                  "last", "empty", "class"])
def test_step_validation_messages_match_scikit_learn(case):
    steps = {
        "duplicate": lambda m: [("a", m.StandardScaler()), ("a", m.MinMaxScaler())],
        "constructor": lambda m: [("memory", m.StandardScaler()), ("b", m.MinMaxScaler())],
        "dunder": lambda m: [("a__b", m.StandardScaler()), ("c", m.MinMaxScaler())],
        "intermediate": lambda m: [("a", object()), ("b", m.MinMaxScaler())],
        "last": lambda m: [("a", m.StandardScaler()), ("b", 3)],
        "empty": lambda m: [],
        "class": lambda m: [("a", m.StandardScaler), ("b", m.MinMaxScaler())],
    }[case]
    (fm_t, fm_msg), (sk_t, sk_msg) = _errors(steps)
    assert issubclass(fm_t, sk_t.__mro__[1]) or issubclass(fm_t, sk_t)
    if case == "intermediate":  # the object's repr has a per-run address
        fm_msg, sk_msg = (re.sub(r"0x[0-9a-f]+", "", m) for m in (fm_msg, sk_msg))
    assert fm_msg == sk_msg


def test_fit_params_routing_and_errors():
    X, y = _data()
    w = np.random.RandomState(1).rand(len(y))
    pipe = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
    pipe.fit(X, y, ridge__sample_weight=w)
    ref = Ridge().fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(pipe[-1].coef_, ref.coef_)
    with pytest.raises(ValueError) as info:
        pipe.fit(X, y, sample_weight=w)
    with pytest.raises(ValueError) as sk_info:
        skpipe.make_pipeline(skp.StandardScaler()).fit(X, y, sample_weight=w)
    assert str(info.value) == str(sk_info.value)
    with pytest.raises(ValueError, match="no step named 'nope'"):
        pipe.fit(X, y, nope__x=1)


def test_memory_caches_transformer_fits(tmp_path):
    joblib = pytest.importorskip("joblib")
    X, y = _data()
    stamp = _Stamp()
    for memory in (joblib.Memory(location=str(tmp_path / "a"), verbose=0),
                   str(tmp_path / "b")):
        pipe = Pipeline([("stamp", stamp), ("ridge", Ridge())], memory=memory)
        pipe.fit(X, y)
        assert pipe.named_steps.stamp is not stamp  # cloned before caching
        assert not hasattr(stamp, "fit_time_")
        first = pipe.named_steps.stamp.fit_time_
        pred = pipe.predict(X)
        pipe2 = Pipeline([("stamp", _Stamp()), ("ridge", Ridge())], memory=memory)
        pipe2.fit(X, y)  # the transformer's fit is loaded from the cache
        assert pipe2.named_steps.stamp.fit_time_ == first
        np.testing.assert_allclose(pipe2.predict(X), pred)
    # a Memory without a location caches nothing and fits in place, as in scikit-learn
    Pipeline([("stamp", stamp), ("ridge", Ridge())], memory=joblib.Memory(None)).fit(X, y)
    assert hasattr(stamp, "fit_time_")


def test_memory_must_have_cache():
    X, y = _data()
    with pytest.raises(ValueError, match="'memory' parameter of Pipeline must be None, an "
                                         "instance of 'str' or an object implementing 'cache'"):
        Pipeline([("s", StandardScaler()), ("r", Ridge())], memory=3).fit(X, y)


def test_verbose_prints_scikit_learns_lines(capsys):
    X, y = _data()
    Pipeline([("scale", StandardScaler()), ("nothing", "passthrough"), ("ridge", Ridge())],
             verbose=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for i, name in enumerate(["scale", "nothing", "ridge"]):
        pattern = (r"\[Pipeline\] \.+ \(step %d of 3\) Processing %s, total=\s*\d+\.\d+s$"
                   % (i + 1, name))
        assert re.match(pattern, lines[i]), lines[i]
        assert len(lines[i]) == 70


def test_delegated_methods_exist_only_when_the_final_step_has_them():
    ridge_pipe = Pipeline([("s", StandardScaler()), ("r", Ridge())])
    assert hasattr(ridge_pipe, "predict") and not hasattr(ridge_pipe, "predict_proba")
    assert not hasattr(ridge_pipe, "transform") and not hasattr(ridge_pipe, "fit_transform")
    clf = Pipeline([("s", StandardScaler()), ("c", LogisticRegression())])
    assert hasattr(clf, "predict_proba") and hasattr(clf, "decision_function")
    trans = Pipeline([("s", StandardScaler()), ("p", "passthrough")])
    assert hasattr(trans, "transform") and hasattr(trans, "inverse_transform")
    X, _ = _data()
    np.testing.assert_allclose(trans.fit(X).inverse_transform(trans.transform(X)), X)


def test_feature_names_and_set_output_through_the_steps():
    pd = pytest.importorskip("pandas")
    X, y = _data()
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"], index=np.arange(10, 70))
    fm = make_pipeline(StandardScaler(), PolynomialFeatures(2), MinMaxScaler())
    sk = skpipe.make_pipeline(skp.StandardScaler(), skp.PolynomialFeatures(2),
                              skp.MinMaxScaler())
    fm.fit(df), sk.fit(df)
    np.testing.assert_array_equal(fm.get_feature_names_out(), sk.get_feature_names_out())
    np.testing.assert_array_equal(fm.feature_names_in_, sk.feature_names_in_)
    assert fm.n_features_in_ == 4
    fm.set_output(transform="pandas")
    sk.set_output(transform="pandas")
    out_fm, out_sk = fm.fit_transform(df), sk.fit_transform(df)
    pd.testing.assert_frame_equal(out_fm, out_sk, rtol=1e-10)
    assert list(fm.steps[0][1].transform(df).columns) == ["a", "b", "c", "d"]
    with_ridge = make_pipeline(StandardScaler(), Ridge()).fit(df, y)
    with pytest.raises(AttributeError, match="Did you mean to call pipeline\\[:-1\\]"):
        with_ridge.get_feature_names_out()


def test_params_make_pipeline_and_fitted_state():
    pipe = make_pipeline(StandardScaler(), StandardScaler(), Ridge(), memory=None)
    sk = skpipe.make_pipeline(skp.StandardScaler(), skp.StandardScaler(),
                              pytest.importorskip("sklearn.linear_model").Ridge())
    assert [n for n, _ in pipe.steps] == [n for n, _ in sk.steps]
    params = pipe.get_params()
    assert params["ridge__alpha"] == 1.0 and params["standardscaler-1"] is pipe.steps[0][1]
    assert set(pipe.get_params(deep=False)) == {"steps", "transform_input", "memory", "verbose"}
    pipe.set_params(ridge__alpha=3.0, **{"standardscaler-2": "passthrough"})
    assert pipe[-1].alpha == 3.0 and pipe.steps[1][1] == "passthrough"
    from fastml.utils.validation import check_is_fitted

    with pytest.raises(fastml.exceptions.NotFittedError):
        check_is_fitted(pipe)
    X, y = _data()
    check_is_fitted(pipe.fit(X, y))
    clone = fastml.base.clone(pipe)
    assert clone.steps[0][1] is not pipe.steps[0][1]
    assert not hasattr(clone.steps[0][1], "mean_")


def test_unfitted_pipeline_raises_and_missing_methods_say_why():
    X, y = _data()
    pipe = Pipeline([("s", StandardScaler()), ("r", Ridge())])
    for method in ("predict", "score"):
        with pytest.raises(fastml.exceptions.NotFittedError):
            getattr(pipe, method)(X) if method == "predict" else pipe.score(X, y)
    with pytest.raises(AttributeError) as info:
        pipe.predict_proba
    assert isinstance(info.value.__cause__, AttributeError)  # Ridge's own missing attribute
    with pytest.raises(ValueError, match="transform_input"):
        Pipeline([("r", Ridge())], transform_input=["sample_weight"]).fit(X, y)
    assert Pipeline([]).__sklearn_tags__() is not None  # an empty pipeline has tags
