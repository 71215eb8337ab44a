"""Numba kernel of the tabular TD-learning episode loop (contract, random
stream and order of draws: fastml._kernels.reference.tdlearn). The whole run
(every episode and step) is one compiled call: per step an epsilon-greedy
choice, an outcome drawn from the model's cumulative probabilities and one
Q-learning or SARSA update. splitmix64 in uint64 arithmetic gives the twin's
numbers, so both learn bit-identical tables. Imported lazily, compiled on
first use and cached on disk; nogil, one thread (episodes are sequential).
"""
import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0


@_jit
def _uniform(state):
    """Advance state[0] (splitmix64) and return a double in [0, 1)."""
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return np.float64(z >> _S11) * _INV53


@_jit
def _sample_cdf(cdf, u):
    for i in range(cdf.shape[0]):
        if u < cdf[i]:
            return i
    return cdf.shape[0] - 1


@_jit
def _epsilon_greedy(Qs, eps, state):
    n = Qs.shape[0]
    if _uniform(state) < eps:
        return min(int(_uniform(state) * n), n - 1)
    best = Qs[0]
    arg = 0
    ties = 1
    for a in range(1, n):
        if Qs[a] > best:
            best = Qs[a]
            arg = a
            ties = 1
        elif Qs[a] == best:
            ties += 1
    if ties == 1:
        return arg
    j = min(int(_uniform(state) * ties), ties - 1)
    for a in range(n):
        if Qs[a] == best:
            if j == 0:
                return a
            j -= 1
    return n - 1


@_jit
def run_episodes(Q, pcdf, nexts, rewards, dones, isd_cdf, sarsa, n_episodes, max_steps,
                 alpha, gamma, epsilon, epsilon_decay, min_epsilon, seed, returns, lengths):
    state = np.empty(1, dtype=np.uint64)
    state[0] = np.uint64(seed)
    eps = max(min_epsilon, epsilon)
    n_actions = Q.shape[1]
    for e in range(n_episodes):
        s = _sample_cdf(isd_cdf, _uniform(state))
        a = _epsilon_greedy(Q[s], eps, state)
        total = 0.0
        t = 0
        while t < max_steps:
            k = _sample_cdf(pcdf[s, a], _uniform(state))
            s2 = nexts[s, a, k]
            r = rewards[s, a, k]
            done = dones[s, a, k] != 0
            total += r
            t += 1
            a2 = 0
            if done:
                target = r
            elif sarsa:
                a2 = _epsilon_greedy(Q[s2], eps, state)
                target = r + gamma * Q[s2, a2]
            else:
                m = Q[s2, 0]
                for b in range(1, n_actions):
                    if Q[s2, b] > m:
                        m = Q[s2, b]
                target = r + gamma * m
            Q[s, a] += alpha * (target - Q[s, a])
            if done:
                break
            if not sarsa:
                a2 = _epsilon_greedy(Q[s2], eps, state)
            s = s2
            a = a2
        returns[e] = total
        lengths[e] = t
        eps = max(min_epsilon, eps * epsilon_decay)
