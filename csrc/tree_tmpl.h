/* tree_tmpl.h -- tree traversal and binning for one dtype (T, SUF), included
 * by tree.c; names are spelled out through FM_CAT (fm_tree_apply_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)

/* Leaf index of every row: descend while feature >= 0 (x[f] <= thr -> left;
 * NaN -> left iff missing_left[node]). */
FM_API int PUB(fm_tree_apply_)(int64_t *out, const T *X, int64_t n, int64_t d,
                               const int32_t *feature, const double *threshold,
                               const int64_t *left, const int64_t *right,
                               const uint8_t *missing_left, int nthreads) {
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 20.0 * n))
    for (int64_t i = 0; i < n; i++) {
        const T *x = X + i * d;
        int64_t node = 0;
        while (feature[node] >= 0) {
            const T v = x[feature[node]];
            const int go_left = v != v ? (missing_left && missing_left[node])
                                       : (double)v <= threshold[node];
            node = go_left ? left[node] : right[node];
        }
        out[i] = node;
    }
    return FM_OK;
}

/* Bin codes: out[f*n + i] = #{edges of feature f < X[i, f]} (edges of feature f
 * are edges[offsets[f] .. offsets[f+1]), sorted, at most 255 of them), i.e.
 * searchsorted(edges_f, x, side="left"). Fixed-step branch-free binary search
 * (steps 128, 64, ..., 1) on TREE_BIN_ROWS rows at once: independent searches
 * overlap their load latencies. Row blocks are split across threads. */
FM_API int PUB(fm_tree_bin_)(uint8_t *out, const T *X, int64_t n, int64_t d,
                             const double *edges, const int64_t *offsets, int nthreads) {
    const int64_t nblk = (n + TREE_BIN_ROWS - 1) / TREE_BIN_ROWS;
#pragma omp parallel for schedule(static) num_threads(fm_team_size(nthreads, 8.0 * n * d))
    for (int64_t blk = 0; blk < nblk; blk++) {
        const int64_t i0 = blk * TREE_BIN_ROWS;
        const int64_t m = n - i0 < TREE_BIN_ROWS ? n - i0 : TREE_BIN_ROWS;
        for (int64_t f = 0; f < d; f++) {
            const double *e = edges + offsets[f];
            const int64_t len = offsets[f + 1] - offsets[f];
            double v[TREE_BIN_ROWS];
            int64_t lo[TREE_BIN_ROWS];
            for (int64_t r = 0; r < TREE_BIN_ROWS; r++) {
                v[r] = (double)X[(i0 + (r < m ? r : 0)) * d + f];
                lo[r] = 0;
            }
            for (int64_t step = 128; step > 0; step >>= 1)
                for (int64_t r = 0; r < TREE_BIN_ROWS; r++) {
                    const int64_t idx = lo[r] + step;
                    lo[r] = (idx <= len && e[idx - 1] < v[r]) ? idx : lo[r];
                }
            for (int64_t r = 0; r < m; r++) out[f * n + i0 + r] = (uint8_t)lo[r];
        }
    }
    return FM_OK;
}

#undef PUB
