/* gemm_simd.c -- fastml's own single-precision GEMM, one ISA level per build.
 *
 * C (M, N) = A (M, K) B (K, N) + beta C, row-major C. The classic packed
 * layout: A is packed once, whole, into row panels of MR rows (alpha folded
 * in) and B is packed per (KC x NC) block into column panels of NR columns,
 * through a callback so that convolution can pack straight from the image
 * (implicit im2col) instead of materialising a column matrix. The micro-kernel
 * keeps an MR x NR tile of C in registers (NR = 2 vectors) and does one
 * broadcast-FMA per row per vector per k.
 *
 *   packed A:  ap[(ip * K + k) * MR + i] = alpha * A[ip*MR + i, k]  (0 past M)
 *   packed B:  bp[(jp * kc + k) * NR + j] = B[k0 + k, j0 + jp*NR + j] (0 past nc)
 *
 * Loops (one thread; callers split N or whole problems across threads):
 *   for jc (NC columns): for pc (KC of K): pack B block -> for ic (MC rows):
 *     for jr (NR panels): for ir (MR panels): micro-kernel
 * The B micro-panel (KC x NR) is reused from L1 across the row panels of an
 * MC block, the A block (MC x KC) from L2. Each C element sums its K products
 * in the same order whatever M, N, the column range or the thread count, so
 * results do not depend on how callers split the work.
 */
#include <stdint.h>
#include <string.h>

#include "gemm_impl.h"
#include "gemm_tile.h" /* VL, NR, MR, bcast */

#define KC 256
#define MC (16 * MR)
#define NC 512 /* KC x NC block = 512 KB: half of Zen 4's L2 */

/* Pack all of A (element (i, k) at a[i*rs + k*cs]) times alpha. */
void FM_ISA_FN(fm_sgemm_pack_a)(float *restrict ap, const float *restrict a, int64_t rs,
                                int64_t cs, int64_t M, int64_t K, float alpha) {
    for (int64_t i0 = 0; i0 < M; i0 += MR) {
        const int64_t mr = M - i0 < MR ? M - i0 : MR;
        float *dst = ap + i0 * K;
        if (cs == 1) {
            for (int64_t i = 0; i < mr; i++) {
                const float *src = a + (i0 + i) * rs;
                for (int64_t k = 0; k < K; k++) dst[k * MR + i] = alpha * src[k];
            }
        } else {
            for (int64_t k = 0; k < K; k++)
                for (int64_t i = 0; i < mr; i++)
                    dst[k * MR + i] = alpha * a[(i0 + i) * rs + k * cs];
        }
        for (int64_t i = mr; i < MR; i++)
            for (int64_t k = 0; k < K; k++) dst[k * MR + i] = 0.0f;
    }
}

/* B packer for a strided matrix: element (k, j) at b[k*rs + j*cs]. */
void FM_ISA_FN(fm_sgemm_pack_b_strided)(float *restrict bp, const void *ctx, int64_t k0,
                                        int64_t kc, int64_t j0, int64_t nc) {
    const fm_sgemm_bmat *m = (const fm_sgemm_bmat *)ctx;
    for (int64_t jp = 0; jp < nc; jp += NR) {
        const int64_t nr = nc - jp < NR ? nc - jp : NR;
        float *dst = bp + jp * kc;
        if (m->cs == 1 && nr == NR) {
            for (int64_t k = 0; k < kc; k++)
                memcpy(dst + k * NR, m->b + (k0 + k) * m->rs + j0 + jp, NR * sizeof(float));
        } else if (m->cs == 1) {
            for (int64_t k = 0; k < kc; k++) {
                const float *src = m->b + (k0 + k) * m->rs + j0 + jp;
                for (int64_t j = 0; j < nr; j++) dst[k * NR + j] = src[j];
                for (int64_t j = nr; j < NR; j++) dst[k * NR + j] = 0.0f;
            }
        } else { /* B^T stored row-major: walk each column contiguously */
            for (int64_t j = 0; j < nr; j++) {
                const float *src = m->b + k0 * m->rs + (j0 + jp + j) * m->cs;
                for (int64_t k = 0; k < kc; k++) dst[k * NR + j] = src[k * m->rs];
            }
            for (int64_t k = 0; k < kc; k++)
                for (int64_t j = nr; j < NR; j++) dst[k * NR + j] = 0.0f;
        }
    }
}

/* acc = A-panel (MR x kc) @ B-panel (kc x NR). */
#define KERNEL_BODY                                                                            \
    V acc0[MR], acc1[MR];                                                                      \
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {                                    \
        acc0[i] = (V){0};                                                                      \
        acc1[i] = (V){0};                                                                      \
    }                                                                                          \
    for (int64_t k = 0; k < kc; k++) {                                                         \
        const V b0 = fm_vload_f32(b + k * NR), b1 = fm_vload_f32(b + k * NR + VL);            \
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {                                \
            const V ai = bcast(a + k * MR + i);                                          \
            acc0[i] += ai * b0;                                                                \
            acc1[i] += ai * b1;                                                                \
        }                                                                                      \
    }

static inline __attribute__((always_inline)) void store_row(float *c, V v, float beta) {
    if (beta == 0.0f) {
        fm_vstore_f32(c, v);
    } else if (beta == 1.0f) {
        fm_vstore_f32(c, v + fm_vload_f32(c));
    } else {
        fm_vstore_f32(c, v + beta * fm_vload_f32(c));
    }
}

static void kernel_full(int64_t kc, const float *restrict a, const float *restrict b,
                        float *restrict c, int64_t ldc, float beta, const float *bias) {
    KERNEL_BODY
    if (bias) {
        _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
            const V bi = bcast(bias + i);
            acc0[i] += bi;
            acc1[i] += bi;
        }
    }
    _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
        store_row(c + i * ldc, acc0[i], beta);
        store_row(c + i * ldc + VL, acc1[i], beta);
    }
}

static void kernel_edge(int64_t kc, const float *restrict a, const float *restrict b,
                        float *restrict c, int64_t ldc, float beta, const float *bias, int64_t mr,
                        int64_t nr) {
    KERNEL_BODY
    if (bias) {
        for (int64_t i = 0; i < mr; i++) { /* rows past mr may lie past the bias array */
            const V bi = bcast(bias + i);
            acc0[i] += bi;
            acc1[i] += bi;
        }
    }
    float t[MR * NR];
    for (int i = 0; i < MR; i++) {
        fm_vstore_f32(t + i * NR, acc0[i]);
        fm_vstore_f32(t + i * NR + VL, acc1[i]);
    }
    for (int64_t i = 0; i < mr; i++)
        for (int64_t j = 0; j < nr; j++) {
            float *p = c + i * ldc + j;
            *p = beta == 0.0f ? t[i * NR + j] : t[i * NR + j] + beta * *p;
        }
}

/* Columns [n0, n1) of C for all M rows; ap is the whole packed A, bbuf holds
 * KC * NC floats (the table's buf_floats). bias (M values, or NULL) is added
 * to every row once: C = A B + bias[:, None] + beta C. */
void FM_ISA_FN(fm_sgemm_run)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                             fm_sgemm_packb_fn packb, const void *bctx, float *bbuf, float *C,
                             int64_t ldc, float beta, const float *bias) {
    for (int64_t jc = n0; jc < n1; jc += NC) {
        const int64_t nc = n1 - jc < NC ? n1 - jc : NC;
        for (int64_t pc = 0; pc < K; pc += KC) {
            const int64_t kc = K - pc < KC ? K - pc : KC;
            const float be = pc == 0 ? beta : 1.0f;
            const float *bi = pc == 0 ? bias : NULL;
            packb(bbuf, bctx, pc, kc, jc, nc);
            for (int64_t ic = 0; ic < M; ic += MC) {
                const int64_t ie = M - ic < MC ? M : ic + MC;
                for (int64_t jr = 0; jr < nc; jr += NR) {
                    const int64_t nr = nc - jr < NR ? nc - jr : NR;
                    const float *b = bbuf + jr * kc;
                    for (int64_t ir = ic; ir < ie; ir += MR) {
                        const int64_t mr = ie - ir < MR ? ie - ir : MR;
                        const float *a = ap + ir * K + pc * MR;
                        float *c = C + ir * ldc + jc + jr;
                        const float *bir = bi ? bi + ir : NULL;
                        if (mr == MR && nr == NR)
                            kernel_full(kc, a, b, c, ldc, be, bir);
                        else
                            kernel_edge(kc, a, b, c, ldc, be, bir, mr, nr);
                    }
                }
            }
        }
    }
}

/* B packed once for many products (a search database): panels [j0, j1)
 * (multiples of NR; j1 may be N) of every KC block; block pc starts at
 * bp + pc * Np, Np = N rounded up to NR. */
void FM_ISA_FN(fm_sgemm_pack_b_all)(float *bp, fm_sgemm_packb_fn packb, const void *bctx,
                                    int64_t K, int64_t N, int64_t j0, int64_t j1) {
    const int64_t Np = (N + NR - 1) / NR * NR;
    for (int64_t pc = 0; pc < K; pc += KC) {
        const int64_t kc = K - pc < KC ? K - pc : KC;
        packb(bp + pc * Np + j0 * kc, bctx, pc, kc, j0, j1 - j0);
    }
}

/* run() on B packed by pack_b_all (N columns in all): C (pointing at column
 * n0) = A @ B[:, n0:n1] + beta C; n0 a multiple of NR. */
void FM_ISA_FN(fm_sgemm_run_packed)(int64_t M, int64_t n0, int64_t n1, int64_t K,
                                    const float *ap, const float *bp, int64_t N, float *C,
                                    int64_t ldc, float beta) {
    const int64_t Np = (N + NR - 1) / NR * NR;
    for (int64_t pc = 0; pc < K; pc += KC) {
        const int64_t kc = K - pc < KC ? K - pc : KC;
        const float be = pc == 0 ? beta : 1.0f;
        for (int64_t ic = 0; ic < M; ic += MC) {
            const int64_t ie = M - ic < MC ? M : ic + MC;
            for (int64_t jr = n0; jr < n1; jr += NR) {
                const int64_t nr = n1 - jr < NR ? n1 - jr : NR;
                const float *b = bp + pc * Np + jr * kc;
                for (int64_t ir = ic; ir < ie; ir += MR) {
                    const int64_t mr = ie - ir < MR ? ie - ir : MR;
                    const float *a = ap + ir * K + pc * MR;
                    float *c = C + ir * ldc + (jr - n0);
                    if (mr == MR && nr == NR)
                        kernel_full(kc, a, b, c, ldc, be, NULL);
                    else
                        kernel_edge(kc, a, b, c, ldc, be, NULL, mr, nr);
                }
            }
        }
    }
}

/* This level's table (fm_gemm_impl_<level>), picked by gemm.c. */
const fm_gemm_impl FM_ISA_FN(fm_gemm_impl) = {
    .mr = MR,
    .nr = NR,
    .vl = VL,
    .buf_floats = (int64_t)KC * NC,
    .pack_a = FM_ISA_FN(fm_sgemm_pack_a),
    .pack_b_strided = FM_ISA_FN(fm_sgemm_pack_b_strided),
    .run = FM_ISA_FN(fm_sgemm_run),
    .pack_b_all = FM_ISA_FN(fm_sgemm_pack_b_all),
    .run_packed = FM_ISA_FN(fm_sgemm_run_packed),
    .kc = KC,
};
