"""Tabular TD-learning loop (fastml._kernels.tdlearn: Numba tdlearn_jit when
compiled) vs its Python twin (reference/tdlearn.py): the same random stream
and updates, so bit-identical Q-tables, returns and episode lengths."""
import numpy as np
import pytest

from fastml._kernels import tdlearn as facade
from fastml._kernels.reference import tdlearn as ref
from fastml.rl import FrozenLake, GridWorld


def _run(impl, env, sarsa, n_episodes, seed, **kw):
    probs, nexts, rewards, dones, isd = env.transition_arrays()
    S, A = probs.shape[:2]
    Q = np.zeros((S, A))
    returns = np.zeros(n_episodes)
    lengths = np.zeros(n_episodes, dtype=np.int64)
    args = dict(alpha=0.3, gamma=0.9, epsilon=1.0, epsilon_decay=0.99, min_epsilon=0.05)
    args.update(kw)
    impl.run_episodes(Q, ref.cumulative(probs), nexts, rewards, dones, ref.cumulative(isd),
                      sarsa, n_episodes, env.max_episode_steps, args["alpha"], args["gamma"],
                      args["epsilon"], args["epsilon_decay"], args["min_epsilon"], seed,
                      returns, lengths)
    return Q, returns, lengths


@pytest.mark.parametrize("sarsa", [False, True])
@pytest.mark.parametrize("env", [FrozenLake(is_slippery=True), FrozenLake(is_slippery=False),
                                 FrozenLake(map_name="8x8"),
                                 GridWorld((3, 5), walls=[(1, 1)], traps=[(1, 3)],
                                           step_reward=-0.1)],
                         ids=["fl4-slip", "fl4", "fl8-slip", "grid"])
def test_facade_matches_twin_bit_for_bit(env, sarsa):
    for seed in (0, 12345678901234):
        a = _run(ref, env, sarsa, 300, seed)
        b = _run(facade, env, sarsa, 300, seed)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        assert a[2].min() >= 1 and a[2].max() <= env.max_episode_steps


def test_rng_is_splitmix64():
    # the published splitmix64 test vector for seed 1234567
    want = [6457827717110365317, 3203168211198807973, 9817491932198370423]
    r = ref.Rng(1234567)
    assert [r.uniform() for _ in range(3)] == [(z >> 11) * 2.0 ** -53 for z in want]


def test_cumulative_lands_every_draw():
    p = np.array([[0.2, 0.8, 0.0], [1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]])
    c = ref.cumulative(p)
    assert (c[:, -1] == 1.0).all()
    assert ref.sample_cdf(c[2], 0.999999999) == 1
    assert ref.sample_cdf(c[0], 0.1) == 0 and ref.sample_cdf(c[0], 0.2) == 1
    assert ref.sample_cdf(c[1], np.nextafter(1.0, 0)) == 2


def test_greedy_ties_are_uniform():
    rng = ref.Rng(5)
    counts = np.bincount([ref.epsilon_greedy(np.array([1.0, 0.0, 1.0, 1.0]), 0.0, rng)
                          for _ in range(3000)], minlength=4)
    assert counts[1] == 0 and counts[[0, 2, 3]].min() > 900
