/* dropout_simd.c -- inverted dropout over a range with a counter-based RNG
 * (built once per ISA level, code in dropout_simd_tmpl.h; the loops are plain
 * C that the compiler vectorises: 32-bit multiplies, shifts, xors and a
 * select).
 *
 * keep(i) iff h(i) >= thr, h(i) = fmix32(fmix32(lo32(i) ^ k0) ^ k1 ^ hi32(i))
 * (murmur3's finaliser). A pure function of (key, i): backward regenerates
 * the mask, and the result is independent of threads and vector width.
 */
#include <stdint.h>

#include "dropout_impl.h"
#include "simd.h"

static inline uint32_t fmix32(uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    return h ^ (h >> 16);
}

#define T float
#define SUF f32
#include "dropout_simd_tmpl.h"
#undef T
#undef SUF

#define T double
#define SUF f64
#include "dropout_simd_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_dropout_impl_<level>), picked by dropout.c. */
const fm_dropout_impl FM_ISA_FN(fm_dropout_impl) = {
    .range_f32 = FM_ISA_FN(fm_dropout_range_f32),
    .range_f64 = FM_ISA_FN(fm_dropout_range_f64),
};
