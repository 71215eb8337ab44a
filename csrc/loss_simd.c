/* loss_simd.c -- ISA-specific element-wise loss kernels over a range (built
 * once per level, see simd.h; code in loss_simd_tmpl.h). Threading and the
 * fixed-order block sums are in loss.c. */
#include <math.h>
#include <string.h>

#include "loss.h"
#include "simd.h"

#define FM_VMATH_TEMPLATE "loss_simd_tmpl.h"
#include "vmath_instantiate.h"
