"""Tabular reinforcement learning on FrozenLake (no gym install needed).

1. Value iteration on the classic 4x4 and 8x8 lakes, deterministic
   (is_slippery=False): the optimal values and greedy policy.
2. Q-learning and SARSA (epsilon-greedy, epsilon decaying per episode; the
   episode loop is compiled with Numba) learn from experience alone; their
   greedy policies are rolled out from the start and compared with value
   iteration's: the same shortest path to the goal.
3. The slippery 4x4 lake (each move goes sideways with probability 2/3):
   the success rate of the learned policy vs the optimum.

Run: python examples/rl_frozenlake.py
"""
import time

import numpy as np

from fastml.rl import FrozenLake, QLearning, SARSA, rollout, value_iteration

ARROWS = np.array(["<", "v", ">", "^"])


def show(env, policy):
    grid = np.where(np.isin(env.desc, ["H", "G"]), env.desc,
                    ARROWS[policy].reshape(env.desc.shape))
    return "\n".join("    " + "".join(row) for row in grid)


def success_rate(env, policy, episodes=2000):
    return np.mean([rollout(env, policy, seed=i)[1] for i in range(episodes)])


def main(print_fn=print):
    gamma = 0.95
    QLearning(n_episodes=1).fit(FrozenLake())  # compile (or load) the episode loop once
    SARSA(n_episodes=1).fit(FrozenLake())
    for name, episodes, decay in (("4x4", 3000, 0.998), ("8x8", 20000, 0.9995)):
        env = FrozenLake(map_name=name, is_slippery=False)
        V, pol = value_iteration(env, gamma=gamma)
        steps_vi = len(rollout(env, pol)[0]) - 1
        print_fn(f"FrozenLake {name} (deterministic): value iteration V(start) = {V[0]:.4f}, "
                 f"{steps_vi} steps to the goal")
        for Agent in (QLearning, SARSA):
            t = time.perf_counter()
            agent = Agent(n_episodes=episodes, alpha=0.5, gamma=gamma, epsilon_decay=decay,
                          random_state=0).fit(env)
            dt = time.perf_counter() - t
            states, ret, _ = rollout(env, agent.policy_)
            same = (len(states) - 1, ret) == (steps_vi, 1.0)
            print_fn(f"  {Agent.__name__:9s} {episodes} episodes in {dt:.2f} s: greedy rollout "
                     f"{len(states) - 1} steps, return {ret:.0f} -> "
                     f"{'optimal (same as value iteration)' if same else 'NOT optimal'}")
        print_fn(show(env, agent.policy_))

    env = FrozenLake(map_name="4x4", is_slippery=True)
    V, pol = value_iteration(env, gamma=0.99)
    agent = QLearning(n_episodes=30000, alpha=0.05, gamma=0.99, epsilon_decay=0.9998,
                      random_state=1).fit(env)
    print_fn(f"FrozenLake 4x4 slippery: success rate of value iteration's policy "
             f"{success_rate(env, pol):.3f}, of Q-learning's {success_rate(env, agent.policy_):.3f}")


if __name__ == "__main__":
    main()
