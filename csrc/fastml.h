/* fastml.h -- the core of the C API: status codes, ISA levels, the family
 * enum (generated from families.def), runtime queries and the thread helper.
 * Each family's own API is in csrc/<family>.h, which includes this file.
 *
 * Conventions (DESIGN.md):
 *   - plain C11, no Python.h; arrays are C-contiguous unless a leading
 *     dimension (ld*) is given; sizes are int64_t;
 *   - outputs first, then inputs, then sizes and options; gradients are
 *     prefixed `d`;
 *   - kernels trust their inputs (validated once at the Python edge) and
 *     return 0 on success or a negative FM_E* status;
 *   - float32 and float64 variants are generated from one template (_f32/_f64).
 */
#ifndef FASTML_H
#define FASTML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FM_BUILDING_LIB)
#define FM_API __attribute__((visibility("default")))
#else
#define FM_API
#endif

/* Token pasting for template headers (_tmpl.h): FM_CAT(fm_x_, SUF) -> fm_x_f32. */
#define FM_CAT_(a, b) a##b
#define FM_CAT(a, b) FM_CAT_(a, b)
#define FM_CAT3(a, b, c) FM_CAT(FM_CAT(a, b), c)

/* ---- status codes ------------------------------------------------------ */
#define FM_OK 0
#define FM_ENOMEM (-1)
#define FM_EINVAL (-2)
#define FM_ENOBLAS (-3)

/* ---- runtime: dispatch, threads, BLAS (dispatch.c, blas.c) ------------- */
/* ISA levels, lowest first. A family runs at min(fm_cpu_level(), its max). */
#define FM_LEVEL_BASELINE 0
#define FM_LEVEL_AVX2 1
#define FM_LEVEL_AVX512 2

/* Kernel families, generated from families.def: FM_FAM_<stem>. */
enum fm_family {
#define FM_SIMD_FAMILY(stem) FM_FAM_##stem,
#define FM_PLAIN_FAMILY(stem) FM_FAM_##stem,
#include "families.def"
#undef FM_SIMD_FAMILY
#undef FM_PLAIN_FAMILY
    FM_FAM_COUNT
};

FM_API void fm_init(void);                 /* idempotent; reads FASTML_DISABLE_CPU_FEATURES */
FM_API int fm_cpu_level(void);             /* effective level after the environment mask */
FM_API int fm_cpu_level_hw(void);          /* what the CPU (and OS) support */
FM_API int fm_set_cpu_level(int level);    /* for tests: clamp to hw, returns the level set */
FM_API int fm_family_level(int family);    /* level a family dispatches to now */
FM_API int fm_family_count(void);
FM_API const char *fm_family_name(int family);
FM_API const char *fm_level_name(int level);

FM_API int fm_have_openmp(void);
/* Threads OpenMP would use by default (OMP_NUM_THREADS or the core count); the
 * Python layer starts its default thread count from this. */
FM_API int fm_default_threads(void);
/* Team size for a parallel region doing about `work` scalar operations with up
 * to `nthreads` threads: 1 below a threshold (start-up costs more than it
 * saves) and 1 in a process forked from one that ran OpenMP (libgomp's pool
 * does not survive fork), else nthreads. Every entry point that runs threads
 * takes its `nthreads` argument (last) and sizes its regions with this. */
FM_API int fm_team_size(int nthreads, double work);
/* 1 in a child created by fork() after this library was loaded. */
FM_API int fm_forked_child(void);
FM_API const char *fm_compiler(void);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_H */
