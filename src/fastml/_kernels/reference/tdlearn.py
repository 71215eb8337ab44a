"""NumPy / Python reference twin of the tabular TD-learning episode loop
(fastml._kernels.tdlearn): the executable spec of Q-learning and SARSA with
epsilon-greedy exploration on a tabular model.

Model (S states, A actions, K outcomes per pair): ``pcdf`` (S, A, K)
float64 cumulative outcome probabilities (non-decreasing rows whose last
entry is exactly 1.0: see ``cumulative``), ``nexts`` (S, A, K) int64 in
[0, S), ``rewards`` (S, A, K) float64, ``dones`` (S, A, K) uint8 (1: the
episode terminates on that outcome), ``isd_cdf`` (S,) the cumulative start
distribution (last entry 1.0). A draw u in [0, 1) picks the first index
with u < cdf[index].

Randomness comes from splitmix64 (``Rng``): each draw advances a 64-bit
counter, so the compiled kernel and this twin see the same numbers and learn
bit-identical tables. Per step, in order: one draw to explore or not; if
exploring, one draw for a uniform action; else the greedy action, with one
more draw only when several actions tie (uniform among them); then one draw
to sample the outcome. A start state costs one draw per episode.

``run_episodes(Q, pcdf, nexts, rewards, dones, isd_cdf, sarsa, n_episodes,
max_steps, alpha, gamma, epsilon, epsilon_decay, min_epsilon, seed, returns,
lengths)`` updates Q (S, A) in place and fills returns (undiscounted reward
per episode) and lengths (steps per episode). An episode ends when an
outcome terminates it or after max_steps steps (truncation: the last update
still bootstraps). Epsilon of episode e: max(min_epsilon, epsilon *
epsilon_decay**e), applied by one multiplication per episode.
"""
import numpy as np

_MASK = (1 << 64) - 1
_INV53 = 1.0 / 9007199254740992.0


class Rng:
    """splitmix64: uniform doubles in [0, 1) with 53 random bits."""

    def __init__(self, seed):
        self.state = int(seed) & _MASK

    def uniform(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        z ^= z >> 31
        return (z >> 11) * _INV53


def cumulative(p):
    """Cumulative distribution along the last axis, with the entries from the
    last positive probability on set to exactly 1.0 (so every draw u < 1
    lands on an outcome of positive probability)."""
    p = np.asarray(p, dtype=np.float64)
    c = np.cumsum(p, axis=-1)
    c /= c[..., -1:]
    K = p.shape[-1]
    last = K - 1 - np.argmax(np.flip(p > 0, axis=-1), axis=-1)
    c[np.arange(K) >= last[..., None]] = 1.0
    return c


def sample_cdf(cdf, u):
    """First index i with u < cdf[i]."""
    for i in range(cdf.shape[0]):
        if u < cdf[i]:
            return i
    return cdf.shape[0] - 1


def epsilon_greedy(Qs, eps, rng):
    """An action for one state's row of Q."""
    n = Qs.shape[0]
    if rng.uniform() < eps:
        return min(int(rng.uniform() * n), n - 1)
    best = Qs[0]
    ties = 1
    for a in range(1, n):
        if Qs[a] > best:
            best, ties = Qs[a], 1
        elif Qs[a] == best:
            ties += 1
    if ties == 1:
        return int(np.argmax(Qs))
    j = min(int(rng.uniform() * ties), ties - 1)
    for a in range(n):
        if Qs[a] == best:
            if j == 0:
                return a
            j -= 1
    return n - 1


def run_episodes(Q, pcdf, nexts, rewards, dones, isd_cdf, sarsa, n_episodes, max_steps,
                 alpha, gamma, epsilon, epsilon_decay, min_epsilon, seed, returns, lengths):
    rng = Rng(seed)
    eps = max(min_epsilon, epsilon)
    for e in range(n_episodes):
        s = sample_cdf(isd_cdf, rng.uniform())
        a = epsilon_greedy(Q[s], eps, rng)
        total, t = 0.0, 0
        while t < max_steps:
            k = sample_cdf(pcdf[s, a], rng.uniform())
            s2, r, done = int(nexts[s, a, k]), rewards[s, a, k], dones[s, a, k]
            total += r
            t += 1
            a2 = 0
            if done:
                target = r
            elif sarsa:  # on-policy: the next action is chosen before the update
                a2 = epsilon_greedy(Q[s2], eps, rng)
                target = r + gamma * Q[s2, a2]
            else:
                target = r + gamma * Q[s2].max()
            Q[s, a] += alpha * (target - Q[s, a])
            if done:
                break
            if not sarsa:  # Q-learning acts on the updated table
                a2 = epsilon_greedy(Q[s2], eps, rng)
            s, a = s2, a2
        returns[e] = total
        lengths[e] = t
        eps = max(min_epsilon, eps * epsilon_decay)
