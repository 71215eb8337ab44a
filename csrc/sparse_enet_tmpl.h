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

/* duality gap at w for the residual R = y - Xc w (materialised); XtA (p) gets
 * Xc^T R - l2 w and *dual its max |.| (max . with positive) */
static double SE(se_gap)(double *XtA, double *dual_out, const double *w, const double *R,
                         const double *y, const double *cd, const IDX *ci, const IDX *cp,
                         const double *mu, const double *r, double l1, double l2, int positive,
                         int64_t n, int64_t p) {
    double rR = 0, r2 = 0, ry = 0, wn2 = 0, wl1 = 0, dual = 0;
    for (int64_t i = 0; i < n; i++) {
        rR += (r ? r[i] : 1.0) * R[i];
        r2 += R[i] * R[i];
        ry += R[i] * y[i];
    }
    for (int64_t j = 0; j < p; j++) {
        const double xa = SE(se_col_dot)(cd, ci, cp, j, R) - (mu ? mu[j] * rR : 0.0) - l2 * w[j];
        const double v = positive ? xa : fabs(xa);
        XtA[j] = xa;
        dual = v > dual ? v : dual;
        wn2 += w[j] * w[j];
        wl1 += fabs(w[j]);
    }
    *dual_out = dual;
    double cst = 1.0, gap = r2;
    if (dual > l1) {
        cst = l1 / dual;
        gap = 0.5 * (r2 + r2 * cst * cst);
    }
    return gap + l1 * wl1 - cst * ry + 0.5 * l2 * (1.0 + cst * cst) * wn2;
}

/* residual += dl (a_j - m r): the column's entries now, the centring part
 * into the lazy scalar c; rR tracks r . R */
static inline void SE(se_axpy)(double *R, double *rR, double *c, const double *cd, const IDX *ci,
                               const IDX *cp, int64_t j, double dl, double ar_j, double m) {
    for (int64_t t = cp[j]; t < cp[j + 1]; t++) R[ci[t]] += dl * cd[t];
    *rR += dl * ar_j;
    *c -= dl * m;
}

/* R += c r, c = 0, rR = r . R */
static inline void SE(se_fold)(double *R, double *rR, double *c, const double *r, int64_t n) {
    if (*c == 0.0) return;
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
        R[i] += *c * (r ? r[i] : 1.0);
        s += (r ? r[i] : 1.0) * R[i];
    }
    *rR = s;
    *c = 0;
}

/* Gap Safe screening (Fercoq, Gramfort & Salmon 2015; Ndiaye et al. 2017):
 * feature j is inactive at the optimum when |x_j . theta| < 1 with margin
 * sqrt(2 gap) / l1 in the dual ball; such features leave the active list for
 * good (their coefficient goes to 0 first). Returns the new active count. */
static int64_t SE(se_screen)(int64_t *active, unsigned char *excl, double *w, double *R,
                             double *rR, double *c, const double *XtA, double dual, double gap,
                             const double *norms, const double *ar, const double *cd,
                             const IDX *ci, const IDX *cp, const double *mu, double l1,
                             double l2, int64_t p) {
    int64_t na = 0;
    const double radius = sqrt(2.0 * gap) / l1, scale = fmax(l1, dual);
    for (int64_t j = 0; j < p; j++) {
        if (excl[j]) continue;
        const double dj = (1.0 - fabs(XtA[j] / scale)) / sqrt(norms[j] + l2);
        if (dj <= radius) {
            active[na++] = j;
        } else {
            if (w[j] != 0.0) SE(se_axpy)(R, rR, c, cd, ci, cp, j, w[j], ar[j], mu ? mu[j] : 0.0);
            w[j] = 0.0;
            excl[j] = 1;
        }
    }
    return na;
}

FM_API int SE(fm_sparse_enet_cd_f64)(double *w, int64_t *n_iter, double *gap, const double *cd,
                                     const IDX *ci, const IDX *cp, const double *mu,
                                     const double *r, const double *y, double l1, double l2,
                                     double tol, int64_t max_iter, int positive, int random,
                                     uint32_t seed, int64_t n, int64_t p, int nthreads) {
    (void)nthreads; /* sequential sweeps */
    if (n < 1 || p < 0 || max_iter < 1 || !(l1 >= 0) || !(l2 >= 0) || !(tol >= 0))
        return FM_EINVAL;
    double *R = (double *)malloc(sizeof(double) * (size_t)(n + 3 * p + 1));
    int64_t *active = (int64_t *)malloc(sizeof(int64_t) * (size_t)(p + 1));
    unsigned char *excl = (unsigned char *)malloc((size_t)p + 1);
    if (!R || !active || !excl) {
        free(R);
        free(active);
        free(excl);
        return FM_ENOMEM;
    }
    double *norms = R + n, *ar = norms + p, *XtA = ar + p;
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
    const int screen = l1 > 0;
    for (int64_t j = 0; j < p; j++) {
        active[j] = j;
        excl[j] = norms[j] == 0.0;
    }
    int64_t na = p;
    double dual = 0;
    /* converged already (e.g. a warm start): no sweep */
    double g = SE(se_gap)(XtA, &dual, w, R, y, cd, ci, cp, mu, r, l1, l2, positive, n, p);
    int64_t it = 0;
    if (g > tol_gap) {
        if (screen)
            na = SE(se_screen)(active, excl, w, R, &rR, &c, XtA, dual, g, norms, ar, cd, ci, cp,
                               mu, l1, l2, p);
        for (it = 1; it <= max_iter; it++) {
            double w_max = 0, d_max = 0;
            for (int64_t a = 0; a < na; a++) {
                const int64_t j = active[random ? fm_sk_rand_index(na, &seed) : a];
                if (norms[j] == 0.0) continue;
                const double m = mu ? mu[j] : 0.0, wj = w[j];
                /* x_j . residual = a_j.(R + c r) - m r.(R + c r) */
                const double xr =
                    SE(se_col_dot)(cd, ci, cp, j, R) + c * ar[j] - m * (rR + c * rr);
                const double tmp = xr + wj * norms[j];
                double nw;
                if (positive && tmp < 0)
                    nw = 0.0;
                else
                    nw = copysign(fmax(fabs(tmp) - l1, 0.0), tmp) / (norms[j] + l2);
                w[j] = nw;
                if (nw != wj) SE(se_axpy)(R, &rR, &c, cd, ci, cp, j, wj - nw, ar[j], m);
                d_max = fmax(d_max, fabs(nw - wj));
                w_max = fmax(w_max, fabs(nw));
            }
            SE(se_fold)(R, &rR, &c, r, n); /* once per sweep */
            if (w_max == 0.0 || d_max / w_max <= tol || it == max_iter) {
                g = SE(se_gap)(XtA, &dual, w, R, y, cd, ci, cp, mu, r, l1, l2, positive, n, p);
                if (g <= tol_gap) break;
                if (screen) {
                    na = SE(se_screen)(active, excl, w, R, &rR, &c, XtA, dual, g, norms, ar, cd,
                                       ci, cp, mu, l1, l2, p);
                    SE(se_fold)(R, &rR, &c, r, n);
                }
            }
        }
    }
    *n_iter = it > max_iter ? max_iter : it;
    *gap = g;
    free(R);
    free(active);
    free(excl);
    return FM_OK;
}

#undef SE
