"""NumPy twin of csrc/dropout.c: inverted dropout with a counter-based RNG.

Element i is kept iff hash(key, i) >= threshold, where threshold =
min(floor(p * 2**32), 2**32 - 1) and hash is two murmur3 fmix32 rounds:
    h = fmix32(lo32(i) ^ lo32(key));  h = fmix32(h ^ hi32(key) ^ hi32(i)).
The mask is a pure function of (key, i), so backward regenerates it instead of
storing it, and the result does not depend on threads or SIMD width. Kept
elements are scaled by 1 / (1 - p) (computed in the input dtype).
"""
import numpy as np


def _fmix32(h):
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def threshold(p):
    return min(int(p * 4294967296.0), 4294967295)


def keep_mask(n, p, key):
    """Boolean keep-mask for a flat tensor of n elements."""
    i = np.arange(n, dtype=np.uint64)
    lo = (i & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    hi = (i >> np.uint64(32)).astype(np.uint32)
    k0 = np.uint32(key & 0xFFFFFFFF)
    k1 = np.uint32((key >> 32) & 0xFFFFFFFF)
    h = _fmix32(lo ^ k0)
    h = _fmix32(h ^ k1 ^ hi)
    return h >= np.uint32(threshold(p))


def dropout(x, p, key):
    scale = x.dtype.type(1.0) / x.dtype.type(1.0 - p)
    m = keep_mask(x.size, p, key).reshape(x.shape)
    return np.where(m, x * scale, 0).astype(x.dtype, copy=False)


def dropout_backward(dy, p, key):
    return dropout(dy, p, key)
