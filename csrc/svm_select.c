/* svm_select.c -- the working-set solver's candidate selection: the k
 * smallest variables by key (ties to the smaller index), sorted. */
#include "svm_impl.h"

/* Order of candidates: by key, ties to the smaller variable. */
static inline int before(const double *key, int64_t u, int64_t v) {
    return key[u] < key[v] || (key[u] == key[v] && u < v);
}

static void sort_cand(int64_t *c, int64_t n, const double *key) {
    for (int64_t i = 1; i < n; i++) { /* insertion sort: n <= 2 q here */
        const int64_t v = c[i];
        int64_t j = i;
        for (; j > 0 && before(key, v, c[j - 1]); j--) c[j] = c[j - 1];
        c[j] = v;
    }
}

/* Move the k smallest (by key) of c[0, n) to c[0, k), sorted. */
void fm_svm_select_k(int64_t *c, int64_t n, int64_t k, const double *key) {
    if (k >= n) {
        k = n;
    } else {
        int64_t lo = 0, hi = n - 1;
        while (hi > lo) { /* quickselect, median-of-three pivot */
            const int64_t mid = lo + (hi - lo) / 2;
            int64_t pv = c[mid];
            if (before(key, c[hi], c[lo])) { const int64_t w = c[lo]; c[lo] = c[hi]; c[hi] = w; }
            if (before(key, c[mid], c[lo])) pv = c[lo];
            else if (before(key, c[hi], c[mid])) pv = c[hi];
            int64_t i = lo, j = hi;
            while (i <= j) {
                while (before(key, c[i], pv)) i++;
                while (before(key, pv, c[j])) j--;
                if (i <= j) {
                    const int64_t w = c[i];
                    c[i++] = c[j];
                    c[j--] = w;
                }
            }
            if (k - 1 <= j) hi = j;
            else if (k - 1 >= i) lo = i;
            else break;
        }
    }
    sort_cand(c, k, key);
}
