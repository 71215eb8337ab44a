/* activation_rows_tmpl.h -- row helpers shared by softmax (activation_simd_tmpl.h)
 * and cross-entropy (loss_ce_simd_tmpl.h) for one element type: row max and
 * sum of exp, and the few-columns layout (VL rows at a time). Included inside
 * those templates after activation_vmath_tmpl.h, with F(name) defined. */

/* Row max and sum(exp(x - max)) of one row of length c; e (may alias nothing)
 * receives exp(x - max) when non-NULL. Fixed summation order (lane sums, then
 * lanes in order, then the tail), so results do not depend on threads. */
static void F(row_maxsum)(const T *x, int64_t c, T *e, T *max_out, T *sum_out) {
    T m = x[0];
    int64_t i = 0;
    if (c >= VL) { /* two running maxima: the compare-select chain is the latency */
        V vm = FM_CAT(fm_vload_, SUF)(x), vm2 = vm;
        for (i = VL; i + 2 * VL <= c; i += 2 * VL) {
            V v = FM_CAT(fm_vload_, SUF)(x + i), v2 = FM_CAT(fm_vload_, SUF)(x + i + VL);
            vm = F(sel)(v > vm, v, vm);
            vm2 = F(sel)(v2 > vm2, v2, vm2);
        }
        for (; i + VL <= c; i += VL) {
            V v = FM_CAT(fm_vload_, SUF)(x + i);
            vm = F(sel)(v > vm, v, vm);
        }
        vm = F(sel)(vm2 > vm, vm2, vm);
        m = vm[0];
        for (int l = 1; l < VL; l++) m = vm[l] > m ? vm[l] : m;
    }
    for (; i < c; i++) m = x[i] > m ? x[i] : m;
    V vs = {0};
    for (i = 0; i + VL <= c; i += VL) {
        V v = F(vexp_le0)(FM_CAT(fm_vload_, SUF)(x + i) - m);
        if (e) FM_CAT(fm_vstore_, SUF)(e + i, v);
        vs += v;
    }
    T s = 0;
    for (int l = 0; l < VL; l++) s += vs[l];
    if (i < c) {
        T buf[VL];
        for (int l = 0; l < VL; l++) buf[l] = (i + l < c) ? x[i + l] - m : (T)-INFINITY;
        V v = F(vexp_le0)(FM_CAT(fm_vload_, SUF)(buf));
        for (int l = 0; i + l < c; l++) {
            if (e) e[i + l] = v[l];
            s += v[l];
        }
    }
    *max_out = m;
    *sum_out = s;
}

/* ---- few columns (c <= FM_SMALL_C): VL rows at a time, lane l = row r + l ----
 * A row of 3 classes would otherwise be all scalar tail (one exp/log call per
 * element); here each column of VL rows is one vector, so exp and log run on
 * full vectors. Per row: max over columns in order, then sum of exp over the
 * columns in order (fixed order, no dependence on threads). nr < VL only for
 * the last block; lanes past nr are padded with 0 and never stored. */
#define FM_SMALL_C 16

static inline __attribute__((always_inline)) V F(col_ld)(const T *x, int64_t c, int64_t j,
                                                          int nr) {
    T buf[VL] = {0};
    for (int l = 0; l < nr; l++) buf[l] = x[l * c + j];
    return FM_CAT(fm_vload_, SUF)(buf);
}

static inline __attribute__((always_inline)) void F(col_st)(T *y, int64_t c, int64_t j, V v,
                                                             int nr) {
    T buf[VL];
    memcpy(buf, &v, sizeof v);
    for (int l = 0; l < nr; l++) y[l * c + j] = buf[l];
}

static inline __attribute__((always_inline)) V F(part_ld)(const T *p, int nr) {
    T buf[VL] = {0};
    memcpy(buf, p, (size_t)nr * sizeof(T));
    return FM_CAT(fm_vload_, SUF)(buf);
}

static inline __attribute__((always_inline)) void F(part_st)(T *p, V v, int nr) {
    memcpy(p, &v, (size_t)nr * sizeof(T));
}

/* Per-lane row max m and sum(exp(x - m)) s of nr rows starting at x. */
static inline __attribute__((always_inline)) void F(cols_maxsum)(const T *x, int64_t c, int nr,
                                                                  V *m, V *s) {
    V vm = F(col_ld)(x, c, 0, nr);
    for (int64_t j = 1; j < c; j++) {
        V v = F(col_ld)(x, c, j, nr);
        vm = F(sel)(v > vm, v, vm);
    }
    V vs = {0};
    for (int64_t j = 0; j < c; j++) vs += F(vexp_le0)(F(col_ld)(x, c, j, nr) - vm);
    *m = vm;
    *s = vs;
}

/* Run BODY(nr) over the rows in blocks of VL (literal VL for full blocks). */
#define FM_COL_BLOCKS(rows, BODY)                                                              \
    do {                                                                                       \
        int64_t r = 0;                                                                         \
        for (; r + VL <= (rows); r += VL) BODY(VL);                                            \
        if (r < (rows)) BODY((int)((rows) - r));                                               \
    } while (0)

