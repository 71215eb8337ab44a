"""Tabular Q-learning and SARSA with epsilon-greedy exploration.

On an environment with a known tabular model (fastml's GridWorld and
FrozenLake, or a gymnasium toy-text env) the whole run is one compiled call
(fastml._kernels.tdlearn: the model is sampled inside the kernel). Any other
environment with discrete spaces (a gymnasium ``Env``) is driven step by
step through ``reset`` / ``step`` with the same update rule and the same
random stream for the agent's own choices.
"""
import numbers

import numpy as np

from .._kernels import tdlearn as _td
from ..base import BaseEstimator
from ..utils._param_validation import Interval
from ..utils.validation import check_random_state
from ._planning import tabular_model

__all__ = ["QLearning", "SARSA"]


def _space_n(env, name):
    n = getattr(getattr(env, name, None), "n", None)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise TypeError(f"env.{name} must be a discrete space with an integer n >= 1 "
                        f"(gymnasium.spaces.Discrete), got {getattr(env, name, None)!r}.")
    return int(n)


def _state(obs, n_states):
    if isinstance(obs, (bool, np.bool_)) or not isinstance(obs, numbers.Integral) \
            or not 0 <= obs < n_states:
        raise ValueError(f"The environment returned observation {obs!r}; tabular agents need "
                         f"integer states in [0, {n_states}).")
    return int(obs)


class _TDAgent(BaseEstimator):
    _sarsa = False

    _parameter_constraints = {
        "n_episodes": [Interval(numbers.Integral, 1, None, closed="left")],
        "alpha": [Interval(numbers.Real, 0, 1, closed="right")],
        "gamma": [Interval(numbers.Real, 0, 1, closed="both")],
        "epsilon": [Interval(numbers.Real, 0, 1, closed="both")],
        "epsilon_decay": [Interval(numbers.Real, 0, 1, closed="right")],
        "min_epsilon": [Interval(numbers.Real, 0, 1, closed="both")],
        "max_steps": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(self, n_episodes=5000, *, alpha=0.1, gamma=0.99, epsilon=1.0,
                 epsilon_decay=0.999, min_epsilon=0.01, max_steps=None, random_state=None):
        self.n_episodes = n_episodes
        self.alpha = alpha
        self.gamma = gamma
        self.epsilon = epsilon
        self.epsilon_decay = epsilon_decay
        self.min_epsilon = min_epsilon
        self.max_steps = max_steps
        self.random_state = random_state

    def _episode_limit(self, env):
        if self.max_steps is not None:
            return int(self.max_steps)
        for limit in (getattr(env, "max_episode_steps", None),
                      getattr(getattr(env, "spec", None), "max_episode_steps", None)):
            if isinstance(limit, numbers.Integral) and limit > 0:
                return int(limit)
        return 1000

    def fit(self, env):
        """Learn q_table_ (n_states, n_actions) from n_episodes episodes of env.

        Fitted: q_table_, policy_ (greedy action per state, first best),
        episode_returns_ (undiscounted reward per episode), episode_lengths_,
        n_states_, n_actions_.
        """
        self._validate_params()
        S, A = _space_n(env, "observation_space"), _space_n(env, "action_space")
        seed = int(check_random_state(self.random_state).randint(0, 2 ** 62, dtype=np.int64))
        Q = np.zeros((S, A))
        returns = np.zeros(self.n_episodes)
        lengths = np.zeros(self.n_episodes, dtype=np.int64)
        limit = self._episode_limit(env)
        model = tabular_model(env)
        if model is not None:
            probs, nexts, rewards, dones, isd = model
            if probs.shape[:2] != (S, A) or nexts.min() < 0 or nexts.max() >= S \
                    or isd.shape != (S,):
                raise ValueError(f"The environment's model does not match its spaces "
                                 f"({S} states, {A} actions).")
            if not (np.isfinite(probs).all() and (probs >= 0).all()
                    and (probs.sum(axis=2) > 0).all() and np.isfinite(rewards).all()
                    and np.isfinite(isd).all() and (isd >= 0).all() and isd.sum() > 0):
                raise ValueError("The environment's model needs finite rewards and "
                                 "non-negative probabilities with a positive total for "
                                 "every (state, action) and for the start states.")
            _td.run_episodes(Q, _td.cumulative(probs), np.ascontiguousarray(nexts),
                             np.ascontiguousarray(rewards), np.ascontiguousarray(dones),
                             _td.cumulative(isd), self._sarsa, self.n_episodes, limit,
                             self.alpha, self.gamma, self.epsilon, self.epsilon_decay,
                             self.min_epsilon, seed, returns, lengths)
        else:
            self._run_env(env, Q, seed, limit, returns, lengths)
        self.q_table_ = Q
        self.policy_ = np.argmax(Q, axis=1).astype(np.int64)
        self.episode_returns_ = returns
        self.episode_lengths_ = lengths
        self.n_states_, self.n_actions_ = S, A
        return self

    def _run_env(self, env, Q, seed, limit, returns, lengths):
        """The update loop through env.reset / env.step (no model)."""
        rng = _td.Rng(seed)
        S = Q.shape[0]
        eps = max(self.min_epsilon, self.epsilon)
        alpha, gamma = float(self.alpha), float(self.gamma)
        for e in range(self.n_episodes):
            obs, _ = env.reset(seed=seed % (2 ** 32) if e == 0 else None)
            s = _state(obs, S)
            a = _td.epsilon_greedy(Q[s], eps, rng)
            total, t = 0.0, 0
            while t < limit:
                obs, r, terminated, truncated, _ = env.step(a)
                s2, r = _state(obs, S), float(r)
                total += r
                t += 1
                a2 = 0
                if terminated:
                    target = r
                elif self._sarsa:
                    a2 = _td.epsilon_greedy(Q[s2], eps, rng)
                    target = r + gamma * Q[s2, a2]
                else:
                    target = r + gamma * Q[s2].max()
                Q[s, a] += alpha * (target - Q[s, a])
                if terminated or truncated:
                    break
                if not self._sarsa:
                    a2 = _td.epsilon_greedy(Q[s2], eps, rng)
                s, a = s2, a2
            returns[e], lengths[e] = total, t
            eps = max(self.min_epsilon, eps * self.epsilon_decay)

    def predict(self, states):
        """The greedy action of each state (an int for an int)."""
        self._check_is_fitted("policy_")
        s = np.asarray(states)
        if s.dtype.kind not in "iu" or (s.size and (s.min() < 0 or s.max() >= self.n_states_)):
            raise ValueError(f"states must be integers in [0, {self.n_states_}), got {states!r}.")
        out = self.policy_[s]
        return int(out) if out.ndim == 0 else out


class QLearning(_TDAgent):
    """Tabular Q-learning (off-policy TD control): after each step
    Q[s, a] += alpha * (r + gamma * max_b Q[s', b] - Q[s, a]) (just r when the
    episode terminates; a truncated episode still bootstraps). Actions are
    epsilon-greedy (ties broken uniformly at random); epsilon starts at
    `epsilon` and is multiplied by epsilon_decay after every episode, down to
    min_epsilon. max_steps: the episode limit (default: the environment's
    max_episode_steps)."""

    _sarsa = False


class SARSA(_TDAgent):
    """Tabular SARSA (on-policy TD control): Q[s, a] += alpha * (r + gamma *
    Q[s', a'] - Q[s, a]) with a' the epsilon-greedy action actually taken
    next. Exploration and parameters as QLearning."""

    _sarsa = True
