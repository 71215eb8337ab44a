/* hgb_impl.h -- internal types of the hgb grower (hgb_grow.c, hgb_split.c). */
#ifndef FASTML_HGB_IMPL_H
#define FASTML_HGB_IMPL_H

#include "hgb.h"

/* One histogram bin: sums of gradients and hessians and the row count. */
typedef struct {
    double g, h;
    uint32_t cnt, pad;
} hgb_bin;

/* The best split found for one node (or one feature of it). */
typedef struct {
    double gain;            /* <= 0: none */
    double gl, hl;          /* left sums */
    double vl, vr;          /* child values (bounded) */
    int64_t nl;             /* left row count */
    int32_t feature, bin;
    uint8_t missing_left, is_cat;
    uint32_t bits[8];       /* categorical: bins that go left */
} hgb_split;

/* What split finding needs to know besides the histogram. */
typedef struct {
    const int32_t *nbins_nm;
    const uint8_t *has_missing, *is_cat;
    const int8_t *monotonic;
    const fm_hgb_params *p;
    int64_t d;
} hgb_ctx;

/* Best split among features f0 .. f1-1 of a node with sums (G, H), n rows,
 * bounded value `value` and child bounds [lo, hi]; features with mask[f] == 0
 * are skipped (mask NULL: all); per_feature[f0 .. f1) receives each feature's
 * best. Ties go to the lowest feature, then the first bin scanned; no split:
 * best->gain < 0. Serial: the grower runs one call per thread. */
void hgb_find_split(hgb_split *best, hgb_split *per_feature, const hgb_bin *hist,
                    const hgb_ctx *c, const uint8_t *mask, double G, double H, int64_t n,
                    double value, double lo, double hi, int64_t f0, int64_t f1);

typedef struct {
    int32_t node, slot; /* slot: histogram pool index or -1 */
    double G, H, value, lo, hi;
    hgb_split split;
} leaf_t;

/* The team's barrier for the split exchange: a sense-reversing counter that
 * spins briefly (the threads' work between barriers is balanced, so a partner
 * is usually microseconds away) and then naps in 20 us steps, so a thread whose
 * partner was preempted on a busy machine neither burns a timeslice spinning
 * nor waits for a sleeping-thread wake-up on an idle one. */
typedef struct {
    int count, sense;
    char pad[56]; /* own cache line */
} team_barrier;

typedef struct {
    hgb_ctx c;
    const uint8_t *codes_rm, *codes_cm;
    const float *g, *h;
    int64_t n;
    int64_t f0, f1;         /* this thread's features */
    int tid, T;             /* thread index, team size */
    hgb_bin *pool;          /* shared; a thread touches its features' bins only */
    hgb_split *xchg;        /* shared: [2][T][2] best splits per round (see exchange) */
    team_barrier *bar;      /* shared */
    int sense;              /* this thread's barrier sense */
    int64_t round;
    int32_t *free_slots, nfree;
    /* shared row partition in S segments: segment u holds rows
     * [n*u/S, n*(u+1)/S) at the same positions of srows; a node owns a
     * contiguous range of every segment, seg[2 * (node * S + u)] = (start,
     * count), so its rows in row order are its segments' ranges in order */
    int32_t *srows, *stmp;  /* stmp: partition scratch, same segments */
    int32_t *seg;
    int S;
    hgb_split *per_feature;
    uint8_t *mask;
    int32_t *perm;
    const uint8_t *groups;  /* interaction constraints (ngroups, d) or NULL */
    int64_t ngroups;
    uint8_t *node_groups;   /* per node: the groups it may still use (ngroups each) */
    uint64_t rng;
    leaf_t *open;
    int64_t nopen;
} grower;

/* the team barrier (spins, then naps: see hgb_grow.c) */
void hgb_team_wait(team_barrier *b, int T, int *local_sense);

/* A team of T growers over one histogram pool of `slots` slots (work:
 * fm_hgb_work_size with hist_pool = slots) and one segmented row partition;
 * thread 0 writes the caller's nodes, threads 1.. their own copies (priv). */
typedef struct {
    grower *gw;
    hgb_split *xchg;
    team_barrier bar;
    char *priv;
    size_t extra;       /* bytes of priv per thread 1.. */
    int32_t *part;      /* srows and stmp (2n; per thread when solo) */
    int32_t *seg;       /* nmax * T * 2 */
    hgb_bin *xpool;     /* solo: the pools of threads 1.. */
    int64_t solo;       /* > 0: every thread grows whole trees alone, with pools of
                         * `solo` slots (thread 0: the caller's work) */
    int64_t nmax;       /* nodes per tree */
    int T;
} hgb_team;

int hgb_team_init(hgb_team *tm, int T, void *work, int64_t slots, int64_t solo,
                  const uint8_t *codes_rm, const uint8_t *codes_cm, int64_t n, int64_t d,
                  const int32_t *nbins_nm, const uint8_t *has_missing, const uint8_t *is_cat,
                  const int8_t *monotonic, const uint8_t *groups, int64_t ngroups,
                  const fm_hgb_params *p);
void hgb_team_free(hgb_team *tm);

/* Thread t of Ta (inside the parallel region) starts a tree on gradients g,
 * h with feature-draw seed `seed` and free pool slots slot0 .. slot0+nslots-1;
 * threads 1.. get their own nodes / catbits (thread 0 keeps the caller's). */
grower *hgb_team_begin(hgb_team *tm, int t, int Ta, const float *g, const float *h,
                       uint64_t seed, int32_t slot0, int32_t nslots, fm_hgb_node **nodes,
                       uint32_t **catbits);

/* Thread t of a solo team (hgb_team_init with solo > 0) starts a tree of its
 * own, alone, on pool `pool` with free slots slot0 .. slot0+nslots-1 (all
 * features, one segment, no barrier). */
grower *hgb_solo_begin(hgb_team *tm, int t, const float *g, const float *h, uint64_t seed,
                       hgb_bin *pool, int32_t slot0, int32_t nslots);

/* Grow one tree (every thread of the team calls it; see hgb_grow.c);
 * root_slot >= 0: the root histogram is already built in that slot. Returns
 * the node count (thread 0's is the tree). */
int64_t hgb_grow_tree(grower *w, fm_hgb_node *nodes, uint32_t *catbits, int32_t root_slot);

/* Thread u of T's share of the leaves of nodes[0..nn) (the tree of grower
 * w): fn(ctx, leaf, pos, rows, m) with the leaf's m rows of segment u and
 * their position in the contiguous partition (the leaf's start plus its rows
 * of segments < u); one segment: every T-th leaf, all its rows. */
void hgb_leaf_ranges(const grower *w, const fm_hgb_node *nodes, int64_t nn, int u, int T,
                     void (*fn)(void *ctx, const fm_hgb_node *leaf, int64_t pos,
                                const int32_t *rows, int64_t m),
                     void *ctx);

/* segment u's first position (of n rows in S segments) */
static inline int64_t hgb_seg_base(int64_t n, int S, int u) { return n * u / S; }

/* Histogram sums of rows rows[0..m) (NULL: rows 0..m-1) over features
 * f0 .. f0+nf-1 into hb (nf * nb bins); h NULL: the h slot counts rows. */
void hgb_hist_rows(hgb_bin *hb, const uint8_t *codes, const float *g, const float *h,
                   const int32_t *rows, int64_t m, int64_t d, int64_t f0, int64_t nf,
                   int64_t nb);
hgb_bin *hgb_slot(const grower *w, int32_t s);

/* gradient and hessian of row r (see fm_hgb_gradients) */
void hgb_grad_row(float *g, float *h, const double *raw, const double *y, const double *w,
                  int64_t n, int64_t K, int loss, double alpha, int64_t r);

/* The node value -G / (H + l2) clipped to [lo, hi]. */
static inline double hgb_value(double G, double H, double lo, double hi, double l2) {
    double v = -G / (H + l2 + 1e-15);
    return v < lo ? lo : (v > hi ? hi : v);
}

#endif /* FASTML_HGB_IMPL_H */
