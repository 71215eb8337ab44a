"""Finite-difference gradient check for fastml.nn ops (use float64 inputs).

gradcheck(fn, inputs) projects fn's output on a fixed random cotangent v,
so L = sum(v * fn(*inputs)) is a scalar, then compares autograd's dL/dx with
central differences (L(x + eps) - L(x - eps)) / (2 eps) for every element of
every input that requires grad. fn must be deterministic (reseed inside fn
for random ops such as dropout).
"""
import numpy as np

from .tensor import Tensor, no_grad


def _as_array(out):
    return out.data if isinstance(out, Tensor) else np.asarray(out)


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Return True, or raise AssertionError naming the input and the worst element."""
    if isinstance(inputs, Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise ValueError(f"gradcheck: input {i} has dtype {inputs[i].dtype}; use float64")

    out = fn(*inputs)
    if not isinstance(out, Tensor) or not out.requires_grad:
        raise ValueError("gradcheck: fn must return a Tensor that requires grad")
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(out.shape).astype(out.dtype)
    for i in checked:
        inputs[i].grad = None
    out.backward(v)
    analytic = [np.zeros(inputs[i].shape) if inputs[i].grad is None
                else np.array(inputs[i].grad, dtype=np.float64) for i in checked]

    def objective():
        with no_grad():
            return float(np.sum(v * _as_array(fn(*inputs))))

    for k, i in enumerate(checked):
        x = inputs[i].data
        flat = x.reshape(-1)  # a view: perturb in place, restore after
        if not np.shares_memory(flat, x):
            raise ValueError(f"gradcheck: input {i} must be contiguous")
        numeric = np.empty(x.size)
        for j in range(x.size):
            old = flat[j]
            flat[j] = old + eps
            fp = objective()
            flat[j] = old - eps
            fm = objective()
            flat[j] = old
            numeric[j] = (fp - fm) / (2 * eps)
        numeric = numeric.reshape(x.shape)
        err = np.abs(analytic[k] - numeric)
        bad = err > atol + rtol * np.abs(numeric)
        if bad.any():
            j = np.unravel_index(int(np.argmax(err - rtol * np.abs(numeric))), x.shape)
            raise AssertionError(
                f"gradcheck failed for input {i} (shape {x.shape}) at {j}: analytic "
                f"{analytic[k][j]:.8g} vs numeric {numeric[j]:.8g}; "
                f"{int(bad.sum())} of {x.size} elements off (atol={atol}, rtol={rtol})")
    return True
