"""NumPy twin of csrc/linkage*.c (same signatures as the facade fastml._kernels.linkage).

Merge lists M are (n - 1, 3) float64 rows (a, b, distance) in the order the
algorithm made them; `label` sorts them stably by distance and relabels them
into SciPy's linkage matrix (n - 1, 4). Ties follow SciPy's loops: the previous
chain element first, then the smallest index.
"""
import numpy as np

METRICS = ("euclidean", "manhattan", "cosine")
METHODS = ("complete", "average", "weighted", "ward")


def _unit_rows(X):
    X = np.asarray(X, dtype=np.float64)
    norms = np.sqrt(np.einsum("ij,ij->i", X, X))
    return X / np.where(norms > 0, norms, 1.0)[:, None]


def _row_dists(X, i, js, metric):
    diff = X[js] - X[i]
    if metric == "euclidean":
        return np.sqrt(np.einsum("ij,ij->i", diff, diff))
    if metric == "manhattan":
        return np.abs(diff).sum(axis=1)
    return np.clip(1.0 - X[js] @ X[i], 0.0, 2.0)


def pdist(X, metric):
    """Condensed distances (n (n - 1) / 2,) of X's rows (cosine: 1 - cos, clipped to [0, 2])."""
    X = _unit_rows(X) if metric == "cosine" else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    if n < 2:
        return np.empty(0)
    return np.concatenate([_row_dists(X, i, np.arange(i + 1, n), metric) for i in range(n - 1)])


def _square(D, n):
    S = np.zeros((n, n))
    iu = np.triu_indices(n, 1)
    S[iu] = D
    S.T[iu] = D
    return S


def _update(method, dxi, dyi, dxy, nx, ny, ni):
    if method == "complete":
        return np.maximum(dxi, dyi)
    if method == "average":
        return (nx * dxi + ny * dyi) / (nx + ny)
    if method == "weighted":
        return 0.5 * (dxi + dyi)
    t = 1.0 / (nx + ny + ni)
    return np.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy)


def _pick(v, prev):
    """Index of the minimum of v (inf where not a candidate): prev on ties, else the first."""
    best = v.min()
    if prev >= 0 and v[prev] == best:
        return prev
    return int(np.flatnonzero(v == best)[0])


def _chain_loop(n, nearest, merge):
    M = np.empty((max(n - 1, 0), 3))
    chain = []
    alive = np.ones(n, dtype=bool)
    for k in range(n - 1):
        if not chain:
            chain.append(int(np.flatnonzero(alive)[0]))
        while True:
            x = chain[-1]
            prev = chain[-2] if len(chain) > 1 else -1
            y, dist = nearest(x, prev)
            if y == prev:
                break
            chain.append(y)
        del chain[-2:]
        x, y = min(x, y), max(x, y)
        M[k] = (x, y, dist)
        merge(x, y, dist)
        alive[x] = False
    return M


def chain(D, n, method):
    """Nearest-neighbour chain merges with Lance-Williams updates on condensed D."""
    S = _square(np.asarray(D, dtype=np.float64), n)
    size = np.ones(n)

    def nearest(x, prev):
        v = np.where(size > 0, S[x], np.inf)
        v[x] = np.inf
        y = _pick(v, prev)
        return y, v[y]

    def merge(x, y, dxy):
        nx, ny = size[x], size[y]
        size[x], size[y] = 0, nx + ny
        live = np.flatnonzero(size > 0)
        live = live[live != y]
        S[live, y] = S[y, live] = _update(method, S[live, x], S[live, y], dxy, nx, ny, size[live])

    return _chain_loop(n, nearest, merge)


def ward(X):
    """Ward's merges from the points X by the chain over centroids and sizes."""
    C = np.array(X, dtype=np.float64)
    n = C.shape[0]
    size = np.ones(n)

    def nearest(x, prev):
        diff = C - C[x]
        v = 2.0 * size[x] * size / (size[x] + size) * np.einsum("ij,ij->i", diff, diff)
        v[size == 0] = np.inf
        v[x] = np.inf
        y = _pick(v, prev)
        return y, np.sqrt(v[y])

    def merge(x, y, dxy):
        nx, ny = size[x], size[y]
        C[y] = nx / (nx + ny) * C[x] + ny / (nx + ny) * C[y]
        size[x], size[y] = 0, nx + ny

    return _chain_loop(n, nearest, merge)


def _prim(n, row):
    M = np.empty((max(n - 1, 0), 3))
    cur = np.full(n, np.inf)
    done = np.zeros(n, dtype=bool)
    c = 0
    for k in range(n - 1):
        done[c] = True
        cur = np.minimum(cur, row(c))
        v = np.where(done, np.inf, cur)
        y = int(np.argmin(v))
        M[k] = (c, y, v[y])
        c = y
    return M


def mst(X, metric):
    """Prim's merges (current, new, distance of new to the tree) from sample 0."""
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    return _prim(n, lambda c: _row_dists(X, c, np.arange(n), metric))


def mst_condensed(D, n):
    """Prim's merges on condensed distances D."""
    S = _square(np.asarray(D, dtype=np.float64), n)
    return _prim(n, lambda c: S[c])


def label(M, ordered):
    """Sort the merge list M (n - 1, 3) stably by distance and relabel it into
    SciPy's linkage matrix (n - 1, 4); ordered: smaller cluster id first."""
    M = np.asarray(M, dtype=np.float64)
    Z = np.zeros((M.shape[0], 4))
    Z[:, :3] = M[np.argsort(M[:, 2], kind="stable")]
    n = M.shape[0] + 1
    parent = np.arange(2 * n - 1)
    size = np.ones(2 * n - 1, dtype=np.int64)

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a

    for k in range(n - 1):
        a, b = find(int(Z[k, 0])), find(int(Z[k, 1]))
        if ordered and b < a:
            a, b = b, a
        parent[a] = parent[b] = n + k
        size[n + k] = size[a] + size[b]
        Z[k, 0], Z[k, 1], Z[k, 3] = a, b, size[n + k]
    return Z
