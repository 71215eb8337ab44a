/* optim_extra_tmpl.h -- NAdam, RAdam, Adamax and Rprop updates for one dtype (T, SUF,
 * SQRT, FMA), included by optim_extra.c. The order of operations (and the fused
 * multiply-adds) follows torch.optim's single-tensor CPU code, so float64 results match
 * torch to the last bit (up to torch's MKL sqrt, which is not correctly rounded): lerp is fma(w, end - self, self) for w < 0.5 and
 * fma(-(end - self), 1 - w, end) otherwise, addcmul is fma(value * a, b, self),
 * addcdiv is self + (value * a) / b, add(alpha) is fma(alpha, b, self). */
#define PUB(name) FM_CAT(name, SUF)

/* torch's lerp(self, end, w) with a scalar weight */
static inline T FM_CAT(lerp_, SUF)(T self, T end, T w, T one_minus_w, int small) {
    const T d = end - self;
    return small ? FMA(w, d, self) : FMA(-d, one_minus_w, end);
}

FM_API int PUB(fm_nadam_)(T *p, T *m, T *v, const T *g, int64_t n, double lr, double beta1,
                          double beta2, double eps, double wd, int decoupled, double bc2,
                          double coef_g, double coef_m, int nthreads) {
    const T w1 = (T)(1 - beta1), omw1 = (T)1 - w1, b2 = (T)beta2, c2 = (T)(1 - beta2);
    const int small = (1 - beta1) < 0.5;
    const T e = (T)eps, wdt = (T)wd, decay = (T)(1 - lr * wd), bc = (T)bc2;
    const T cg = (T)coef_g, cm = (T)coef_m;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 16.0 * n))
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i], pi = p[i];
        if (wd != 0) {
            if (decoupled)
                pi *= decay;
            else
                gi = FMA(wdt, pi, gi);
        }
        const T mi = FM_CAT(lerp_, SUF)(m[i], gi, w1, omw1, small);
        const T vi = FMA(c2 * gi, gi, v[i] * b2);
        m[i] = mi;
        v[i] = vi;
        const T den = SQRT(vi / bc) + e;
        pi = pi + (cg * gi) / den;
        p[i] = pi + (cm * mi) / den;
    }
    return FM_OK;
}

FM_API int PUB(fm_radam_)(T *p, T *m, T *v, const T *g, int64_t n, double lr, double beta1,
                          double beta2, double eps, double wd, int decoupled, double bc1,
                          double bc2_sqrt, double rect, int nthreads) {
    const T w1 = (T)(1 - beta1), omw1 = (T)1 - w1, b2 = (T)beta2, c2 = (T)(1 - beta2);
    const int small = (1 - beta1) < 0.5;
    const T e = (T)eps, wdt = (T)wd, decay = (T)(1 - lr * wd), l = (T)lr;
    const T b1c = (T)bc1, b2s = (T)bc2_sqrt, r = (T)rect;
    const int rectify = rect > 0;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 16.0 * n))
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i], pi = p[i];
        if (wd != 0) {
            if (decoupled)
                pi *= decay;
            else
                gi = FMA(wdt, pi, gi);
        }
        const T mi = FM_CAT(lerp_, SUF)(m[i], gi, w1, omw1, small);
        const T vi = FMA(c2 * gi, gi, v[i] * b2);
        m[i] = mi;
        v[i] = vi;
        T upd = (mi / b1c) * l;
        if (rectify) {
            const T inv = (T)1 / (SQRT(vi) + e); /* scalar / tensor is reciprocal() * scalar */
            upd = (upd * (inv * b2s)) * r;
        }
        p[i] = pi - upd;
    }
    return FM_OK;
}

FM_API int PUB(fm_adamax_)(T *p, T *m, T *u, const T *g, int64_t n, double beta1,
                           double beta2, double eps, double wd, double neg_clr, int nthreads) {
    const T w1 = (T)(1 - beta1), omw1 = (T)1 - w1, b2 = (T)beta2;
    const int small = (1 - beta1) < 0.5;
    const T e = (T)eps, wdt = (T)wd, c = (T)neg_clr;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 10.0 * n))
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        const T pi = p[i];
        if (wd != 0) gi = FMA(wdt, pi, gi);
        const T mi = FM_CAT(lerp_, SUF)(m[i], gi, w1, omw1, small);
        const T a = u[i] * b2, b = (gi < 0 ? -gi : gi) + e;
        const T ui = (a != a || b != b) ? a + b : (a > b ? a : b); /* NaN propagates */
        m[i] = mi;
        u[i] = ui;
        p[i] = pi + (c * mi) / ui;
    }
    return FM_OK;
}

FM_API int PUB(fm_rprop_)(T *p, T *prev, T *step, const T *g, int64_t n, double etaminus,
                          double etaplus, double step_min, double step_max, int nthreads) {
    const T em = (T)etaminus, ep = (T)etaplus, lo = (T)step_min, hi = (T)step_max;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 8.0 * n))
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        const T s = gi * prev[i];
        const T f = s > 0 ? ep : (s < 0 ? em : (s == 0 ? (T)1 : s));
        T st = step[i] * f;
        st = st > lo ? st : (st != st ? st : lo); /* clamp(min, max), NaN kept */
        st = st < hi ? st : (st != st ? st : hi);
        step[i] = st;
        if (s < 0) gi = 0;
        const T sg = gi > 0 ? (T)1 : (gi < 0 ? (T)-1 : gi);
        p[i] = p[i] - sg * st;
        prev[i] = gi;
    }
    return FM_OK;
}

#undef PUB
