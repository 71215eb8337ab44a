/* kmeans_sparse_simd.c -- ISA variants of the CSR k-means assignment
 * (kmeans_sparse_simd_tmpl.h: fixed-width centre blocks the compiler
 * vectorises for the level's registers); built once per level (see simd.h),
 * picked by kmeans_sparse.c. */
#include <stdint.h>

#include "kmeans_sparse_impl.h"
#include "simd.h"

#define T float
#define IDX int32_t
#define SUF f32_i32
#include "kmeans_sparse_simd_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF f32_i64
#include "kmeans_sparse_simd_tmpl.h"
#undef T
#undef IDX
#undef SUF

#define T double
#define IDX int32_t
#define SUF f64_i32
#include "kmeans_sparse_simd_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF f64_i64
#include "kmeans_sparse_simd_tmpl.h"
#undef T
#undef IDX
#undef SUF

/* This level's table (fm_kmeans_sparse_impl_<level>), picked by kmeans_sparse.c. */
const fm_kmeans_sparse_impl FM_ISA_FN(fm_kmeans_sparse_impl) = {
    .assign_f32_i32 = FM_ISA_FN(fm_kms_assign_f32_i32),
    .assign_f32_i64 = FM_ISA_FN(fm_kms_assign_f32_i64),
    .assign_f64_i32 = FM_ISA_FN(fm_kms_assign_f64_i32),
    .assign_f64_i64 = FM_ISA_FN(fm_kms_assign_f64_i64),
};
