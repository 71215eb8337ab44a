"""Group a failed conformance test by cause.

``classify(record)`` returns ``(category, detail)``: the category is one of the
fixed labels below (what kind of work would make the test pass), the detail
names the estimator, parameter or attribute where the message gives it, so
counts per detail rank the features that unlock the most tests.

Rules are applied in order; the first that matches wins:

* timeout / crash: the test ran past the per-test limit or killed its process.
* sparse input: the message mentions sparse data, or the test is parametrized
  with a scipy.sparse container (``csr_matrix``, ``csc_array`` ...).
* unknown scoring string: ``scoring='jaccard' is not a valid scoring value``.
* missing parameter: ``X.__init__() got an unexpected keyword argument 'p'``.
* unsupported parameter value: fastml's parameter validation refused a value
  scikit-learn accepts (``The 'solver' parameter of Ridge must be ...``,
  ``splitter='random' is not supported``).
* NaN in X (missing values): ``Input X contains NaN`` where scikit-learn accepts it.
* missing attribute / method: ``'X' object has no attribute 'y'``.
* pandas / feature names: the message or test name is about DataFrames,
  ``feature_names_in_``, ``get_feature_names_out`` or ``set_output``.
* multilabel / multioutput input: the message (or, outside test_multioutput.py,
  the test name) is about 2-D targets (``y should be a 1d array``, multilabel,
  multioutput).
* exception class differs: the raised exception is fastml's own class where
  scikit-learn's (``NotFittedError`` ...) was expected.
* missing validation error / missing warning: ``DID NOT RAISE`` / ``DID NOT WARN``.
* different error message: ``Regex pattern did not match``.
* numeric mismatch: NumPy's ``assert_allclose``/``assert_array_equal`` family.
* other assertion / other error: everything else, detailed by exception type
  and the message with numbers blanked.
"""
import re

SPARSE_PARAM = re.compile(r"(csr|csc|coo|lil|dok|bsr|dia)_(matrix|array)|sparse", re.I)
_KWARG = re.compile(r"(?:(\w+)\.)?(\w+)\(\) got an unexpected keyword argument '(\w+)'")
_PARAM = re.compile(r"The '(\w+)' parameter of (\w+)(?:\.\w+)? must be")
_ATTR = re.compile(r"'(\w+)' object has no attribute '(\w+)'")
_SCORER = re.compile(r"scoring='(\w+)' is not a valid scoring value|'(\w+)' is not a valid scoring")
_UNSUPPORTED = re.compile(r"^(\w+)(?:=\S+)? is not supported")
_MOD_ATTR = re.compile(r"module '([\w.]+)' has no attribute '(\w+)'")
_NUMERIC = ("Not equal to tolerance", "Arrays are not equal", "Arrays are not almost equal",
            "Mismatched elements", "not almost equal", "Items are not equal",
            "Arrays are not less-ordered")
_FRAME_HINTS = ("feature_names", "get_feature_names_out", "set_output", "pandas",
                "dataframe", "polars")

CATEGORIES = (
    "timeout", "crash", "sparse input", "unknown scoring string", "missing parameter", "unsupported parameter value",
    "NaN in X (missing values)", "missing attribute / method", "pandas / feature names", "multilabel / multioutput input",
    "exception class differs", "missing validation error", "missing warning",
    "different error message", "numeric mismatch", "other assertion", "other error",
)


def _blank(text, width=110):
    text = re.sub(r"0x[0-9a-f]+", "0x..", text)
    text = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:width]


def _first_line(text):
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def classify(rec):
    etype = rec.get("exc_type") or ""
    msg = rec.get("message") or ""
    nodeid = rec.get("nodeid", "")
    params = nodeid.partition("[")[2]
    test_name = nodeid.partition("::")[2].partition("[")[0].lower()
    low = msg.lower()

    if rec.get("outcome") == "timeout" or etype == "ConformanceTimeout":
        return "timeout", test_name
    if rec.get("outcome") == "crash":
        return "crash", test_name
    if "sparse" in low or SPARSE_PARAM.search(params):
        where = rec.get("fastml_frame") or etype
        return "sparse input", where
    m = _SCORER.search(msg)
    if m:
        return "unknown scoring string", m.group(1) or m.group(2)
    m = _KWARG.search(msg)
    if m and etype == "TypeError":
        owner = m.group(1) or m.group(2)
        return "missing parameter", f"{owner}({m.group(3)}=)"
    m = _PARAM.search(msg)
    if m:
        return "unsupported parameter value", f"{m.group(2)}({m.group(1)}=)"
    m = _UNSUPPORTED.search(msg)
    if m:
        return "unsupported parameter value", f"{m.group(1)}= (refused by fastml)"
    if "contains nan" in low and etype == "ValueError":
        return "NaN in X (missing values)", rec.get("fastml_frame") or test_name
    m = _ATTR.search(msg)
    if m and etype == "AttributeError":
        return "missing attribute / method", f"{m.group(1)}.{m.group(2)}"
    m = _MOD_ATTR.search(msg)
    if m and etype == "AttributeError":
        return "missing attribute / method", f"{m.group(1)}.{m.group(2)}"
    if any(h in low or h in test_name for h in _FRAME_HINTS):
        return "pandas / feature names", _blank(f"{etype}: {_first_line(msg)}", 90)
    # in test_multioutput.py every test is about multi-output targets: there
    # the test name says nothing about the cause, only the message does
    name_hint = not nodeid.startswith("tests/test_multioutput.py") and (
        "multilabel" in test_name or "multioutput" in test_name)
    if "multilabel" in low or "multioutput" in low or "multi-output" in low \
            or "should be a 1d array" in low or "must be 1-d" in low or name_hint:
        return "multilabel / multioutput input", _blank(f"{etype}: {_first_line(msg)}", 90)
    if (rec.get("exc_module") or "").startswith("fastml") and etype.endswith(
            ("Error", "Warning")):
        return "exception class differs", f"fastml {etype}"
    if msg.startswith("DID NOT RAISE"):
        return "missing validation error", _blank(msg, 60)
    if msg.startswith("DID NOT WARN") or "No warnings of type" in msg \
            or "expected warning" in low:
        return "missing warning", _blank(_first_line(msg), 90)
    if "Regex pattern did not match" in msg or "pattern did not match" in low:
        return "different error message", test_name
    if etype == "AssertionError" and any(s in msg for s in _NUMERIC):
        return "numeric mismatch", rec.get("fastml_frame") or test_name
    if etype == "AssertionError":
        return "other assertion", _blank(_first_line(msg), 90) or test_name
    return "other error", _blank(f"{etype}: {_first_line(msg)}")
