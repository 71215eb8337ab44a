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

#include "gemm.h"
#include "simd.h"

#define VL FM_VL_f32
#define NR (2 * VL)
#if defined(FM_ISA_AVX512)
#define MR 8 /* 16 zmm accumulators; Zen 4 retires one 512-bit FMA per cycle */
#define KC 256
#elif defined(FM_ISA_AVX2)
#define MR 6 /* 12 ymm accumulators of 16 */
#define KC 256
#else
#define MR 4
#define KC 256
#endif
#define MC (16 * MR)
#define NC 512 /* KC x NC block = 512 KB: half of Zen 4's L2 */

typedef fm_vf32 V;

/* A true broadcast from memory (fm_vset1_f32 adds to a zero vector, and a
 * generic lane loop compiles to a 256-bit broadcast plus an insert: either is
 * an extra instruction per row and k in the inner loop). */
#if defined(FM_ISA_AVX512)
#include <immintrin.h>
#define bcast(p) ((V)_mm512_set1_ps(*(p)))
#elif defined(FM_ISA_AVX2)
#include <immintrin.h>
#define bcast(p) ((V)_mm256_set1_ps(*(p)))
#else
static inline __attribute__((always_inline)) V bcast(const float *p) {
    V v;
    for (int i = 0; i < VL; i++) v[i] = *p;
    return v;
}
#endif

int FM_ISA_FN(fm_sgemm_mr)(void) { return MR; }
int FM_ISA_FN(fm_sgemm_nr)(void) { return NR; }
int FM_ISA_FN(fm_sgemm_kc)(void) { return KC; }

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
 * KC * NC floats (see fm_sgemm_buf_floats). bias (M values, or NULL) is added
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

int64_t FM_ISA_FN(fm_sgemm_buf_floats)(void) { return (int64_t)KC * NC; }

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

/* ---- convolution kernels: B rows read in place ----------------------------
 * With stride 1, row q = (c, r, s) of the im2col matrix of a zero-padded image
 * xp (Cg, Hp, Wp), over output pixels laid out on the padded width
 * (p' = oh*Wp + ow), is xp + off[q] + p' with off[q] = c*Hp*Wp + r*dh*Wp + s*dw:
 * one contiguous stream. So no packing: the kernels load B straight from the
 * image at per-row offsets (the Wp - OW extra columns per row are computed and
 * dropped by the caller, 3-7% extra work on typical shapes). */

/* C[i, j] = (packed A (M, K) @ Bd)[i, j] + bias[i] for i < M, j < N, where
 * Bd[k, j] = base[off[k] + j]. Columns are computed in NR panels, so Bd is
 * read up to column ceil(N/NR)*NR - 1. */
void FM_ISA_FN(fm_sgemm_direct)(int64_t M, int64_t N, int64_t K, const float *ap,
                                const float *base, const int64_t *off, float *C, int64_t ldc,
                                const float *bias) {
    const int64_t Np = (N + NR - 1) / NR * NR;
    for (int64_t jr = 0; jr < Np; jr += NR) {
        const float *bb = base + jr;
        for (int64_t ir = 0; ir < M; ir += MR) {
            const float *a = ap + ir * K;
            V acc0[MR], acc1[MR];
            _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
                acc0[i] = (V){0};
                acc1[i] = (V){0};
            }
            for (int64_t k = 0; k < K; k++) {
                const float *b = bb + off[k];
                const V b0 = fm_vload_f32(b), b1 = fm_vload_f32(b + VL);
                _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
                    const V ai = bcast(a + k * MR + i);
                    acc0[i] += ai * b0;
                    acc1[i] += ai * b1;
                }
            }
            const int64_t mr = M - ir < MR ? M - ir : MR;
            if (bias) {
                for (int64_t i = 0; i < mr; i++) {
                    const V bi = bcast(bias + ir + i);
                    acc0[i] += bi;
                    acc1[i] += bi;
                }
            }
            float *c = C + ir * ldc + jr;
            if (mr == MR && jr + NR <= N) {
                _Pragma("GCC unroll 16") for (int i = 0; i < MR; i++) {
                    fm_vstore_f32(c + i * ldc, acc0[i]);
                    fm_vstore_f32(c + i * ldc + VL, acc1[i]);
                }
            } else {
                const int64_t nr = N - jr < NR ? N - jr : NR;
                float t[MR * NR];
                for (int i = 0; i < MR; i++) {
                    fm_vstore_f32(t + i * NR, acc0[i]);
                    fm_vstore_f32(t + i * NR + VL, acc1[i]);
                }
                for (int64_t i = 0; i < mr; i++)
                    for (int64_t j = 0; j < nr; j++) c[i * ldc + j] = t[i * NR + j];
            }
        }
    }
}

#if defined(FM_ISA_AVX512)
#define DMR 4
#define DNR 6
#elif defined(FM_ISA_AVX2)
#define DMR 3
#define DNR 4
#else
#define DMR 2
#define DNR 4
#endif

/* C[i, j] = sum_{t < nimg} sum_{l < L} A[t*astr + i*lda + l] * base[t*bstr + off[j] + l]
 *           + beta C[i, j]   for i < M, j < N; L a multiple of VL (callers zero-pad
 * A's rows). The nimg images accumulate in the same registers, so a tile's lanes
 * are summed once per call, not once per image (short rows: the lane sums were
 * ~25% of the work at L ~ 1000). Lanes sum in a fixed order. */
void FM_ISA_FN(fm_sgemm_dot)(int64_t M, int64_t N, int64_t L, int64_t nimg, const float *A,
                             int64_t lda, int64_t astr, const float *base, int64_t bstr,
                             const int64_t *off, float *C, int64_t ldc, float beta) {
    for (int64_t i0 = 0; i0 < M; i0 += DMR) {
        const int64_t mr = M - i0 < DMR ? M - i0 : DMR;
        for (int64_t j0 = 0; j0 < N; j0 += DNR) {
            const int64_t nr = N - j0 < DNR ? N - j0 : DNR;
            V acc[DMR][DNR];
            _Pragma("GCC unroll 32") for (int i = 0; i < DMR; i++)
                _Pragma("GCC unroll 32") for (int j = 0; j < DNR; j++) acc[i][j] = (V){0};
            for (int64_t t = 0; t < nimg; t++) {
                const float *ar[DMR], *br[DNR];
                for (int i = 0; i < DMR; i++) ar[i] = A + t * astr + (i0 + (i < mr ? i : 0)) * lda;
                for (int j = 0; j < DNR; j++) br[j] = base + t * bstr + off[j0 + (j < nr ? j : 0)];
                for (int64_t l = 0; l < L; l += VL) {
                    V av[DMR];
                    _Pragma("GCC unroll 32") for (int i = 0; i < DMR; i++)
                        av[i] = fm_vload_f32(ar[i] + l);
                    _Pragma("GCC unroll 32") for (int j = 0; j < DNR; j++) {
                        const V bv = fm_vload_f32(br[j] + l);
                        _Pragma("GCC unroll 32") for (int i = 0; i < DMR; i++)
                            acc[i][j] += av[i] * bv;
                    }
                }
            }
            for (int64_t i = 0; i < mr; i++)
                for (int64_t j = 0; j < nr; j++) {
                    float t[VL];
                    fm_vstore_f32(t, acc[i][j]);
                    float s = 0.0f;
                    for (int u = 0; u < VL; u++) s += t[u];
                    float *c = C + (i0 + i) * ldc + j0 + j;
                    *c = beta == 0.0f ? s : s + beta * *c;
                }
        }
    }
}

/* direct() for at most NMR rows (a 3-channel image's dx, tiny layers): A read
 * unpacked (row i at a + i*lda), panels of 4 vectors so that 16 accumulators
 * stay busy with 4 rows instead of MR. Bd read up to column ceil(N/(4 VL))*4 VL - 1. */
#define NMR 4
int FM_ISA_FN(fm_sgemm_nmr)(void) { return NMR; }

void FM_ISA_FN(fm_sgemm_direct_narrow)(int64_t M, int64_t N, int64_t K, const float *a,
                                       int64_t lda, const float *base, const int64_t *off,
                                       float *C, int64_t ldc, const float *bias) {
    const float *ar[NMR];
    for (int i = 0; i < NMR; i++) ar[i] = a + (i < M ? i : 0) * lda;
    for (int64_t jr = 0; jr < N; jr += 4 * VL) {
        const float *bb = base + jr;
        V acc[NMR][4];
        _Pragma("GCC unroll 16") for (int i = 0; i < NMR; i++)
            _Pragma("GCC unroll 4") for (int v = 0; v < 4; v++) acc[i][v] = (V){0};
        for (int64_t k = 0; k < K; k++) {
            const float *b = bb + off[k];
            V bv[4];
            _Pragma("GCC unroll 4") for (int v = 0; v < 4; v++) bv[v] = fm_vload_f32(b + v * VL);
            _Pragma("GCC unroll 16") for (int i = 0; i < NMR; i++) {
                const V ai = bcast(ar[i] + k);
                _Pragma("GCC unroll 4") for (int v = 0; v < 4; v++) acc[i][v] += ai * bv[v];
            }
        }
        const int64_t nc = N - jr < 4 * VL ? N - jr : 4 * VL;
        for (int64_t i = 0; i < M; i++) {
            float t[4 * VL];
            const float bi = bias ? bias[i] : 0.0f;
            _Pragma("GCC unroll 4") for (int v = 0; v < 4; v++)
                fm_vstore_f32(t + v * VL, acc[i][v]);
            float *c = C + i * ldc + jr;
            for (int64_t j = 0; j < nc; j++) c[j] = t[j] + bi;
        }
    }
}
