"""Tabular TD learning (Q-learning, SARSA) episode loop behind one facade.

Compiled backend: Numba (fastml._kernels.tdlearn_jit, compiled on first use
and cached on disk); FASTML_BACKEND=reference: the Python twin
(fastml._kernels.reference.tdlearn, which holds the contract and the random
stream). Both learn bit-identical tables for the same seed. One thread: the
episodes are sequential.
"""
from ._backend import COMPILED
from .reference import tdlearn as _reference

cumulative = _reference.cumulative
Rng = _reference.Rng
epsilon_greedy = _reference.epsilon_greedy

if COMPILED:
    def _impl():
        from . import tdlearn_jit  # cached after the first call
        return tdlearn_jit
else:
    def _impl():
        return _reference


def run_episodes(Q, pcdf, nexts, rewards, dones, isd_cdf, sarsa, n_episodes, max_steps,
                 alpha, gamma, epsilon, epsilon_decay, min_epsilon, seed, returns, lengths):
    """Run n_episodes on the model; Q, returns and lengths are updated in
    place (float64 C arrays; nexts int64, dones uint8): see the twin."""
    _impl().run_episodes(Q, pcdf, nexts, rewards, dones, isd_cdf, bool(sarsa),
                         int(n_episodes), int(max_steps), float(alpha), float(gamma),
                         float(epsilon), float(epsilon_decay), float(min_epsilon), int(seed),
                         returns, lengths)
