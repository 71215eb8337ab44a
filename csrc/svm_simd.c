/* svm_simd.c -- ISA variants of the svm kernel-row pieces (svm_simd_tmpl.h);
 * built once per level (see simd.h), picked by svm.c. */
#include <math.h>
#include <string.h>

#include "simd.h"
#include "svm_impl.h"

#define FM_VMATH_TEMPLATE "svm_simd_tmpl.h"
#include "vmath_instantiate.h"

/* This level's table (fm_svm_impl_<level>), picked by svm.c. */
const fm_svm_impl FM_ISA_FN(fm_svm_impl) = {
    .dots = FM_ISA_FN(fm_svm_dots),
    .dots_t = FM_ISA_FN(fm_svm_dots_t),
    .rbf = FM_ISA_FN(fm_svm_rbf),
    .rbf_f32 = FM_ISA_FN(fm_svm_rbf_f32),
    .axpy_rows = FM_ISA_FN(fm_svm_axpy_rows),
};
