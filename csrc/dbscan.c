/* dbscan.c -- density clustering kernels (see dbscan.h).
 *
 * DBSCAN. The caller finds every point's eps-neighbourhood with the k-d tree
 * (a count pass for all points, a fill pass for the core points only: the
 * expansion never reads a non-core neighbourhood). fm_dbscan_core turns the
 * (weighted) counts into core flags; fm_dbscan_expand grows the clusters by a
 * depth-first search over the core points in row order. A cluster is the set
 * of points reachable from its first core point, so the labels, including
 * which cluster a border point shared by two clusters joins (the first one
 * grown), are those of the classic sequential algorithm at any thread count.
 * A point is labelled when it is pushed (it can be reached from one cluster
 * only once), so the stack never holds more than n entries.
 *
 * HDBSCAN. The minimum spanning tree of the mutual-reachability graph is
 * built by Prim's algorithm without materialising the graph: each step adds
 * the candidate with the lightest edge to the tree and relaxes every other
 * candidate against it, O(n^2 d) in all. For large steps (see
 * FM_DBSCAN_PRIM_PAR) the candidates are split into one contiguous block per
 * thread. They are stored feature-major so the relaxation is a vector loop
 * (dbscan_simd.c); a chosen candidate leaves its block by a swap
 * with the block's last one. Each step ends with one barrier: every thread
 * publishes its block's best (weight, row) in a slot of a double buffer and
 * all threads pick the same winner from the slots (ties: lowest row), so the
 * tree does not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dbscan_impl.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#define FM_DBSCAN_PRIM_PAR 1048576.0

FM_FAMILY_IMPLS(dbscan)
static const fm_dbscan_impl *K = &fm_dbscan_impl_baseline;

void fm_dbscan_select(int level) { K = FM_FAMILY_PICK(dbscan, level); }

FM_API int fm_dbscan_core(uint8_t *core, const int64_t *indptr, const int64_t *indices,
                          const double *w, int64_t n, double min_samples, int nthreads) {
    if (n < 0) return FM_EINVAL;
    const double work = (double)(n > 0 ? indptr[n] - indptr[0] : 0) + (double)n;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, work))
    for (int64_t i = 0; i < n; i++) {
        double s;
        if (w) {
            s = 0;
            for (int64_t e = indptr[i]; e < indptr[i + 1]; e++) s += w[indices[e]];
        } else {
            s = (double)(indptr[i + 1] - indptr[i]);
        }
        core[i] = s >= min_samples;
    }
    return FM_OK;
}

FM_API int64_t fm_dbscan_expand(int64_t *labels, const uint8_t *core, const int64_t *indptr,
                                const int64_t *indices, int64_t n, int nthreads) {
    (void)nthreads; /* sequential: linear in the number of core-neighbour pairs */
    if (n < 0) return FM_EINVAL;
    for (int64_t i = 0; i < n; i++) labels[i] = -1;
    int64_t *stack = (int64_t *)malloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
    if (!stack) return FM_ENOMEM;
    int64_t nc = 0;
    for (int64_t i = 0; i < n; i++) {
        if (labels[i] != -1 || !core[i]) continue;
        int64_t top = 0;
        labels[i] = nc;
        stack[top++] = i;
        while (top) {
            const int64_t u = stack[--top];
            if (!core[u]) continue;
            for (int64_t e = indptr[u]; e < indptr[u + 1]; e++) {
                const int64_t v = indices[e];
                if (labels[v] == -1) {
                    labels[v] = nc;
                    stack[top++] = v;
                }
            }
        }
        nc++;
    }
    free(stack);
    return nc;
}

/* Prim's candidates: n - 1 rows (row 0 starts the tree), split into one block
 * per thread; block t starts at column lo_t + t * FM_DBSCAN_PAD (spare columns
 * between blocks, zeroed). Per column: features (XT, feature-major, leading
 * dimension ld = n - 1 + nt * FM_DBSCAN_PAD), row id, core distance, best
 * weight to the tree so far and its tree end. */
typedef struct {
    double *XT, *cr, *minr;
    int64_t *id, *src;
    double *sv;   /* [2 * nt]: each block's best weight, double-buffered by step */
    int64_t *si;  /* [2 * nt]: its row (INT64_MAX: empty block) */
    int64_t *sp;  /* [2 * nt]: its position */
} prim_work;

static void prim_free(prim_work *P) {
    free(P->XT);
    free(P->cr);
    free(P->minr);
    free(P->id);
    free(P->src);
    free(P->sv);
    free(P->si);
    free(P->sp);
}

/* removes position a of the block [lo, lo + m) by moving its last one there */
static void prim_remove(prim_work *P, int64_t ld, int64_t d, int64_t lo, int64_t m, int64_t a) {
    const int64_t z = lo + m - 1, p = lo + a;
    for (int64_t k = 0; k < d; k++) P->XT[k * ld + p] = P->XT[k * ld + z];
    P->id[p] = P->id[z];
    P->cr[p] = P->cr[z];
    P->minr[p] = P->minr[z];
    P->src[p] = P->src[z];
}

static void prim_run(int64_t *src, int64_t *dst, double *w, const double *X, const double *core,
                     int64_t n, int64_t d, int metric, double p, double alpha, prim_work *P,
                     int nt) {
    const int64_t ld = n - 1 + (int64_t)nt * FM_DBSCAN_PAD;
#pragma omp parallel num_threads(nt)
    {
#ifdef _OPENMP
        const int tid = omp_get_thread_num(), T = omp_get_num_threads();
#else
        const int tid = 0, T = 1;
#endif
        const int64_t r0 = (n - 1) * tid / T, r1 = (n - 1) * (tid + 1) / T;
        const int64_t lo = r0 + (int64_t)tid * FM_DBSCAN_PAD;
        int64_t m = r1 - r0;
        for (int64_t j = 0; j < m + FM_DBSCAN_PAD; j++) {
            const int in = j < m;
            const int64_t r = r0 + j + 1, c = lo + j;
            for (int64_t k = 0; k < d; k++) P->XT[k * ld + c] = in ? X[r * d + k] : 0.0;
            P->id[c] = in ? r : INT64_MAX;
            P->cr[c] = in ? core[r] : 0.0;
            P->minr[c] = INFINITY;
            P->src[c] = 0;
        }
        int64_t cur = 0;
        for (int64_t e = 0; e < n - 1; e++) {
            const int64_t at = K->prim_f64(P->minr + lo, P->src + lo, P->XT + lo, ld, m, d,
                                           X + cur * d, core[cur], P->cr + lo, P->id + lo, cur,
                                           metric, p, alpha);
            const int b = (int)(e & 1) * T;
            P->sv[b + tid] = at >= 0 ? P->minr[lo + at] : INFINITY;
            P->si[b + tid] = at >= 0 ? P->id[lo + at] : INT64_MAX;
            P->sp[b + tid] = at;
#pragma omp barrier
            int win = 0;
            for (int t = 1; t < T; t++) {
                const double a = P->sv[b + t], c = P->sv[b + win];
                if (a < c || (a == c && P->si[b + t] < P->si[b + win])) win = t;
            }
            cur = P->si[b + win];
            if (win == tid) {
                src[e] = P->src[lo + at];
                dst[e] = cur;
                w[e] = P->minr[lo + at];
                prim_remove(P, ld, d, lo, m, at);
                m--;
            }
        }
    }
}

FM_API int fm_dbscan_mst_f64(int64_t *src, int64_t *dst, double *w, const double *X,
                             const double *core, int64_t n, int64_t d, int metric, double p,
                             double alpha, int nthreads) {
    if (n < 1 || d < 1 || !(alpha > 0)) return FM_EINVAL;
    if (metric != FM_METRIC_EUCLIDEAN && metric != FM_METRIC_MANHATTAN &&
        metric != FM_METRIC_CHEBYSHEV && metric != FM_METRIC_MINKOWSKI)
        return FM_EINVAL;
    if (n == 1) return FM_OK;
    /* Threads meet at a barrier once per step (n - 1 times). That pays off only
     * when a step has a lot of work: on a busy machine a barrier waits for a
     * descheduled thread, and at n = 20000, d = 5 two threads took 12.3 s where
     * one took 1.4 s (the machine was oversubscribed ~15x). So threads only
     * from FM_DBSCAN_PRIM_PAR candidate features per step. */
    const int nt = (double)n * (double)d < FM_DBSCAN_PRIM_PAR
                       ? 1
                       : fm_team_size(nthreads, (double)n * (double)n * (double)d);
    const int64_t ld = n - 1 + (int64_t)nt * FM_DBSCAN_PAD;
    prim_work P;
    P.XT = (double *)malloc((size_t)(ld * d) * sizeof(double));
    P.cr = (double *)malloc((size_t)ld * sizeof(double));
    P.minr = (double *)malloc((size_t)ld * sizeof(double));
    P.id = (int64_t *)malloc((size_t)ld * sizeof(int64_t));
    P.src = (int64_t *)malloc((size_t)ld * sizeof(int64_t));
    P.sv = (double *)malloc((size_t)(2 * nt) * sizeof(double));
    P.si = (int64_t *)malloc((size_t)(2 * nt) * sizeof(int64_t));
    P.sp = (int64_t *)malloc((size_t)(2 * nt) * sizeof(int64_t));
    if (!P.XT || !P.cr || !P.minr || !P.id || !P.src || !P.sv || !P.si || !P.sp) {
        prim_free(&P);
        return FM_ENOMEM;
    }
    prim_run(src, dst, w, X, core, n, d, metric, p, alpha, &P, nt);
    prim_free(&P);
    return FM_OK;
}

FM_API int fm_dbscan_mst_dense_f64(int64_t *src, int64_t *dst, double *w, const double *D,
                                   const double *core, int64_t n, double alpha, int nthreads) {
    (void)nthreads; /* O(n^2) over a matrix already in memory: one pass, sequential */
    if (n < 1 || !(alpha > 0)) return FM_EINVAL;
    double *minr = (double *)malloc((size_t)n * sizeof(double));
    int64_t *from = (int64_t *)malloc((size_t)n * sizeof(int64_t));
    uint8_t *in = (uint8_t *)calloc((size_t)n, 1);
    if (!minr || !from || !in) {
        free(minr);
        free(from);
        free(in);
        return FM_ENOMEM;
    }
    for (int64_t j = 0; j < n; j++) {
        minr[j] = INFINITY;
        from[j] = 0;
    }
    int64_t cur = 0;
    for (int64_t e = 0; e < n - 1; e++) {
        in[cur] = 1;
        const double *row = D + cur * n;
        const double cq = core[cur];
        double bv = INFINITY;
        int64_t bj = -1;
        for (int64_t j = 0; j < n; j++) {
            if (in[j]) continue;
            double r = alpha != 1.0 ? row[j] / alpha : row[j];
            r = cq > r ? cq : r;
            r = core[j] > r ? core[j] : r;
            if (r < minr[j]) {
                minr[j] = r;
                from[j] = cur;
            }
            if (bj < 0 || minr[j] < bv) {
                bv = minr[j];
                bj = j;
            }
        }
        src[e] = from[bj];
        dst[e] = bj;
        w[e] = bv;
        cur = bj;
    }
    free(minr);
    free(from);
    free(in);
    return FM_OK;
}
