"""Metadata routing: scikit-learn's protocol for passing per-sample data
(``sample_weight``, ``groups``, any named metadata) through meta-estimators.

fastml speaks the protocol scikit-learn defines (SLEP006) so that fastml and
scikit-learn objects nest in each other either way:

* every fastml estimator is a *consumer*: ``set_<method>_request(param=...)``
  is generated for each method that takes metadata (from the method's
  signature, like scikit-learn), the requests live in ``_metadata_request``
  (copied by ``clone``) and ``get_metadata_routing()`` returns scikit-learn's
  ``MetadataRequest`` built from them;
* fastml meta-estimators are *routers*: their ``get_metadata_routing()``
  returns scikit-learn's ``MetadataRouter`` and their methods route what they
  are given with :func:`process_routing`.

Routing is off by default; ``fastml.config_context(enable_metadata_routing=True)``
or scikit-learn's ``sklearn.set_config(enable_metadata_routing=True)`` turns it
on. The routing objects and the validation of what was requested are
scikit-learn's public ``sklearn.utils.metadata_routing`` API, so routing needs
scikit-learn installed (an ImportError saying so otherwise); without routing
nothing here imports scikit-learn.
"""
import copy
import inspect

__all__ = ["SIMPLE_METHODS", "UNUSED", "WARN", "UNCHANGED", "routing_enabled",
           "raise_for_params", "MetadataRequesterMixin", "metadata_router", "method_mapping",
           "process_routing", "get_routing_for_object", "routed_or_direct"]

# the methods a consumer can request metadata for (scikit-learn's list)
SIMPLE_METHODS = ("fit", "partial_fit", "predict", "predict_proba", "predict_log_proba",
                  "decision_function", "score", "split", "transform", "inverse_transform")
# request values with a meaning of their own (the strings scikit-learn uses)
UNUSED = "$UNUSED$"
WARN = "$WARN$"
UNCHANGED = "$UNCHANGED$"
# data arguments: never metadata
_DATA_ARGS = frozenset({"X", "y", "Y", "Xt", "yt"})


def routing_enabled():
    """True when metadata routing is on (fastml's or scikit-learn's setting)."""
    from .._config import get_config

    return bool(get_config().get("enable_metadata_routing"))


def _sk_routing():
    try:
        from sklearn.utils import metadata_routing
    except ImportError as exc:  # pragma: no cover - no scikit-learn
        raise ImportError("metadata routing uses scikit-learn's routing objects "
                          "(sklearn.utils.metadata_routing): install scikit-learn") from exc
    return metadata_routing


def _owner_name(owner):
    name = getattr(owner, "_routing_repr", None)
    if callable(name):
        return name()
    return owner if isinstance(owner, str) else type(owner).__name__


def raise_for_params(params, owner, method, allow=()):
    """ValueError for metadata passed while routing is off (scikit-learn's
    wording); the names in `allow` are always accepted."""
    extra = set(params) - set(allow)
    if extra and not routing_enabled():
        caller = f"{_owner_name(owner)}.{method}" if method else _owner_name(owner)
        raise ValueError(f"Passing extra keyword arguments to {caller} is only supported if "
                         "enable_metadata_routing=True, which you can set using "
                         "`sklearn.set_config`. See the User Guide "
                         "<https://scikit-learn.org/stable/metadata_routing.html> for more "
                         f"details. Extra parameters passed are: {set(params)}")


# ---------------------------------------------------------------- consumers
def _signature_requests(cls, method):
    """{param: None} for the metadata parameters of cls.<method> (every named
    parameter but self and the data arguments)."""
    fn = inspect.getattr_static(cls, method, None)
    if fn is None:
        return {}
    fn = getattr(fn, "fn", fn)  # available_if descriptors keep the function in .fn
    if isinstance(fn, (staticmethod, classmethod)):
        fn = fn.__func__
    if not callable(fn):
        return {}
    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
    except (TypeError, ValueError):
        return {}
    return {p.name: None for p in params
            if p.name not in _DATA_ARGS and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def _class_requests(cls, method):
    """Default requests of `cls` for `method`: the signature's metadata
    parameters, updated by ``__metadata_request__<method>`` class attributes
    along the MRO (UNUSED removes a parameter)."""
    requests = _signature_requests(cls, method)
    attr = f"__metadata_request__{method}"
    for base in reversed(cls.__mro__):
        # written in a class body the name is mangled to _<Class>__metadata_request__<m>
        extra = vars(base).get(attr) or vars(base).get(f"_{base.__name__.lstrip('_')}{attr}")
        if not extra:
            continue
        for param, value in extra.items():
            if value == UNUSED:
                requests.pop(param, None)
            else:
                requests[param] = value
    return requests


def _valid_request(value):
    return value in (True, False, None, WARN, UNUSED) or (
        isinstance(value, str) and value.isidentifier())


class _Requests(dict):
    """{method: {param: request}} of one estimator; scikit-learn's clone copies
    it through __sklearn_clone__."""

    def __sklearn_clone__(self):
        return copy.deepcopy(self)


class _RequestMethod:
    """Descriptor giving ``set_<method>_request(**params)`` on instances."""

    def __init__(self, method, keys):
        self.method = method
        self.keys = tuple(keys)

    def __get__(self, instance, owner):
        method, keys = self.method, self.keys

        def set_request(*args, **kwargs):
            if not routing_enabled():
                raise RuntimeError("This method is only available when metadata routing is "
                                   "enabled. You can enable it using "
                                   "sklearn.set_config(enable_metadata_routing=True).")
            unexpected = set(kwargs) - set(keys)
            if unexpected:
                raise TypeError(f"Unexpected args: {unexpected} in {method}. Accepted "
                                f"arguments are: {set(keys)}")
            obj = instance
            if obj is None:  # called on the class: the instance is the first argument
                if not args:
                    raise TypeError(f"set_{method}_request() needs an instance")
                obj, args = args[0], args[1:]
            if args:
                raise TypeError(f"set_{method}_request() takes 0 positional argument but "
                                f"{len(args)} were given")
            requests = obj._metadata_requests()
            for param, alias in kwargs.items():
                if alias == UNCHANGED:
                    continue
                if not _valid_request(alias):
                    raise ValueError(f"The alias you're setting for `{param}` should be "
                                     "either a valid identifier or one of {None, True, "
                                     f"False}}, but given value is: `{alias}`")
                if alias == param:
                    alias = True
                if alias == UNUSED:
                    requests[method].pop(param, None)
                else:
                    requests[method][param] = alias
            obj._metadata_request = requests
            return obj

        set_request.__name__ = f"set_{method}_request"
        params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        params += [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=UNCHANGED)
                   for k in keys]
        set_request.__signature__ = inspect.Signature(params)
        set_request.__doc__ = (
            f"Request metadata passed to ``{method}`` (only with metadata routing "
            "enabled). Each parameter takes True (requested: pass it), False (not "
            "requested), None (error if given), or a string alias under which the "
            "router receives it. Returns the estimator.")
        return set_request


class MetadataRequesterMixin:
    """Consumer side of metadata routing for every fastml estimator."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for method in SIMPLE_METHODS:
            name = f"set_{method}_request"
            if name in vars(cls) and not isinstance(vars(cls)[name], _RequestMethod):
                continue  # a hand-written set_<method>_request
            keys = _class_requests(cls, method)
            inherited = isinstance(inspect.getattr_static(cls, name, None), _RequestMethod)
            if keys or inherited:
                setattr(cls, name, _RequestMethod(method, keys))

    def _metadata_requests(self):
        """{method: {param: request}}: this instance's requests (a copy)."""
        own = self.__dict__.get("_metadata_request")
        if isinstance(own, dict):
            return copy.deepcopy(own)
        cls = type(self)
        return _Requests((m, _class_requests(cls, m)) for m in SIMPLE_METHODS)

    def _get_metadata_request(self):
        """scikit-learn's MetadataRequest holding this instance's requests."""
        mr = _sk_routing()
        request = mr.MetadataRequest(owner=self)
        for method, params in self._metadata_requests().items():
            for param, alias in params.items():
                getattr(request, method).add_request(param=param, alias=alias)
        return request

    def get_metadata_routing(self):
        """The metadata this estimator requests, per method (scikit-learn's
        MetadataRequest); routers override it with a MetadataRouter."""
        return self._get_metadata_request()

    def _routing_repr(self):
        return type(self).__name__


# ------------------------------------------------------------------ routers
def metadata_router(owner):
    """An empty scikit-learn MetadataRouter owned by `owner`."""
    return _sk_routing().MetadataRouter(owner=owner)


def method_mapping(*pairs):
    """scikit-learn's MethodMapping with each (caller, callee) pair added."""
    mapping = _sk_routing().MethodMapping()
    for caller, callee in pairs:
        mapping.add(caller=caller, callee=callee)
    return mapping


def process_routing(obj, method, /, **kwargs):
    """Validate `kwargs` against obj's routing and split them per child
    (``routed[child][method] -> {param: value}``)."""
    return _sk_routing().process_routing(obj, method, **kwargs)


def get_routing_for_object(obj):
    """The routing (request or router) of `obj`, a copy."""
    return _sk_routing().get_routing_for_object(obj)


class _EmptyParams(dict):
    def __missing__(self, key):
        return {}

    def __getattr__(self, name):
        return {}


class _Routed:
    """Without routing: every child's every method gets `params` as given."""

    def __init__(self, params):
        self._params = params

    def __getitem__(self, child):
        return _EmptyParams({m: dict(self._params) for m in SIMPLE_METHODS})

    def __getattr__(self, child):
        if child.startswith("__"):
            raise AttributeError(child)
        return self[child]

    def get(self, child, default=None):
        return self[child]


def routed_or_direct(obj, method, **params):
    """process_routing(obj, method, **params) with routing on; else an object
    handing every child every method the non-None `params` unchanged (the
    behaviour without routing, e.g. sample_weight passed straight down)."""
    if routing_enabled():
        return process_routing(obj, method, **params)
    return _Routed({k: v for k, v in params.items() if v is not None})
