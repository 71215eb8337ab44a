/* activation_simd.c -- ISA-specific activation, softmax and cross-entropy row
 * kernels (built once per level, see simd.h; the code is in
 * activation_simd_tmpl.h). They work on a range; threading is in
 * activation.c / loss.c. */
#include <math.h>
#include <string.h>

#include "activation.h"
#include "simd.h"

#if defined(FM_ISA_AVX512) || defined(FM_ISA_AVX2) || defined(__SSE2__)
#include <immintrin.h> /* vminps for the float tanh clamps */
#endif

#define FM_VMATH_TEMPLATE "activation_simd_tmpl.h"
#include "vmath_instantiate.h"
