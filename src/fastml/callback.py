"""Fit callbacks: scikit-learn 1.9's callback API on fastml estimators.

A callback is any object with the hooks ``setup(estimator, context)``,
``on_fit_task_begin(estimator, context, *, X, y, metadata, fitted_estimator)``,
``on_fit_task_end(...)`` (same keywords; a true return value asks the running
loop to stop) and ``teardown(estimator, context)``; a hook declares only the
keywords it wants. ``est.set_callbacks(cb, ...)`` registers them on an
estimator that supports callbacks (`LogisticRegression` with the lbfgs solver,
`StandardScaler`, `Pipeline`, `GridSearchCV`). scikit-learn's own callbacks
(``sklearn.callback.ProgressBar``, ``ScoringMonitor``) and any object following
the protocol work.

A fit is a tree of tasks. Each task has a `CallbackContext` (``task_name``,
``task_id``, ``parent``, ``max_subtasks``, ...): the estimator's fit is the
root, its iterations / steps / folds are subtasks. ``setup`` and ``teardown``
run once per fit; the begin / end hooks once per task. A callback that has a
``max_propagation_depth`` attribute (an `AutoPropagatedCallback`) is registered
on a meta-estimator only and is handed down to the sub-estimators it fits
(Pipeline steps, search candidates, the refit): the sub-estimator's root task
*is* the meta-estimator's leaf task, so the two trees are joined at that node.

The contexts use the same attribute layout as scikit-learn's
(``_callbacks``, ``_children_map``, ``_propagation_depth``,
``_propagated_callbacks`` and, on estimators, ``_skl_callbacks`` /
``_parent_callback_ctx``), so a scikit-learn estimator with callback support
can run inside a fastml meta-estimator and the other way round: their task
trees join in the same way.
"""
import builtins
import copy
import functools
import inspect
import uuid
import warnings
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Protocol, runtime_checkable

__all__ = ["FitCallback", "AutoPropagatedCallback", "CallbackContext", "CallbackSupportMixin",
           "with_callbacks"]

# the keyword arguments a begin / end hook may declare
HOOK_KWARGS = ("X", "y", "metadata", "fitted_estimator")


@runtime_checkable
class FitCallback(Protocol):
    """The hooks every fit callback has (checked structurally)."""

    def setup(self, estimator, context): ...

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None,
                          fitted_estimator=None): ...

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None): ...

    def teardown(self, estimator, context): ...


@runtime_checkable
class AutoPropagatedCallback(Protocol):
    """A callback handed down to sub-estimators, at most ``max_propagation_depth``
    levels deep (None: all levels)."""

    max_propagation_depth: object

    def setup(self, estimator, context): ...

    def teardown(self, estimator, context): ...


@functools.lru_cache(maxsize=256)
def _hook_keywords(hook):
    """The keyword-only parameters a hook declares (validated against HOOK_KWARGS)."""
    return tuple(p.name for p in inspect.signature(hook).parameters.values()
                 if p.kind is inspect.Parameter.KEYWORD_ONLY)


def _fitted_copy(estimator, attributes):
    """A shallow copy of `estimator` carrying `attributes` (ready to predict as if
    fit had stopped at that task)."""
    new = copy.copy(estimator)
    for name, value in attributes.items():
        setattr(new, name, value)
    return new


class CallbackContext:
    """One task of a fit. Create the root with an estimator's
    ``_init_callback_context`` and subtasks with `subcontext`; never directly.

    Attributes: task_name, task_id (unique among siblings), max_subtasks (0: a
    leaf, None: unknown), sequential_subtasks (children numbered 0, 1, ...),
    estimator_name, parent (None at the root), root_uuid (one per task tree),
    init_time (UTC), source_estimator_name / source_task_name (the
    meta-estimator's leaf this root was joined with, else None).
    """

    def _init(self, callbacks, estimator_name, task_name, task_id, max_subtasks,
              sequential_subtasks, depth, root_uuid):
        self._callbacks = callbacks
        self.estimator_name = estimator_name
        self.task_name = task_name
        self.task_id = task_id
        self.max_subtasks = max_subtasks
        self.sequential_subtasks = sequential_subtasks
        self._propagation_depth = depth
        self.root_uuid = root_uuid
        self.parent = None
        self._children_map = {}
        self.init_time = datetime.now(timezone.utc)
        self.source_estimator_name = None
        self.source_task_name = None
        return self

    @classmethod
    def _from_estimator(cls, estimator, task_name, task_id, max_subtasks, sequential_subtasks):
        """The root task of `estimator`'s fit; joined to the meta-estimator's leaf
        task when the estimator is fitted inside `propagate_callback_context`."""
        ctx = cls.__new__(cls)._init(getattr(estimator, "_skl_callbacks", []),
                                     type(estimator).__name__, task_name, task_id, max_subtasks,
                                     sequential_subtasks, 0, uuid.uuid4())
        leaf = getattr(estimator, "_parent_callback_ctx", None)
        if leaf is not None:
            if leaf.max_subtasks != 0:
                raise ValueError(
                    f"Cannot join the callback context of {ctx.estimator_name} (task "
                    f"{task_name!r}) to task {leaf.task_name!r} of {leaf.estimator_name}: "
                    "that task is not a leaf (max_subtasks != 0).")
            # the leaf and this root are one node: take the leaf's place in its parent
            ctx.parent = leaf.parent
            ctx.task_id = leaf.task_id
            ctx.root_uuid = leaf.root_uuid
            leaf.parent._children_map[ctx.task_id] = ctx
            ctx.source_task_name = leaf.task_name
            ctx.source_estimator_name = leaf.estimator_name
            ctx._propagation_depth = leaf._propagation_depth + 1
        return ctx

    def subcontext(self, task_name="", task_id=None, max_subtasks=0, sequential_subtasks=True):
        """The context of a subtask of this task. task_id must be None when this
        task's subtasks are sequential (the next free number is used) and given
        otherwise; max_subtasks: 0 for a leaf, None when unknown."""
        if self.sequential_subtasks and task_id is not None:
            raise ValueError(f"task_id for {self.estimator_name} {task_name} must be None if "
                             f"sequential_subtasks is True for {self.task_name}.")
        if not self.sequential_subtasks and task_id is None:
            raise ValueError(f"task_id for {self.estimator_name} {task_name} must be provided "
                             f"if sequential_subtasks is False for {self.task_name}.")
        if task_id is None:
            task_id = len(self._children_map)
        if task_id in self._children_map:
            raise ValueError(f"Callback context {self.task_name} of estimator "
                             f"{self.estimator_name} already has a child with "
                             f"task_id={task_id}.")
        if self.max_subtasks is not None and len(self._children_map) >= self.max_subtasks:
            raise ValueError(f"Cannot add child to callback context {self.task_name} of "
                             f"estimator {self.estimator_name} because it already has its "
                             f"maximum number of children ({self.max_subtasks}).")
        child = type(self).__new__(type(self))._init(
            self._callbacks, self.estimator_name, task_name, task_id, max_subtasks,
            sequential_subtasks, self._propagation_depth, self.root_uuid)
        child.parent = self
        self._children_map[task_id] = child
        return child

    def __iter__(self):
        """The task tree below (and including) this task, depth first, parents first."""
        yield self
        for child in list(self._children_map.values()):
            yield from child

    def __repr__(self):
        return (f"{type(self).__name__}(estimator_name={self.estimator_name!r}, "
                f"task_name={self.task_name!r}, task_id={self.task_id})")

    # -- hooks -----------------------------------------------------------------------
    def _call_hooks(self, estimator, hook_name, values):
        """Call `hook_name` on every callback of this task with the keywords it
        declares; a callable value is evaluated once, on first request.
        True when any hook returned a true value."""
        skip = getattr(self, "_propagated_callbacks", ())
        cache, stop = {}, False
        for cb in self._callbacks:
            if cb in skip:  # the sub-estimator's root (the same node) reports these
                continue
            hook = getattr(cb, hook_name)
            wanted = _hook_keywords(hook)
            bad = set(wanted) - set(HOOK_KWARGS)
            if bad:
                raise TypeError(f"Hook {hook_name} of the callback {type(cb).__name__} has "
                                f"parameters that are not valid: {bad}. The valid parameters "
                                f"are: {list(HOOK_KWARGS)}.")
            kwargs = {}
            for name in wanted:
                if name not in cache:
                    cache[name] = self._hook_value(estimator, name, values)
                kwargs[name] = cache[name]
            stop |= bool(hook(estimator, self, **kwargs))
        return stop

    @staticmethod
    def _hook_value(estimator, name, values):
        if name == "fitted_estimator":
            attrs = values.get("reconstruction_attributes")
            attrs = attrs() if callable(attrs) else attrs
            return None if attrs is None else _fitted_copy(estimator, attrs)
        value = values.get(name)
        return value() if callable(value) else value

    def call_on_fit_task_begin(self, *, estimator, X=None, y=None, metadata=None,
                               reconstruction_attributes=None):
        """Run the callbacks' on_fit_task_begin for this task; returns self.
        reconstruction_attributes (a dict, or a callable returning one): the
        fitted attributes that make a copy of the estimator ready to predict as
        of the start of this task (passed to hooks as ``fitted_estimator``)."""
        self._call_hooks(estimator, "on_fit_task_begin",
                         {"X": X, "y": y, "metadata": metadata,
                          "reconstruction_attributes": reconstruction_attributes})
        return self

    def call_on_fit_task_end(self, *, estimator, X=None, y=None, metadata=None,
                             reconstruction_attributes=None):
        """Run the callbacks' on_fit_task_end for this task; True when one of
        them asks to stop the loop this task belongs to."""
        return self._call_hooks(estimator, "on_fit_task_end",
                                {"X": X, "y": y, "metadata": metadata,
                                 "reconstruction_attributes": reconstruction_attributes})

    @contextmanager
    def propagate_callback_context(self, sub_estimator):
        """Fit `sub_estimator` as this (leaf) task: its root task joins this one
        and the auto-propagated callbacks within their depth are lent to it for
        the duration (removed again on exit)."""
        own = [type(cb).__name__ for cb in getattr(sub_estimator, "_skl_callbacks", [])
               if isinstance(cb, AutoPropagatedCallback)]
        if own:
            raise TypeError(f"The sub-estimator ({type(sub_estimator).__name__}) of a "
                            f"meta-estimator ({self.estimator_name}) can't have auto-propagated "
                            f"callbacks ({own}). Register them directly on the meta-estimator.")
        sub_estimator._parent_callback_ctx = self
        lent = [cb for cb in self._callbacks if isinstance(cb, AutoPropagatedCallback)
                and (cb.max_propagation_depth is None
                     or self._propagation_depth < cb.max_propagation_depth)]
        if lent and not hasattr(sub_estimator, "set_callbacks"):
            warnings.warn(f"The estimator {type(sub_estimator).__name__} does not support "
                          f"callbacks. The callbacks attached to {self.estimator_name} will not "
                          "be propagated to this estimator.", UserWarning, stacklevel=3)
            lent = []
        if lent:
            self._propagated_callbacks = lent
            sub_estimator.set_callbacks(*(getattr(sub_estimator, "_skl_callbacks", []) + lent))
        try:
            yield
        finally:
            if lent:
                sub_estimator.set_callbacks(
                    *[cb for cb in sub_estimator._skl_callbacks if cb not in lent])
            sub_estimator.__dict__.pop("_parent_callback_ctx", None)


class CallbackSupportMixin:
    """Adds ``set_callbacks`` to an estimator whose fit reports its tasks (it
    calls ``_init_callback_context`` first and runs under `with_callbacks`)."""

    def set_callbacks(self, *callbacks):
        """Register fit callbacks (objects following the FitCallback protocol);
        none clears them. Returns self."""
        if not all(isinstance(cb, FitCallback) and not isinstance(cb, type)
                   for cb in callbacks):
            raise TypeError("callbacks must be instances following the FitCallback protocol.")
        if callbacks:
            self._skl_callbacks = list(callbacks)
        else:
            self.__dict__.pop("_skl_callbacks", None)
        return self

    def _init_callback_context(self, task_name="fit", task_id=0, max_subtasks=0,
                               sequential_subtasks=True):
        """The root context of this fit; runs ``setup`` of this estimator's own
        callbacks (lent ones were set up by the meta-estimator)."""
        ctx = CallbackContext._from_estimator(self, task_name, task_id, max_subtasks,
                                              sequential_subtasks)
        self._callback_fit_ctx = ctx
        lent = hasattr(self, "_parent_callback_ctx")
        self._skl_callbacks_to_teardown = []
        for cb in getattr(self, "_skl_callbacks", []):
            if lent and isinstance(cb, AutoPropagatedCallback):
                continue
            self._skl_callbacks_to_teardown.append(cb)
            cb.setup(estimator=self, context=ctx)
        return ctx


def _teardown(estimator):
    ctx = estimator.__dict__.pop("_callback_fit_ctx", None)
    callbacks = estimator.__dict__.pop("_skl_callbacks_to_teardown", [])
    if ctx is None:
        return
    errors = []
    for cb in callbacks:
        try:
            cb.teardown(estimator=estimator, context=ctx)
        except Exception as exc:  # every teardown runs; errors are raised together
            errors.append(exc)
    group = getattr(builtins, "ExceptionGroup", None)  # Python >= 3.11
    if len(errors) == 1 or (errors and group is None):
        raise errors[0]
    if errors:
        raise group("The following callback teardown errors occurred", errors)


@contextmanager
def callback_management_context(estimator):
    """Run the teardown hooks of the fit's callbacks when the block exits,
    whether the fit succeeded or raised."""
    try:
        yield
    finally:
        _teardown(estimator)


def with_callbacks(fit):
    """Decorate a fit method so its callbacks are torn down when it returns or
    raises (a nested call -- fit_transform calling fit -- tears down once)."""

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        if "_callback_fit_ctx" in self.__dict__:  # an outer fit method manages them
            return fit(self, *args, **kwargs)
        with callback_management_context(self):
            return fit(self, *args, **kwargs)

    return wrapper


class IterationTasks:
    """The subtasks of an iterative solver, one per iteration, driven by the
    solver's per-iteration callback.

    Built before the first iteration (its task begins at `x0`); call it with the
    iterate after every iteration (that task ends, the next begins at the same
    point) and `close` it after the solver returns: the last task, begun but
    never run, ends with no data. `attributes(x)` turns an iterate into the
    fitted attributes of an estimator stopped there (evaluated only when a hook
    asks for ``fitted_estimator``). With max_iter=0 the solver runs no
    iteration: call `idle` so the fit still has its one iteration task.
    """

    def __init__(self, ctx, estimator, attributes, x0, *, task_name, X=None, y=None,
                 metadata=None):
        self._ctx, self._est, self._attributes = ctx, estimator, attributes
        self._name, self._data = task_name, {"X": X, "y": y, "metadata": metadata}
        self._task = self._begin(x0)

    def _snapshot(self, x):
        x = x.copy()
        return lambda: self._attributes(x)

    def _begin(self, x):
        task = self._ctx.subcontext(task_name=self._name)
        task.call_on_fit_task_begin(estimator=self._est, **self._data,
                                    reconstruction_attributes=self._snapshot(x))
        return task

    def __call__(self, x):
        stop = self._task.call_on_fit_task_end(estimator=self._est, **self._data,
                                               reconstruction_attributes=self._snapshot(x))
        self._task = self._begin(x)
        return stop

    def idle(self, x0):
        """The single iteration task of a solver that ran none (max_iter=0)."""
        self(x0)

    def close(self):
        self._task.call_on_fit_task_end(estimator=self._est)
