"""Pure-NumPy twins of the SGD kernels (fastml._kernels.sgd_jit): per-sample
SGD epochs for the binary / regression losses and multinomial softmax.

Same algorithms and update formulas as the jitted versions, written with one
NumPy call per sample: the executable specification, the test oracle, and
the "plain NumPy" baseline of benchmarks/bench_linear.py.

Conventions: w (p,) is stored scaled, the model being wscale * w; `state` is
a float64 array [wscale, intercept, t, u] (t counts updates, u is the
cumulative L1 penalty) and q (p,) the L1 penalty already applied, both
updated in place. Loss / penalty / learning-rate codes are the LOSSES,
PENALTIES, SCHEDULES indexes below. Returns the epoch's summed loss.
Schedules "pa1" / "pa2" (passive-aggressive) replace the gradient step by
pa_update's step (eta = eta0 for the penalties), for the hinge and
epsilon-insensitive losses; softmax_sgd_epoch has no passive-aggressive form.
"""
import math

import numpy as np

LOSSES = ("hinge", "log_loss", "squared_error", "huber", "modified_huber", "squared_hinge",
          "epsilon_insensitive", "squared_epsilon_insensitive", "perceptron")
PENALTIES = (None, "l2", "l1", "elasticnet")
SCHEDULES = ("constant", "optimal", "invscaling", "adaptive", "pa1", "pa2")
MAX_DLOSS = 1e12


def pa_update(schedule, loss, lv, sq, pred, yi, eta0):
    """Passive-aggressive step (schedules 4 "pa1" and 5 "pa2", Crammer et al.
    2006, scikit-learn's formulas): tau = min(eta0, lv / ||x||^2) (PA-I) or
    lv / (||x||^2 + 1 / (2 eta0)) (PA-II), lv the sample's hinge or
    epsilon-insensitive loss, signed by y for hinge (classification) and by
    y - pred for regression. PA-I skips a sample with x = 0: returns None."""
    if schedule == 4:
        if sq == 0.0:
            return None
        tau = min(eta0, lv / sq)
    else:
        tau = lv / (sq + 0.5 / eta0)
    if loss == 0:
        return tau * yi
    return -tau if yi - pred < 0 else tau


def loss_value(loss, p, y, eps):
    z = p * y
    if loss == 0:
        return max(0.0, 1.0 - z)
    if loss == 1:
        if z > 18.0:
            return math.exp(-z)
        if z < -18.0:
            return -z
        return math.log1p(math.exp(-z))
    if loss == 2:
        return 0.5 * (p - y) ** 2
    if loss == 3:
        r = abs(p - y)
        return 0.5 * r * r if r <= eps else eps * r - 0.5 * eps * eps
    if loss == 4:
        if z >= 1.0:
            return 0.0
        return (1.0 - z) ** 2 if z >= -1.0 else -4.0 * z
    if loss == 5:
        return max(0.0, 1.0 - z) ** 2
    if loss == 6:
        return max(0.0, abs(y - p) - eps)
    if loss == 8:  # perceptron: hinge at threshold 0
        return max(0.0, -z)
    r = max(0.0, abs(y - p) - eps)
    return r * r


def loss_dloss(loss, p, y, eps):
    """d loss / d p."""
    z = p * y
    if loss == 0:
        return -y if z <= 1.0 else 0.0
    if loss == 1:
        if z > 18.0:
            return -y * math.exp(-z)
        if z < -18.0:
            return -y
        return -y / (math.exp(z) + 1.0)
    if loss == 2:
        return p - y
    if loss == 3:
        r = p - y
        return r if abs(r) <= eps else (eps if r > 0 else -eps)
    if loss == 4:
        if z >= 1.0:
            return 0.0
        return -2.0 * (1.0 - z) * y if z >= -1.0 else -4.0 * y
    if loss == 5:
        return -2.0 * y * (1.0 - z) if z < 1.0 else 0.0
    if loss == 6:
        if y - p > eps:
            return -1.0
        return 1.0 if p - y > eps else 0.0
    if loss == 8:
        return -y if z <= 0.0 else 0.0
    if y - p > eps:
        return -2.0 * (y - p - eps)
    return 2.0 * (p - y - eps) if p - y > eps else 0.0


def sgd_epoch(w, q, state, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio, schedule,
              eta0, power_t, optimal_init, fit_intercept, aw=None, average=0):
    """One epoch; with average > 0 (and aw (p,)) also averaged SGD, see
    avg_step: state then holds [.., avg_a, avg_b, avg_intercept] at 4..6.
    A state of length 10 also gets, in state[7], the epoch's penalty sum
    (scikit-learn's objective = summed loss + this): per sample, before its
    update, alpha ((1 - r) sq / 2 + r l1n) (r = 0 for l2, 1 for l1, l1_ratio
    for elasticnet), 0 without a penalty. sq, l1n (state[8], state[9], carried
    from epoch to epoch; the caller sets ||w||^2, ||w||_1 at the start of a fit)
    are scikit-learn's WeightVector norms: recomputed after each step, scaled
    with the L2 decay, left as they are by the L1 truncation (with the l2
    penalty alone sq is updated as ||w + u x||^2 = ||w||^2 + 2 u w.x +
    u^2 ||x||^2, the same value to rounding without a second pass over w)."""
    wscale, b, t, u = state[0], state[1], state[2], state[3]
    avg = average > 0 and aw is not None and aw.shape[0] > 0
    sumloss = 0.0
    use_l2 = penalty == 1 or penalty == 3
    use_l1 = penalty == 2 or penalty == 3
    obj = state.shape[0] > 9 and penalty != 0
    r = 0.0 if penalty == 1 else (l1_ratio if penalty == 3 else 1.0)
    sq, l1n = (state[8], state[9]) if obj else (0.0, 0.0)
    pen_sum = 0.0
    for i in order:
        x = X[i]
        mx = wscale * (w @ x)  # the model's w.x
        p = mx + b
        if schedule == 1:
            span = optimal_init + t - 1.0
            if span == 0.0:  # a tiny optimal_init absorbed by t = 1
                span = optimal_init + (t - 1.0)
            eta = 1.0 / (alpha * span)
        elif schedule == 2:
            eta = eta0 / t ** power_t
        else:
            eta = eta0
        lv = loss_value(loss, p, y[i], eps)
        sumloss += lv
        if obj:
            pen_sum += alpha * ((1.0 - r) * 0.5 * sq + r * l1n)
        if schedule >= 4:
            update = pa_update(schedule, loss, lv, float(x @ x), p, y[i], eta0)
            if update is None:
                continue
            update *= sw[i]
        else:
            d = min(max(loss_dloss(loss, p, y[i], eps), -MAX_DLOSS), MAX_DLOSS)
            update = -eta * d * sw[i]
        if use_l2:
            l2f = 1.0 - (1.0 - l1_ratio) * eta * alpha if penalty == 3 else 1.0 - eta * alpha
            f = max(0.0, l2f)
            wscale *= f
            sq *= f * f
            l1n *= f
            mx *= f
            if wscale < 1e-9:  # fold the scale into w before dividing by it
                if avg:
                    avg_fold(aw, w, state)
                w *= wscale
                wscale = 1.0
        if update != 0.0:
            w += (update / wscale) * x
            if obj and r > 0.0:
                sq = float(w @ w) * wscale * wscale
                l1n = float(np.abs(w).sum()) * wscale
            elif obj:  # l2 only: ||w + u x||^2 = ||w||^2 + 2 u w.x + u^2 ||x||^2
                sq = max(0.0, sq + 2.0 * update * mx + update * update * float(x @ x))
            if fit_intercept:
                b += update
        if avg and average <= t:
            num = t - average + 1.0
            aw += state[4] * x * (-update / wscale)
            avg_step(state, num, wscale, b)
        if use_l1:
            u += (l1_ratio if penalty == 3 else 1.0) * eta * alpha
            z = w.copy()
            pos = wscale * w > 0
            neg = wscale * w < 0
            w[pos] = np.maximum(0.0, w[pos] - (u + q[pos]) / wscale)
            w[neg] = np.minimum(0.0, w[neg] + (u - q[neg]) / wscale)
            q += wscale * (w - z)
        t += 1.0
    state[0], state[1], state[2], state[3] = wscale, b, t, u
    if state.shape[0] > 9:
        state[7], state[8], state[9] = pen_sum, sq, l1n
    return sumloss


def shuffle_swaps(seed, n):
    """Swap targets j[i] (i < n - 1) of the Fisher-Yates shuffle scikit-learn's
    SGD datasets apply each epoch: j = i + rand_r() % (n - i), rand_r the
    xorshift32 generator (a zero seed becomes 1) reduced mod 2^31."""
    seed = int(seed) & 0xFFFFFFFF
    js = np.empty(max(n - 1, 0), dtype=np.int64)
    for i in range(n - 1):
        if seed == 0:
            seed = 1
        seed ^= (seed << 13) & 0xFFFFFFFF
        seed ^= seed >> 17
        seed ^= (seed << 5) & 0xFFFFFFFF
        js[i] = i + (seed % 0x80000000) % (n - i)
    return js


def apply_swaps(ind, js):
    """One epoch's shuffle: swap ind[i] and ind[js[i]] for i = 0, 1, ..."""
    for i in range(js.shape[0]):
        j = js[i]
        ind[i], ind[j] = ind[j], ind[i]


def avg_step(state, num, wscale, b):
    """Averaged SGD bookkeeping after step number `num` since averaging began
    (scikit-learn's lazy scheme): the running average of the weights is
    (aw + avg_a * w) / avg_b with w the stored (unscaled) weights; the caller
    has already added avg_a * (-dw) to aw for the entries this step changed."""
    if num > 1.0:
        state[5] /= 1.0 - 1.0 / num
    state[4] += (1.0 / num) * state[5] * wscale
    state[6] += (b - state[6]) / num


def avg_fold(aw, w, state):
    """aw <- (aw + avg_a * w) / avg_b and restart (avg_a, avg_b) = (0, 1):
    aw is then the averaged weights themselves (before w is rescaled)."""
    aw += state[4] * w
    aw *= 1.0 / state[5]
    state[4], state[5] = 0.0, 1.0


def csr_sgd_epoch(w, q, state, aw, data, indices, indptr, y, sw, order, loss, eps, penalty,
                  alpha, l1_ratio, schedule, eta0, power_t, optimal_init, fit_intercept,
                  intercept_decay, average):
    """sgd_epoch on CSR rows (data, indices, indptr) with averaging: the
    step, the lazy L1 and the average's aw touch each row's stored features
    only; the intercept step is scaled by intercept_decay (0.01 for sparse
    data, as scikit-learn). average = 0 turns averaging off."""
    wscale, b, t, u = state[0], state[1], state[2], state[3]
    avg = average > 0
    use_l2 = penalty == 1 or penalty == 3
    use_l1 = penalty == 2 or penalty == 3
    l1_share = l1_ratio if penalty == 3 else 1.0
    l2_share = 1.0 - l1_ratio if penalty == 3 else 1.0
    total = 0.0
    for i in order:
        cols = indices[indptr[i]:indptr[i + 1]]
        vals = data[indptr[i]:indptr[i + 1]]
        pred = wscale * float(w[cols] @ vals) + b
        if schedule == 1:
            span = optimal_init + t - 1.0
            if span == 0.0:
                span = optimal_init + (t - 1.0)
            eta = 1.0 / (alpha * span)
        elif schedule == 2:
            eta = eta0 / t ** power_t
        else:
            eta = eta0
        lv = loss_value(loss, pred, y[i], eps)
        total += lv
        if schedule >= 4:
            update = pa_update(schedule, loss, lv, float(vals @ vals), pred, y[i], eta0)
            if update is None:
                continue
            update *= sw[i]
        else:
            d = min(max(loss_dloss(loss, pred, y[i], eps), -MAX_DLOSS), MAX_DLOSS)
            update = -eta * d * sw[i]
        if use_l2:
            wscale *= max(0.0, 1.0 - l2_share * eta * alpha)
            if wscale < 1e-9:
                if avg:
                    avg_fold(aw, w, state)
                w *= wscale
                wscale = 1.0
        if update != 0.0:
            w[cols] += (update / wscale) * vals
            if fit_intercept:
                b += update * intercept_decay
        if avg and average <= t:
            aw[cols] += state[4] * vals * (-update / wscale)
            avg_step(state, t - average + 1.0, wscale, b)
        if use_l1:
            u += l1_share * eta * alpha
            for j in cols:
                z = w[j]
                if wscale * z > 0.0:
                    w[j] = max(0.0, z - (u + q[j]) / wscale)
                elif wscale * z < 0.0:
                    w[j] = min(0.0, z + (u - q[j]) / wscale)
                q[j] += wscale * (w[j] - z)
        t += 1.0
    state[0], state[1], state[2], state[3] = wscale, b, t, u
    return total


def softmax_sgd_epoch(W, b, state, X, yidx, sw, order, alpha, l1, schedule, eta0, power_t,
                      optimal_init, fit_intercept, sched_alpha):
    """Multinomial logistic SGD: W (K, p) stored scaled by state[0], b (K,).

    Per sample: g = softmax(W x + b) - onehot(y); L2 decays the scale, L1 is a
    plain soft-threshold of every weight by eta * l1 (dense, non-lazy); the
    "optimal" schedule uses sched_alpha (alpha and l1 may both be 0).
    state = [wscale, unused, t]. Returns the epoch's summed cross-entropy.
    """
    wscale, t = state[0], state[2]
    sumloss = 0.0
    for i in order:
        x = X[i]
        z = wscale * (W @ x) + b
        zmax = z.max()
        e = np.exp(z - zmax)
        s = e.sum()
        sumloss += math.log(s) + zmax - z[yidx[i]]
        g = e / s
        g[yidx[i]] -= 1.0
        if schedule == 1:
            span = optimal_init + t - 1.0
            if span == 0.0:  # a tiny optimal_init absorbed by t = 1
                span = optimal_init + (t - 1.0)
            eta = 1.0 / (sched_alpha * span)
        elif schedule == 2:
            eta = eta0 / t ** power_t
        else:
            eta = eta0
        if alpha > 0:
            wscale *= max(0.0, 1.0 - eta * alpha)
            if wscale < 1e-9:
                W *= wscale
                wscale = 1.0
        step = eta * sw[i]
        W -= np.outer(g * (step / wscale), x)
        if fit_intercept:
            b -= step * g
        if l1 > 0:
            thr = eta * l1 / wscale
            W[:] = np.sign(W) * np.maximum(np.abs(W) - thr, 0.0)
        t += 1.0
    state[0], state[2] = wscale, t
    return sumloss
