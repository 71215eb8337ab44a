/* linkage.c -- hierarchical clustering kernels: pairwise distances, single
 * linkage by Prim's algorithm, and the labelling of sorted merge lists into
 * SciPy's linkage-matrix format. The nearest-neighbour chains live in
 * linkage_chain.c; the per-ISA scans in linkage_simd_tmpl.h.
 *
 * Points are copied once into a column-major matrix CT (feature rows of
 * linkage_padded(n) doubles) so a scan over all points is a set of unit-stride
 * vector streams. Prim's algorithm keeps the points not yet in the tree packed
 * in columns [0, m): adding a point to the tree moves the last column into its
 * place (O(d)), so every scan touches only live columns. Minima are taken over
 * (distance, sample index), which reproduces the ascending strict-less-than
 * loops of SciPy and scikit-learn and does not depend on the thread count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linkage_internal.h"

FM_FAMILY_IMPLS(linkage)
const fm_linkage_impl *fm_linkage_K = &fm_linkage_impl_baseline;

void fm_linkage_select(int level) { fm_linkage_K = FM_FAMILY_PICK(linkage, level); }

double *fm_linkage_transpose(const double *X, int64_t n, int64_t d, int64_t ld) {
    double *CT = calloc((size_t)(d > 0 ? d : 1) * (size_t)ld, sizeof(double));
    if (!CT) return NULL;
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < d; k++) CT[k * ld + i] = X[i * d + k];
    return CT;
}

/* The chains and Prim's loop run one scan after another, each a parallel
 * region: a region costs a wake-up and a join, and on a loaded machine a join
 * waits for the other thread to be scheduled (measured: 2 threads 25x slower
 * than 1 with libgomp's default spin-waiting under 15x oversubscription). So
 * a scan is split only when it is long enough to pay for that: m (d + 1) of
 * about 4e6 (fm_team_size's threshold is 2e5). */
int fm_linkage_team(int nthreads, int64_t m, int64_t d) {
    int t = fm_team_size(nthreads, 0.05 * (double)m * (double)(d + 1));
    const int64_t groups = m / LINKAGE_GROUP + 1;
    if (t > groups) t = (int)groups;
    return t > FM_LINKAGE_MAX_TEAM ? FM_LINKAGE_MAX_TEAM : (t < 1 ? 1 : t);
}

int64_t fm_linkage_chunk(int64_t m, int c, int t) {
    return c >= t ? m : (m * c / t) / LINKAGE_GROUP * LINKAGE_GROUP;
}

void fm_linkage_combine(fm_linkage_best *best, const fm_linkage_best *parts, int t) {
    for (int c = 0; c < t; c++)
        if (parts[c].pos >= 0 && linkage_better(parts[c].v, parts[c].key, best)) *best = parts[c];
}

int fm_linkage_pdist_f64(double *D, const double *X, int64_t n, int64_t d, int metric,
                         int nthreads) {
    if (n < 2) return FM_OK;
    const int64_t ld = linkage_padded(n);
    double *CT = fm_linkage_transpose(X, n, d, ld);
    if (!CT) return FM_ENOMEM;
    const fm_linkage_impl *K = fm_linkage_K;
#pragma omp parallel for schedule(dynamic, 16) \
    num_threads(fm_team_size(nthreads, (double)n * (double)n * (double)(d + 1)))
    for (int64_t i = 0; i < n - 1; i++)
        K->dist_row(D + FM_LINKAGE_CIDX(n, i, i + 1), CT, ld, X + i * d, d, metric, i + 1, n);
    free(CT);
    return FM_OK;
}

/* ---- single linkage (Prim) ------------------------------------------------ */

int fm_linkage_mst_f64(double *M, const double *X, int64_t n, int64_t d, int metric,
                       int nthreads) {
    if (n < 2) return FM_OK;
    const int64_t ld = linkage_padded(n);
    double *CT = fm_linkage_transpose(X, n, d, ld);
    double *buf = malloc(sizeof(double) * (size_t)(2 * ld + d));
    if (!CT || !buf) {
        free(CT);
        free(buf);
        return FM_ENOMEM;
    }
    double *cur = buf, *key = buf + ld, *x = buf + 2 * ld;
    for (int64_t j = 0; j < ld; j++) {
        cur[j] = INFINITY;
        key[j] = (double)j;
    }
    const fm_linkage_impl *K = fm_linkage_K;
    int64_t m = n, c = 0, pos = 0; /* c: sample last added to the tree, at column pos */
    for (int64_t step = 0; step < n - 1; step++) {
        for (int64_t k = 0; k < d; k++) x[k] = CT[k * ld + pos];
        m--;
        for (int64_t k = 0; k < d; k++) CT[k * ld + pos] = CT[k * ld + m];
        cur[pos] = cur[m];
        key[pos] = key[m];
        const int t = fm_linkage_team(nthreads, m, d);
        fm_linkage_best parts[FM_LINKAGE_MAX_TEAM];
#pragma omp parallel for schedule(static) num_threads(t)
        for (int ch = 0; ch < t; ch++) {
            parts[ch] = (fm_linkage_best){INFINITY, INFINITY, -1};
            const int64_t lo = fm_linkage_chunk(m, ch, t), hi = fm_linkage_chunk(m, ch + 1, t);
            if (lo < hi) K->mst_scan(&parts[ch], cur, CT, ld, key, x, d, metric, lo, hi);
        }
        fm_linkage_best best = {INFINITY, INFINITY, -1};
        fm_linkage_combine(&best, parts, t);
        M[3 * step] = (double)c;
        M[3 * step + 1] = best.key;
        M[3 * step + 2] = metric == FM_LINKAGE_EUCLIDEAN ? sqrt(best.v) : best.v;
        c = (int64_t)best.key;
        pos = best.pos;
    }
    free(CT);
    free(buf);
    return FM_OK;
}

int fm_linkage_mst_condensed_f64(double *M, const double *D, int64_t n, int nthreads) {
    if (n < 2) return FM_OK;
    double *cur = malloc(sizeof(double) * (size_t)n);
    unsigned char *done = calloc((size_t)n, 1);
    if (!cur || !done) {
        free(cur);
        free(done);
        return FM_ENOMEM;
    }
    for (int64_t j = 0; j < n; j++) cur[j] = INFINITY;
    int64_t c = 0;
    for (int64_t step = 0; step < n - 1; step++) {
        done[c] = 1;
        double bv = INFINITY;
        int64_t by = -1;
        for (int64_t j = 0; j < n; j++) {
            if (done[j]) continue;
            const double v = D[j < c ? FM_LINKAGE_CIDX(n, j, c) : FM_LINKAGE_CIDX(n, c, j)];
            if (v < cur[j]) cur[j] = v;
            if (by < 0 || cur[j] < bv) {
                bv = cur[j];
                by = j;
            }
        }
        M[3 * step] = (double)c;
        M[3 * step + 1] = (double)by;
        M[3 * step + 2] = bv;
        c = by;
    }
    free(cur);
    free(done);
    return FM_OK;
}

/* ---- labelling ------------------------------------------------------------ */

static int64_t linkage_find(int64_t *parent, int64_t x) {
    int64_t r = x;
    while (parent[r] != r) r = parent[r];
    while (parent[x] != r) {
        const int64_t p = parent[x];
        parent[x] = r;
        x = p;
    }
    return r;
}

int fm_linkage_label_f64(double *Z, int64_t n, int ordered, int nthreads) {
    if (n < 2) return FM_OK;
    int64_t *parent = malloc(sizeof(int64_t) * (size_t)(4 * n));
    if (!parent) return FM_ENOMEM;
    int64_t *size = parent + 2 * n;
    for (int64_t i = 0; i < 2 * n - 1; i++) {
        parent[i] = i;
        size[i] = 1;
    }
    for (int64_t k = 0; k < n - 1; k++) {
        double *z = Z + 4 * k;
        int64_t a = linkage_find(parent, (int64_t)z[0]), b = linkage_find(parent, (int64_t)z[1]);
        if (ordered && b < a) {
            const int64_t t = a;
            a = b;
            b = t;
        }
        const int64_t nk = n + k;
        parent[a] = parent[b] = nk;
        size[nk] = size[a] + size[b];
        z[0] = (double)a;
        z[1] = (double)b;
        z[3] = (double)size[nk];
    }
    free(parent);
    return FM_OK;
}
