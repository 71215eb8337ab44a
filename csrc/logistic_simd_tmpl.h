/* logistic_simd_tmpl.h -- the binary logistic row kernels at one ISA level.
 * Included by logistic_simd.c through vmath_instantiate.h (once per element
 * type); only the float64 instantiation defines anything: the objective is
 * computed in float64 whatever X's type, so the rows template
 * (logistic_rows_tmpl.h) is included twice here, for float32 and float64 X. */
#if MANT == 52
#define F(name) FM_CAT3(name, _, SUF)
#define LD(p) fm_vload_f64(p)
#define ST(p, v) fm_vstore_f64(p, v)

#include "activation_vmath_tmpl.h"

typedef float lg_vhalf __attribute__((vector_size(FM_VBYTES / 2)));

/* VL floats widened to a double vector. */
static inline __attribute__((always_inline)) V lg_ldf(const float *p) {
    lg_vhalf h;
    memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, V);
}

/* The loss, gradient weight and curvature of VL rows: t = ypm z,
 * log(1 + exp(-t)) = max(-t, 0) + log1p(e) with e = exp(-|t|) in (0, 1], and
 * q = sigmoid(-t) = e / (1 + e) (t >= 0) or 1 / (1 + e): no overflow. */
static inline __attribute__((always_inline)) void lg_terms(V z, V y, V s, V *ls, V *dv, V *cv) {
    const V zero = {0}, one = zero + 1.0;
    const V t = y * z;
    const V e = F(vexp)(-fm_vabs_f64(t));
    const V lz = F(sel)(t < zero, -t, zero) + F(vlog1p)(e);
    const V q = F(sel)(t >= zero, e, one) / (one + e);
    *ls = s * lz;
    *dv = -(y * s) * q;
    *cv = s * q * (one - q);
}

#define TX float
#define XSUF xf32
#define LDX(p) lg_ldf(p)
#include "logistic_rows_tmpl.h"
#undef TX
#undef XSUF
#undef LDX

#define TX double
#define XSUF xf64
#define LDX(p) LD(p)
#include "logistic_rows_tmpl.h"
#undef TX
#undef XSUF
#undef LDX

#undef F
#undef LD
#undef ST
#endif
