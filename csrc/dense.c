/* dense.c -- fully connected layer: y = x w^T + b (+ fused relu), backward.
 *
 * Tiny weights (in * out <= TINY_W) use direct row loops (dense_tiny_tmpl.h);
 * otherwise batches of at most SMALL_N rows use the small-batch kernels of
 * the selected table (dense_simd.c: no packing; weights streamed once; threads
 * split output features), larger ones BLAS. Entry points: dense_tmpl.h, one
 * copy per dtype.
 *
 * Shapes: x (n, in), w (out, in), b (out) or NULL, y (n, out), dy (n, out).
 * The products go to BLAS (fm_gemm_*, SciPy's OpenBLAS); the epilogue adds
 * the bias and applies the activation in the same pass over y. act: -1 none,
 * 0 relu. Backward writes (not accumulates) dx (n, in), dw (out, in),
 * db (out); any of them may be NULL when not needed. With act == relu, y is
 * the forward output and dy is masked where y <= 0 first. db sums rows in
 * order, so it does not depend on the thread count.
 */
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "dense_impl.h"

FM_FAMILY_IMPLS(dense)
static const fm_dense_impl *K = &fm_dense_impl_baseline;

void fm_dense_select(int level) { K = FM_FAMILY_PICK(dense, level); }

#define SMALL_N 16
#define SPLIT 64 /* feature-slice granularity for threads (multiple of any VL) */
/* Small-batch kernels run ~50 flops/ns on one core; below ~2 MFLOP (~40 us) a
 * parallel region's wake-up and barrier cost more than the second core saves.
 * (MLP 784-256 at batch 8, 3.2 MFLOP: 2 threads measured slightly faster.) */
#define SMALL_PAR_WORK 2.0e6

/* Same policy for the small-batch and the tiny kernels: one thread below
 * SMALL_PAR_WORK flops (the tiny loops run ~4 flops/ns, so that is ~0.5 ms). */
static int tiny_threads(double work, int nthreads) {
    return work >= SMALL_PAR_WORK ? fm_team_size(nthreads, work) : 1;
}

/* Run BODY over slices [s, e) of [0, total) in SPLIT-multiples, threaded by work. */
#define FOR_SLICES(total, work, nthreads, BODY)                                                \
    do {                                                                                       \
        int64_t nsl_ = ((total) + SPLIT - 1) / SPLIT;                                          \
        int nt_ = tiny_threads((work), (nthreads));                                            \
        _Pragma("omp parallel for schedule(dynamic, 1) num_threads(nt_)")                      \
        for (int64_t q_ = 0; q_ < nsl_; q_++) {                                                \
            int64_t s = q_ * SPLIT, e = s + SPLIT < (total) ? s + SPLIT : (total);             \
            BODY;                                                                              \
        }                                                                                      \
    } while (0)

#define TINY_W 64
#define TINY_RB 1024

/* IN_SWITCH(in, CALL): CALL(literal) for in = 1..8 so the per-row loops over
 * the input features unroll into registers; CALL(in) otherwise. */
#define IN_SWITCH(in, CALL)                                                                    \
    switch (in) {                                                                              \
    case 1: CALL(1); break; case 2: CALL(2); break; case 3: CALL(3); break;                    \
    case 4: CALL(4); break; case 5: CALL(5); break; case 6: CALL(6); break;                    \
    case 7: CALL(7); break; case 8: CALL(8); break; default: CALL(in); break;                  \
    }

#define T float
#define SUF f32
#include "dense_tiny_tmpl.h"
#include "dense_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "dense_tiny_tmpl.h"
#include "dense_tmpl.h"
#undef T
#undef SUF
