"""Probability estimates of the kernel SVM classifiers, as libsvm computes
them: for each pair of classes, decision values from an internal 5-fold
cross-validation (a random permutation from random_state), a sigmoid fitted
to them by Platt's method with Lin, Lin and Weng's Newton iteration (2007),
and for more than two classes the pairwise coupling of Wu, Lin and Weng
(2004, their second method).
"""
import numpy as np

from .._kernels import svm as _ksvm

N_FOLD = 5


def kernel_block(prob, ra, rb):
    """K between problem rows ra and rb."""
    if prob.kernel == "precomputed":
        return np.asarray(prob.X)[np.ix_(ra, rb)]
    return _ksvm.kernel_matrix(prob.X[ra], prob.X[rb], prob.kernel, prob.degree, prob.gamma,
                               prob.coef0)


def cross_val_decision(prob, impl, rows, ypm, Cw, nu, seed):
    """Out-of-fold decision values (positive for ypm = +1)."""
    l = len(rows)
    perm = np.random.RandomState(seed).permutation(l)
    dec = np.zeros(l)
    for f in range(N_FOLD):
        lo, hi = f * l // N_FOLD, (f + 1) * l // N_FOLD
        test = perm[lo:hi]
        train = np.concatenate([perm[:lo], perm[hi:]])
        npos = int(np.sum(ypm[train] > 0))
        nneg = len(train) - npos
        if npos == 0 and nneg == 0:
            dec[test] = 0.0
        elif nneg == 0:
            dec[test] = 1.0
        elif npos == 0:
            dec[test] = -1.0
        else:
            coef, rho, _, _ = prob.binary(impl, rows[train].astype(np.int64), ypm[train],
                                          Cw[train], nu)
            sv = coef != 0
            if test.size:
                Kt = kernel_block(prob, rows[test], rows[train][sv])
                dec[test] = Kt @ coef[sv] - rho
    return dec


def _fval(dec, t, A, B):
    f = dec * A + B
    pos = f >= 0
    out = np.where(pos, t * f + np.log1p(np.exp(-np.abs(f))),
                   (t - 1) * f + np.log1p(np.exp(-np.abs(f))))
    return out.sum()


def sigmoid_train(dec, labels):
    """(A, B) of P(y = +1 | f) = 1 / (1 + exp(A f + B)), Platt's targets."""
    prior1 = float(np.sum(labels > 0))
    prior0 = float(len(labels) - prior1)
    hi_t, lo_t = (prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0)
    t = np.where(labels > 0, hi_t, lo_t)
    A, B = 0.0, np.log((prior0 + 1.0) / (prior1 + 1.0))
    fval = _fval(dec, t, A, B)
    for _ in range(100):
        f = dec * A + B
        e = np.exp(-np.abs(f))
        p = np.where(f >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
        q = np.where(f >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        d2 = p * q
        h11 = 1e-12 + np.sum(dec * dec * d2)
        h22 = 1e-12 + np.sum(d2)
        h21 = np.sum(dec * d2)
        d1 = t - p
        g1, g2 = np.sum(dec * d1), np.sum(d1)
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            nA, nB = A + step * dA, B + step * dB
            nf = _fval(dec, t, nA, nB)
            if nf < fval + 0.0001 * step * gd:
                A, B, fval = nA, nB, nf
                break
            step /= 2.0
        if step < 1e-10:
            break
    return A, B


def sigmoid_predict(dec, A, B):
    f = dec * A + B
    e = np.exp(-np.abs(f))
    return np.where(f >= 0, e / (1.0 + e), 1.0 / (1.0 + e))


def multiclass_probability(r):
    """Pairwise coupling: r (n, k, k) with r[:, i, j] = P(i | i or j) ->
    p (n, k); each sample iterates until its own convergence, as libsvm."""
    n, k, _ = r.shape
    Q = np.empty((n, k, k))
    for t in range(k):
        Q[:, t, t] = 0.0
        for j in range(k):
            if j != t:
                Q[:, t, t] += r[:, j, t] ** 2
                Q[:, t, j] = -r[:, j, t] * r[:, t, j]
    p = np.full((n, k), 1.0 / k)
    eps = 0.005 / k
    active = np.ones(n, dtype=bool)
    for _ in range(max(100, k)):
        Qp = np.einsum("ntj,nj->nt", Q, p)
        pQp = np.einsum("nt,nt->n", p, Qp)
        err = np.abs(Qp - pQp[:, None]).max(axis=1)
        active &= err >= eps
        if not active.any():
            break
        a = np.flatnonzero(active)
        pa, Qa, Qpa, pQpa = p[a], Q[a], Qp[a], pQp[a]
        for t in range(k):
            diff = (-Qpa[:, t] + pQpa) / Qa[:, t, t]
            pa[:, t] += diff
            pQpa = (pQpa + diff * (diff * Qa[:, t, t] + 2 * Qpa[:, t])) / (1 + diff) / (1 + diff)
            Qpa = (Qpa + diff[:, None] * Qa[:, t, :]) / (1 + diff)[:, None]
            pa /= (1 + diff)[:, None]
        p[a] = pa
    return p


def predict_proba(dec, probA, probB, n_classes):
    """Class probabilities from libsvm decision values (n, n_pairs)."""
    n = dec.shape[0]
    r = np.zeros((n, n_classes, n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            pij = np.clip(sigmoid_predict(dec[:, k], probA[k], probB[k]), 1e-7, 1 - 1e-7)
            r[:, i, j] = pij
            r[:, j, i] = 1 - pij
            k += 1
    if n_classes == 2:
        return np.stack([r[:, 0, 1], r[:, 1, 0]], axis=1)
    return multiclass_probability(r)
