/* kmeans_sparse_simd_tmpl.h -- the CSR assignment for one (T, IDX, SUF),
 * included four times by kmeans_sparse_simd.c (once per ISA level build).
 *
 * Per row and per block of KMS_BLOCK centres, the block's keys live in
 * registers (a fixed-length array the compiler keeps in vector registers)
 * while the row's entries stream past: key_c = |c|^2 - 2 v C[c, j] summed
 * over the entries (j, v) in order; a block's transposed centres for one
 * column are one cache line. The lowest key wins (lowest index on ties);
 * its distance is recomputed directly on the row's columns. */
#define KFN FM_ISA_FN(FM_CAT(fm_kms_assign_, SUF))

double KFN(int32_t *labels, T *mind, const T *data, const IDX *ind, const IDX *ptr,
           const T *sw, const T *C, const T *CTb, const T *cn, int64_t i0, int64_t i1,
           int64_t d, int64_t k, T *key) {
    const int64_t nb = (k + KMS_BLOCK - 1) / KMS_BLOCK;
    double tot = 0;
    for (int64_t i = i0; i < i1; i++) {
        const int64_t p0 = (int64_t)ptr[i], p1 = (int64_t)ptr[i + 1];
        for (int64_t b = 0; b < nb; b++) {
            const T *base = CTb + b * d * KMS_BLOCK;
            T a[KMS_BLOCK];
            for (int c = 0; c < KMS_BLOCK; c++) a[c] = cn[b * KMS_BLOCK + c];
            for (int64_t p = p0; p < p1; p++) {
                const T v2 = (T)2 * data[p];
                const T *r = base + (int64_t)ind[p] * KMS_BLOCK;
                for (int c = 0; c < KMS_BLOCK; c++) a[c] -= v2 * r[c];
            }
            for (int c = 0; c < KMS_BLOCK; c++) key[b * KMS_BLOCK + c] = a[c];
        }
        int64_t best = 0;
        T bk = key[0];
        for (int64_t c = 1; c < k; c++) {
            if (key[c] < bk) {
                bk = key[c];
                best = c;
            }
        }
        /* direct distance on the row's columns, |c|^2 for the rest */
        const T *cb = C + best * d;
        T on = 0, part = 0;
        for (int64_t p = p0; p < p1; p++) {
            const T cj = cb[ind[p]], t = data[p] - cj;
            on += t * t;
            part += cj * cj;
        }
        T m = on + (cn[best] - part);
        m = m > 0 ? m : 0;
        labels[i] = (int32_t)best;
        mind[i] = m;
        tot += (sw ? (double)sw[i] : 1.0) * (double)m;
    }
    return tot;
}

#undef KFN
