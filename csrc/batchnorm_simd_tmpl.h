/* batchnorm_simd_tmpl.h -- batch norm kernels for one ISA level and dtype.
 * Included by batchnorm_simd.c with T and SUF defined (BN_NARROW for float).
 *
 * x is viewed as (N, C, L). For L > 1 a channel is N contiguous runs of L
 * values and is one parallel task; each thread takes one contiguous block of
 * channels (schedule(static)). Channels handed out one at a time put the
 * neighbouring runs of the same image on different cores, and the cores'
 * prefetchers then fetch lines the other core is writing: 2 threads on
 * (32,32,32,32) fwd+bwd took 0.45-0.47 ms dealt out one by one, 0.27 ms in
 * blocks (kernels only, 0.28 ms with dynamic blocks of 4).
 *   forward:  pass 1 reads the channel (from memory) for its sum; pass 2
 *             re-reads it (L2: a channel of the benchmark shapes is ~100 KB)
 *             for sum(d) and sum(d^2), d = x - K with K the pass-1 mean in T;
 *             pass 3 writes y. mean = K + sum(d)/M and
 *             var = sum(d^2)/M - (sum(d)/M)^2: the corrected two-pass
 *             algorithm (Chan, Golub & LeVeque), where sum(d)/M is the tiny
 *             error of K, so the subtraction cancels nothing;
 *   backward: one pass for sum(dy) and sum(dy * (x - mean)), one for dx.
 * Sums run in T-precision vector partials over blocks of at most 16 terms
 * per lane (error <= ~16 ulp of the block's sum of |terms|), widened into
 * float64 accumulators between blocks: converting every float to double
 * costs more than the L3 read (9.8 vs 20+ G floats/s on one Zen 4 core), so
 * the conversion happens once per block; a channel whose partials overflow
 * (values near T's maximum) is redone with scalar float64 sums. Large outputs
 * leave through streaming stores (BN_STREAM_BYTES in batchnorm_simd.c).
 * For L == 1, (N, C) rows, a task is a
 * block of CB columns and the float64 accumulators run along the rows,
 * vectorised across columns.
 * Every sum has one fixed order (it depends on L and the ISA level only):
 * results do not depend on the thread count.
 * The float64 mean enters the T-precision passes as mh + ml (its rounding to
 * T plus the remainder), so x - mean keeps its low bits when |mean| >> std.
 */
#define FN(name) FM_ISA_FN(FM_CAT(name, SUF))
#define BF(name) FM_CAT3(name, SUF, FM_ISA_NAME)
#define CB 64 /* columns per task for (N, C) input */
#define V FM_CAT(fm_v, SUF)
#define VL FM_CAT(FM_VL_, SUF)
#define LD(p) FM_CAT(fm_vload_, SUF)(p)
#define ST(p, v) FM_CAT(fm_vstore_, SUF)(p, v)
#define BN_STREAM(p, v) FM_CAT(bn_stream_, SUF)(p, v)
#define BLK (16 * VL) /* elements per partial-sum block: 4 accumulators x 4 vectors */

/* v's lanes as float64 lanes summed pairwise into one fm_vf64 (fixed order). */
static inline __attribute__((always_inline)) fm_vf64 BF(bn_wide_)(V v) {
#ifdef BN_NARROW
    typedef T half_t __attribute__((vector_size(sizeof(V) / 2)));
    half_t lo, hi;
    memcpy(&lo, &v, sizeof lo);
    memcpy(&hi, (const char *)&v + sizeof lo, sizeof hi);
    return __builtin_convertvector(lo, fm_vf64) + __builtin_convertvector(hi, fm_vf64);
#else
    return v;
#endif
}

static inline __attribute__((always_inline)) double BF(bn_hsum_)(fm_vf64 v) {
    double s = 0;
    for (int i = 0; i < FM_VL_f64; i++) s += v[i];
    return s;
}

/* The channel passes walk the N runs p = x + n*CL, l in [0, L). */

/* sum of x over the channel */
static double BF(bn_sum_)(const T *x, int64_t N, int64_t CL, int64_t L) {
    fm_vf64 acc = {0};
    double s = 0;
    for (int64_t n = 0; n < N; n++) {
        const T *p = x + n * CL;
        int64_t l = 0;
        for (; l + BLK <= L; l += BLK) {
            V a0 = LD(p + l), a1 = LD(p + l + VL), a2 = LD(p + l + 2 * VL),
              a3 = LD(p + l + 3 * VL);
            for (int64_t k = 4 * VL; k < BLK; k += 4 * VL) {
                a0 += LD(p + l + k);
                a1 += LD(p + l + k + VL);
                a2 += LD(p + l + k + 2 * VL);
                a3 += LD(p + l + k + 3 * VL);
            }
            acc += BF(bn_wide_)((a0 + a1) + (a2 + a3));
        }
        if (l + VL <= L) { /* < 16 vectors left */
            V a = LD(p + l);
            for (l += VL; l + VL <= L; l += VL) a += LD(p + l);
            acc += BF(bn_wide_)(a);
        }
        for (; l < L; l++) s += (double)p[l];
    }
    return BF(bn_hsum_)(acc) + s;
}

/* *sd = sum of d, *sdd = sum of d^2 over the channel, d = x - K (in T) */
static void BF(bn_dev_)(double *sd, double *sdd, const T *x, T K, int64_t N, int64_t CL,
                        int64_t L) {
    fm_vf64 acc = {0}, acc2 = {0};
    double s = 0, s2 = 0;
    for (int64_t n = 0; n < N; n++) {
        const T *p = x + n * CL;
        int64_t l = 0;
        for (; l + BLK <= L; l += BLK) {
            V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};
            for (int64_t k = 0; k < BLK; k += 4 * VL) {
                const V d0 = LD(p + l + k) - K, d1 = LD(p + l + k + VL) - K;
                const V d2 = LD(p + l + k + 2 * VL) - K, d3 = LD(p + l + k + 3 * VL) - K;
                a0 += d0;
                a1 += d1;
                a2 += d2;
                a3 += d3;
                b0 += d0 * d0;
                b1 += d1 * d1;
                b2 += d2 * d2;
                b3 += d3 * d3;
            }
            acc += BF(bn_wide_)((a0 + a1) + (a2 + a3));
            acc2 += BF(bn_wide_)((b0 + b1) + (b2 + b3));
        }
        if (l + VL <= L) {
            V a = {0}, b = {0};
            for (; l + VL <= L; l += VL) {
                const V d = LD(p + l) - K;
                a += d;
                b += d * d;
            }
            acc += BF(bn_wide_)(a);
            acc2 += BF(bn_wide_)(b);
        }
        for (; l < L; l++) {
            const double d = (double)(p[l] - K);
            s += d;
            s2 += d * d;
        }
    }
    *sd = BF(bn_hsum_)(acc) + s;
    *sdd = BF(bn_hsum_)(acc2) + s2;
}

/* y = (x - mean) * sc + shift in double for L contiguous values (the path
 * for a scale that does not fit in T; the twin's arithmetic). */
static void BF(bn_norm_f64_)(T *y, const T *x, double mean, double sc, T shift, int64_t L) {
    for (int64_t l = 0; l < L; l++) {
        const double d = (double)x[l] - mean;
        y[l] = (T)(d == 0 ? (double)shift : d * sc + (double)shift);
    }
}

/* *sdy = sum of dy, *sdyx = sum of dy * (x - mean) over the channel, with
 * x - mean = (x - mh) - ml in T */
static void BF(bn_dsum_)(double *sdy, double *sdyx, const T *dy, const T *x, T mh, T ml,
                         int64_t N, int64_t CL, int64_t L) {
    fm_vf64 acc = {0}, acc2 = {0};
    double s = 0, s2 = 0;
    for (int64_t n = 0; n < N; n++) {
        const T *p = x + n * CL, *d = dy + n * CL;
        int64_t l = 0;
        for (; l + BLK <= L; l += BLK) {
            V a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};
            for (int64_t k = 0; k < BLK; k += 4 * VL) {
                const T *pk = p + l + k, *dk = d + l + k;
                const V g0 = LD(dk), g1 = LD(dk + VL), g2 = LD(dk + 2 * VL), g3 = LD(dk + 3 * VL);
                a0 += g0;
                a1 += g1;
                a2 += g2;
                a3 += g3;
                b0 += g0 * ((LD(pk) - mh) - ml);
                b1 += g1 * ((LD(pk + VL) - mh) - ml);
                b2 += g2 * ((LD(pk + 2 * VL) - mh) - ml);
                b3 += g3 * ((LD(pk + 3 * VL) - mh) - ml);
            }
            acc += BF(bn_wide_)((a0 + a1) + (a2 + a3));
            acc2 += BF(bn_wide_)((b0 + b1) + (b2 + b3));
        }
        if (l + VL <= L) {
            V a = {0}, b = {0};
            for (; l + VL <= L; l += VL) {
                const V g = LD(d + l);
                a += g;
                b += g * ((LD(p + l) - mh) - ml);
            }
            acc += BF(bn_wide_)(a);
            acc2 += BF(bn_wide_)(b);
        }
        for (; l < L; l++) {
            s += (double)d[l];
            s2 += (double)d[l] * (double)((p[l] - mh) - ml);
        }
    }
    *sdy = BF(bn_hsum_)(acc) + s;
    *sdyx = BF(bn_hsum_)(acc2) + s2;
}

/* Scalar float64 versions of the channel sums, used when a T-precision
 * partial overflowed (|x| or |dy (x - mean)| near T's maximum; inputs with
 * inf or NaN also land here and stay non-finite). */
static void BF(bn_stats_f64_)(double *mean, double *ss, const T *x, int64_t N, int64_t CL,
                              int64_t L) {
    double s = 0, s2 = 0;
    for (int64_t n = 0; n < N; n++)
        for (int64_t l = 0; l < L; l++) s += (double)x[n * CL + l];
    const double mu = s / ((double)N * (double)L);
    for (int64_t n = 0; n < N; n++)
        for (int64_t l = 0; l < L; l++) {
            const double d = (double)x[n * CL + l] - mu;
            s2 += d * d;
        }
    *mean = mu;
    *ss = s2;
}

static void BF(bn_dsum_f64_)(double *sdy, double *sdyx, const T *dy, const T *x, double mu,
                             int64_t N, int64_t CL, int64_t L) {
    double s = 0, s2 = 0;
    for (int64_t n = 0; n < N; n++)
        for (int64_t l = 0; l < L; l++) {
            const double g = (double)dy[n * CL + l];
            s += g;
            s2 += g * ((double)x[n * CL + l] - mu);
        }
    *sdy = s;
    *sdyx = s2;
}

/* One run of the normalise / dx pass, y[l] = f(l) for l in [0, L).
 * Cached stores (nt == 0): the output runs of a channel lie C*L elements apart
 * and the hardware prefetcher stops at page ends, so the next run's output
 * lines (qn, NULL for the last run) are prefetched for writing meanwhile.
 * Streaming stores (nt != 0, see BN_STREAM_BYTES): vector-aligned body,
 * scalar head and tail. */
#define BN_RUN(q, qn, L, nt, EXPR_V, EXPR_S)                                                   \
    do {                                                                                       \
        int64_t l = 0;                                                                         \
        if (nt) {                                                                              \
            for (; l < (L) && ((uintptr_t)((q) + l) % FM_VBYTES); l++) (q)[l] = (EXPR_S);     \
            for (; l + VL <= (L); l += VL) BN_STREAM((q) + l, (EXPR_V));                       \
        } else {                                                                               \
            for (; l + VL <= (L); l += VL) {                                                   \
                if (qn) __builtin_prefetch((qn) + l, 1);                                       \
                ST((q) + l, (EXPR_V));                                                         \
            }                                                                                  \
        }                                                                                      \
        for (; l < (L); l++) (q)[l] = (EXPR_S);                                               \
    } while (0)

static inline void BF(bn_norm_run_)(T *q, const T *p, T mh, T ml, T scale, T shift, int64_t L,
                                    T *qn, int nt) {
    BN_RUN(q, qn, L, nt, ((LD(p + l) - mh) - ml) * scale + shift,
           ((p[l] - mh) - ml) * scale + shift);
}

/* k0..k2 by value: read through a pointer they would be reloaded after every
 * store to q (which may alias them) */
static inline void BF(bn_dx_run_)(T *q, const T *d, const T *p, T k0, T k1, T k2, T mh, T ml,
                                  int64_t L, T *qn, int nt) {
    BN_RUN(q, qn, L, nt, k1 * ((LD(p + l) - mh) - ml) + (k0 * LD(d + l) + k2),
           k1 * ((p[l] - mh) - ml) + (k0 * d[l] + k2));
}

int FN(fm_bn_fwd_train_)(T *y, double *save_mean, double *save_invstd, T *running_mean,
                         T *running_var,
                         const T *x, const T *weight, const T *bias, int64_t N, int64_t C,
                         int64_t L, double momentum, double eps, int nthreads) {
    const double M = (double)N * (double)L;
    const double unbias = M > 1 ? M / (M - 1) : 1.0;
    const int nth = fm_team_size(nthreads, 3.0 * M * C);
    const int nt = BN_STREAM_OUT(N * C * L * (int64_t)sizeof(T), nth);
    if (L > 1) {
        _Pragma("omp parallel for schedule(static) num_threads(nth)")
        for (int64_t c = 0; c < C; c++) {
            const T K = (T)(BF(bn_sum_)(x + c * L, N, C * L, L) / M);
            double sd, sdd, mean, ss; /* ss: sum of squared deviations */
            BF(bn_dev_)(&sd, &sdd, x + c * L, K, N, C * L, L);
            if (isfinite(sd) && isfinite(sdd)) {
                const double dm = sd / M, var = sdd / M - dm * dm;
                mean = (double)K + dm;
                ss = var > 0 ? var * M : 0;
            } else {
                BF(bn_stats_f64_)(&mean, &ss, x + c * L, N, C * L, L);
            }
            const double invstd = 1.0 / sqrt(ss / M + eps);
            const T mh = (T)mean, ml = (T)(mean - (double)mh);
            const T scale = (T)(invstd * (weight ? (double)weight[c] : 1.0));
            const T shift = bias ? bias[c] : (T)0;
            if (!isfinite((double)scale)) { /* invstd beyond T (tiny var + eps): in double */
                const double sc = invstd * (weight ? (double)weight[c] : 1.0);
                for (int64_t n = 0; n < N; n++)
                    BF(bn_norm_f64_)(y + (n * C + c) * L, x + (n * C + c) * L, mean, sc, shift, L);
            } else {
                for (int64_t n = 0; n < N; n++)
                    BF(bn_norm_run_)(y + (n * C + c) * L, x + (n * C + c) * L, mh, ml, scale,
                                     shift, L, n + 1 < N ? y + ((n + 1) * C + c) * L : NULL, nt);
            }
            if (nt) bn_stream_fence();
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
    _Pragma("omp parallel for schedule(static) num_threads(nth)")
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
            for (int64_t j = 0; j < nc; j++)
                if (!isfinite((double)scale[j])) /* invstd beyond T: this column in double */
                    BF(bn_norm_f64_)(q + j, p + j, s[j], 1.0 / sqrt(ss[j] / M + eps) *
                                     (weight ? (double)weight[c0 + j] : 1.0), shift[j], 1);
        }
    }
    return FM_OK;
}

int FN(fm_bn_fwd_eval_)(T *y, const T *x, const double *mean, const double *invstd,
                        const T *weight, const T *bias, int64_t N, int64_t C, int64_t L,
                        int nthreads) {
    const int nth = fm_team_size(nthreads, (double)N * C * L);
    _Pragma("omp parallel for collapse(2) schedule(static) num_threads(nth)")
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
                   int training, int nthreads) {
    const double M = (double)N * (double)L;
    const int nth = fm_team_size(nthreads, 3.0 * M * C);
    const int nt = BN_STREAM_OUT(N * C * L * (int64_t)sizeof(T), nth);
    if (L > 1) {
        _Pragma("omp parallel for schedule(static) num_threads(nth)")
        for (int64_t c = 0; c < C; c++) {
            const double mu = mean[c];
            const T mh = (T)mu, ml = (T)(mu - (double)mh);
            double sdy, sdyx;
            BF(bn_dsum_)(&sdy, &sdyx, dy + c * L, x + c * L, mh, ml, N, C * L, L);
            if (!isfinite(sdy) || !isfinite(sdyx))
                BF(bn_dsum_f64_)(&sdy, &sdyx, dy + c * L, x + c * L, mu, N, C * L, L);
            if (dbias) dbias[c] = (T)sdy;
            if (dweight) dweight[c] = (T)(sdyx * invstd[c]);
            if (!dx) continue;
            T k[3];
            FM_CAT3(bn_bwd_coef_, SUF, FM_ISA_NAME)(k, sdy, sdyx, invstd[c],
                                                    weight ? (double)weight[c] : 1.0, M,
                                                    training);
            for (int64_t n = 0; n < N; n++) {
                const int64_t o = (n * C + c) * L;
                BF(bn_dx_run_)(dx + o, dy + o, x + o, k[0], k[1], k[2], mh, ml, L,
                               n + 1 < N ? dx + o + C * L : NULL, nt);
            }
            if (nt) bn_stream_fence();
        }
        return FM_OK;
    }
    const int64_t nblk = (C + CB - 1) / CB;
    _Pragma("omp parallel for schedule(static) num_threads(nth)")
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
#undef BF
#undef CB
#undef V
#undef VL
#undef LD
#undef ST
#undef BN_STREAM
#undef BN_RUN
#undef BLK
