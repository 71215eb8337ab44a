/* hnsw_simd.c -- the HNSW engine at one ISA level (see simd.h for how this
 * file is built once per level): distance kernels (hnsw_dist_tmpl.h), the
 * graph walks (hnsw_search_tmpl.h) and insertion (hnsw_build_tmpl.h), per
 * dtype; ends with this level's table, picked by hnsw.c.
 *
 * Concurrency during construction: each node has a one-byte spinlock taken
 * while its lists are read (copied out) or written; the entry point and top
 * level are guarded by one more lock, held for a whole insertion only by a
 * node that becomes the new top (as in the paper's reference code); with one
 * thread there are no locks (lists are read in place). Vectors
 * are written before any node is linked and never change afterwards, so
 * distances need no lock. Queries run on a finished graph and take no lock.
 *
 * Visited sets are epoch-stamped uint16 arrays, one per thread for a whole
 * call: a new search bumps the epoch (the array is cleared once every 65535
 * searches), so nothing is allocated or cleared per query. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hnsw_impl.h"
#include "simd.h"

/* 16 bytes per lock (4 per cache line): threads locking different nodes
 * rarely write to the same line. */
typedef struct {
    unsigned char held;
    unsigned char pad[15];
} hnsw_lock;

static inline void hnsw_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline void hnsw_acquire(hnsw_lock *l) {
    while (__atomic_test_and_set(&l->held, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->held, __ATOMIC_RELAXED)) hnsw_pause();
}

static inline void hnsw_release(hnsw_lock *l) { __atomic_clear(&l->held, __ATOMIC_RELEASE); }

/* Node i's lock; no-ops without locks (an insertion on one thread). */
static inline void hnsw_lock_node(hnsw_lock *locks, int64_t i) {
    if (locks) hnsw_acquire(&locks[i]);
}
static inline void hnsw_unlock_node(hnsw_lock *locks, int64_t i) {
    if (locks) hnsw_release(&locks[i]);
}

typedef struct {
    uint16_t *mark; /* [n]: mark[i] == epoch <=> i visited in this search */
    uint16_t epoch;
} hnsw_visited;

static int visited_init(hnsw_visited *v, int64_t n) {
    v->mark = (uint16_t *)calloc((size_t)(n > 0 ? n : 1), sizeof(uint16_t));
    v->epoch = 0;
    return v->mark ? 0 : -1;
}

static inline void visited_next(hnsw_visited *v, int64_t n) {
    if (++v->epoch == 0) { /* wrapped: stale stamps could collide */
        memset(v->mark, 0, (size_t)n * sizeof(uint16_t));
        v->epoch = 1;
    }
}

/* Lane sums in simd.h's pairwise order (lane i + lane i + w for w = half the
 * lanes, then a quarter, ...; the same bits as fm_vhsum_*), but by register
 * halves: no round trip through memory, which dominated short distances. */
typedef float hnsw_f32x8 __attribute__((vector_size(32)));
typedef float hnsw_f32x4 __attribute__((vector_size(16)));
typedef double hnsw_f64x4 __attribute__((vector_size(32)));
typedef double hnsw_f64x2 __attribute__((vector_size(16)));

static inline __attribute__((always_inline)) float hnsw_hsum_f32(fm_vf32 v) {
#if FM_VBYTES == 64
    hnsw_f32x8 h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                   __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
#elif FM_VBYTES == 32
    hnsw_f32x8 h = v;
#endif
#if FM_VBYTES >= 32
    hnsw_f32x4 q =
        __builtin_shufflevector(h, h, 0, 1, 2, 3) + __builtin_shufflevector(h, h, 4, 5, 6, 7);
#else
    hnsw_f32x4 q = v;
#endif
    q = q + __builtin_shufflevector(q, q, 2, 3, 2, 3);
    return q[0] + q[1];
}

static inline __attribute__((always_inline)) double hnsw_hsum_f64(fm_vf64 v) {
#if FM_VBYTES == 64
    hnsw_f64x4 h =
        __builtin_shufflevector(v, v, 0, 1, 2, 3) + __builtin_shufflevector(v, v, 4, 5, 6, 7);
#elif FM_VBYTES == 32
    hnsw_f64x4 h = v;
#endif
#if FM_VBYTES >= 32
    hnsw_f64x2 q = __builtin_shufflevector(h, h, 0, 1) + __builtin_shufflevector(h, h, 2, 3);
#else
    hnsw_f64x2 q = v;
#endif
    return q[0] + q[1];
}

static inline int32_t *hnsw_links(const fm_hnsw *g, int64_t i, int64_t l) {
    if (l == 0) return g->links0 + i * (1 + 2 * g->M);
    return g->upper + (g->upper_off[i] + l - 1) * (1 + g->M);
}

#define T float
#define SUF f32
#include "hnsw_dist_tmpl.h"
#include "hnsw_search_tmpl.h"
#include "hnsw_build_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "hnsw_dist_tmpl.h"
#include "hnsw_search_tmpl.h"
#include "hnsw_build_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_hnsw_impl_<level>), picked by hnsw.c. */
const fm_hnsw_impl FM_ISA_FN(fm_hnsw_impl) = {
    .add_f32 = FM_ISA_FN(fm_hnsw_add_f32),
    .add_f64 = FM_ISA_FN(fm_hnsw_add_f64),
    .search_f32 = FM_ISA_FN(fm_hnsw_search_f32),
    .search_f64 = FM_ISA_FN(fm_hnsw_search_f64),
};
