/* knn.c -- exact brute-force k nearest neighbours (fm_knn_brute_*).
 *
 * Every metric but minkowski: the fused candidate scan of knn_simd.c over the
 * database packed once into panels (knn_scan_path in knn_tmpl.h): keys stay
 * in registers unless they are at or below a query's current kk-th, so no
 * (queries x points) key matrix is ever stored, and the kept candidates are
 * cut by quickselect (amortised O(1) per candidate, whatever k). Euclidean
 * with d >= KNN_GEMM_MIN_D scans the norm expansion (one multiply-add per
 * feature) for k + max(k, 8) candidates, recomputes them with the direct
 * formula, and an error bound decides whether the expansion could have
 * dropped a true neighbour (then the query is rescanned directly); the other
 * cases scan the direct formula, whose keys are the answer. Minkowski: scalar
 * tiles merged into each row's top-k. Results are ordered by (distance,
 * training index) -- the tie rule of the whole package -- and do not depend
 * on tile sizes or thread count.
 * float32 euclidean with at least KNN_OWN_QT queries per thread takes the own
 * path instead (knn_own_path_f32 below): the same candidates-then-exact-
 * recompute scheme on fastml's own GEMM kernels, one OpenMP team over query
 * tiles, no BLAS pool involved; its filtered micro-kernel (keys stay in
 * registers unless they beat a row's current k-th) is this family's per-ISA
 * code (knn_simd.c, one table per level picked once by fm_knn_select).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "gemm_impl.h"
#include "knn_impl.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

FM_FAMILY_IMPLS(knn)
static const fm_knn_impl *K = &fm_knn_impl_baseline;

void fm_knn_select(int level) { K = FM_FAMILY_PICK(knn, level); }

#define KNN_QB 512          /* queries per tile */
#define KNN_NB 4096         /* database points per tile */
#define KNN_GEMM_MIN_D 16   /* below this: direct SIMD tiles (K < 16 GEMMs are all overhead) */
#define TK_NAME(name) TK_NAME_(name, SUF)
#define TK_NAME_(name, suf) TK_NAME__(name, suf)
#define TK_NAME__(name, suf) name##_##suf

/* float32 euclidean with many queries: fastml's own GEMM (gemm.c) with the
 * database packed once into GEMM panels and one OpenMP team over query tiles:
 * each thread computes a tile's keys against KNN_OWN_CB database columns at a
 * time (the block stays in L2) and merges them right away, so no step waits
 * on another thread or on a BLAS pool. */
#define KNN_OWN_QT 128 /* queries per tile */
#define KNN_OWN_CB 512 /* database columns per key block: QT x CB floats = 256 KB */
static int knn_own_path_f32(float *dist, int64_t *ind, const float *Q, int64_t nq,
                            const float *X, int64_t n, int64_t d, int64_t k, int metric,
                            int nthreads);
#define KNN_OWN_PATH knn_own_path_f32

#define T float
#define SUF f32
#define SQRT sqrtf
#define POW powf
#define FABS fabsf
#define EPS 1.1920929e-07f
#include "knn_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef POW
#undef FABS
#undef EPS
#undef KNN_OWN_PATH

/* Database operand of the own path: B (d + 1, n), B[c, j] = X[j, c] - mu[c] for
 * c < d and B[d, j] = |X[j] - mu|^2, so that with the query row extended by
 * -1/2 (alpha = -2) the GEMM yields the ranking key |x|^2 - 2 q.x directly. */
typedef struct {
    const float *X, *mu, *xn;
    int64_t d;
    int nr;
} db_ctx;

static void pack_db(float *restrict bp, const void *vctx, int64_t k0, int64_t kc, int64_t j0,
                    int64_t nc) {
    const db_ctx *cx = (const db_ctx *)vctx;
    const int NR = cx->nr;
    const int64_t d = cx->d;
    for (int64_t jp = 0; jp < nc; jp += NR) {
        const int64_t nr = nc - jp < NR ? nc - jp : NR;
        float *dst = bp + jp * kc;
        for (int64_t j = 0; j < nr; j++) {
            const float *x = cx->X + (j0 + jp + j) * d;
            for (int64_t k = 0; k < kc; k++) {
                const int64_t c = k0 + k;
                dst[k * NR + j] = c < d ? x[c] - cx->mu[c] : cx->xn[j0 + jp + j];
            }
        }
        for (int64_t k = 0; k < kc; k++)
            for (int64_t j = nr; j < NR; j++) dst[k * NR + j] = 0.0f;
    }
}

/* Centres the data on its mean mu, xn[j] = |X[j] - mu|^2, and packs B (above)
 * into bp; the team splits the rows, then the panels. FM_ENOMEM or FM_OK. */
static int knn_own_pack(float *bp, float *xn, float *mu, const fm_sgemm_impl *im,
                        const float *X, int64_t n, int64_t d, int nthreads) {
    if (knn_mean_f32(mu, X, n, d) != FM_OK) return FM_ENOMEM;
    const db_ctx dbc = {X, mu, xn, d, im->nr};
    const int64_t panels = (n + im->nr - 1) / im->nr;
    const int nt = fm_team_size(nthreads, 2.0 * (double)n * d);
    (void)nt; /* unused in a serial build */
#pragma omp parallel num_threads(nt)
    {
        int t = 0, T = 1;
#if FASTML_HAVE_OPENMP
        t = omp_get_thread_num();
        T = omp_get_num_threads();
#endif
        const int64_t a = n * t / T, b = n * (t + 1) / T;
        for (int64_t j = a; j < b; j++) xn[j] = knn_centre_f32(NULL, X + j * d, mu, d);
#pragma omp barrier
        const int64_t p0 = panels * t / T * im->nr, p1 = panels * (t + 1) / T * im->nr;
        if (p1 > p0) im->pack_b_all(bp, pack_db, &dbc, d + 1, n, p0, p1 < n ? p1 : n);
    }
    return FM_OK;
}

/* Per-thread buffers of the own path's query tiles. */
typedef struct {
    float *Qc, *qn, *cb, *CD, *ap; /* centred tile | norms | key block | kk slots | packed A */
    int64_t *CI;
    float thr[KNN_OWN_QT];
    unsigned char hit[KNN_OWN_QT * (KNN_OWN_CB / 4)]; /* rows x panels, NR >= 4 */
} own_tile;

/* Candidates of the queries [i0, i0 + rows) against all n points (keys from the
 * own GEMM, merged right away, CB columns at a time), then their exact answer. */
static void knn_own_tile(float *dist, int64_t *ind, own_tile *w, const fm_sgemm_impl *im,
                         const float *Q, int64_t i0, int64_t rows, const float *X,
                         const float *bp, const float *mu, float xmax, int64_t n, int64_t d,
                         int64_t k, int64_t kk, int filter, int metric) {
    const int64_t CB = KNN_OWN_CB, d1 = d + 1;
    float *Qc = w->Qc, *qn = w->qn, *cb = w->cb, *CD = w->CD, *ap = w->ap;
    int64_t *CI = w->CI;
    for (int64_t r = 0; r < rows; r++) {
        qn[r] = knn_centre_f32(Qc + r * d1, Q + (i0 + r) * d, mu, d);
        Qc[r * d1 + d] = -0.5f; /* times alpha = -2: + |x|^2 */
        topk_init_f32(CD + r * kk, CI + r * kk, kk);
    }
    im->pack_a(ap, Qc, d1, 1, rows, d1, -2.0f);
    for (int64_t j0 = 0; j0 < n; j0 += CB) {
        const int64_t j1 = n - j0 < CB ? n : j0 + CB;
        if (filter) { /* keys above a row's current worst never leave the registers */
            const int64_t npan = (j1 - j0 + im->nr - 1) / im->nr;
            for (int64_t r = 0; r < rows; r++) w->thr[r] = topk_worst_f32(CD + r * kk, kk);
            K->run_filter(rows, j0, j1, d1, ap, bp, cb, CB, w->thr, w->hit);
            for (int64_t r = 0; r < rows; r++)
                for (int64_t pn = 0; pn < npan; pn++) {
                    if (!w->hit[r * npan + pn]) continue;
                    const int64_t c0 = pn * im->nr;
                    const int64_t c1 = c0 + im->nr < j1 - j0 ? c0 + im->nr : j1 - j0;
                    knn_select_row_f32(CD + r * kk, CI + r * kk, kk, cb + r * CB + c0, NULL,
                                       c1 - c0, j0 + c0);
                }
        } else {
            im->run_packed(rows, j0, j1, d1, ap, bp, n, cb, CB, 0.0f);
            for (int64_t r = 0; r < rows; r++)
                knn_select_row_f32(CD + r * kk, CI + r * kk, kk, cb + r * CB, NULL, j1 - j0,
                                   j0);
        }
    }
    for (int64_t r = 0; r < rows; r++)
        knn_refine_row_f32(dist + (i0 + r) * k, ind + (i0 + r) * k, k, Q + (i0 + r) * d, X, n,
                           d, CD + r * kk, CI + r * kk, kk, topk_worst_f32(CD + r * kk, kk),
                           qn[r], 2 * xmax, metric);
}

static int knn_own_path_f32(float *dist, int64_t *ind, const float *Q, int64_t nq,
                            const float *X, int64_t n, int64_t d, int64_t k, int metric,
                            int nthreads) {
    const fm_sgemm_impl *im = fm_sgemm_get();
    int64_t kk = k + (k > 8 ? k : 8);
    kk = kk < n ? kk : n;
    const int64_t Np = (n + im->nr - 1) / im->nr * im->nr, d1 = d + 1;
    float *xn = (float *)malloc((size_t)(n + d) * sizeof(float));
    float *bp = (float *)malloc((size_t)(Np * d1) * sizeof(float));
    /* centre on the data mean (distances unchanged, rounding of the keys smaller) */
    if (!xn || !bp || knn_own_pack(bp, xn, xn + n, im, X, n, d, nthreads) != FM_OK) {
        free(xn);
        free(bp);
        return FM_ENOMEM;
    }
    const float *mu = xn + n;
    /* |x|^2 is now a term of the dot product, so the keys' rounding bound grows
     * from gam (|q|^2 + |x|^2) to gam (|q|^2 + 2 |x|^2): refine gets 2 xmax */
    float xmax = 0;
    for (int64_t j = 0; j < n; j++) xmax = xn[j] > xmax ? xn[j] : xmax;
    const int64_t tiles = (nq + KNN_OWN_QT - 1) / KNN_OWN_QT;
    /* one K block: keys complete in registers (with this level's micro-tile) */
    const int filter = d1 <= im->kc && K->mr == im->mr && K->nr == im->nr;
    int nt = fm_team_size(nthreads, 2.0 * (double)nq * n * d);
    if (nt > tiles) nt = (int)tiles;
    int st = FM_OK;
#pragma omp parallel num_threads(nt)
    {
        const int64_t QT = KNN_OWN_QT, CB = KNN_OWN_CB;
        own_tile w;
        w.Qc = (float *)malloc((size_t)(QT * d1 + QT + QT * CB + QT * kk +
                                        fm_sgemm_packed_a_floats(QT, d1)) * sizeof(float));
        w.CI = (int64_t *)malloc((size_t)(QT * kk) * sizeof(int64_t));
        if (!w.Qc || !w.CI) {
#pragma omp atomic write
            st = FM_ENOMEM;
        }
        w.qn = w.Qc ? w.Qc + QT * d1 : NULL;
        w.cb = w.qn ? w.qn + QT : NULL;
        w.CD = w.cb ? w.cb + QT * CB : NULL;
        w.ap = w.CD ? w.CD + QT * kk : NULL;
#pragma omp for schedule(dynamic, 1)
        for (int64_t tile = 0; tile < tiles; tile++) {
            if (!w.Qc || !w.CI) continue;
            const int64_t i0 = tile * QT, rows = nq - i0 < QT ? nq - i0 : QT;
            knn_own_tile(dist, ind, &w, im, Q, i0, rows, X, bp, mu, xmax, n, d, k, kk, filter,
                         metric);
        }
        free(w.Qc);
        free(w.CI);
    }
    free(xn);
    free(bp);
    return st;
}

#define T double
#define SUF f64
#define SQRT sqrt
#define POW pow
#define FABS fabs
#define EPS 2.220446049250313e-16
#include "knn_tmpl.h"
#undef T
#undef SUF
#undef SQRT
#undef POW
#undef FABS
#undef EPS
