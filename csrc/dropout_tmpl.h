/* dropout_tmpl.h -- dropout entry points for one dtype (T, SUF), included by
 * dropout.c (fm_dropout_forward_f32, ...). */
#define PUB(name) FM_CAT(name, SUF)

FM_API int PUB(fm_dropout_forward_)(T *y, const T *x, int64_t n, double p, uint64_t key,
                                    int nthreads) {
    if (!(p > 0 && p < 1)) return FM_EINVAL;
    void (*fn)(T *restrict, const T *restrict, int64_t, int64_t, uint32_t, uint32_t, uint32_t,
               T) = K->FM_CAT(range_, SUF);
    uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32), thr = keep_threshold(p);
    T scale = (T)1 / (T)(1.0 - p); /* as the NumPy twin */
    int64_t nchunks = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(dynamic, 1) num_threads(fm_team_size(nthreads, 4.0 * n))
    for (int64_t c = 0; c < nchunks; c++) {
        int64_t s = c * CHUNK, e = s + CHUNK < n ? s + CHUNK : n;
        fn(y + s, x + s, s, e - s, k0, k1, thr, scale);
    }
    return FM_OK;
}

FM_API int PUB(fm_dropout_backward_)(T *dx, const T *dy, int64_t n, double p, uint64_t key,
                                     int nthreads) {
    return PUB(fm_dropout_forward_)(dx, dy, n, p, key, nthreads);
}

#undef PUB
