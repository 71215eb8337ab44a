/* conv2d_impl.h -- internal: the conv2d family's function table (family.h) and
 * the float32 units' declarations (not part of the exported API).
 *
 * float32 conv2d runs on fastml's own GEMM. The units form a tree:
 *   conv2d.c         entry points; stride 1 -> conv2d_direct.c; strides whose
 *                    multiples the kernel dims are (no dilation): forward (and
 *                    narrow dw) as the stride-1 conv of the space-to-depth
 *                    image -> conv2d_direct.c; else conv2d_gemm.c
 *   conv2d_direct.c  stride 1: in-place kernels of the table (conv2d_simd.c)
 *   conv2d_gemm.c    any stride: the GEMM with B packed from the image
 *   conv2d_pack.c    weights packed for the GEMM (used by both)
 *   conv2d_phase.c   dw of the 4x4/s2/p1 conv (transposed-conv decoders) on
 *                    x's phase planes, read in place by the rows kernel
 */
#ifndef FASTML_CONV2D_IMPL_H
#define FASTML_CONV2D_IMPL_H

#include "conv2d.h"
#include "family.h"
#include "gemm_impl.h"

/* Stride-1 kernels reading B in place (conv2d_simd.c), one table per level:
 * direct: C (M, N) = packed A @ Bd + bias, Bd[k, j] = base[off[k] + j] (read up
 *         to column N rounded up to gemm->nr); A packed by gemm->pack_a;
 * dot:    C[i, j] = sum_t sum_l A[t*astr + i*lda + l] base[t*bstr + off[j] + l]
 *         + beta C[i, j] over nimg images, L % gemm->vl == 0;
 * direct_narrow: direct() for M <= nmr rows with A unpacked (row i at
 *         a + i*lda); reads Bd up to column N rounded up to 4 vectors. */
typedef struct {
    const fm_gemm_impl *gemm; /* the same level's GEMM (its tile and packing) */
    int nmr;
    void (*direct)(int64_t M, int64_t N, int64_t K, const float *ap, const float *base,
                   const int64_t *off, float *C, int64_t ldc, const float *bias);
    void (*dot)(int64_t M, int64_t N, int64_t L, int64_t nimg, const float *A, int64_t lda,
                int64_t astr, const float *base, int64_t bstr, const int64_t *off, float *C,
                int64_t ldc, float beta);
    void (*direct_narrow)(int64_t M, int64_t N, int64_t K, const float *a, int64_t lda,
                          const float *base, const int64_t *off, float *C, int64_t ldc,
                          const float *bias);
    /* rows: C = beta C + Ad @ Bp, Ad[i, k] = base[off[i] + k], Bp packed in
     * panels of rnr columns (conv2d_simd.c has the layout) */
    int rnr;
    void (*rows)(int64_t M, int64_t N, int64_t K, const float *base, const int64_t *off,
                 const float *bp, float *C, int64_t ldc, float beta);
} fm_conv2d_impl;

/* conv2d_pack.c: W_g packed for the GEMM (im) for every group: per group
 * (Kg, CRS), or (CRS, Kg) when transposed; *stride = floats per group. NULL
 * when out of memory. */
float *fm_conv2d_pack_weights(const fm_gemm_impl *im, const float *w, const fm_conv2d_geom *g,
                              int transposed, int64_t *stride);

/* conv2d_direct.c, stride 1. x is laid out per g, or with src != NULL per src:
 * a conv with strides (sh, sw), no dilation and kernel dims multiples of the
 * strides, whose stride-1 form g reads the space-to-depth planes of x
 * (conv2d.c: s2d_geom). forward: y = conv(x, w) + b (b may be NULL);
 * dx: needs pad <= dil*(k-1) in both dimensions and a finite w; dw: part[ch]
 * (G, Kg, CRS) = the dw contribution of image chunk ch (images ch*N/chunks ..
 * (ch+1)*N/chunks), except where redo[ch] = 1: that chunk's images hold an inf
 * or NaN and its part is left for the packed path. */
int fm_conv2d_direct_forward(float *y, const float *x, const float *w, const float *b,
                             const fm_conv2d_geom *g, const fm_conv2d_geom *src,
                             const fm_conv2d_impl *ck, int nthreads);
int fm_conv2d_direct_dx(float *dx, const float *dy, const float *w, const fm_conv2d_geom *g,
                        const fm_conv2d_impl *ck, int nthreads);
int fm_conv2d_direct_dw(float *part, unsigned char *redo, int64_t chunks, const float *dy,
                        const float *x, const fm_conv2d_geom *g, const fm_conv2d_geom *src,
                        const fm_conv2d_impl *ck, int nthreads);

/* conv2d_gemm.c, any stride. forward as above; backward: dx (or NULL) and the
 * dw partials part[ch] as above (or NULL). */
int fm_conv2d_gemm_forward(float *y, const float *x, const float *w, const float *b,
                           const fm_conv2d_geom *g, const fm_gemm_impl *im, int nthreads);
int fm_conv2d_gemm_backward(float *dx, float *part, int64_t chunks, const float *dy,
                            const float *x, const float *w, const fm_conv2d_geom *g,
                            const fm_gemm_impl *im, int nthreads);

/* conv2d_phase.c: dw of the 4x4, stride 2, padding 1 conv (groups 1, no
 * dilation: fm_conv2d_phase_applies) on x's phase planes; needs a finite x. */
int fm_conv2d_phase_applies(const fm_conv2d_geom *g);
int fm_conv2d_phase_dw(float *dw, const float *dy, const float *x, const fm_conv2d_geom *g,
                       const fm_conv2d_impl *ck, int nthreads);
/* y = conv(x, w) + b (b may be NULL) of the same conv on the rows kernel. */
int fm_conv2d_phase_forward(float *y, const float *x, const float *w, const float *b,
                            const fm_conv2d_geom *g, const fm_conv2d_impl *ck, int nthreads);
/* dx (+ bias[c], bias may be NULL) of the same conv, its taps summed per dx element. */
int fm_conv2d_phase_dx(float *dx, const float *dy, const float *w, const float *bias,
                       const fm_conv2d_geom *g, const fm_conv2d_impl *ck, int nthreads);

#endif /* FASTML_CONV2D_IMPL_H */
