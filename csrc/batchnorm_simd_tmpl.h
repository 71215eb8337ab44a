/* batchnorm_simd_tmpl.h -- batch norm kernels for one ISA level and dtype.
 * Included by batchnorm_simd.c with T and SUF defined.
 *
 * x is viewed as (N, C, L). For L > 1 a channel is N contiguous runs of L
 * values and is one parallel task: its statistics are two passes (sum, then
 * sum of squared deviations from the mean) with float64 accumulators, so the
 * variance never comes from E[x^2] - E[x]^2; the second and third passes
 * re-read the channel from cache (a channel of the benchmark shapes is
 * ~100 KB, L2-resident). For L == 1, (N, C) rows, a task is a block of CB
 * columns and the accumulators run along the rows, vectorised across columns.
 * Every sum has one fixed order: results do not depend on the thread count.
 * The float64 mean enters the T-precision passes as mh + ml (its rounding to
 * T plus the remainder), so x - mean keeps its low bits when |mean| >> std.
 */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define CB 64 /* columns per task for (N, C) input */

static inline void FM_CAT3(bn_coef_, SUF, FM_ISA_NAME)(double *mean, double *invstd, double s,
                                                       double ss, double M, double eps) {
    *mean = s / M;
    *invstd = 1.0 / sqrt(ss / M + eps);
}

int FN(fm_bn_fwd_train_)(T *y, double *save_mean, double *save_invstd, T *running_mean,
                         T *running_var,
                         const T *x, const T *weight, const T *bias, int64_t N, int64_t C,
                         int64_t L, double momentum, double eps) {
    const double M = (double)N * (double)L;
    const double unbias = M > 1 ? M / (M - 1) : 1.0;
    if (L > 1) {
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_threads_for(3.0 * M * C))")
        for (int64_t c = 0; c < C; c++) {
            double s = 0, ss = 0;
            for (int64_t n = 0; n < N; n++) {
                const T *p = x + (n * C + c) * L;
                _Pragma("omp simd reduction(+:s)")
                for (int64_t l = 0; l < L; l++) s += (double)p[l];
            }
            const double mu = s / M;
            for (int64_t n = 0; n < N; n++) {
                const T *p = x + (n * C + c) * L;
                _Pragma("omp simd reduction(+:ss)")
                for (int64_t l = 0; l < L; l++) {
                    const double d = (double)p[l] - mu;
                    ss += d * d;
                }
            }
            double mean, invstd;
            FM_CAT3(bn_coef_, SUF, FM_ISA_NAME)(&mean, &invstd, s, ss, M, eps);
            const T mh = (T)mean, ml = (T)(mean - (double)mh);
            const T scale = (T)(invstd * (weight ? (double)weight[c] : 1.0));
            const T shift = bias ? bias[c] : (T)0;
            for (int64_t n = 0; n < N; n++) {
                const T *p = x + (n * C + c) * L;
                T *q = y + (n * C + c) * L;
                for (int64_t l = 0; l < L; l++) q[l] = ((p[l] - mh) - ml) * scale + shift;
            }
            save_mean[c] = mean;
            save_invstd[c] = invstd;
            if (running_mean) {
                running_mean[c] = (T)((1 - momentum) * (double)running_mean[c] + momentum * mean);
                running_var[c] = (T)((1 - momentum) * (double)running_var[c] +
                                     momentum * (ss / M) * unbias);
            }
        }
        return FM_OK;
    }
    const int64_t nblk = (C + CB - 1) / CB;
    _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(3.0 * M * C))")
    for (int64_t bk = 0; bk < nblk; bk++) {
        const int64_t c0 = bk * CB, nc = C - c0 < CB ? C - c0 : CB;
        double s[CB], ss[CB];
        T mh[CB], ml[CB], scale[CB], shift[CB];
        for (int64_t j = 0; j < nc; j++) s[j] = ss[j] = 0;
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + n * C + c0;
            for (int64_t j = 0; j < nc; j++) s[j] += (double)p[j];
        }
        for (int64_t j = 0; j < nc; j++) s[j] /= M; /* s now holds the mean */
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + n * C + c0;
            for (int64_t j = 0; j < nc; j++) {
                const double d = (double)p[j] - s[j];
                ss[j] += d * d;
            }
        }
        for (int64_t j = 0; j < nc; j++) {
            const int64_t c = c0 + j;
            const double invstd = 1.0 / sqrt(ss[j] / M + eps);
            mh[j] = (T)s[j];
            ml[j] = (T)(s[j] - (double)mh[j]);
            scale[j] = (T)(invstd * (weight ? (double)weight[c] : 1.0));
            shift[j] = bias ? bias[c] : (T)0;
            save_mean[c] = s[j];
            save_invstd[c] = invstd;
            if (running_mean) {
                running_mean[c] = (T)((1 - momentum) * (double)running_mean[c] + momentum * s[j]);
                running_var[c] = (T)((1 - momentum) * (double)running_var[c] +
                                     momentum * (ss[j] / M) * unbias);
            }
        }
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + n * C + c0;
            T *q = y + n * C + c0;
            for (int64_t j = 0; j < nc; j++) q[j] = ((p[j] - mh[j]) - ml[j]) * scale[j] + shift[j];
        }
    }
    return FM_OK;
}

int FN(fm_bn_fwd_eval_)(T *y, const T *x, const double *mean, const double *invstd,
                        const T *weight, const T *bias, int64_t N, int64_t C, int64_t L) {
    _Pragma("omp parallel for collapse(2) schedule(static) num_threads(fm_threads_for((double)N * C * L))")
    for (int64_t n = 0; n < N; n++) {
        for (int64_t c = 0; c < C; c++) {
            const T mh = (T)mean[c], ml = (T)(mean[c] - (double)mh);
            const T scale = (T)(invstd[c] * (weight ? (double)weight[c] : 1.0));
            const T shift = bias ? bias[c] : (T)0;
            const T *p = x + (n * C + c) * L;
            T *q = y + (n * C + c) * L;
            for (int64_t l = 0; l < L; l++) q[l] = ((p[l] - mh) - ml) * scale + shift;
        }
    }
    return FM_OK;
}

/* One pass over dy and x for sum(dy) and sum(dy * (x - mean)), one pass for dx:
 *   training: dx = k1*dy + k2*(x - mean) + k3, k1 = w*invstd,
 *             k2 = -k1*invstd^2*sum(dy*(x-mean))/M, k3 = -k1*sum(dy)/M
 *   eval:     dx = k1*dy (the statistics are constants). */
static inline void FM_CAT3(bn_bwd_coef_, SUF, FM_ISA_NAME)(T *k, double sdy, double sdyx,
                                                           double invstd, double wc, double M,
                                                           int training) {
    const double k1 = wc * invstd;
    k[0] = (T)k1;
    k[1] = training ? (T)(-k1 * invstd * invstd * sdyx / M) : (T)0;
    k[2] = training ? (T)(-k1 * sdy / M) : (T)0;
}

int FN(fm_bn_bwd_)(T *dx, T *dweight, T *dbias, const T *dy, const T *x, const double *mean,
                   const double *invstd, const T *weight, int64_t N, int64_t C, int64_t L,
                   int training) {
    const double M = (double)N * (double)L;
    if (L > 1) {
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(fm_threads_for(3.0 * M * C))")
        for (int64_t c = 0; c < C; c++) {
            const double mu = mean[c];
            const T mh = (T)mu, ml = (T)(mu - (double)mh);
            double sdy = 0, sdyx = 0;
            for (int64_t n = 0; n < N; n++) {
                const T *p = x + (n * C + c) * L, *d = dy + (n * C + c) * L;
                _Pragma("omp simd reduction(+:sdy, sdyx)")
                for (int64_t l = 0; l < L; l++) {
                    sdy += (double)d[l];
                    sdyx += (double)d[l] * ((double)p[l] - mu);
                }
            }
            if (dbias) dbias[c] = (T)sdy;
            if (dweight) dweight[c] = (T)(sdyx * invstd[c]);
            if (!dx) continue;
            T k[3];
            FM_CAT3(bn_bwd_coef_, SUF, FM_ISA_NAME)(k, sdy, sdyx, invstd[c],
                                                    weight ? (double)weight[c] : 1.0, M,
                                                    training);
            for (int64_t n = 0; n < N; n++) {
                const T *p = x + (n * C + c) * L, *d = dy + (n * C + c) * L;
                T *q = dx + (n * C + c) * L;
                for (int64_t l = 0; l < L; l++)
                    q[l] = k[0] * d[l] + k[1] * ((p[l] - mh) - ml) + k[2];
            }
        }
        return FM_OK;
    }
    const int64_t nblk = (C + CB - 1) / CB;
    _Pragma("omp parallel for schedule(static) num_threads(fm_threads_for(3.0 * M * C))")
    for (int64_t bk = 0; bk < nblk; bk++) {
        const int64_t c0 = bk * CB, nc = C - c0 < CB ? C - c0 : CB;
        double sdy[CB], sdyx[CB];
        T k0[CB], k1[CB], k2[CB], mh[CB], ml[CB];
        for (int64_t j = 0; j < nc; j++) sdy[j] = sdyx[j] = 0;
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + n * C + c0, *d = dy + n * C + c0;
            for (int64_t j = 0; j < nc; j++) {
                sdy[j] += (double)d[j];
                sdyx[j] += (double)d[j] * ((double)p[j] - mean[c0 + j]);
            }
        }
        for (int64_t j = 0; j < nc; j++) {
            const int64_t c = c0 + j;
            if (dbias) dbias[c] = (T)sdy[j];
            if (dweight) dweight[c] = (T)(sdyx[j] * invstd[c]);
            mh[j] = (T)mean[c];
            ml[j] = (T)(mean[c] - (double)mh[j]);
            T k[3];
            FM_CAT3(bn_bwd_coef_, SUF, FM_ISA_NAME)(k, sdy[j], sdyx[j], invstd[c],
                                                    weight ? (double)weight[c] : 1.0, M,
                                                    training);
            k0[j] = k[0];
            k1[j] = k[1];
            k2[j] = k[2];
        }
        if (!dx) continue;
        for (int64_t n = 0; n < N; n++) {
            const T *p = x + n * C + c0, *d = dy + n * C + c0;
            T *q = dx + n * C + c0;
            for (int64_t j = 0; j < nc; j++)
                q[j] = k0[j] * d[j] + k1[j] * ((p[j] - mh[j]) - ml[j]) + k2[j];
        }
    }
    return FM_OK;
}

#undef FN
#undef CB
