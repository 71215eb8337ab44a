"""fastml.rl: environments (gymnasium-like API, classic FrozenLake dynamics),
value / policy iteration against hand-checked values, and Q-learning / SARSA
reaching the optimal policy that value iteration computes."""
import numpy as np
import pytest

from fastml.rl import (SARSA, FrozenLake, GridWorld, QLearning, policy_iteration, q_values,
                       rollout, tabular_model, value_iteration)


def test_value_iteration_hand_checked_corridor():
    # S . G in a row, reward 1 on entering G, gamma 0.9: V = [0.9, 1, 0]
    env = GridWorld(shape=(1, 3), start=(0, 0), goal=(0, 2))
    V, pol = value_iteration(env, gamma=0.9)
    np.testing.assert_allclose(V, [0.9, 1.0, 0.0], atol=1e-9)
    assert list(pol[:2]) == [2, 2]  # right, right
    V2, pol2 = policy_iteration(env, gamma=0.9)
    np.testing.assert_allclose(V2, V, atol=1e-9)


def test_value_iteration_hand_checked_slippery_step():
    # "SG" slippery: right, down and up each reach G with probability 1/3 and
    # otherwise stay: V(S) = (1/3) / (1 - (2/3) * 0.9) = 5/6
    env = FrozenLake(desc=["SG"], is_slippery=True)
    V, pol = value_iteration(env, gamma=0.9, theta=1e-14)
    np.testing.assert_allclose(V, [5 / 6, 0.0], atol=1e-12)
    assert pol[0] == 1  # the first of the three equally good actions
    Q = q_values(env, V, gamma=0.9)
    np.testing.assert_allclose(Q[0], [0.9 * 5 / 6, 5 / 6, 5 / 6, 5 / 6], atol=1e-12)


@pytest.mark.parametrize("name", ["4x4", "8x8"])
@pytest.mark.parametrize("slippery", [False, True])
def test_policy_iteration_matches_value_iteration(name, slippery):
    env = FrozenLake(map_name=name, is_slippery=slippery)
    V, pol = value_iteration(env, gamma=0.95, theta=1e-13)
    V2, pol2 = policy_iteration(env, gamma=0.95)
    np.testing.assert_allclose(V2, V, atol=1e-9)
    Q = q_values(env, V, gamma=0.95)
    rows = np.arange(len(V))
    np.testing.assert_allclose(Q[rows, pol2], V, atol=1e-9)  # both policies are greedy


def test_frozenlake_4x4_slippery_known_optimum():
    # the classic result: from the start the optimal policy succeeds with
    # probability 0.8235 at gamma = 1 (undiscounted success rate)
    V, _ = value_iteration(FrozenLake(is_slippery=True), gamma=1.0, theta=1e-12)
    assert abs(V[0] - 0.8235) < 1e-3


def _greedy_path(env, policy):
    states, total, terminated = rollout(env, policy, seed=0)
    return len(states) - 1, total, terminated


@pytest.mark.parametrize("name,episodes,decay", [("4x4", 3000, 0.998), ("8x8", 20000, 0.9995)])
@pytest.mark.parametrize("Agent", [QLearning, SARSA])
def test_agents_reach_the_value_iteration_policy(name, episodes, decay, Agent):
    env = FrozenLake(map_name=name, is_slippery=False)
    gamma = 0.95
    V, pol = value_iteration(env, gamma=gamma)
    agent = Agent(n_episodes=episodes, alpha=0.5, gamma=gamma, epsilon_decay=decay,
                  random_state=0).fit(env)
    steps_vi, ret_vi, term_vi = _greedy_path(env, pol)
    steps_q, ret_q, term_q = _greedy_path(env, agent.policy_)
    assert term_vi and ret_vi == 1.0
    assert (steps_q, ret_q, term_q) == (steps_vi, ret_vi, term_vi)
    assert steps_vi == (6 if name == "4x4" else 14)  # the shortest path
    # every greedy action on the path is optimal, and Q there is close to V*
    Qstar = q_values(env, V, gamma=gamma)
    states, _, _ = rollout(env, agent.policy_, seed=0)
    for s in states[:-1]:
        assert Qstar[s, agent.policy_[s]] == pytest.approx(V[s], abs=1e-9)
        assert agent.q_table_[s].max() == pytest.approx(V[s], abs=0.05)
    assert agent.episode_returns_.shape == (episodes,)
    assert agent.episode_returns_[-200:].mean() > 0.8


def test_qlearning_on_slippery_lake_is_near_optimal():
    env = FrozenLake(is_slippery=True)
    gamma = 0.99
    V, _ = value_iteration(env, gamma=gamma)
    agent = QLearning(n_episodes=30000, alpha=0.05, gamma=gamma, epsilon_decay=0.9998,
                      random_state=1).fit(env)
    probs, nexts, rewards, dones, _ = tabular_model(env)
    Vq, _ = policy_iteration_value(env, agent.policy_, gamma)
    assert Vq[0] > 0.9 * V[0]


def policy_iteration_value(env, policy, gamma):
    """Exact value of a fixed policy (a linear solve on the model)."""
    probs, nexts, rewards, dones, _ = tabular_model(env)
    S = probs.shape[0]
    rows = np.arange(S)
    T = np.zeros((S, S))
    np.add.at(T, (np.repeat(rows, nexts.shape[2]), nexts[rows, policy].ravel()),
              (probs * (1 - dones))[rows, policy].ravel())
    r = (probs * rewards).sum(axis=2)[rows, policy]
    return np.linalg.solve(np.eye(S) - gamma * T, r), policy


def test_same_seed_same_table():
    env = FrozenLake(is_slippery=True)
    a = QLearning(n_episodes=500, random_state=7).fit(env)
    b = QLearning(n_episodes=500, random_state=7).fit(env)
    c = QLearning(n_episodes=500, random_state=8).fit(env)
    np.testing.assert_array_equal(a.q_table_, b.q_table_)
    assert not np.array_equal(a.q_table_, c.q_table_)


def test_env_api_and_slippery_dynamics():
    env = FrozenLake(is_slippery=True)
    assert env.observation_space.n == 16 and env.action_space.n == 4
    obs, info = env.reset(seed=3)
    assert obs == 0 and isinstance(info, dict)
    out = env.step(2)
    assert len(out) == 5
    # from the start, "right" moves right / down / up (stay) with 1/3 each
    counts = np.zeros(16)
    for i in range(3000):
        env.reset(seed=i)
        counts[env.step(2)[0]] += 1
    frac = counts / counts.sum()
    np.testing.assert_allclose(frac[[0, 1, 4]], [1 / 3] * 3, atol=0.04)
    # truncation after max_episode_steps
    env = FrozenLake(is_slippery=False, max_episode_steps=5)
    env.reset(seed=0)
    flags = [env.step(0)[3] for _ in range(5)]
    assert flags == [False] * 4 + [True]
    with pytest.raises(ValueError, match="action"):
        env.step(7)
    with pytest.raises(ValueError, match="map_name"):
        FrozenLake(map_name="5x5")
    with pytest.raises(ValueError, match="goal"):
        GridWorld((2, 2), goal=(0, 0))


class _StepOnly:
    """A gymnasium-style Env with discrete spaces and no model."""

    def __init__(self, env):
        self._env = env
        self.observation_space, self.action_space = env.observation_space, env.action_space

    def reset(self, seed=None, options=None):
        return self._env.reset(seed=seed)

    def step(self, a):
        return self._env.step(a)


class _ToyText:
    """What gymnasium's toy-text envs expose: unwrapped.P and a start distribution."""

    def __init__(self, env):
        self.unwrapped = self
        self.P, self.initial_state_distrib = env.P, env.initial_state_distrib
        self.observation_space, self.action_space = env.observation_space, env.action_space
        self.spec = type("Spec", (), {"max_episode_steps": env.max_episode_steps})()


def test_env_without_model_is_driven_step_by_step():
    env = FrozenLake(is_slippery=False)
    V, pol = value_iteration(env, gamma=0.95)
    agent = QLearning(n_episodes=1500, alpha=0.5, gamma=0.95, epsilon_decay=0.995,
                      random_state=0).fit(_StepOnly(env))
    assert _greedy_path(env, agent.policy_) == _greedy_path(env, pol)


def test_gymnasium_style_model_uses_the_compiled_loop():
    env = FrozenLake(is_slippery=True)
    a = QLearning(n_episodes=400, random_state=2).fit(env)
    b = QLearning(n_episodes=400, random_state=2).fit(_ToyText(env))
    np.testing.assert_array_equal(a.q_table_, b.q_table_)


def test_errors_name_the_problem():
    env = FrozenLake()
    with pytest.raises(ValueError, match="alpha"):
        QLearning(alpha=0).fit(env)
    with pytest.raises(ValueError, match="gamma"):
        SARSA(gamma=1.5).fit(env)
    with pytest.raises(TypeError, match="observation_space"):
        QLearning().fit(object())
    agent = QLearning(n_episodes=10).fit(env)
    with pytest.raises(ValueError, match="states must be integers"):
        agent.predict([0, 16])
    assert agent.predict(3) in range(4)
    with pytest.raises(ValueError, match="gamma"):
        policy_iteration(env, gamma=1.0)
    with pytest.raises(TypeError, match="no tabular model"):
        value_iteration(_StepOnly(env))
