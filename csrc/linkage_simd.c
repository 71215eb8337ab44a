/* linkage_simd.c -- ISA variants of the linkage scans (linkage_simd_tmpl.h);
 * built once per level (see simd.h), picked by linkage.c. */
#include <math.h>
#include <string.h>

#include "linkage_impl.h"
#include "simd.h"

#define T double
#define SUF f64
#include "linkage_simd_tmpl.h"
#undef T
#undef SUF

/* This level's table (fm_linkage_impl_<level>), picked by linkage.c. */
const fm_linkage_impl FM_ISA_FN(fm_linkage_impl) = {
    .dist_row = FM_ISA_FN(fm_linkage_dist_row_f64),
    .ward_scan = FM_ISA_FN(fm_linkage_ward_scan_f64),
    .mst_scan = FM_ISA_FN(fm_linkage_mst_scan_f64),
};
