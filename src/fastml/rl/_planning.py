"""Dynamic programming on a known tabular model: value iteration and policy
iteration (the baselines the learned Q-tables are compared with), and the
greedy rollout of a policy."""
import numbers

import numpy as np

from ._envs import transition_arrays

__all__ = ["value_iteration", "policy_iteration", "tabular_model", "rollout", "q_values"]


def tabular_model(env):
    """(probs, nexts, rewards, dones, isd) of an environment with a known
    model: fastml's environments (``transition_arrays()``) or a gymnasium
    toy-text environment (``env.unwrapped.P`` and its
    ``initial_state_distrib``). None for an environment without one."""
    if hasattr(env, "transition_arrays"):
        return tuple(env.transition_arrays())
    base = getattr(env, "unwrapped", env)
    P = getattr(base, "P", None)
    if isinstance(P, dict) and P:
        S = len(P)
        isd = getattr(base, "initial_state_distrib", None)
        isd = np.full(S, 1.0 / S) if isd is None else np.asarray(isd, dtype=np.float64)
        return transition_arrays(P) + (isd,)
    return None


def _model(env):
    model = tabular_model(env)
    if model is None:
        raise TypeError(f"{type(env).__name__} exposes no tabular model: planning needs "
                        "transition_arrays() or a gymnasium-style P[s][a] table.")
    return model


def _check_gamma(gamma, upper_open):
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or not (
            0 <= gamma < 1 if upper_open else 0 <= gamma <= 1):
        bound = "[0, 1)" if upper_open else "[0, 1]"
        raise ValueError(f"gamma must be a float in {bound}, got {gamma!r}.")
    return float(gamma)


def q_values(env, V, gamma=0.99):
    """Q[s, a] = E[r + gamma * V[s'] (0 once the episode terminates)] under
    the model of env."""
    probs, nexts, rewards, dones, _ = _model(env)
    V = np.asarray(V, dtype=np.float64)
    return (probs * (rewards + gamma * V[nexts] * (1 - dones))).sum(axis=2)


def value_iteration(env, gamma=0.99, theta=1e-10, max_iter=100_000):
    """Optimal state values V (S,) and a greedy policy (S,) int64 (the first
    best action) by Bellman optimality sweeps until the largest change is
    below theta. Terminal outcomes do not bootstrap."""
    gamma = _check_gamma(gamma, upper_open=False)
    probs, nexts, rewards, dones, _ = _model(env)
    cont = probs * (1 - dones)
    r = (probs * rewards).sum(axis=2)
    V = np.zeros(probs.shape[0])
    for _ in range(int(max_iter)):
        V_new = (r + gamma * (cont * V[nexts]).sum(axis=2)).max(axis=1)
        delta = np.abs(V_new - V).max()
        V = V_new
        if delta < theta:
            break
    Q = r + gamma * (cont * V[nexts]).sum(axis=2)
    return V, np.argmax(Q, axis=1).astype(np.int64)


def policy_iteration(env, gamma=0.99, max_iter=1000):
    """(V, policy) by exact policy evaluation (a linear solve) and greedy
    improvement until the policy is stable (an action is replaced only by a
    strictly better one, so ties cannot cycle). gamma < 1."""
    gamma = _check_gamma(gamma, upper_open=True)
    probs, nexts, rewards, dones, _ = _model(env)
    S = probs.shape[0]
    cont = probs * (1 - dones)
    r = (probs * rewards).sum(axis=2)
    policy = np.zeros(S, dtype=np.int64)
    rows = np.arange(S)
    for _ in range(int(max_iter)):
        T = np.zeros((S, S))
        np.add.at(T, (np.repeat(rows, nexts.shape[2]), nexts[rows, policy].ravel()),
                  cont[rows, policy].ravel())
        V = np.linalg.solve(np.eye(S) - gamma * T, r[rows, policy])
        Q = r + gamma * (cont * V[nexts]).sum(axis=2)
        best = Q.argmax(axis=1)
        better = Q[rows, best] > Q[rows, policy] + 1e-12 * (1 + np.abs(Q[rows, policy]))
        if not better.any():
            break
        policy = np.where(better, best, policy)
    return V, policy


def rollout(env, policy, max_steps=None, seed=None):
    """Follow `policy` (an array over states, or a callable state -> action)
    from env.reset(seed); returns (states visited incl. the first, total
    reward, terminated)."""
    act = policy if callable(policy) else (lambda s, p=np.asarray(policy): int(p[s]))
    limit = max_steps or getattr(env, "max_episode_steps", None) or 10_000
    s, _ = env.reset(seed=seed)
    states, total, terminated = [int(s)], 0.0, False
    for _ in range(int(limit)):
        s, reward, terminated, truncated, _ = env.step(act(int(s)))
        states.append(int(s))
        total += float(reward)
        if terminated or truncated:
            break
    return states, total, bool(terminated)
