/* optim.h -- fused optimizer updates: the family's public C API. */
#ifndef FASTML_OPTIM_H
#define FASTML_OPTIM_H

#include "fastml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fused optimizer updates (optim.c), in place on flat parameter arrays -- */
/* Adam/AdamW (decoupled != 0: p *= 1 - lr wd first; else g += wd p), torch.optim's
 * rule with step_size = lr / (1 - b1^t), inv_bc2_sqrt = 1 / sqrt(1 - b2^t); vmax is
 * the amsgrad state or NULL. SGD: buf is the momentum buffer or NULL (no
 * momentum); first != 0 initialises it with the gradient. Element-wise, so the
 * result does not depend on nthreads (the most threads to use). */
FM_API int fm_adam_f32(float *p, float *m, float *v, float *vmax, const float *g, int64_t n,
                       double lr, double beta1, double beta2, double eps, double wd,
                       int decoupled, double step_size, double inv_bc2_sqrt, int nthreads);
FM_API int fm_adam_f64(double *p, double *m, double *v, double *vmax, const double *g,
                       int64_t n, double lr, double beta1, double beta2, double eps, double wd,
                       int decoupled, double step_size, double inv_bc2_sqrt, int nthreads);
FM_API int fm_sgd_f32(float *p, float *buf, const float *g, int64_t n, double lr,
                      double momentum, double dampening, double wd, int nesterov, int first,
                      int nthreads);
FM_API int fm_sgd_f64(double *p, double *buf, const double *g, int64_t n, double lr,
                      double momentum, double dampening, double wd, int nesterov, int first,
                      int nthreads);

/* ---- NAdam / RAdam / Adamax / Rprop (optim.c + optim_simd.c), torch.optim's single-tensor rules.
 * The caller computes the per-step scalars: NAdam coef_g = -lr (1 - mu_t) / (1 - prod mu),
 * coef_m = -lr mu_{t+1} / (1 - prod mu * mu_{t+1}), bc2 = 1 - b2^t; RAdam bc1 = 1 - b1^t,
 * bc2_sqrt = sqrt(1 - b2^t), rect > 0 the rectification term (<= 0: no adaptive lr);
 * Adamax neg_clr = -lr / (1 - b1^t). ---------------------------------------------- */
FM_API int fm_nadam_f32(float *p, float *m, float *v, const float *g, int64_t n, double lr,
                        double beta1, double beta2, double eps, double wd, int decoupled,
                        double bc2, double coef_g, double coef_m, int nthreads);
FM_API int fm_radam_f32(float *p, float *m, float *v, const float *g, int64_t n, double lr,
                        double beta1, double beta2, double eps, double wd, int decoupled,
                        double bc1, double bc2_sqrt, double rect, int nthreads);
FM_API int fm_adamax_f32(float *p, float *m, float *u, const float *g, int64_t n, double beta1,
                         double beta2, double eps, double wd, double neg_clr, int nthreads);
FM_API int fm_rprop_f32(float *p, float *prev, float *step, const float *g, int64_t n,
                        double etaminus, double etaplus, double step_min, double step_max,
                        int nthreads);
FM_API int fm_nadam_f64(double *p, double *m, double *v, const double *g, int64_t n, double lr,
                        double beta1, double beta2, double eps, double wd, int decoupled,
                        double bc2, double coef_g, double coef_m, int nthreads);
FM_API int fm_radam_f64(double *p, double *m, double *v, const double *g, int64_t n, double lr,
                        double beta1, double beta2, double eps, double wd, int decoupled,
                        double bc1, double bc2_sqrt, double rect, int nthreads);
FM_API int fm_adamax_f64(double *p, double *m, double *u, const double *g, int64_t n, double beta1,
                         double beta2, double eps, double wd, double neg_clr, int nthreads);
FM_API int fm_rprop_f64(double *p, double *prev, double *step, const double *g, int64_t n,
                        double etaminus, double etaplus, double step_min, double step_max,
                        int nthreads);

#ifdef __cplusplus
}
#endif
#endif /* FASTML_OPTIM_H */
