/* optim_extra_tmpl.h -- NAdam / RAdam / Adamax / Rprop entry points for one dtype (T, SUF),
 * included by optim.c: fixed chunks of the flat arrays, split statically over the
 * team, each run by the selected ISA level's range kernel (optim_simd.c). */
#define PUB(name) FM_CAT(name, SUF)
#define RANGE(name) FM_CAT(name, SUF)

FM_API int PUB(fm_nadam_)(T *p, T *m, T *v, const T *g, int64_t n, double lr, double beta1,
                          double beta2, double eps, double wd, int decoupled, double bc2,
                          double coef_g, double coef_m, int nthreads) {
    const int64_t nc = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 6.0 * n))
    for (int64_t c = 0; c < nc; c++) {
        const int64_t o = c * CHUNK, len = n - o < CHUNK ? n - o : CHUNK;
        K->RANGE(nadam_)(p + o, m + o, v + o, g + o, len, lr, beta1, beta2, eps, wd, decoupled,
                         bc2, coef_g, coef_m);
    }
    return FM_OK;
}

FM_API int PUB(fm_radam_)(T *p, T *m, T *v, const T *g, int64_t n, double lr, double beta1,
                          double beta2, double eps, double wd, int decoupled, double bc1,
                          double bc2_sqrt, double rect, int nthreads) {
    const int64_t nc = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 6.0 * n))
    for (int64_t c = 0; c < nc; c++) {
        const int64_t o = c * CHUNK, len = n - o < CHUNK ? n - o : CHUNK;
        K->RANGE(radam_)(p + o, m + o, v + o, g + o, len, lr, beta1, beta2, eps, wd, decoupled,
                         bc1, bc2_sqrt, rect);
    }
    return FM_OK;
}

FM_API int PUB(fm_adamax_)(T *p, T *m, T *u, const T *g, int64_t n, double beta1,
                           double beta2, double eps, double wd, double neg_clr, int nthreads) {
    const int64_t nc = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 5.0 * n))
    for (int64_t c = 0; c < nc; c++) {
        const int64_t o = c * CHUNK, len = n - o < CHUNK ? n - o : CHUNK;
        K->RANGE(adamax_)(p + o, m + o, u + o, g + o, len, beta1, beta2, eps, wd, neg_clr);
    }
    return FM_OK;
}

FM_API int PUB(fm_rprop_)(T *p, T *prev, T *step, const T *g, int64_t n, double etaminus,
                          double etaplus, double step_min, double step_max, int nthreads) {
    const int64_t nc = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 5.0 * n))
    for (int64_t c = 0; c < nc; c++) {
        const int64_t o = c * CHUNK, len = n - o < CHUNK ? n - o : CHUNK;
        K->RANGE(rprop_)(p + o, prev + o, step + o, g + o, len, etaminus, etaplus, step_min,
                         step_max);
    }
    return FM_OK;
}

#undef PUB
#undef RANGE
