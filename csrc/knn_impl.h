/* knn_impl.h -- internal: the knn family's function table (family.h).
 * knn_simd.c defines one instance per ISA level; knn.c selects one. */
#ifndef FASTML_KNN_IMPL_H
#define FASTML_KNN_IMPL_H

#include "family.h"
#include "knn.h"

typedef struct {
    /* The GEMM micro-tile (rows, columns) run_filter was built for; it reads A
     * and B as packed by the GEMM engine at the same level (gemm.h), so knn.c
     * uses it only when these equal the engine's mr and nr. */
    int mr, nr;
    /* Search keys with the filter in registers: for rows [0, M) and columns
     * [n0, n1) (n0 a multiple of nr; B packed by the engine's pack_b_all with
     * K <= its kc), a (row, panel) tile row is stored to C (pointing at column
     * n0) only when one of its keys is <= thr[row], and
     * hit[row * panels + panel] says which were. */
    void (*run_filter)(int64_t M, int64_t n0, int64_t n1, int64_t K, const float *ap,
                       const float *bp, float *C, int64_t ldc, const float *thr,
                       unsigned char *hit);
} fm_knn_impl;

#endif /* FASTML_KNN_IMPL_H */
