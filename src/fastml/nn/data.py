"""Minibatch iteration over in-memory arrays, plus simple data transforms
(input-noise injection, random flips and shifts for images).

``DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True, seed=0)``
yields tuples of Tensors (float arrays keep their dtype; labels stay
integer). Shuffling draws a fresh permutation every epoch from the loader's
own generator (``seed``) or, without a seed, from fastml.nn.manual_seed's.
"""
import numpy as np

from ._random import generator
from .tensor import Tensor

__all__ = ["TensorDataset", "DataLoader", "Compose", "GaussianNoise", "RandomFlip",
           "RandomShift"]


class TensorDataset:
    """Arrays (or Tensors) sharing their first dimension; item i is a tuple."""

    def __init__(self, *arrays):
        if not arrays:
            raise ValueError("TensorDataset needs at least one array")
        arrs = [np.asarray(a.data if isinstance(a, Tensor) else a) for a in arrays]
        n = arrs[0].shape[0] if arrs[0].ndim else None
        for i, a in enumerate(arrs):
            if a.ndim == 0 or a.shape[0] != n:
                raise ValueError(f"all arrays must share their first dimension; array 0 has "
                                 f"{n} rows, array {i} has shape {a.shape}")
        self.arrays = tuple(arrs)

    def __len__(self):
        return self.arrays[0].shape[0]

    def __getitem__(self, idx):
        return tuple(a[idx] for a in self.arrays)


class DataLoader:
    """Minibatches of a TensorDataset (or of a tuple of arrays).

    batch_size: rows per batch; shuffle: new order every epoch; drop_last: skip
    a final short batch; seed: private generator for shuffling and transforms;
    transform: callable(x_batch, rng) -> x_batch applied to the first array.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=None,
                 transform=None):
        if isinstance(dataset, (tuple, list)):
            dataset = TensorDataset(*dataset)
        elif isinstance(dataset, np.ndarray):
            dataset = TensorDataset(dataset)
        if not isinstance(dataset, TensorDataset):
            raise TypeError(f"dataset must be a TensorDataset or a tuple of arrays, got "
                            f"{type(dataset).__name__}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size < 1:
            raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
        if len(dataset) == 0:
            raise ValueError("DataLoader got an empty dataset")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)
        self.transform = transform
        self._rng = None if seed is None else np.random.default_rng(seed)

    def _generator(self):
        return self._rng if self._rng is not None else generator()

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        rng = self._generator()
        order = rng.permutation(n) if self.shuffle else None
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            if order is None:
                idx = slice(start, min(start + self.batch_size, n))
            else:
                idx = order[start:start + self.batch_size]
            batch = list(self.dataset[idx])
            if self.transform is not None:
                batch[0] = self.transform(batch[0], rng)
            yield tuple(Tensor(np.ascontiguousarray(b)) for b in batch)


# ---- transforms: callable(x, rng) -> new array (never modify x in place) ------
class Compose:
    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, x, rng):
        for t in self.transforms:
            x = t(x, rng)
        return x


class GaussianNoise:
    """Input-noise injection: x + std * N(0, 1), in x's dtype."""

    def __init__(self, std=0.1):
        if not std >= 0:
            raise ValueError(f"std must be >= 0, got {std!r}")
        self.std = float(std)

    def __call__(self, x, rng):
        return (x + self.std * rng.standard_normal(x.shape)).astype(x.dtype, copy=False)


class RandomFlip:
    """Flip each sample along `axis` (default: image width) with probability p."""

    def __init__(self, p=0.5, axis=-1):
        if not 0 <= p <= 1:
            raise ValueError(f"p must be in [0, 1], got {p!r}")
        self.p, self.axis = float(p), axis

    def __call__(self, x, rng):
        flip = rng.random(x.shape[0]) < self.p
        out = x.copy()
        out[flip] = np.flip(x[flip], axis=self.axis)
        return out


class RandomShift:
    """Shift each image (..., H, W) by up to max_shift pixels in each direction,
    filling with zeros."""

    def __init__(self, max_shift=1):
        if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
            raise ValueError(f"max_shift must be an int >= 0, got {max_shift!r}")
        self.max_shift = max_shift

    def __call__(self, x, rng):
        if x.ndim < 3:
            raise ValueError(f"RandomShift needs images (N, ..., H, W), got shape {x.shape}")
        k = self.max_shift
        shifts = rng.integers(-k, k + 1, size=(x.shape[0], 2))
        out = np.zeros_like(x)
        H, W = x.shape[-2:]
        for i, (dy, dx) in enumerate(shifts):
            ys, yd = (slice(0, H - dy), slice(dy, H)) if dy >= 0 else (slice(-dy, H),
                                                                      slice(0, H + dy))
            xs, xd = (slice(0, W - dx), slice(dx, W)) if dx >= 0 else (slice(-dx, W),
                                                                      slice(0, W + dx))
            out[i, ..., yd, xd] = x[i, ..., ys, xs]
        return out
