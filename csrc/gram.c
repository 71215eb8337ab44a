/* gram.c -- shifted Gram matrices of tall data (normal equations, covariance).
 *
 * The lanes (gram_simd_tmpl.h, one copy per ISA level, each level's table in
 * gram_simd.c) accumulate FM_GRAM_LANES fixed row ranges; fm_gram_select()
 * points K at one level once. The entry points (gram_tmpl.h, one copy per
 * input type) run the lanes over fastml's threads and add them in lane order.
 */
#include <stdlib.h>
#include <string.h>

#include "gram_impl.h"

FM_FAMILY_IMPLS(gram)
static const fm_gram_impl *K = &fm_gram_impl_baseline;

void fm_gram_select(int level) { K = FM_FAMILY_PICK(gram, level); }

/* S (m x m, both triangles) from the lanes' upper tiles, added in lane order. */
static void gram_reduce(double *S, const double *Sl, int64_t m, int64_t mp) {
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = i; j < m; j++) {
            double s = 0;
            for (int l = 0; l < FM_GRAM_LANES; l++) s += Sl[(size_t)l * mp * mp + j * mp + i];
            S[i * m + j] = s;
            S[j * m + i] = s;
        }
}

#define T float
#define SUF f32
#include "gram_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "gram_tmpl.h"
#undef T
#undef SUF
