"""Plain-NumPy versions of the demo networks (same layers, same updates), the
baseline that `python -m fastml demo nn` times fastml.nn against."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def mlp_train(X, y, steps, lr=0.01, reg=0.01, hidden=5, seed=0):
    """2-layer ReLU MLP, softmax CE + reg/2 ||W||^2, full-batch gradient descent."""
    rng = np.random.default_rng(seed)
    dt = X.dtype
    W1 = rng.uniform(-1, 1, (X.shape[1], hidden)).astype(dt) / np.sqrt(X.shape[1])
    W2 = rng.uniform(-1, 1, (hidden, 3)).astype(dt) / np.sqrt(hidden)
    b1, b2 = np.zeros(hidden, dt), np.zeros(3, dt)
    onehot = np.eye(3, dtype=dt)[y]
    n = len(y)
    for _ in range(steps):
        z1 = X @ W1 + b1
        h = np.maximum(z1, 0)
        s = h @ W2 + b2
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        ds = (p - onehot) / n
        dh = ds @ W2.T
        dh[z1 <= 0] = 0
        W2 -= lr * (h.T @ ds + reg * W2)
        b2 -= lr * ds.sum(axis=0)
        W1 -= lr * (X.T @ dh + reg * W1)
        b1 -= lr * dh.sum(axis=0)
    return lambda Xt: (np.maximum(Xt @ W1 + b1, 0) @ W2 + b2).argmax(axis=1)


# ---- CNN: (conv3x3 pad 1 - batch norm - relu - maxpool 2) x 2 -> linear, Adam ------------
def _im2col(x):
    """(N, C, H, W) -> (N*H*W, C*9) patches of the zero-padded input."""
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    win = sliding_window_view(xp, (3, 3), axis=(2, 3))  # N, C, H, W, 3, 3
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(N * H * W, C * 9)


def _col2im(dcols, shape):
    N, C, H, W = shape
    d = dcols.reshape(N, H, W, C, 3, 3)
    dxp = np.zeros((N, C, H + 2, W + 2), dcols.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, :, i:i + H, j:j + W] += d[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return dxp[:, :, 1:-1, 1:-1]


class NumpyCNN:
    def __init__(self, c1=16, c2=32, seed=0, dtype=np.float32):
        rng = np.random.default_rng(seed)

        def u(shape, fan_in):
            b = 1 / np.sqrt(fan_in)
            return rng.uniform(-b, b, shape).astype(dtype)

        self.p = {"w1": u((c1, 9), 9), "b1": u(c1, 9), "g1": np.ones(c1, dtype),
                  "be1": np.zeros(c1, dtype), "w2": u((c2, c1 * 9), c1 * 9), "b2": u(c2, c1 * 9),
                  "g2": np.ones(c2, dtype), "be2": np.zeros(c2, dtype),
                  "w3": u((10, c2 * 4), c2 * 4), "b3": u(10, c2 * 4)}
        self.m = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.p.items()}
        self.t = 0

    def _block(self, x, w, b, g, be, cache):
        N, C, H, W = x.shape
        cols = _im2col(x)
        z = (cols @ w.T + b).reshape(N, H, W, -1).transpose(0, 3, 1, 2)
        mu = z.mean(axis=(0, 2, 3), keepdims=True)
        var = z.var(axis=(0, 2, 3), keepdims=True)
        inv = 1 / np.sqrt(var + 1e-5)
        zh = (z - mu) * inv
        a = np.maximum(g[None, :, None, None] * zh + be[None, :, None, None], 0)
        F_ = a.shape[1]
        pooled = a.reshape(N, F_, H // 2, 2, W // 2, 2).max(axis=(3, 5))
        cache.append((x.shape, cols, zh, inv, a, pooled))
        return pooled

    def _block_back(self, dp, w, g, cache):
        xshape, cols, zh, inv, a, pooled = cache
        N, F_, H, W = a.shape
        up = np.repeat(np.repeat(pooled, 2, axis=2), 2, axis=3)
        dup = np.repeat(np.repeat(dp, 2, axis=2), 2, axis=3)
        da = dup * (a == up)
        dbn = da * (a > 0)
        dg = (dbn * zh).sum(axis=(0, 2, 3))
        dbe = dbn.sum(axis=(0, 2, 3))
        dzh = dbn * g[None, :, None, None]
        m = N * H * W
        dz = inv / m * (m * dzh - dzh.sum(axis=(0, 2, 3), keepdims=True)
                        - zh * (dzh * zh).sum(axis=(0, 2, 3), keepdims=True))
        d2 = dz.transpose(0, 2, 3, 1).reshape(-1, F_)
        dw, db = d2.T @ cols, d2.sum(axis=0)
        dx = _col2im(d2 @ w, xshape)
        return dx, dw, db, dg, dbe

    def step(self, x, y, lr=3e-3, b1=0.9, b2=0.999, eps=1e-8):
        p, caches = self.p, [[], []]
        h = self._block(x, p["w1"], p["b1"], p["g1"], p["be1"], caches[0])
        h = self._block(h, p["w2"], p["b2"], p["g2"], p["be2"], caches[1])
        f = h.reshape(len(x), -1)
        s = f @ p["w3"].T + p["b3"]
        pr = np.exp(s - s.max(axis=1, keepdims=True))
        pr /= pr.sum(axis=1, keepdims=True)
        ds = pr
        ds[np.arange(len(y)), y] -= 1
        ds /= len(y)
        grads = {"w3": ds.T @ f, "b3": ds.sum(axis=0)}
        dh = (ds @ p["w3"]).reshape(h.shape)
        dh, grads["w2"], grads["b2"], grads["g2"], grads["be2"] = self._block_back(
            dh, p["w2"], p["g2"], caches[1][0])
        _, grads["w1"], grads["b1"], grads["g1"], grads["be1"] = self._block_back(
            dh, p["w1"], p["g1"], caches[0][0])
        self.t += 1
        for k, g in grads.items():
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            mh = self.m[k] / (1 - b1 ** self.t)
            vh = self.v[k] / (1 - b2 ** self.t)
            p[k] -= (lr * mh / (np.sqrt(vh) + eps)).astype(p[k].dtype)
