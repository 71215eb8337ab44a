/* sparse_sgd_tmpl.h -- one SGD epoch on CSR rows for one index type; included
 * by sparse_sgd.c with IDX and SUF (i32, i64) defined. See sparse_sgd.c. */

int FM_CAT(fm_sparse_sgd_epoch_f64_, SUF)(double *sumloss, double *w, double *q, double *state,
                                          const double *xd, const IDX *xi, const IDX *xp,
                                          const double *y, const double *sw,
                                          const int64_t *order, int64_t n_order, int loss,
                                          double eps, int penalty, double alpha, double l1_ratio,
                                          int schedule, double eta0, double power_t,
                                          double optimal_init, int fit_intercept,
                                          double intercept_decay, int64_t p, int nthreads) {
    (void)nthreads;
    double wscale = state[0], b = state[1], t = state[2], u = state[3];
    const int use_l2 = penalty == 1 || penalty == 3;
    const int use_l1 = penalty == 2 || penalty == 3;
    const double l1_share = penalty == 3 ? l1_ratio : 1.0;
    const double l2_share = penalty == 3 ? 1.0 - l1_ratio : 1.0;
    double total = 0.0;
    for (int64_t k = 0; k < n_order; k++) {
        const int64_t i = order[k];
        const IDX a = xp[i], e = xp[i + 1];
        /* rows come in shuffled order: fetch the index and value lines of the row
         * after next, and the coefficients of the next row (whose indices were
         * fetched one row ago), while this row works. Hints only: same result. */
        if (k + 2 < n_order) {
            const int64_t i2 = order[k + 2];
            sgd_prefetch_span(xi + xp[i2], (size_t)(xp[i2 + 1] - xp[i2]) * sizeof(IDX));
            sgd_prefetch_span(xd + xp[i2], (size_t)(xp[i2 + 1] - xp[i2]) * sizeof(double));
        }
        if (k + 1 < n_order) {
            const int64_t i1 = order[k + 1];
            for (IDX s = xp[i1]; s < xp[i1 + 1]; s++) __builtin_prefetch(w + xi[s], 1, 3);
        }
        double dot = 0.0;
        for (IDX s = a; s < e; s++) dot += w[xi[s]] * xd[s];
        const double pred = wscale * dot + b;
        const double eta = sgd_eta(schedule, t, alpha, eta0, power_t, optimal_init);
        total += sgd_loss(loss, pred, y[i], eps);
        double d = sgd_dloss(loss, pred, y[i], eps);
        d = d < -SGD_MAX_DLOSS ? -SGD_MAX_DLOSS : (d > SGD_MAX_DLOSS ? SGD_MAX_DLOSS : d);
        const double update = -eta * d * sw[i];
        if (use_l2) {
            const double f = 1.0 - l2_share * eta * alpha;
            wscale *= f > 0.0 ? f : 0.0;
            if (wscale < 1e-9) {  /* fold the scale into w before dividing by it */
                for (int64_t j = 0; j < p; j++) w[j] *= wscale;
                wscale = 1.0;
            }
        }
        if (update != 0.0) {
            const double c = update / wscale;
            for (IDX s = a; s < e; s++) w[xi[s]] += c * xd[s];
            if (fit_intercept) b += update * intercept_decay;
        }
        if (use_l1) {
            u += l1_share * eta * alpha;
            for (IDX s = a; s < e; s++) {
                const IDX j = xi[s];
                const double z = w[j];
                if (wscale * z > 0.0) {
                    const double v = z - (u + q[j]) / wscale;
                    w[j] = v > 0.0 ? v : 0.0;
                } else if (wscale * z < 0.0) {
                    const double v = z + (u - q[j]) / wscale;
                    w[j] = v < 0.0 ? v : 0.0;
                }
                q[j] += wscale * (w[j] - z);
            }
        }
        t += 1.0;
    }
    state[0] = wscale;
    state[1] = b;
    state[2] = t;
    state[3] = u;
    *sumloss = total;
    return FM_OK;
}

