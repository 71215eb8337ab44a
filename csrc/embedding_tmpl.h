/* embedding_tmpl.h -- the embedding weight gradient for one dtype (T, SUF),
 * included by embedding.c (fm_embedding_backward_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)

/* Rows [r0, r1) of dw: zeroed, then every token whose index lies there added,
 * in token order. */
static void PUB(emb_rows_)(T *dw, const T *g, const int64_t *idx, int64_t ntok, int64_t D,
                           int64_t skip, int64_t r0, int64_t r1) {
    memset(dw + r0 * D, 0, (size_t)((r1 - r0) * D) * sizeof(T));
    for (int64_t t = 0; t < ntok; t++) {
        const int64_t r = idx[t];
        if (r < r0 || r >= r1 || r == skip) continue;
        T *restrict d = dw + r * D;
        const T *restrict s = g + t * D;
        for (int64_t j = 0; j < D; j++) d[j] += s[j];
    }
}

FM_API int PUB(fm_embedding_backward_)(T *dw, const T *g, const int64_t *idx, int64_t ntok,
                                       int64_t V, int64_t D, int64_t skip, int nthreads) {
    if (V < 0 || D < 0 || ntok < 0) return FM_EINVAL;
    int nt = fm_team_size(nthreads, (double)V * (double)D + 4.0 * (double)ntok * (double)D);
    if (nt > V) nt = V > 0 ? (int)V : 1;
#pragma omp parallel num_threads(nt)
    {
        int64_t id = 0, team = 1;
#ifdef _OPENMP
        id = omp_get_thread_num();
        team = omp_get_num_threads();
#endif
        PUB(emb_rows_)(dw, g, idx, ntok, D, skip, V * id / team, V * (id + 1) / team);
    }
    return FM_OK;
}

#undef PUB
