"""The optimizer engine behind :mod:`fastml.optimize` (the public API).

Everything here works on flat NumPy vectors (float64, or float32 when the
caller's parameters are float32) and an objective ``fg(x) -> (f, g)``:

- :mod:`.line_search`: the one strong-Wolfe line search (bracketing and
  cubic-interpolation zoom, minFunc's ``lswolfe`` as ported by
  ``torch.optim.LBFGS``) and Armijo backtracking.
- :mod:`.quasi_newton`: the L-BFGS two-loop recursion, and the closure-style
  runs with state kept between calls that ``fastml.nn.optim.LBFGS`` (PyTorch's
  semantics) and ``fastml.nn.optim.ConjugateGradient`` adapt to parameters.

The estimator-style solvers (``minimize_lbfgs``, ``minimize_cg``, ...) live in
fastml/optimize.py and use the same two pieces.
"""
