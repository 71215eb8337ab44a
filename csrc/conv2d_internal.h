/* conv2d_internal.h -- shared by conv2d_gemm.c and conv2d_direct.c (float32
 * conv2d on fastml's own GEMM kernels); not part of the exported API. */
#ifndef FASTML_CONV2D_INTERNAL_H
#define FASTML_CONV2D_INTERNAL_H

#include "conv2d.h"
#include "gemm.h"

/* W_g packed for the GEMM for every group: per group (Kg, CRS), or (CRS, Kg)
 * when transposed; *stride = floats per group. NULL when out of memory. */
float *fm_conv_pack_weights(const fm_sgemm_impl *im, const float *w, const fm_conv2d_geom *g,
                            int transposed, int64_t *stride);

/* Stride 1 (conv2d_direct.c). forward: y = conv(x, w) + b (b may be NULL);
 * dx: needs pad <= dil*(k-1) in both dimensions; dw: part[ch] (G, Kg, CRS) =
 * the dw contribution of image chunk ch (images ch*N/chunks .. (ch+1)*N/chunks). */
int fm_conv_direct_forward(float *y, const float *x, const float *w, const float *b,
                           const fm_conv2d_geom *g);
int fm_conv_direct_dx(float *dx, const float *dy, const float *w, const fm_conv2d_geom *g);
int fm_conv_direct_dw(float *part, int64_t chunks, const float *dy, const float *x,
                      const fm_conv2d_geom *g);

#endif /* FASTML_CONV2D_INTERNAL_H */
