/* kmeans_relocate_tmpl.h -- the rows that re-seed empty clusters, for one dtype
 * T; included by kmeans_tmpl.h (dense) and kmeans_sparse_tmpl.h (CSR), which
 * define IN(name) (so each includer gets its own static copy under its own
 * suffix). Both Lloyd loops relocate empty clusters as scikit-learn does: the
 * set of empty clusters is fixed before any row moves, and empty cluster j (in
 * increasing cluster order) takes the j-th farthest row from its centre. */

/* out[0..m) = the m rows with the largest mind, largest first, lowest row on
 * ties (a sorted insertion: O(n + moves * m), m is the number of empty
 * clusters, usually tiny). Returns how many were found (min(m, n)); 0 when
 * every row sits on its centre (max mind == 0), so nothing moves then. */
static int64_t IN(km_farthest_rows_)(int64_t *out, int64_t m, const T *mind, int64_t n) {
    int64_t got = 0;
    T mmax = 0;
    for (int64_t i = 0; i < n; i++) mmax = mind[i] > mmax ? mind[i] : mmax;
    if (!(mmax > 0) || m <= 0) return 0;
    for (int64_t i = 0; i < n; i++) {
        /* a later row enters only if strictly farther than the current last */
        if (got == m && !(mind[i] > mind[out[m - 1]])) continue;
        int64_t pos = got < m ? got++ : m - 1;
        while (pos > 0 && mind[i] > mind[out[pos - 1]]) {
            out[pos] = out[pos - 1];
            pos--;
        }
        out[pos] = i;
    }
    return got;
}

/* The relocation plan: clusters[0..m) the empty clusters (wsum == 0) in
 * increasing order, fixed before any row moves (moving a row can empty its
 * old cluster; that one stays as it is until the next step, as in
 * scikit-learn), rows[0..got) the rows they take. rows and clusters hold k
 * each. Returns got = min(m, n), or 0 when nothing moves. */
static int64_t IN(km_relocation_plan_)(int64_t *rows, int64_t *clusters, const double *wsum,
                                       int64_t k, const T *mind, int64_t n) {
    int64_t m = 0;
    for (int64_t c = 0; c < k; c++)
        if (wsum[c] == 0) clusters[m++] = c;
    return IN(km_farthest_rows_)(rows, m, mind, n);
}
