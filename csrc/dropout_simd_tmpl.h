/* dropout_simd_tmpl.h -- the dropout range kernel for one element type (T, SUF)
 * at one ISA level, included by dropout_simd.c (fm_dropout_range_f32_avx2, ...).
 * y[j] = keep(start + j) ? x[j] * scale : 0 for j in [0, n). */
void FM_ISA_FN(FM_CAT(fm_dropout_range_, SUF))(T *restrict y, const T *restrict x, int64_t start,
                                                int64_t n, uint32_t k0, uint32_t k1,
                                                uint32_t thr, T scale) {
    uint64_t i0 = (uint64_t)start;
    uint32_t hi = (uint32_t)(i0 >> 32) ^ k1;
    uint32_t lo0 = (uint32_t)i0;
    int64_t j = 0;
    while (j < n) {
        /* split where lo32 wraps so hi32 is constant inside the vector loop */
        uint64_t to_wrap = (uint64_t)UINT32_MAX - (uint32_t)(lo0 + (uint32_t)j) + 1;
        int64_t e = (uint64_t)(n - j) < to_wrap ? n : j + (int64_t)to_wrap;
        uint32_t base = lo0 + (uint32_t)j;
        for (int64_t q = j; q < e; q++) {
            uint32_t h = fmix32(fmix32((base + (uint32_t)(q - j)) ^ k0) ^ hi);
            y[q] = h >= thr ? x[q] * scale : (T)0;
        }
        hi = (uint32_t)((i0 + (uint64_t)e) >> 32) ^ k1;
        j = e;
    }
}
