/* optim_tmpl.h -- fused optimizer updates for one dtype (T, SUF, SQRT), included
 * by optim.c; names are spelled out through FM_CAT (fm_adam_f32, fm_sgd_f64, ...). */
#define PUB(name) FM_CAT(name, SUF)

FM_API int PUB(fm_adam_)(T *p, T *m, T *v, T *vmax, const T *g, int64_t n, double lr,
                         double beta1, double beta2, double eps, double wd, int decoupled,
                         double step_size, double inv_bc2_sqrt, int nthreads) {
    const T b1 = (T)beta1, b2 = (T)beta2, c1 = (T)(1 - beta1), c2 = (T)(1 - beta2);
    const T e = (T)eps, w = (T)wd, ss = (T)step_size, ib = (T)inv_bc2_sqrt;
    const T decay = (T)(1 - lr * wd);
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 12.0 * n))
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i], pi = p[i];
        if (decoupled)
            pi *= decay;
        else if (wd != 0)
            gi += w * pi;
        const T mi = b1 * m[i] + c1 * gi;
        T vi = b2 * v[i] + c2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        if (vmax) {
            vi = vmax[i] > vi ? vmax[i] : vi;
            vmax[i] = vi;
        }
        p[i] = pi - ss * (mi / (SQRT(vi) * ib + e));
    }
    return FM_OK;
}

FM_API int PUB(fm_sgd_)(T *p, T *buf, const T *g, int64_t n, double lr, double momentum,
                        double dampening, double wd, int nesterov, int first, int nthreads) {
    const T l = (T)lr, mu = (T)momentum, d = (T)(1 - dampening), w = (T)wd;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 6.0 * n))
    for (int64_t i = 0; i < n; i++) {
        T gi = g[i];
        if (wd != 0) gi += w * p[i];
        if (buf) {
            const T b = first ? gi : mu * buf[i] + d * gi;
            buf[i] = b;
            gi = nesterov ? gi + mu * b : b;
        }
        p[i] -= l * gi;
    }
    return FM_OK;
}

#undef PUB
