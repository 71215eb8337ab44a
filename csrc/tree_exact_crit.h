/* tree_exact_crit.h -- internal: criteria of the exact tree builder
 * (tree_exact_crit.c, tree_exact_mae.c), used by tree_exact_split.c. */
#ifndef FASTML_TREE_EXACT_CRIT_H
#define FASTML_TREE_EXACT_CRIT_H

#include "tree_exact_internal.h"

double xt_proxy(const xt_ctx *c, const double *sl, const double *sr, double wl, double wr);
void xt_update(const xt_ctx *c, const xt_work *wk, const int32_t *order, int64_t nn,
               int64_t *cur, int64_t pos, double *sl, double *sr, double *wl);
void xt_children(const xt_ctx *c, xt_work *wk, const int32_t *order, int64_t nn, int64_t npos,
                 double imp, xt_split *sp);
/* MAE: ranks of the node's targets per output (wk->rank, wk->sy). */
void xt_mae_ranks(const xt_ctx *c, xt_work *wk, int64_t nn);
/* MAE: absolute error around the weighted median of node rows order[0:cnt]
 * (order NULL: all rows) for output k, rows added forward (dir > 0) or
 * backward; the median into *median if given. */
double xt_mae_set(const xt_ctx *c, xt_work *wk, int64_t k, const int32_t *order, int64_t cnt,
                  int dir, double *median);
/* MAE: wk->lae[j] / wk->rae[j] = absolute error (summed over outputs) of
 * rows order[0:j+1] / order[j:nn]. */
void xt_mae_passes(const xt_ctx *c, xt_work *wk, const int32_t *order, int64_t nn);

#endif /* FASTML_TREE_EXACT_CRIT_H */
