/* vmath_instantiate.h -- instantiates the template named by FM_VMATH_TEMPLATE
 * for float and double, with the constants of the vector exp/expm1/log
 * polynomials (activation_vmath_tmpl.h) for each type. Shared by
 * activation_simd.c and loss_simd.c, which differ only in the template. */
#ifndef FM_VMATH_TEMPLATE
#error "define FM_VMATH_TEMPLATE (a header name) before including vmath_instantiate.h"
#endif

#define T float
#define SUF f32
#define V fm_vf32
#define VI fm_vi32
#define VL FM_VL_f32
#define EXP_DEG 7
#define EXPM1_LO (-88.0f)
#define LOG_DEG 4
#define TINY_MIN 1.17549435e-38f
#define TINY_SCALE 4294967296.0f
#define TINY_EXP 32
#define MANT 23
#define EBIAS 127
#define EXP_LO (-103.98f)
#define EXP_HI 88.7228f
#define RMAGIC 12582912.0f
#include FM_VMATH_TEMPLATE
#undef T
#undef SUF
#undef V
#undef VI
#undef VL
#undef EXP_DEG
#undef EXPM1_LO
#undef LOG_DEG
#undef TINY_MIN
#undef TINY_SCALE
#undef TINY_EXP
#undef MANT
#undef EBIAS
#undef EXP_LO
#undef EXP_HI
#undef RMAGIC

#define T double
#define SUF f64
#define V fm_vf64
#define VI fm_vi64
#define VL FM_VL_f64
#define EXP_DEG 13
#define EXPM1_LO (-745.0)
#define LOG_DEG 10
#define TINY_MIN 2.2250738585072014e-308
#define TINY_SCALE 18446744073709551616.0
#define TINY_EXP 64
#define MANT 52
#define EBIAS 1023
#define EXP_LO (-745.2)
#define EXP_HI 709.782712893384
#define RMAGIC 6755399441055744.0
#include FM_VMATH_TEMPLATE
#undef T
#undef SUF
#undef V
#undef VI
#undef VL
#undef EXP_DEG
#undef EXPM1_LO
#undef LOG_DEG
#undef TINY_MIN
#undef TINY_SCALE
#undef TINY_EXP
#undef MANT
#undef EBIAS
#undef EXP_LO
#undef EXP_HI
#undef RMAGIC
