/* conv2d_pack.c -- convolution weights packed as the GEMM's A operand, shared
 * by the stride-1 path (conv2d_direct.c: direct kernel) and the strided path
 * (conv2d_gemm.c: forward, and W^T for dx). */
#include <stdlib.h>

#include "conv2d_impl.h"

float *fm_conv2d_pack_weights(const fm_gemm_impl *im, const float *w, const fm_conv2d_geom *g,
                              int transposed, int64_t *stride) {
    const int64_t G = g->groups, Kg = g->K / G, CRS = g->C / G * g->R * g->S;
    const int64_t M = transposed ? CRS : Kg, Kd = transposed ? Kg : CRS;
    *stride = (M + im->mr - 1) / im->mr * im->mr * Kd; /* packed A: MR-row panels */
    float *ap = (float *)malloc((size_t)(*stride * G) * sizeof(float));
    if (!ap) return NULL;
    for (int64_t gi = 0; gi < G; gi++) {
        const float *wg = w + gi * Kg * CRS;
        if (transposed)
            im->pack_a(ap + gi * *stride, wg, 1, CRS, CRS, Kg, 1.0f);
        else
            im->pack_a(ap + gi * *stride, wg, CRS, 1, Kg, CRS, 1.0f);
    }
    return ap;
}
