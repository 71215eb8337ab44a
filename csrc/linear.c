/* linear.c -- elastic-net coordinate descent: work space + ISA dispatch of the
 * sequential sweep kernel in linear_simd.c (one target, one thread: each
 * coordinate update depends on the previous one). */
#include <stdlib.h>

#include "enet.h"

#define DECLARE_CD(ISA)                                                                        \
    void fm_enet_cd_f64_##ISA(double *w, int64_t *n_iter, double *gap, double *R,            \
                              double *norms, const double *XT, const double *y, double l1,     \
                              double l2, double tol, int64_t max_iter, int positive,           \
                              int64_t n, int64_t p);
DECLARE_CD(baseline)
#ifdef FM_HAVE_X86_ISA
DECLARE_CD(avx2)
DECLARE_CD(avx512)
#define PICK(NAME)                                                                             \
    (fm_family_level(FM_FAM_LINEAR) == FM_LEVEL_AVX512 ? NAME##_avx512                         \
     : fm_family_level(FM_FAM_LINEAR) == FM_LEVEL_AVX2 ? NAME##_avx2                           \
                                                       : NAME##_baseline)
#else
#define PICK(NAME) (NAME##_baseline)
#endif

FM_API int fm_enet_cd_f64(double *w, int64_t *n_iter, double *gap, const double *XT,
                          const double *y, double l1, double l2, double tol, int64_t max_iter,
                          int positive, int64_t n, int64_t p) {
    if (n < 1 || p < 0 || max_iter < 1 || !(l1 >= 0) || !(l2 >= 0) || !(tol >= 0))
        return FM_EINVAL;
    double *work = malloc(sizeof(double) * (size_t)(n + p + 1));
    if (!work) return FM_ENOMEM;
    PICK(fm_enet_cd_f64)(w, n_iter, gap, work, work + n, XT, y, l1, l2, tol, max_iter, positive,
                         n, p);
    free(work);
    return FM_OK;
}
