/* conv2d_simd.c -- convolution's in-place micro-kernels, one ISA level per
 * build (see simd.h); each level's table at the end, picked by conv2d.c.
 *
 * They are fastml's GEMM micro-kernels with B read straight from a
 * zero-padded image instead of a packed panel: direct() takes A packed by the
 * same level's GEMM (gemm_simd.c: fm_gemm_impl.pack_a, MR-row panels), so it
 * shares that level's register tile (gemm_tile.h); dot() and narrow() read A
 * unpacked. Stride-1 convolution (conv2d_direct.c) is their user; rows()
 * (A read in place, B packed) serves the 4x4/s2/p1 conv (conv2d_phase.c).
 */
#include <stdint.h>
#include <string.h>

#include "conv2d_impl.h"
#include "gemm_tile.h" /* VL, NR, MR, bcast */

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
void FM_ISA_FN(fm_conv2d_direct_kernel)(int64_t M, int64_t N, int64_t K, const float *ap,
                                        const float *base, const int64_t *off, float *C,
                                        int64_t ldc, const float *bias) {
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
void FM_ISA_FN(fm_conv2d_dot_kernel)(int64_t M, int64_t N, int64_t L, int64_t nimg,
                                     const float *A, int64_t lda, int64_t astr,
                                     const float *base, int64_t bstr, const int64_t *off,
                                     float *C, int64_t ldc, float beta) {
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

void FM_ISA_FN(fm_conv2d_narrow_kernel)(int64_t M, int64_t N, int64_t K, const float *a,
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

/* ---- rows kernel: A rows read in place, B packed ---------------------------
 * C[i, j] = beta C[i, j] + sum_{k < K} base[off[i] + k] * Bp[k, j] for i < M,
 * j < N, Bp packed in panels of RNR columns (panel jp at bp + jp*K*RNR,
 * bp[(jp*K + k)*RNR + j], zero past N). The weight gradient of a transposed
 * convolution (conv2d_transpose.c): A rows are the taps' streams over the
 * phase planes of dy, Bp the input image, so only the small operand is packed.
 * Tile: RMR rows x RNV vectors (the accumulators plus RNV B vectors and one
 * broadcast fill the register file). K runs in blocks of about RKC (one B
 * block, RKC x RNR, stays in L1 across the row panels); each C element sums
 * its products in k order, block by block. */
#if defined(FM_ISA_AVX512)
#define RMR 6
#define RNV 4
#else
#define RMR MR
#define RNV 2
#endif
#define RNR (RNV * VL)
#define RKC 512

static inline __attribute__((always_inline)) void rows_tile(int64_t kc, const float *const *ar,
                                                            const float *b, V acc[RMR][RNV]) {
    _Pragma("GCC unroll 16") for (int i = 0; i < RMR; i++)
        _Pragma("GCC unroll 4") for (int v = 0; v < RNV; v++) acc[i][v] = (V){0};
    for (int64_t k = 0; k < kc; k++) {
        V bv[RNV];
        _Pragma("GCC unroll 4") for (int v = 0; v < RNV; v++)
            bv[v] = fm_vload_f32(b + k * RNR + v * VL);
        _Pragma("GCC unroll 16") for (int i = 0; i < RMR; i++) {
            const V ai = bcast(ar[i] + k);
            _Pragma("GCC unroll 4") for (int v = 0; v < RNV; v++) acc[i][v] += ai * bv[v];
        }
    }
}

void FM_ISA_FN(fm_conv2d_rows_kernel)(int64_t M, int64_t N, int64_t K, const float *base,
                                      const int64_t *off, const float *bp, float *C,
                                      int64_t ldc, float beta) {
    const int64_t nkb = (K + RKC - 1) / RKC, kcb = nkb ? (K + nkb - 1) / nkb : 0;
    for (int64_t k0 = 0; k0 < K; k0 += kcb) {
        const int64_t kc = K - k0 < kcb ? K - k0 : kcb;
        const float be = k0 == 0 ? beta : 1.0f;
        for (int64_t jr = 0; jr < N; jr += RNR) {
            const float *b = bp + (jr * K + k0 * RNR);
            const int64_t nr = N - jr < RNR ? N - jr : RNR;
            for (int64_t ir = 0; ir < M; ir += RMR) {
                const int64_t mr = M - ir < RMR ? M - ir : RMR;
                const float *ar[RMR];
                for (int i = 0; i < RMR; i++) ar[i] = base + off[ir + (i < mr ? i : 0)] + k0;
                V acc[RMR][RNV];
                rows_tile(kc, ar, b, acc);
                if (mr == RMR && nr == RNR) {
                    _Pragma("GCC unroll 16") for (int i = 0; i < RMR; i++) {
                        float *c = C + (ir + i) * ldc + jr;
                        _Pragma("GCC unroll 4") for (int v = 0; v < RNV; v++) {
                            const V cv = be == 0.0f ? (V){0} : be * fm_vload_f32(c + v * VL);
                            fm_vstore_f32(c + v * VL, cv + acc[i][v]);
                        }
                    }
                } else {
                    float t[RNR];
                    for (int64_t i = 0; i < mr; i++) {
                        float *c = C + (ir + i) * ldc + jr;
                        for (int v = 0; v < RNV; v++) fm_vstore_f32(t + v * VL, acc[i][v]);
                        for (int64_t j = 0; j < nr; j++)
                            c[j] = (be == 0.0f ? 0.0f : be * c[j]) + t[j];
                    }
                }
            }
        }
    }
}

/* This level's table (fm_conv2d_impl_<level>), picked by conv2d.c; gemm is
 * the same level's GEMM, whose pack_a lays out A for direct(). */
extern const fm_gemm_impl FM_ISA_FN(fm_gemm_impl);
const fm_conv2d_impl FM_ISA_FN(fm_conv2d_impl) = {
    .gemm = &FM_ISA_FN(fm_gemm_impl),
    .nmr = NMR,
    .direct = FM_ISA_FN(fm_conv2d_direct_kernel),
    .dot = FM_ISA_FN(fm_conv2d_dot_kernel),
    .direct_narrow = FM_ISA_FN(fm_conv2d_narrow_kernel),
    .rnr = RNR,
    .rows = FM_ISA_FN(fm_conv2d_rows_kernel),
};
