/* dispatch.c -- CPU-feature probe, ISA level, family tables, thread helper
 * and build info.
 *
 * The level is chosen once by fm_init() (called when fastml._kernels is
 * imported) from the CPU's features minus FASTML_DISABLE_CPU_FEATURES, a
 * comma-separated list such as "AVX512F,AVX2", and every SIMD family's
 * fm_<stem>_select() points its function table at that level (families.def
 * lists them). Tests may lower the level with fm_set_cpu_level(), which
 * re-selects the tables, to exercise every path in one process.
 *
 * No thread count lives here: entry points take theirs as an argument.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fastml.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

#ifndef FASTML_COMPILER_ID
#define FASTML_COMPILER_ID "unknown"
#endif

/* Each SIMD family's select function (defined in csrc/<stem>.c). */
#define FM_SIMD_FAMILY(stem) void fm_##stem##_select(int level);
#define FM_PLAIN_FAMILY(stem)
#include "families.def"
#undef FM_SIMD_FAMILY
#undef FM_PLAIN_FAMILY

static const struct {
    const char *name;
    void (*select)(int level); /* NULL: a plain (portable C) family */
    int simd;
} fm_families[FM_FAM_COUNT] = {
#define FM_SIMD_FAMILY(stem) {#stem, fm_##stem##_select, 1},
#define FM_PLAIN_FAMILY(stem) {#stem, 0, 0},
#include "families.def"
#undef FM_SIMD_FAMILY
#undef FM_PLAIN_FAMILY
};

static int fm_level_hw = -1;
static int fm_level_now = FM_LEVEL_BASELINE;
static volatile int fm_in_child = 0; /* set in a forked child (see fm_team_size) */

static void select_all(int level) {
    for (int f = 0; f < FM_FAM_COUNT; f++)
        if (fm_families[f].select) fm_families[f].select(level);
}

static void mark_forked_child(void) { fm_in_child = 1; }

static int probe_hw_level(void) {
#if defined(FM_HAVE_X86_ISA) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    if (avx512) return FM_LEVEL_AVX512;
    if (avx2) return FM_LEVEL_AVX2;
#endif
    return FM_LEVEL_BASELINE;
}

/* Lowest level allowed by the environment mask (case-insensitive names). */
static int env_level_cap(void) {
    const char *env = getenv("FASTML_DISABLE_CPU_FEATURES");
    int cap = FM_LEVEL_AVX512;
    if (!env) return cap;
    char tok[32];
    const char *s = env;
    while (*s) {
        size_t n = 0;
        while (*s && *s != ',' && *s != ' ') {
            if (n + 1 < sizeof tok) tok[n++] = (char)toupper((unsigned char)*s);
            s++;
        }
        tok[n] = '\0';
        if (*s) s++;
        if (n == 0) continue;
        if (strncmp(tok, "AVX512", 6) == 0) {
            if (cap > FM_LEVEL_AVX2) cap = FM_LEVEL_AVX2;
        } else if (strcmp(tok, "AVX2") == 0 || strcmp(tok, "FMA") == 0 ||
                   strcmp(tok, "AVX") == 0) {
            cap = FM_LEVEL_BASELINE;
        }
    }
    return cap;
}

static int default_threads(void) {
#if FASTML_HAVE_OPENMP
    int n = omp_get_max_threads();
    return n > 0 ? n : 1;
#else
    return 1;
#endif
}

FM_API void fm_init(void) {
    if (fm_level_hw >= 0) return;
    fm_level_hw = probe_hw_level();
    int cap = env_level_cap();
    fm_level_now = fm_level_hw < cap ? fm_level_hw : cap;
    select_all(fm_level_now);
    pthread_atfork(NULL, NULL, mark_forked_child);
}

FM_API int fm_cpu_level(void) { return fm_level_now; }
FM_API int fm_cpu_level_hw(void) { return fm_level_hw < 0 ? FM_LEVEL_BASELINE : fm_level_hw; }

FM_API int fm_set_cpu_level(int level) {
    if (level < FM_LEVEL_BASELINE) level = FM_LEVEL_BASELINE;
    if (level > fm_cpu_level_hw()) level = fm_cpu_level_hw();
    fm_level_now = level;
    select_all(level);
    return level;
}

/* Level a SIMD family dispatches to; -1 for a plain family. */
FM_API int fm_family_level(int family) {
    if (family < 0 || family >= FM_FAM_COUNT || !fm_families[family].simd) return -1;
    return fm_level_now;
}

FM_API int fm_family_count(void) { return FM_FAM_COUNT; }

FM_API const char *fm_family_name(int family) {
    if (family < 0 || family >= FM_FAM_COUNT) return "";
    return fm_families[family].name;
}

FM_API const char *fm_level_name(int level) {
    switch (level) {
    case -1: return "portable";
    case FM_LEVEL_AVX512: return "avx512";
    case FM_LEVEL_AVX2: return "avx2";
    default: return "baseline";
    }
}

FM_API int fm_have_openmp(void) { return FASTML_HAVE_OPENMP; }
FM_API int fm_default_threads(void) { return default_threads(); }
FM_API int fm_forked_child(void) { return fm_in_child; }

/* Below ~200k scalar operations a parallel region costs more than it saves. */
FM_API int fm_team_size(int nthreads, double work) {
    if (nthreads <= 1 || work < 2.0e5 || fm_in_child) return 1;
    return nthreads;
}

FM_API const char *fm_compiler(void) { return FASTML_COMPILER_ID; }
