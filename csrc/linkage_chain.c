/* linkage_chain.c -- the nearest-neighbour chain (Murtagh; Muellner 2011) for
 * the reducible linkages: complete, average, weighted and Ward.
 *
 * The chain grows from the smallest live cluster by repeatedly stepping to the
 * nearest neighbour of its top, until the top two are mutual nearest
 * neighbours; those two merge. Each merge costs O(n) scans amortised, so the
 * whole tree costs O(n^2) distance evaluations.
 *
 * Two variants:
 *  - fm_linkage_chain_f64 keeps the condensed distance matrix and updates the
 *    merged cluster's distances with the Lance-Williams formula (any input
 *    distances, O(n^2) memory);
 *  - fm_linkage_ward_f64 keeps only centroids and sizes (Ward's distance is
 *    sqrt(2 na nb / (na + nb)) |ca - cb|) and recomputes a row per scan with
 *    the SIMD scan of linkage_simd_tmpl.h (O(n d) memory).
 * Both follow SciPy's conventions: the scan prefers the previous chain element
 * on equal distances, then the smallest index; the merged cluster keeps the
 * larger index of the pair. Merges are written in the order they happen.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linkage_internal.h"

static double linkage_update(int method, double dxi, double dyi, double dxy, double nx,
                             double ny, double ni) {
    switch (method) {
    case FM_LINKAGE_COMPLETE:
        return dxi > dyi ? dxi : dyi;
    case FM_LINKAGE_AVERAGE:
        return (nx * dxi + ny * dyi) / (nx + ny);
    case FM_LINKAGE_WEIGHTED:
        return 0.5 * (dxi + dyi);
    default: {
        const double t = 1.0 / (nx + ny + ni);
        return sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
    }
    }
}

/* Minimum (D(x, i), i) over live i != x in [lo, hi). */
static fm_linkage_best chain_scan_range(const double *D, const int32_t *size, int64_t n,
                                        int64_t x, int64_t lo, int64_t hi) {
    fm_linkage_best b = {INFINITY, INFINITY, -1};
    const int64_t mid = hi < x ? hi : x;
    for (int64_t i = lo; i < mid; i++) { /* column x of row i: stride shrinks with i */
        if (!size[i]) continue;
        const double v = D[FM_LINKAGE_CIDX(n, i, x)];
        if (b.pos < 0 || v < b.v) b = (fm_linkage_best){v, (double)i, i};
    }
    const double *row = D + FM_LINKAGE_CIDX(n, x, x + 1) - (x + 1);
    for (int64_t i = (lo > x + 1 ? lo : x + 1); i < hi; i++) {
        if (!size[i]) continue;
        const double v = row[i];
        if (b.pos < 0 || v < b.v) b = (fm_linkage_best){v, (double)i, i};
    }
    return b;
}

static fm_linkage_best chain_scan(const double *D, const int32_t *size, int64_t n, int64_t x,
                                  int nthreads) {
    /* a scan reads n values: split only huge ones (see fm_linkage_team) */
    int t = fm_team_size(nthreads, 0.02 * (double)n);
    if (t > FM_LINKAGE_MAX_TEAM) t = FM_LINKAGE_MAX_TEAM;
    fm_linkage_best parts[FM_LINKAGE_MAX_TEAM];
#pragma omp parallel for schedule(static) num_threads(t)
    for (int c = 0; c < t; c++)
        parts[c] = chain_scan_range(D, size, n, x, n * c / t, n * (c + 1) / t);
    fm_linkage_best best = {INFINITY, INFINITY, -1};
    fm_linkage_combine(&best, parts, t);
    return best;
}

static void chain_merge(double *D, int32_t *size, int64_t n, int64_t x, int64_t y, double dxy,
                        int method, int nthreads) {
    const double nx = size[x], ny = size[y];
    size[x] = 0;
    size[y] = (int32_t)(nx + ny);
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 0.02 * (double)n))
    for (int64_t i = 0; i < n; i++) {
        if (!size[i] || i == y) continue;
        const int64_t ix = i < x ? FM_LINKAGE_CIDX(n, i, x) : FM_LINKAGE_CIDX(n, x, i);
        const int64_t iy = i < y ? FM_LINKAGE_CIDX(n, i, y) : FM_LINKAGE_CIDX(n, y, i);
        D[iy] = linkage_update(method, D[ix], D[iy], dxy, nx, ny, (double)size[i]);
    }
}

int fm_linkage_chain_f64(double *M, double *D, int64_t n, int method, int nthreads) {
    if (n < 2) return FM_OK;
    if (n > INT32_MAX) return FM_EINVAL;
    int32_t *size = malloc(sizeof(int32_t) * (size_t)n);
    int64_t *chain = malloc(sizeof(int64_t) * (size_t)n);
    if (!size || !chain) {
        free(size);
        free(chain);
        return FM_ENOMEM;
    }
    for (int64_t i = 0; i < n; i++) size[i] = 1;
    int64_t len = 0, first = 0;
    for (int64_t k = 0; k < n - 1; k++) {
        if (len == 0) {
            while (!size[first]) first++;
            chain[len++] = first;
        }
        int64_t x, y;
        double dmin;
        for (;;) {
            x = chain[len - 1];
            const fm_linkage_best b = chain_scan(D, size, n, x, nthreads);
            y = b.pos;
            dmin = b.v;
            if (len > 1) {
                const int64_t p = chain[len - 2];
                const double dp = D[p < x ? FM_LINKAGE_CIDX(n, p, x) : FM_LINKAGE_CIDX(n, x, p)];
                if (!(b.v < dp)) {
                    y = p;
                    dmin = dp;
                    break;
                }
            }
            chain[len++] = y;
        }
        len -= 2;
        if (x > y) {
            const int64_t t = x;
            x = y;
            y = t;
        }
        M[3 * k] = (double)x;
        M[3 * k + 1] = (double)y;
        M[3 * k + 2] = dmin;
        chain_merge(D, size, n, x, y, dmin, method, nthreads);
    }
    free(size);
    free(chain);
    return FM_OK;
}

/* ---- Ward on centroids ---------------------------------------------------- */

typedef struct {
    double *CT, *sz, *key, *c; /* centroids (d x ld), sizes, sample keys, scratch centroid */
    int64_t *pos;              /* column of each live cluster id, -1 once merged away */
    int64_t ld, d, m;          /* m live clusters in columns [0, m) */
} ward_state;

/* Nearest live cluster to id x; on equal distances prev (>= 0) wins, then the
 * smallest id. Returns the squared distance in *v. */
static int64_t ward_nearest(const ward_state *s, int64_t x, int64_t prev, double *v,
                            int nthreads) {
    const int64_t px = s->pos[x];
    for (int64_t k = 0; k < s->d; k++) s->c[k] = s->CT[k * s->ld + px];
    const double prio = prev >= 0 ? (double)prev : NAN;
    const int t = fm_linkage_team(nthreads, s->m, s->d);
    fm_linkage_best parts[FM_LINKAGE_MAX_TEAM];
    const fm_linkage_impl *K = fm_linkage_K;
#pragma omp parallel for schedule(static) num_threads(t)
    for (int ch = 0; ch < t; ch++) {
        parts[ch] = (fm_linkage_best){INFINITY, INFINITY, -1};
        const int64_t lo = fm_linkage_chunk(s->m, ch, t), hi = fm_linkage_chunk(s->m, ch + 1, t);
        if (lo < hi)
            K->ward_scan(&parts[ch], s->CT, s->ld, s->sz, s->key, s->c, s->sz[px], s->d,
                         (double)x, prio, lo, hi);
    }
    fm_linkage_best best = {INFINITY, INFINITY, -1};
    fm_linkage_combine(&best, parts, t);
    *v = best.v;
    return best.key < 0 ? prev : (int64_t)best.key;
}

/* Cluster y becomes the union of x and y (size-weighted centroid); x's column
 * is refilled with the last live column. */
static void ward_merge(ward_state *s, int64_t x, int64_t y) {
    const int64_t px = s->pos[x], py = s->pos[y], ld = s->ld;
    const double nx = s->sz[px], ny = s->sz[py], nt = nx + ny, wx = nx / nt, wy = ny / nt;
    /* weights <= 1: no overflow for coordinates near the largest double */
    for (int64_t k = 0; k < s->d; k++)
        s->CT[k * ld + py] = wx * s->CT[k * ld + px] + wy * s->CT[k * ld + py];
    s->sz[py] = nt;
    const int64_t last = --s->m;
    if (px != last) {
        for (int64_t k = 0; k < s->d; k++) s->CT[k * ld + px] = s->CT[k * ld + last];
        s->sz[px] = s->sz[last];
        s->key[px] = s->key[last];
        s->pos[(int64_t)s->key[px]] = px;
    }
    s->pos[x] = -1;
}

int fm_linkage_ward_f64(double *M, const double *X, int64_t n, int64_t d, int nthreads) {
    if (n < 2) return FM_OK;
    ward_state s = {0};
    s.ld = linkage_padded(n);
    s.d = d;
    s.m = n;
    s.CT = fm_linkage_transpose(X, n, d, s.ld);
    double *buf = malloc(sizeof(double) * (size_t)(2 * s.ld + d + 1));
    int64_t *ibuf = malloc(sizeof(int64_t) * (size_t)(2 * n));
    if (!s.CT || !buf || !ibuf) {
        free(s.CT);
        free(buf);
        free(ibuf);
        return FM_ENOMEM;
    }
    s.sz = buf;
    s.key = buf + s.ld;
    s.c = buf + 2 * s.ld;
    s.pos = ibuf;
    int64_t *chain = ibuf + n;
    for (int64_t j = 0; j < s.ld; j++) {
        s.sz[j] = 1.0;
        s.key[j] = j < n ? (double)j : -2.0;
    }
    for (int64_t i = 0; i < n; i++) s.pos[i] = i;
    int64_t len = 0, first = 0;
    for (int64_t k = 0; k < n - 1; k++) {
        if (len == 0) {
            while (s.pos[first] < 0) first++;
            chain[len++] = first;
        }
        int64_t x, y;
        double v;
        for (;;) {
            x = chain[len - 1];
            const int64_t prev = len > 1 ? chain[len - 2] : -1;
            y = ward_nearest(&s, x, prev, &v, nthreads);
            if (y == prev) break;
            chain[len++] = y;
        }
        len -= 2;
        if (x > y) {
            const int64_t t = x;
            x = y;
            y = t;
        }
        M[3 * k] = (double)x;
        M[3 * k + 1] = (double)y;
        M[3 * k + 2] = sqrt(v);
        ward_merge(&s, x, y);
    }
    free(s.CT);
    free(buf);
    free(ibuf);
    return FM_OK;
}
