/* sparse_enet_tmpl.h -- elastic-net coordinate descent on a CSC matrix with
 * implicit centring, for one index type; included by sparse_enet.c with IDX and
 * SUF (i32, i64) defined. See sparse.h and sparse_enet.c. */
#define SE(name) FM_CAT3(name, _, SUF)

/* a_j . v over column j */
static inline double SE(se_col_dot)(const double *cd, const IDX *ci, const IDX *cp, int64_t j,
                                    const double *v) {
    double s = 0;
    for (int64_t t = cp[j]; t < cp[j + 1]; t++) s += cd[t] * v[ci[t]];
    return s;
}

/* duality gap at w for the residual R = y - Xc w (materialised) */
static double SE(se_gap)(const double *w, const double *R, const double *y, const double *cd,
                         const IDX *ci, const IDX *cp, const double *mu, const double *r, double l1,
                         double l2, int positive, int64_t n, int64_t p) {
    double rR = 0, r2 = 0, ry = 0, wn2 = 0, wl1 = 0, dual = 0;
    for (int64_t i = 0; i < n; i++) {
        rR += (r ? r[i] : 1.0) * R[i];
        r2 += R[i] * R[i];
        ry += R[i] * y[i];
    }
    for (int64_t j = 0; j < p; j++) {
        const double xa = SE(se_col_dot)(cd, ci, cp, j, R) - (mu ? mu[j] * rR : 0.0) - l2 * w[j];
        const double v = positive ? xa : fabs(xa);
        dual = v > dual ? v : dual;
        wn2 += w[j] * w[j];
        wl1 += fabs(w[j]);
    }
    double cst = 1.0, gap = r2;
    if (dual > l1) {
        cst = l1 / dual;
        gap = 0.5 * (r2 + r2 * cst * cst);
    }
    return gap + l1 * wl1 - cst * ry + 0.5 * l2 * (1.0 + cst * cst) * wn2;
}

FM_API int SE(fm_sparse_enet_cd_f64)(double *w, int64_t *n_iter, double *gap, const double *cd,
                                     const IDX *ci, const IDX *cp, const double *mu,
                                     const double *r, const double *y, double l1, double l2,
                                     double tol, int64_t max_iter, int positive, int64_t n,
                                     int64_t p, int nthreads) {
    (void)nthreads; /* sequential sweeps */
    if (n < 1 || p < 0 || max_iter < 1 || !(l1 >= 0) || !(l2 >= 0) || !(tol >= 0))
        return FM_EINVAL;
    double *R = (double *)malloc(sizeof(double) * (size_t)(n + 2 * p + 1));
    if (!R) return FM_ENOMEM;
    double *norms = R + n, *ar = norms + p;
    double rr = 0, yy = 0;
    for (int64_t i = 0; i < n; i++) {
        rr += r ? r[i] * r[i] : 1.0;
        yy += y[i] * y[i];
        R[i] = y[i];
    }
    /* ||a_j - mu_j r||^2 = ||a_j||^2 - 2 mu_j a_j.r + mu_j^2 ||r||^2 */
    double c = 0; /* the residual is R + c r (the centring part, kept lazily) */
    for (int64_t j = 0; j < p; j++) {
        double aa = 0, a_r = 0;
        for (int64_t t = cp[j]; t < cp[j + 1]; t++) {
            aa += cd[t] * cd[t];
            a_r += cd[t] * (r ? r[ci[t]] : 1.0);
        }
        const double m = mu ? mu[j] : 0.0;
        ar[j] = a_r;
        norms[j] = aa - 2.0 * m * a_r + m * m * rr;
        if (norms[j] < 0) norms[j] = 0;
        if (w[j] != 0.0) {
            for (int64_t t = cp[j]; t < cp[j + 1]; t++) R[ci[t]] -= w[j] * cd[t];
            c += w[j] * m;
        }
    }
    double rR = 0;
    for (int64_t i = 0; i < n; i++) {
        R[i] += c * (r ? r[i] : 1.0);
        rR += (r ? r[i] : 1.0) * R[i];
    }
    c = 0;
    const double tol_gap = tol * yy;
    double g = tol_gap + 1.0;
    int64_t it = 0;
    for (it = 1; it <= max_iter; it++) {
        double w_max = 0, d_max = 0;
        for (int64_t j = 0; j < p; j++) {
            if (norms[j] == 0.0) continue;
            const double m = mu ? mu[j] : 0.0, wj = w[j];
            /* x_j . residual = a_j.(R + c r) - m r.(R + c r) */
            const double xr = SE(se_col_dot)(cd, ci, cp, j, R) + c * ar[j] - m * (rR + c * rr);
            const double tmp = xr + wj * norms[j];
            double nw;
            if (positive && tmp < 0)
                nw = 0.0;
            else
                nw = copysign(fmax(fabs(tmp) - l1, 0.0), tmp) / (norms[j] + l2);
            w[j] = nw;
            if (nw != wj) { /* residual += (wj - nw) (a_j - m r) */
                const double dl = wj - nw;
                for (int64_t t = cp[j]; t < cp[j + 1]; t++) R[ci[t]] += dl * cd[t];
                rR += dl * ar[j];
                c -= dl * m;
            }
            d_max = fmax(d_max, fabs(nw - wj));
            w_max = fmax(w_max, fabs(nw));
        }
        /* fold the lazy centring term back once per sweep */
        if (c != 0.0) {
            rR = 0;
            for (int64_t i = 0; i < n; i++) {
                R[i] += c * (r ? r[i] : 1.0);
                rR += (r ? r[i] : 1.0) * R[i];
            }
            c = 0;
        }
        if (w_max == 0.0 || d_max / w_max <= tol || it == max_iter) {
            g = SE(se_gap)(w, R, y, cd, ci, cp, mu, r, l1, l2, positive, n, p);
            if (g <= tol_gap) break;
        }
    }
    *n_iter = it > max_iter ? max_iter : it;
    *gap = g;
    free(R);
    return FM_OK;
}

#undef SE
