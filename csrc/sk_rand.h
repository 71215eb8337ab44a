/* sk_rand.h -- internal: scikit-learn's 32-bit xorshift generator (its
 * sklearn.utils._random.our_rand_r), for kernels whose random choices follow
 * scikit-learn's sequence for a given seed. Values in [0, 2^31 - 1]; a zero
 * state is replaced by 1 (xorshift's fixed point). */
#ifndef FASTML_SK_RAND_H
#define FASTML_SK_RAND_H

#include <stdint.h>

static inline uint32_t fm_sk_rand_r(uint32_t *s) {
    if (*s == 0) *s = 1;
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s % (2147483647u + 1u);
}

/* a uniform-ish index in [0, end), end >= 1 (scikit-learn's rand_int) */
static inline int64_t fm_sk_rand_index(int64_t end, uint32_t *s) {
    return (int64_t)(fm_sk_rand_r(s) % (uint32_t)end);
}

#endif /* FASTML_SK_RAND_H */
