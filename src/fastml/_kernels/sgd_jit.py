"""Numba kernels for the linear models: per-sample SGD epochs (binary /
regression losses and multinomial softmax). Elastic-net coordinate descent is
C (csrc/enet_simd.c): measured 2x faster than the same loop here, because its
dot products use explicit SIMD accumulators that Numba cannot form without
fastmath.

Contracts, shapes and the arithmetic are those of the NumPy twin
fastml._kernels.reference.sgd (read its module docstring); here every
vector operation is an explicit loop so nothing is allocated per sample. Imported lazily (first fit), compiled once and cached on disk;
nogil so threads (GridSearchCV n_jobs) run fits in parallel. float64 only:
these are sequential, latency-bound loops where float32 buys nothing.
"""
import math

import numba
import numpy as np

from .reference import sgd as _ref

_jit = numba.njit(cache=True, nogil=True)

loss_value = _jit(_ref.loss_value)
loss_dloss = _jit(_ref.loss_dloss)


@_jit
def _pa_update(schedule, loss, lv, sq, pred, yi, eta0):
    # reference.sgd.pa_update, with NaN for "skip this sample" (PA-I, x = 0)
    if schedule == 4:
        if sq == 0.0:
            return math.nan
        tau = min(eta0, lv / sq)
    else:
        tau = lv / (sq + 0.5 / eta0)
    if loss == 0:
        return tau * yi
    return -tau if yi - pred < 0 else tau


@_jit
def _dot(a, b):
    # four independent accumulators: without fastmath LLVM cannot reorder one
    # running sum, with four it pipelines/vectorises (~4x); fixed order, so
    # the result is deterministic
    n = a.shape[0]
    m = n - n % 4
    s0 = s1 = s2 = s3 = 0.0
    for i in range(0, m, 4):
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
    for i in range(m, n):
        s0 += a[i] * b[i]
    return (s0 + s1) + (s2 + s3)


@_jit
def _dot_seq(a, b):
    # one running sum in index order (scikit-learn's WeightVector.dot): below
    # _SEQ_DOT_MAX features the latency of the chain is noise next to the
    # per-sample work, and small problems then follow scikit-learn's
    # iterates to the last bit
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


_SEQ_DOT_MAX = 16


@_jit
def _axpy(y, a, x):
    for i in range(x.shape[0]):
        y[i] += a * x[i]


@_jit
def _norms(w):
    s2 = s1 = 0.0
    for j in range(w.shape[0]):
        s2 += w[j] * w[j]
        s1 += abs(w[j])
    return s2, s1


@_jit
def sgd_epoch(w, q, state, X, y, sw, order, loss, eps, penalty, alpha, l1_ratio, schedule,
              eta0, power_t, optimal_init, fit_intercept, aw, average):
    wscale, b, t, u = state[0], state[1], state[2], state[3]
    p = w.shape[0]
    avg = average > 0 and aw.shape[0] > 0
    sumloss = 0.0
    use_l2 = penalty == 1 or penalty == 3
    use_l1 = penalty == 2 or penalty == 3
    l1_share = l1_ratio if penalty == 3 else 1.0
    # objective bookkeeping (state[7:10], see reference.sgd.sgd_epoch)
    obj = state.shape[0] > 9 and penalty != 0
    pen_l1 = 0.0 if penalty == 1 else l1_share
    sq = state[8] if obj else 0.0
    l1n = state[9] if obj else 0.0
    pen_sum = 0.0
    seq = p <= _SEQ_DOT_MAX
    for k in range(order.shape[0]):
        i = order[k]
        x = X[i]
        mx = wscale * (_dot_seq(w, x) if seq else _dot(w, x))  # the model's w.x
        pred = mx + b
        if schedule == 1:
            span = optimal_init + t - 1.0
            if span == 0.0:  # a tiny optimal_init absorbed by t = 1
                span = optimal_init + (t - 1.0)
            eta = 1.0 / (alpha * span)
        elif schedule == 2:
            eta = eta0 / t ** power_t
        else:
            eta = eta0
        lv = loss_value(loss, pred, y[i], eps)
        sumloss += lv
        if obj:
            pen_sum += alpha * ((1.0 - pen_l1) * 0.5 * sq + pen_l1 * l1n)
        if schedule >= 4:
            update = _pa_update(schedule, loss, lv, _dot(x, x), pred, y[i], eta0)
            if math.isnan(update):
                continue
            update *= sw[i]
        else:
            d = min(max(loss_dloss(loss, pred, y[i], eps), -_ref.MAX_DLOSS), _ref.MAX_DLOSS)
            update = -eta * d * sw[i]
        if use_l2:
            l2f = 1.0 - (1.0 - l1_ratio) * eta * alpha if penalty == 3 else 1.0 - eta * alpha
            f = max(0.0, l2f)
            wscale *= f
            sq *= f * f
            l1n *= f
            mx *= f
            if wscale < 1e-9:
                if avg:
                    _avg_fold(aw, w, state)
                for j in range(p):
                    w[j] *= wscale
                wscale = 1.0
        if update != 0.0:
            _axpy(w, update / wscale, x)
            if obj and pen_l1 > 0.0:
                s2, s1 = _norms(w)
                sq, l1n = s2 * wscale * wscale, s1 * wscale
            elif obj:  # l2 only: ||w + u x||^2 = ||w||^2 + 2 u w.x + u^2 ||x||^2
                sq = max(0.0, sq + 2.0 * update * mx + update * update * _dot(x, x))
            if fit_intercept:
                b += update
        if avg and average <= t:
            _axpy(aw, state[4] * (-update / wscale), x)
            avg_step(state, t - average + 1.0, wscale, b)
        if use_l1:
            u += l1_share * eta * alpha
            for j in range(p):
                z = w[j]
                if wscale * z > 0.0:
                    w[j] = max(0.0, z - (u + q[j]) / wscale)
                elif wscale * z < 0.0:
                    w[j] = min(0.0, z + (u - q[j]) / wscale)
                q[j] += wscale * (w[j] - z)
        t += 1.0
    state[0], state[1], state[2], state[3] = wscale, b, t, u
    if state.shape[0] > 9:
        state[7], state[8], state[9] = pen_sum, sq, l1n
    return sumloss


avg_step = _jit(_ref.avg_step)


@_jit
def shuffle_swaps(seed, n):
    s = np.int64(seed) & 0xFFFFFFFF
    js = np.empty(max(n - 1, 0), dtype=np.int64)
    for i in range(n - 1):
        if s == 0:
            s = 1
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        js[i] = i + (s % 0x80000000) % (n - i)
    return js


@_jit
def apply_swaps(ind, js):
    for i in range(js.shape[0]):
        j = js[i]
        t = ind[i]
        ind[i] = ind[j]
        ind[j] = t


@_jit
def _avg_fold(aw, w, state):
    a, inv = state[4], 1.0 / state[5]
    for j in range(w.shape[0]):
        aw[j] = (aw[j] + a * w[j]) * inv
    state[4] = 0.0
    state[5] = 1.0


@_jit
def csr_sgd_epoch(w, q, state, aw, data, indices, indptr, y, sw, order, loss, eps, penalty,
                  alpha, l1_ratio, schedule, eta0, power_t, optimal_init, fit_intercept,
                  intercept_decay, average):
    wscale, b, t, u = state[0], state[1], state[2], state[3]
    p = w.shape[0]
    avg = average > 0
    use_l2 = penalty == 1 or penalty == 3
    use_l1 = penalty == 2 or penalty == 3
    l1_share = l1_ratio if penalty == 3 else 1.0
    l2_share = 1.0 - l1_ratio if penalty == 3 else 1.0
    total = 0.0
    for k in range(order.shape[0]):
        i = order[k]
        a, e = indptr[i], indptr[i + 1]
        dot = 0.0
        for s in range(a, e):
            dot += w[indices[s]] * data[s]
        pred = wscale * dot + b
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
            sq = 0.0
            for s in range(a, e):
                sq += data[s] * data[s]
            update = _pa_update(schedule, loss, lv, sq, pred, y[i], eta0)
            if math.isnan(update):
                continue
            update *= sw[i]
        else:
            d = min(max(loss_dloss(loss, pred, y[i], eps), -_ref.MAX_DLOSS), _ref.MAX_DLOSS)
            update = -eta * d * sw[i]
        if use_l2:
            wscale *= max(0.0, 1.0 - l2_share * eta * alpha)
            if wscale < 1e-9:
                if avg:
                    _avg_fold(aw, w, state)
                for j in range(p):
                    w[j] *= wscale
                wscale = 1.0
        if update != 0.0:
            c = update / wscale
            for s in range(a, e):
                w[indices[s]] += c * data[s]
            if fit_intercept:
                b += update * intercept_decay
        if avg and average <= t:
            c = state[4] * (-update / wscale)
            for s in range(a, e):
                aw[indices[s]] += c * data[s]
            avg_step(state, t - average + 1.0, wscale, b)
        if use_l1:
            u += l1_share * eta * alpha
            for s in range(a, e):
                j = indices[s]
                z = w[j]
                if wscale * z > 0.0:
                    w[j] = max(0.0, z - (u + q[j]) / wscale)
                elif wscale * z < 0.0:
                    w[j] = min(0.0, z + (u - q[j]) / wscale)
                q[j] += wscale * (w[j] - z)
        t += 1.0
    state[0] = wscale
    state[1] = b
    state[2] = t
    state[3] = u
    return total


@_jit
def softmax_sgd_epoch(W, b, state, X, yidx, sw, order, alpha, l1, schedule, eta0, power_t,
                      optimal_init, fit_intercept, sched_alpha):
    wscale, t = state[0], state[2]
    K, p = W.shape
    z = np.empty(K)
    sumloss = 0.0
    for k in range(order.shape[0]):
        i = order[k]
        x = X[i]
        zmax = -np.inf
        for c in range(K):
            z[c] = wscale * _dot(W[c], x) + b[c]
            zmax = max(zmax, z[c])
        yi = yidx[i]
        zy = z[yi] - zmax
        s = 0.0
        for c in range(K):
            z[c] = math.exp(z[c] - zmax)
            s += z[c]
        sumloss += math.log(s) - zy
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
                for c in range(K):
                    for j in range(p):
                        W[c, j] *= wscale
                wscale = 1.0
        step = eta * sw[i]
        for c in range(K):
            g = z[c] / s - (1.0 if c == yi else 0.0)
            _axpy(W[c], -g * step / wscale, x)
            if fit_intercept:
                b[c] -= step * g
        if l1 > 0:
            thr = eta * l1 / wscale
            for c in range(K):
                for j in range(p):
                    v = W[c, j]
                    W[c, j] = math.copysign(max(abs(v) - thr, 0.0), v)
        t += 1.0
    state[0], state[2] = wscale, t
    return sumloss
