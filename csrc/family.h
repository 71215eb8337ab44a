/* family.h -- the function-table pattern every SIMD family follows.
 *
 * A family declares one struct of function pointers, fm_<stem>_impl, in its
 * internal header. Its <stem>_simd.c (compiled once per ISA level, see
 * simd.h) ends with one instance of that struct naming the level's variants:
 *
 *     const fm_pool2d_impl FM_ISA_FN(fm_pool2d_impl) = {.maxfwd_f32 = ..., ...};
 *
 * which yields fm_pool2d_impl_baseline, _avx2 and _avx512. <stem>.c then holds
 *
 *     FM_FAMILY_IMPLS(pool2d)
 *     static const fm_pool2d_impl *K;      (the table in use)
 *     void fm_pool2d_select(int level) { K = FM_FAMILY_PICK(pool2d, level); }
 *
 * and its entry points call through K. dispatch.c calls fm_<stem>_select once
 * at fm_init() and again only when tests change the level.
 */
#ifndef FASTML_FAMILY_H
#define FASTML_FAMILY_H

#include "fastml.h"

#ifdef FM_HAVE_X86_ISA
#define FM_FAMILY_IMPLS(stem)                                                                 \
    extern const fm_##stem##_impl fm_##stem##_impl_baseline, fm_##stem##_impl_avx2,           \
        fm_##stem##_impl_avx512;
#define FM_FAMILY_PICK(stem, level)                                                           \
    ((level) >= FM_LEVEL_AVX512 ? &fm_##stem##_impl_avx512                                    \
     : (level) >= FM_LEVEL_AVX2 ? &fm_##stem##_impl_avx2                                     \
                                : &fm_##stem##_impl_baseline)
#else
#define FM_FAMILY_IMPLS(stem) extern const fm_##stem##_impl fm_##stem##_impl_baseline;
#define FM_FAMILY_PICK(stem, level) ((void)(level), &fm_##stem##_impl_baseline)
#endif

#endif /* FASTML_FAMILY_H */
