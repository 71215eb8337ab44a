"""Small tabular environments with a gymnasium-like API and no gym
dependency: ``reset(seed=None) -> (obs, info)``, ``step(action) -> (obs,
reward, terminated, truncated, info)``, ``observation_space.n`` and
``action_space.n``. Each also exposes its full model (``P``, as gymnasium's
toy-text environments do, and the dense ``transition_arrays()``), which the
planners and the compiled learning loop use.

Actions on grids: 0 left, 1 down, 2 right, 3 up (gymnasium's FrozenLake order).
"""
import numbers

import numpy as np

__all__ = ["Discrete", "GridWorld", "FrozenLake", "MAPS"]

LEFT, DOWN, RIGHT, UP = 0, 1, 2, 3
_MOVES = {LEFT: (0, -1), DOWN: (1, 0), RIGHT: (0, 1), UP: (-1, 0)}

MAPS = {
    "4x4": ["SFFF", "FHFH", "FFFH", "HFFG"],
    "8x8": ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF",
            "FHFFHFHF", "FFFHFFFG"],
}


class Discrete:
    """The integers 0 .. n - 1 (gymnasium's Discrete, start 0)."""

    def __init__(self, n, seed=None):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"Discrete space needs n >= 1, got n={n!r}.")
        self.n = int(n)
        self._rng = np.random.default_rng(seed)

    def seed(self, seed=None):
        self._rng = np.random.default_rng(seed)

    def sample(self):
        return int(self._rng.integers(self.n))

    def contains(self, x):
        return isinstance(x, numbers.Integral) and not isinstance(x, bool) and 0 <= x < self.n

    def __repr__(self):
        return f"Discrete({self.n})"


class _TabularEnv:
    """A finite MDP given by P[s][a] = [(prob, next_state, reward,
    terminated), ...] and a start distribution; episodes are truncated after
    max_episode_steps steps."""

    def _setup(self, P, isd, max_episode_steps):
        self.P = P
        self.initial_state_distrib = np.asarray(isd, dtype=np.float64)
        self.observation_space = Discrete(len(P))
        self.action_space = Discrete(len(P[0]))
        if isinstance(max_episode_steps, bool) or not isinstance(max_episode_steps,
                                                                 numbers.Integral) \
                or max_episode_steps < 1:
            raise ValueError(f"max_episode_steps must be an int >= 1, got "
                             f"{max_episode_steps!r}.")
        self.max_episode_steps = int(max_episode_steps)
        self.np_random = np.random.default_rng()
        self.s = None
        self._t = 0

    def reset(self, seed=None, options=None):
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
            self.action_space.seed(seed)
        isd = self.initial_state_distrib
        self.s = int(self.np_random.choice(isd.shape[0], p=isd))
        self._t = 0
        return self.s, {"prob": 1.0}

    def step(self, action):
        if self.s is None:
            raise RuntimeError("Call reset() before step().")
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an int in [0, {self.action_space.n}), got "
                             f"{action!r}.")
        outcomes = self.P[self.s][int(action)]
        probs = np.array([o[0] for o in outcomes])
        i = int(self.np_random.choice(len(outcomes), p=probs / probs.sum()))
        p, s2, r, terminated = outcomes[i]
        self.s = int(s2)
        self._t += 1
        truncated = not terminated and self._t >= self.max_episode_steps
        return self.s, float(r), bool(terminated), bool(truncated), {"prob": float(p)}

    def transition_arrays(self):
        """Dense model: (probs, nexts, rewards, dones) of shape (S, A, K)
        (K the most outcomes of any pair; missing outcomes have probability
        0) and the start distribution (S,)."""
        return transition_arrays(self.P) + (self.initial_state_distrib.copy(),)


def transition_arrays(P):
    """(probs, nexts, rewards, dones) arrays (S, A, K) from a gymnasium-style
    P[s][a] = [(prob, next_state, reward, terminated), ...]."""
    S, A = len(P), len(P[0])
    K = max(len(P[s][a]) for s in range(S) for a in range(A))
    probs = np.zeros((S, A, K))
    nexts = np.zeros((S, A, K), dtype=np.int64)
    rewards = np.zeros((S, A, K))
    dones = np.zeros((S, A, K), dtype=np.uint8)
    for s in range(S):
        if len(P[s]) != A:
            raise ValueError(f"P[{s}] has {len(P[s])} actions, expected {A}.")
        for a in range(A):
            for k, (p, s2, r, d) in enumerate(P[s][a]):
                probs[s, a, k], nexts[s, a, k], rewards[s, a, k], dones[s, a, k] = p, s2, r, d
    return probs, nexts, rewards, dones


def _grid_step(desc, r, c, a):
    dr, dc = _MOVES[a]
    nr, nc = r + dr, c + dc
    if 0 <= nr < len(desc) and 0 <= nc < len(desc[0]) and desc[nr][nc] != "W":
        return nr, nc
    return r, c


class FrozenLake(_TabularEnv):
    """The classic FrozenLake: walk from S to G on a frozen lake without
    falling into a hole H (reward 1 on reaching G; G and H end the episode).
    map_name "4x4" or "8x8" (the classic maps) or desc (a list of strings of
    S/F/H/G). With is_slippery the agent moves in the intended direction or
    one of the two perpendicular ones, each with probability 1/3.
    max_episode_steps: 100 on 4x4, 200 otherwise (gymnasium's time limits)."""

    def __init__(self, desc=None, map_name="4x4", is_slippery=True, max_episode_steps=None):
        if desc is None:
            if map_name not in MAPS:
                raise ValueError(f"map_name must be one of {sorted(MAPS)}, got {map_name!r}.")
            desc = MAPS[map_name]
        desc = [str(row) for row in desc]
        if not desc or len({len(row) for row in desc}) != 1 or \
                set("".join(desc)) - set("SFHG") or "".join(desc).count("S") != 1:
            raise ValueError("desc must be equal-length rows of S/F/H/G with one S, got "
                             f"{desc!r}.")
        self.desc = np.asarray([list(row) for row in desc])
        self.nrow, self.ncol = len(desc), len(desc[0])
        self.is_slippery = bool(is_slippery)
        P = {}
        for r in range(self.nrow):
            for c in range(self.ncol):
                s = r * self.ncol + c
                P[s] = {}
                for a in range(4):
                    if desc[r][c] in "GH":
                        P[s][a] = [(1.0, s, 0.0, True)]
                        continue
                    dirs = [(a - 1) % 4, a, (a + 1) % 4] if self.is_slippery else [a]
                    P[s][a] = []
                    for b in dirs:
                        nr, nc = _grid_step(desc, r, c, b)
                        cell = desc[nr][nc]
                        P[s][a].append((1.0 / len(dirs), nr * self.ncol + nc,
                                        float(cell == "G"), cell in "GH"))
        isd = (self.desc == "S").ravel().astype(np.float64)
        steps = max_episode_steps if max_episode_steps is not None else \
            (100 if (self.nrow, self.ncol) == (4, 4) else 200)
        self._setup(P, isd / isd.sum(), steps)

    def __repr__(self):
        return (f"FrozenLake({self.nrow}x{self.ncol}, is_slippery={self.is_slippery}, "
                f"max_episode_steps={self.max_episode_steps})")


class GridWorld(_TabularEnv):
    """A deterministic grid: start at `start`, reach `goal` (reward
    goal_reward, episode ends); every other step gives step_reward. Cells in
    `walls` and the border block moves (the agent stays). `traps`: cells that
    end the episode with trap_reward. States are row * ncol + col."""

    def __init__(self, shape=(4, 4), start=(0, 0), goal=None, walls=(), traps=(),
                 goal_reward=1.0, step_reward=0.0, trap_reward=-1.0, max_episode_steps=100):
        nrow, ncol = (int(v) for v in shape)
        if nrow < 1 or ncol < 1 or nrow * ncol < 2:
            raise ValueError(f"shape must hold at least 2 cells, got {shape!r}.")
        goal = (nrow - 1, ncol - 1) if goal is None else tuple(goal)
        grid = [["F"] * ncol for _ in range(nrow)]
        for name, cells, mark in (("walls", walls, "W"), ("traps", traps, "H")):
            for cell in cells:
                r, c = cell
                if not (0 <= r < nrow and 0 <= c < ncol):
                    raise ValueError(f"{name} cell {cell!r} is outside the {nrow}x{ncol} grid.")
                grid[r][c] = mark
        for name, (r, c) in (("start", start), ("goal", goal)):
            if not (0 <= r < nrow and 0 <= c < ncol) or grid[r][c] != "F":
                raise ValueError(f"{name}={(r, c)!r} must be a free cell of the {nrow}x{ncol} "
                                 "grid.")
        if tuple(start) == goal:
            raise ValueError("start and goal must differ.")
        grid[goal[0]][goal[1]] = "G"
        self.desc = np.asarray(grid)
        self.nrow, self.ncol = nrow, ncol
        self.start, self.goal = tuple(start), goal
        desc = ["".join(row) for row in grid]
        P = {}
        for r in range(nrow):
            for c in range(ncol):
                s = r * ncol + c
                P[s] = {}
                for a in range(4):
                    if desc[r][c] in "GHW":
                        P[s][a] = [(1.0, s, 0.0, True)]
                        continue
                    nr, nc = _grid_step(desc, r, c, a)
                    cell = desc[nr][nc]
                    reward = {"G": goal_reward, "H": trap_reward}.get(cell, step_reward)
                    P[s][a] = [(1.0, nr * ncol + nc, float(reward), cell in "GH")]
        isd = np.zeros(nrow * ncol)
        isd[start[0] * ncol + start[1]] = 1.0
        self._setup(P, isd, max_episode_steps)

    def __repr__(self):
        return f"GridWorld({self.nrow}x{self.ncol}, start={self.start}, goal={self.goal})"
