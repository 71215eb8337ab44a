"""Synthetic dataset generators: blobs, classification, regression, advertising.

All generators take ``random_state``: None (fresh OS entropy), a non-negative int
(seed for :func:`numpy.random.default_rng`), a :class:`numpy.random.Generator`
(used and advanced in place) or a legacy :class:`numpy.random.RandomState` (one
64-bit seed is drawn from it to start a new Generator, so the same RandomState
state gives the same data). Outputs are float64 ``X`` and int64 (classification)
or float64 (regression) ``y``.
"""

import numbers

import numpy as np

__all__ = ["make_blobs", "make_classification", "make_regression", "make_advertising"]


def _check_random_state(random_state):
    """Turn ``random_state`` into a :class:`numpy.random.Generator`."""
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(int(random_state.randint(0, 2**63 - 1, dtype=np.int64)))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative integer, got {random_state!r}")
        return np.random.default_rng(int(random_state))
    raise ValueError("random_state must be None, an int, a numpy.random.Generator or a "
                     f"numpy.random.RandomState, got {random_state!r}")


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_real(name, value, minimum=None, maximum=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        low = "-inf" if minimum is None else minimum
        high = "inf" if maximum is None else maximum
        raise ValueError(f"{name} must be in [{low}, {high}], got {value!r}")
    return float(value)


def _as_float_array(name, value, ndim):
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric array-like, got {value!r}") from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values")
    return arr


def _per_feature(name, value, n_features):
    """A scalar or a length-n_features vector, returned as a float64 vector."""
    arr = _as_float_array(name, value, np.ndim(value))
    if arr.ndim == 0:
        return np.full(n_features, float(arr))
    if arr.shape != (n_features,):
        raise ValueError(f"{name} must be a scalar or have shape ({n_features},), "
                         f"got shape {arr.shape}")
    return arr


def _covariance_factor(cov, name):
    """Return L with L @ L.T == cov for a symmetric positive semi-definite ``cov``."""
    if not np.allclose(cov, cov.T, rtol=1e-8, atol=1e-12):
        raise ValueError(f"{name} must be symmetric")
    w, v = np.linalg.eigh(0.5 * (cov + cov.T))
    if w.min() < -1e-10 * max(1.0, np.abs(w).max()):
        raise ValueError(f"{name} must be positive semi-definite, smallest eigenvalue {w.min()!r}")
    return v * np.sqrt(np.clip(w, 0.0, None))


def make_blobs(n_samples=100, n_features=2, *, centers=None, cluster_std=1.0,
               center_box=(-10.0, 10.0), shuffle=True, random_state=None,
               return_centers=False, covariances=None):
    """Generate Gaussian clusters ("blobs") for clustering and classification.

    Parameters
    ----------
    n_samples : int or array-like of int, default=100
        Total number of points, split as evenly as possible over the centres (the
        first ``n_samples % n_centers`` centres get one more), or the number of
        points for each centre.
    n_features : int, default=2
        Number of features; ignored when ``centers`` is an array.
    centers : int or array-like of shape (n_centers, n_features), default=None
        Number of centres to draw uniformly in ``center_box``, or the centres
        themselves. None means 3 centres if ``n_samples`` is an int, otherwise
        ``len(n_samples)`` centres.
    cluster_std : float or array-like of shape (n_centers,), default=1.0
        Standard deviation of every feature for every cluster, or one per cluster.
    center_box : tuple of float (min, max), default=(-10.0, 10.0)
        Bounds of the box the random centres are drawn from.
    shuffle : bool, default=True
        Shuffle the rows; otherwise clusters come in centre order.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness (see the module notes).
    return_centers : bool, default=False
        Also return the centres.
    covariances : array-like of shape (n_centers, n_features, n_features), default=None
        Full covariance matrix (symmetric positive semi-definite) of each cluster.
        Replaces ``cluster_std``, which must then be left at 1.0.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int64
        Index of the centre each point was drawn around.
    centers : ndarray of shape (n_centers, n_features), float64
        Only when ``return_centers`` is True.

    Examples
    --------
    >>> X, y = make_blobs(300, centers=[[0, 0], [5, 5]],
    ...                   covariances=[[[1, 0.5], [0.5, 1]], [[2, 0], [0, 0.5]]],
    ...                   random_state=0)
    >>> X.shape, y.tolist().count(1)
    ((300, 2), 150)
    """
    rng = _check_random_state(random_state)
    n_features = _check_int("n_features", n_features, 1)
    try:
        lo, hi = center_box
    except (TypeError, ValueError):
        raise ValueError(f"center_box must be a pair (min, max), got {center_box!r}") from None
    lo, hi = _check_real("center_box[0]", lo), _check_real("center_box[1]", hi)
    if lo > hi:
        raise ValueError(f"center_box must be (min, max) with min <= max, got {center_box!r}")

    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n_total = _check_int("n_samples", n_samples, 1)
        if centers is None:
            centers = 3
        n_per_center = None
    else:
        try:
            n_per_center = [int(n) for n in n_samples]
        except (TypeError, ValueError):
            raise ValueError(f"n_samples must be an int or a sequence of ints, "
                             f"got {n_samples!r}") from None
        if not n_per_center or min(n_per_center) < 0 or sum(n_per_center) < 1:
            raise ValueError("n_samples as a sequence must hold non-negative counts with "
                             f"a positive total, got {n_samples!r}")
        if centers is None:
            centers = len(n_per_center)
        elif isinstance(centers, numbers.Integral):
            raise ValueError("centers must be None or an array when n_samples is a sequence, "
                             f"got {centers!r}")

    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        n_centers = _check_int("centers", centers, 1)
        centers = rng.uniform(lo, hi, size=(n_centers, n_features))
    else:
        centers = _as_float_array("centers", centers, 2)
        n_centers, n_features = centers.shape
        if n_centers == 0 or n_features == 0:
            raise ValueError(f"centers must be non-empty, got shape {centers.shape}")

    if n_per_center is None:
        n_per_center = [n_total // n_centers + (i < n_total % n_centers)
                        for i in range(n_centers)]
    elif len(n_per_center) != n_centers:
        raise ValueError(f"n_samples has {len(n_per_center)} entries but there are "
                         f"{n_centers} centers")

    std = _as_float_array("cluster_std", cluster_std, np.ndim(cluster_std))
    if std.ndim == 0:
        std = np.full(n_centers, float(std))
    if std.shape != (n_centers,) or np.any(std < 0):
        raise ValueError(f"cluster_std must be a non-negative scalar or have shape "
                         f"({n_centers},), got {cluster_std!r}")

    factors = None
    if covariances is not None:
        if np.any(std != 1.0):
            raise ValueError("give either cluster_std or covariances, not both")
        cov = _as_float_array("covariances", covariances, 3)
        if cov.shape != (n_centers, n_features, n_features):
            raise ValueError(f"covariances must have shape ({n_centers}, {n_features}, "
                             f"{n_features}), got {cov.shape}")
        factors = [_covariance_factor(c, f"covariances[{i}]") for i, c in enumerate(cov)]

    X = np.empty((sum(n_per_center), n_features))
    y = np.empty(sum(n_per_center), dtype=np.int64)
    start = 0
    for i, n in enumerate(n_per_center):
        z = rng.standard_normal((n, n_features))
        block = z @ factors[i].T if factors is not None else z * std[i]
        X[start:start + n] = centers[i] + block
        y[start:start + n] = i
        start += n

    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if return_centers:
        return X, y, centers
    return X, y


def _hypercube_vertices(n_vertices, dimensions, rng):
    """Distinct random vertices of the {0, 1}^dimensions cube, shape (n_vertices, dimensions)."""
    if dimensions <= 30:
        codes = rng.choice(2**dimensions, size=n_vertices, replace=False)
        return ((codes[:, None] >> np.arange(dimensions)) & 1).astype(np.float64)
    while True:  # collisions among 2**31+ vertices are vanishingly rare
        bits = rng.integers(0, 2, size=(n_vertices, dimensions))
        if len(np.unique(bits, axis=0)) == n_vertices:
            return bits.astype(np.float64)


def _class_counts(n_samples, weights):
    """Split n_samples over classes by largest remainders (ties go to the lower class)."""
    exact = n_samples * weights
    counts = np.floor(exact).astype(np.int64)
    short = n_samples - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def make_classification(n_samples=100, n_features=20, *, n_informative=2, n_redundant=2,
                        n_repeated=0, n_classes=2, n_clusters_per_class=2, weights=None,
                        flip_y=0.01, class_sep=1.0, hypercube=True, shift=0.0, scale=1.0,
                        shuffle=True, random_state=None):
    """Generate a random n-class classification problem (Guyon's "Madelon" design).

    Each class is made of ``n_clusters_per_class`` Gaussian clusters centred on
    distinct vertices of a hypercube of side ``2 * class_sep`` in the space of the
    ``n_informative`` features. Each cluster is standard normal, multiplied by its
    own random matrix (so clusters are correlated) and moved to its vertex. The
    columns are then, in order before shuffling: informative, redundant (random
    linear combinations of the informative ones), repeated (copies of random
    informative or redundant columns) and useless (standard normal noise).

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=20
        Total number of features, at least ``n_informative + n_redundant + n_repeated``.
    n_informative : int, default=2
        Number of informative features; needs ``2**n_informative >= n_classes *
        n_clusters_per_class`` vertices.
    n_redundant : int, default=2
        Number of linear combinations of the informative features.
    n_repeated : int, default=0
        Number of duplicated informative or redundant features.
    n_classes : int, default=2
        Number of classes.
    n_clusters_per_class : int, default=2
        Number of clusters per class.
    weights : array-like of shape (n_classes,) or (n_classes - 1,), default=None
        Proportion of samples in each class (non-negative, summing to 1; with
        ``n_classes - 1`` entries the last is ``1 - sum``). None means balanced. The
        class sizes are ``n_samples * weights`` rounded by largest remainder, split
        evenly over the clusters of the class. Label flipping changes them slightly.
    flip_y : float in [0, 1], default=0.01
        Fraction of samples whose label is replaced by a uniformly random class
        (which may be the same class).
    class_sep : float, default=1.0
        Half the side of the hypercube; larger values separate the classes more.
    hypercube : bool, default=True
        If False, the vertices are scaled by random factors so clusters sit on a
        random polytope instead.
    shift : float, array-like of shape (n_features,) or None, default=0.0
        Added to each feature (after the clusters are built); None draws it
        uniformly from ``[-class_sep, class_sep]``.
    scale : float, array-like of shape (n_features,) or None, default=1.0
        Multiplies each feature after the shift; None draws it from ``[1, 101]``.
    shuffle : bool, default=True
        Shuffle the samples and the features.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness (see the module notes).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int64
        Class labels 0 .. n_classes - 1.

    Examples
    --------
    >>> X, y = make_classification(200, 5, n_informative=3, n_redundant=1,
    ...                            weights=[0.8], flip_y=0.0, random_state=0)
    >>> X.shape, int((y == 0).sum())
    ((200, 5), 160)
    """
    rng = _check_random_state(random_state)
    n_samples = _check_int("n_samples", n_samples, 1)
    n_features = _check_int("n_features", n_features, 1)
    n_informative = _check_int("n_informative", n_informative, 1)
    n_redundant = _check_int("n_redundant", n_redundant, 0)
    n_repeated = _check_int("n_repeated", n_repeated, 0)
    n_classes = _check_int("n_classes", n_classes, 1)
    n_clusters_per_class = _check_int("n_clusters_per_class", n_clusters_per_class, 1)
    flip_y = _check_real("flip_y", flip_y, 0.0, 1.0)
    class_sep = _check_real("class_sep", class_sep)

    n_useful = n_informative + n_redundant + n_repeated
    if n_useful > n_features:
        raise ValueError("n_informative + n_redundant + n_repeated must be <= n_features, got "
                         f"{n_informative} + {n_redundant} + {n_repeated} = {n_useful} > "
                         f"n_features={n_features}")
    n_clusters = n_classes * n_clusters_per_class
    if n_clusters > 2**n_informative:
        raise ValueError(f"n_classes * n_clusters_per_class must be <= 2**n_informative, got "
                         f"{n_classes} * {n_clusters_per_class} = {n_clusters} > "
                         f"2**{n_informative} = {2**n_informative}")

    if weights is None:
        weights = np.full(n_classes, 1.0 / n_classes)
    else:
        w = _as_float_array("weights", weights, 1)
        if len(w) == n_classes - 1 and n_classes > 1:
            w = np.append(w, 1.0 - w.sum())
        if len(w) != n_classes:
            raise ValueError(f"weights must have n_classes ({n_classes}) or n_classes - 1 "
                             f"entries, got {len(w)}")
        if np.any(w < 0) or abs(w.sum() - 1.0) > 1e-6:
            raise ValueError(f"weights must be non-negative and sum to 1, got {weights!r}")
        weights = w
    class_counts = _class_counts(n_samples, weights)
    shift = None if shift is None else _per_feature("shift", shift, n_features)
    scale = None if scale is None else _per_feature("scale", scale, n_features)

    # Cluster k belongs to class k % n_classes; a class's samples are split evenly
    # over its clusters, the first clusters taking the remainder.
    cluster_counts = np.empty(n_clusters, dtype=np.int64)
    for c in range(n_classes):
        base, extra = divmod(int(class_counts[c]), n_clusters_per_class)
        for j in range(n_clusters_per_class):
            cluster_counts[c + j * n_classes] = base + (j < extra)

    centroids = (2.0 * _hypercube_vertices(n_clusters, n_informative, rng) - 1.0) * class_sep
    if not hypercube:
        centroids *= 2.0 * rng.uniform(size=(n_clusters, 1))
        centroids *= rng.uniform(size=(1, n_informative))

    X = np.empty((n_samples, n_features))
    y = np.empty(n_samples, dtype=np.int64)
    informative = rng.standard_normal((n_samples, n_informative))
    start = 0
    for k in range(n_clusters):
        stop = start + cluster_counts[k]
        y[start:stop] = k % n_classes
        mixing = 2.0 * rng.uniform(size=(n_informative, n_informative)) - 1.0
        informative[start:stop] = informative[start:stop] @ mixing + centroids[k]
        start = stop
    X[:, :n_informative] = informative

    if n_redundant:
        combos = 2.0 * rng.uniform(size=(n_informative, n_redundant)) - 1.0
        X[:, n_informative:n_informative + n_redundant] = informative @ combos
    if n_repeated:
        n_source = n_informative + n_redundant
        sources = ((n_source - 1) * rng.uniform(size=n_repeated) + 0.5).astype(np.intp)
        X[:, n_source:n_useful] = X[:, sources]
    if n_features > n_useful:
        X[:, n_useful:] = rng.standard_normal((n_samples, n_features - n_useful))

    if flip_y > 0.0:
        flip = rng.uniform(size=n_samples) < flip_y
        y[flip] = rng.integers(0, n_classes, size=int(flip.sum()))

    if shift is None:
        shift = (2.0 * rng.uniform(size=n_features) - 1.0) * class_sep
    X += shift
    if scale is None:
        scale = 1.0 + 100.0 * rng.uniform(size=n_features)
    X *= scale

    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
        X = X[:, rng.permutation(n_features)]
    return np.ascontiguousarray(X), y


def make_regression(n_samples=100, n_features=100, *, n_informative=10, noise=0.0, bias=0.0,
                    coef=False, shuffle=True, random_state=None):
    """Generate a random linear regression problem.

    ``X`` is standard normal; ``y = X @ w + bias + noise * N(0, 1)`` where ``w`` has
    ``n_informative`` non-zero entries drawn uniformly from ``[0, 100)``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=100
        Number of features.
    n_informative : int, default=10
        Number of features with a non-zero coefficient (capped at ``n_features``).
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to ``y``.
    bias : float, default=0.0
        Intercept.
    coef : bool, default=False
        Also return the true coefficients ``w``.
    shuffle : bool, default=True
        Shuffle the features (and ``w`` with them), so the informative features are
        not the first columns.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness (see the module notes).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), float64
    coef : ndarray of shape (n_features,), float64
        Only when ``coef`` is True; ``y == X @ coef + bias`` when ``noise == 0``.

    Examples
    --------
    >>> X, y, w = make_regression(50, 5, n_informative=2, coef=True, random_state=0)
    >>> int((w != 0).sum())
    2
    """
    rng = _check_random_state(random_state)
    n_samples = _check_int("n_samples", n_samples, 1)
    n_features = _check_int("n_features", n_features, 1)
    n_informative = min(_check_int("n_informative", n_informative, 0), n_features)
    noise = _check_real("noise", noise, 0.0)
    bias = _check_real("bias", bias)

    X = rng.standard_normal((n_samples, n_features))
    w = np.zeros(n_features)
    w[:n_informative] = 100.0 * rng.uniform(size=n_informative)
    if shuffle:
        order = rng.permutation(n_features)
        X, w = np.ascontiguousarray(X[:, order]), w[order]
    y = X @ w + bias
    if noise > 0.0:
        y += rng.normal(scale=noise, size=n_samples)
    if coef:
        return X, y, w
    return X, y


def make_advertising(n_samples=200, random_state=None):
    """Generate a synthetic "advertising" regression dataset (budgets -> sales).

    Modelled on the Advertising data of James, Witten, Hastie and Tibshirani, "An
    Introduction to Statistical Learning" (ISLR), but **synthetic**: no real data
    is used. Columns of ``X`` are the TV, radio and newspaper budgets (thousands of
    dollars); ``y`` is sales (thousands of units)::

        TV        ~ Uniform(0.7, 296.4)
        radio     ~ Uniform(0.0, 49.6)
        newspaper ~ 0.3 * radio + Gamma(shape=2, scale=12)   (right-skewed, mean ~31)
        sales     = 2.55 + 0.046 * TV + 0.189 * radio - 0.001 * newspaper + N(0, 1.7**2)

    Values are rounded to one decimal and sales are clipped at 0. Sales have mean
    ~14 and standard deviation ~5, so a linear model with all weights and the
    intercept at zero starts at a mean squared error of ~220 (half-MSE ~110), and
    ordinary least squares reaches R^2 ~0.9.

    Parameters
    ----------
    n_samples : int, default=200
        Number of samples (markets).
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState
        Source of randomness (see the module notes).

    Returns
    -------
    X : ndarray of shape (n_samples, 3), float64
        Columns ``TV, radio, newspaper``.
    y : ndarray of shape (n_samples,), float64
        Sales.

    Examples
    --------
    >>> X, y = make_advertising(random_state=0)
    >>> X.shape, y.shape
    ((200, 3), (200,))
    """
    rng = _check_random_state(random_state)
    n_samples = _check_int("n_samples", n_samples, 1)
    tv = rng.uniform(0.7, 296.4, size=n_samples)
    radio = rng.uniform(0.0, 49.6, size=n_samples)
    newspaper = 0.3 * radio + rng.gamma(2.0, 12.0, size=n_samples)
    sales = (2.55 + 0.046 * tv + 0.189 * radio - 0.001 * newspaper
             + rng.normal(0.0, 1.7, size=n_samples))
    X = np.round(np.column_stack([tv, radio, newspaper]), 1)
    y = np.round(np.maximum(sales, 0.0), 1)
    return X, y
