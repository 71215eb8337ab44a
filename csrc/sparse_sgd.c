/* sparse_sgd.c -- one epoch of plain per-sample SGD on the rows of a CSR
 * matrix (fm_sparse_sgd_epoch_f64_*, see sparse.h).
 *
 * The arithmetic is that of the dense epoch (fastml._kernels.sgd_jit and its
 * NumPy twin): the model is wscale * w + b, the L2 decay multiplies wscale,
 * the gradient step adds to w over the row's stored entries only, and the
 * cumulative truncated-gradient L1 penalty (u, q) is applied to the row's
 * stored features (lazy L1, as scikit-learn does), so an update costs
 * O(nnz of the row). intercept_decay scales the intercept step (scikit-learn
 * uses 0.01 for sparse data: the intercept sees every sample while a sparse
 * feature sees few). Sequential: the samples are visited in `order`.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "sparse.h"

#define SGD_MAX_DLOSS 1e12

/* software prefetch of a contiguous span, one hint per 64-byte line */
static inline void sgd_prefetch_span(const void *p, size_t bytes) {
    const char *c = (const char *)p;
    for (size_t o = 0; o < bytes; o += 64) __builtin_prefetch(c + o, 0, 3);
}

/* loss codes: the LOSSES tuple of fastml._kernels.reference.sgd */
enum { L_HINGE, L_LOG, L_SQUARED, L_HUBER, L_MOD_HUBER, L_SQ_HINGE, L_EPS_INS, L_SQ_EPS_INS };

static double sgd_loss(int loss, double p, double y, double eps) {
    const double z = p * y;
    double r;
    switch (loss) {
    case L_HINGE: return z < 1.0 ? 1.0 - z : 0.0;
    case L_LOG:
        if (z > 18.0) return exp(-z);
        if (z < -18.0) return -z;
        return log1p(exp(-z));
    case L_SQUARED: return 0.5 * (p - y) * (p - y);
    case L_HUBER:
        r = fabs(p - y);
        return r <= eps ? 0.5 * r * r : eps * r - 0.5 * eps * eps;
    case L_MOD_HUBER:
        if (z >= 1.0) return 0.0;
        return z >= -1.0 ? (1.0 - z) * (1.0 - z) : -4.0 * z;
    case L_SQ_HINGE: r = z < 1.0 ? 1.0 - z : 0.0; return r * r;
    case L_EPS_INS: r = fabs(y - p) - eps; return r > 0.0 ? r : 0.0;
    default: r = fabs(y - p) - eps; r = r > 0.0 ? r : 0.0; return r * r;
    }
}

/* d loss / d p */
static double sgd_dloss(int loss, double p, double y, double eps) {
    const double z = p * y;
    double r;
    switch (loss) {
    case L_HINGE: return z <= 1.0 ? -y : 0.0;
    case L_LOG:
        if (z > 18.0) return -y * exp(-z);
        if (z < -18.0) return -y;
        return -y / (exp(z) + 1.0);
    case L_SQUARED: return p - y;
    case L_HUBER:
        r = p - y;
        return fabs(r) <= eps ? r : (r > 0 ? eps : -eps);
    case L_MOD_HUBER:
        if (z >= 1.0) return 0.0;
        return z >= -1.0 ? -2.0 * (1.0 - z) * y : -4.0 * y;
    case L_SQ_HINGE: return z < 1.0 ? -2.0 * y * (1.0 - z) : 0.0;
    case L_EPS_INS:
        if (y - p > eps) return -1.0;
        return p - y > eps ? 1.0 : 0.0;
    default:
        if (y - p > eps) return -2.0 * (y - p - eps);
        return p - y > eps ? 2.0 * (p - y - eps) : 0.0;
    }
}

/* learning rate of step t (schedule codes: SCHEDULES of reference.sgd) */
static double sgd_eta(int schedule, double t, double alpha, double eta0, double power_t,
                      double optimal_init) {
    if (schedule == 1) {
        double span = optimal_init + t - 1.0;
        if (span == 0.0) span = optimal_init + (t - 1.0);
        return 1.0 / (alpha * span);
    }
    if (schedule == 2) return eta0 / pow(t, power_t);
    return eta0;
}

#define IDX int32_t
#define SUF i32
#include "sparse_sgd_tmpl.h"
#undef IDX
#undef SUF
#define IDX int64_t
#define SUF i64
#include "sparse_sgd_tmpl.h"
#undef IDX
#undef SUF
