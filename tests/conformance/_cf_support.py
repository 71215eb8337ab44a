"""Runtime side of the conformance harness (copied next to the rewritten tests).

The runner copies this file into the work directory as ``_conformance_support.py``
and starts pytest with ``-p _conformance_support``. It provides:

* ``proxy_module(name)``: the object that replaces ``from sklearn import
  neighbors``-style module imports. Attribute look-ups return fastml's object
  when the name map swaps that name, and scikit-learn's otherwise.
* instrumentation: every swapped fastml function, and every method defined by a
  fastml class in the MRO of a swapped class, is wrapped so that calling it sets
  a per-test flag. A test "exercises fastml" when the flag is set between the
  start of its setup and the end of its teardown (objects built at import time,
  e.g. in a ``parametrize`` list, only count once the test calls them).
* a per-test time limit (SIGALRM, call phase only) and a JSON-lines event log
  (``start``, ``result``, ``collected``, ``collect_error``) that the runner reads
  even when the process is killed half way.
* selection: ``--cf-deselect FILE`` (exact node ids to drop: reviewed
  deselections, tests already run before a restart) and ``--cf-select FILE``
  (fnmatch patterns: only matching tests are kept).
"""
import fnmatch
import functools
import importlib
import inspect
import json
import os
import signal
import time
import types

import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
_MAP_FILE = os.path.join(_HERE, "_conformance_map.json")
_TOUCHED = [False]
_STATE = {"log": None, "timeout": 0.0, "current": None, "excinfo": {}}


def _load_map():
    try:
        with open(_MAP_FILE) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return {"names": {}, "modules": []}


_MAP = _load_map()
_PROXIES = {}


class _ProxyModule(types.ModuleType):
    """A module whose attributes come from fastml where swapped, else scikit-learn."""

    def __init__(self, sk_name):
        super().__init__(sk_name)
        self.__dict__["_cf_sk_name"] = sk_name

    def __getattr__(self, attr):
        sk_name = self.__dict__["_cf_sk_name"]
        fm_module = _MAP["names"].get(sk_name, {}).get(attr)
        if fm_module is not None:
            return getattr(importlib.import_module(fm_module), attr)
        sub = f"{sk_name}.{attr}"
        if sub in _MAP["modules"]:
            return proxy_module(sub)
        return getattr(importlib.import_module(sk_name), attr)

    def __dir__(self):
        return dir(importlib.import_module(self.__dict__["_cf_sk_name"]))


def proxy_module(sk_name):
    if sk_name not in _PROXIES:
        _PROXIES[sk_name] = _ProxyModule(sk_name)
    return _PROXIES[sk_name]


# --------------------------------------------------------------- instrumentation
def _flagging(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _TOUCHED[0] = True
        return func(*args, **kwargs)

    wrapper.__cf_wrapped__ = True
    return wrapper


class _FlaggingFunction:
    """A swapped module-level function, flagging calls like `_flagging`, that
    compares equal to (and hashes and prints like) the function it wraps: an
    estimator given the swapped name as a parameter (``SelectKBest(f_classif)``)
    then still sees its default value, as with scikit-learn's own objects."""

    def __init__(self, func, module, name):
        functools.update_wrapper(self, func)
        self._func, self._where = func, (module, name)
        self.__cf_wrapped__ = True

    def __call__(self, *args, **kwargs):
        _TOUCHED[0] = True
        return self._func(*args, **kwargs)

    def __eq__(self, other):
        return other is self or other is self._func or (
            isinstance(other, _FlaggingFunction) and other._func is self._func)

    def __hash__(self):
        return hash(self._func)

    def __repr__(self):
        return repr(self._func)

    def __get__(self, obj, objtype=None):  # stored as a class attribute: still a function
        return self if obj is None else functools.partial(self, obj)

    def __reduce__(self):  # pickled by name, like the function (joblib workers)
        return _resolve, self._where


def _resolve(module, name):
    return getattr(importlib.import_module(module), name)


def _instrument_class(cls, done):
    for klass in cls.__mro__:
        if klass in done or not getattr(klass, "__module__", "").startswith("fastml"):
            continue
        done.add(klass)
        for attr, value in list(vars(klass).items()):
            if attr.startswith("__") and attr not in ("__init__", "__call__", "__len__",
                                                       "__iter__", "__getitem__"):
                continue
            try:
                if isinstance(value, staticmethod):
                    setattr(klass, attr, staticmethod(_flagging(value.__func__)))
                elif isinstance(value, classmethod):
                    setattr(klass, attr, classmethod(_flagging(value.__func__)))
                elif isinstance(value, property) and value.fget is not None:
                    setattr(klass, attr, property(_flagging(value.fget), value.fset,
                                                  value.fdel, value.__doc__))
                elif inspect.isfunction(value) and not getattr(value, "__cf_wrapped__", False):
                    setattr(klass, attr, _flagging(value))
            except (TypeError, AttributeError):
                pass  # extension types cannot be patched; their Python callers are


def instrument():
    done = set()
    for names in _MAP["names"].values():
        for name, fm_module in names.items():
            mod = importlib.import_module(fm_module)
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                _instrument_class(obj, done)
            elif inspect.isfunction(obj) and not getattr(obj, "__cf_wrapped__", False):
                setattr(mod, name, _FlaggingFunction(obj, fm_module, name))
            elif callable(obj) and not getattr(obj, "__cf_wrapped__", False):
                setattr(mod, name, _flagging(obj))


# ------------------------------------------------------------------ pytest hooks
def pytest_addoption(parser):
    group = parser.getgroup("conformance")
    group.addoption("--cf-log", default=None)
    group.addoption("--cf-timeout", type=float, default=0.0)
    group.addoption("--cf-deselect", default=None)
    group.addoption("--cf-select", default=None)


def _emit(record):
    fh = _STATE["log"]
    if fh is not None:
        fh.write(json.dumps(record) + "\n")
        fh.flush()


def matches(nodeid, pattern):
    """Exact node id, the id without its parameters, or a ``*``/``?`` pattern
    (``[`` is literal, as in parametrized ids)."""
    return (nodeid == pattern or nodeid.partition("[")[0] == pattern
            or fnmatch.fnmatchcase(nodeid, pattern.replace("[", "[[]")))


def _read_lines(path):
    if not path:
        return []
    with open(path) as fh:
        return [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    path = config.getoption("--cf-log")
    if path:
        _STATE["log"] = open(path, "a")
    _STATE["timeout"] = config.getoption("--cf-timeout") or 0.0
    instrument()


def pytest_collectreport(report):
    if report.failed:
        _emit({"event": "collect_error", "nodeid": report.nodeid,
               "message": str(report.longrepr)[-2000:]})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    drop = _read_lines(config.getoption("--cf-deselect"))
    patterns = _read_lines(config.getoption("--cf-select"))
    keep, gone = [], []
    for item in items:
        selected = not patterns or any(matches(item.nodeid, p) for p in patterns)
        (keep if selected and not any(matches(item.nodeid, p) for p in drop)
         else gone).append(item)
    if gone:
        config.hook.pytest_deselected(items=gone)
        items[:] = keep
    _emit({"event": "collected", "nodeids": [it.nodeid for it in items],
           "deselected": [it.nodeid for it in gone]})


def pytest_runtest_logstart(nodeid, location):
    _TOUCHED[0] = False
    _STATE["current"] = {"nodeid": nodeid, "outcome": "passed", "phase": None,
                         "exc_type": None, "exc_module": None, "message": None,
                         "fastml_frame": None,
                         "t0": time.perf_counter()}
    _emit({"event": "start", "nodeid": nodeid})


class ConformanceTimeout(Exception):
    """The test ran past the harness's per-test time limit."""


def _on_alarm(signum, frame):
    raise ConformanceTimeout(f"test exceeded {_STATE['timeout']:.0f} s")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    limit = _STATE["timeout"]
    use_alarm = limit > 0 and hasattr(signal, "SIGALRM")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _fastml_frame(tb):
    where = None
    while tb is not None:
        fname = tb.tb_frame.f_code.co_filename
        if f"{os.sep}fastml{os.sep}" in fname:
            where = f"{tb.tb_frame.f_globals.get('__name__', '?')}:{tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return where


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    cur = _STATE["current"]
    if cur is None or call.excinfo is None:
        return
    if rep.failed and cur["exc_type"] is None:
        exc = call.excinfo.value
        cur["exc_type"] = type(exc).__name__
        cur["exc_module"] = type(exc).__module__
        cur["message"] = str(exc)[:600]
        cur["phase"] = call.when
        cur["fastml_frame"] = _fastml_frame(call.excinfo.tb)


def pytest_runtest_logreport(report):
    cur = _STATE["current"]
    if cur is None:
        return
    if report.failed:
        cur["outcome"] = "failed" if report.when == "call" else "error"
    elif report.skipped and cur["outcome"] == "passed":
        if hasattr(report, "wasxfail"):
            cur["outcome"] = "xfailed"
            cur["message"] = str(report.wasxfail)[:300]
        else:
            cur["outcome"] = "skipped"
            longrepr = report.longrepr
            cur["message"] = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)[:300]
    elif report.passed and hasattr(report, "wasxfail") and report.when == "call":
        cur["outcome"] = "xpassed"


def pytest_sessionfinish(session, exitstatus):
    _emit({"event": "finished", "exitstatus": int(exitstatus)})


def pytest_runtest_logfinish(nodeid, location):
    cur = _STATE["current"]
    if cur is None:
        return
    cur["touched"] = bool(_TOUCHED[0])
    cur["duration"] = round(time.perf_counter() - cur.pop("t0"), 3)
    cur["event"] = "result"
    _emit(cur)
    _STATE["current"] = None
