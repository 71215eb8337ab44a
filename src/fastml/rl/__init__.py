"""Tabular reinforcement learning, small and correct: Q-learning and SARSA
with epsilon-greedy exploration (the episode loop compiled with Numba),
value and policy iteration for comparison, and small environments with a
gymnasium-like API (GridWorld, FrozenLake's classic 4x4 and 8x8 maps) that
need no gym install. A gymnasium ``Env`` with discrete spaces works too."""
from ._agents import SARSA, QLearning
from ._envs import MAPS, Discrete, FrozenLake, GridWorld
from ._planning import policy_iteration, q_values, rollout, tabular_model, value_iteration

__all__ = ["QLearning", "SARSA", "value_iteration", "policy_iteration", "q_values", "rollout",
           "tabular_model", "GridWorld", "FrozenLake", "Discrete", "MAPS"]
