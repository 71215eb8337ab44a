/* svm.c -- the svm family's kernel evaluations: one kernel row against a set
 * of points (dense rows through the SIMD dots of svm_simd_tmpl.h, CSR rows by
 * scattering the query row into a dense scratch vector, precomputed Gram
 * matrices by gathering), the diagonal, and the test-by-support kernel matrix
 * of prediction. The SMO solver is in svm_solve.c, its row cache in svm_cache.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "svm_impl.h"

#if FASTML_HAVE_OPENMP
#include <omp.h>
#endif

FM_FAMILY_IMPLS(svm)
static const fm_svm_impl *K = &fm_svm_impl_baseline;

void fm_svm_select(int level) { K = FM_FAMILY_PICK(svm, level); }

static double powi(double base, int times) {
    double tmp = base, ret = 1.0;
    for (int t = times; t > 0; t /= 2) {
        if (t % 2 == 1) ret *= tmp;
        tmp = tmp * tmp;
    }
    return ret;
}

/* out[t] = <A_a, B_rows[t]> for CSR rows: A_a scattered into scratch (B->d). */
static void sparse_dots(double *out, const fm_svm_data *A, int64_t a, const fm_svm_data *B,
                        const int64_t *rows, int64_t n, double *scratch) {
    for (int64_t k = A->ptr[a]; k < A->ptr[a + 1]; k++) scratch[A->ind[k]] = A->vals[k];
    for (int64_t t = 0; t < n; t++) {
        const int64_t r = rows ? rows[t] : t;
        double s = 0.0;
        for (int64_t k = B->ptr[r]; k < B->ptr[r + 1]; k++) s += B->vals[k] * scratch[B->ind[k]];
        out[t] = s;
    }
    for (int64_t k = A->ptr[a]; k < A->ptr[a + 1]; k++) scratch[A->ind[k]] = 0.0;
}

static double row_sq(const fm_svm_data *A, int64_t a) {
    if (A->sq) return A->sq[a];
    double s = 0.0;
    if (A->vals) {
        for (int64_t k = A->ptr[a]; k < A->ptr[a + 1]; k++) s += A->vals[k] * A->vals[k];
    } else {
        const double *x = A->X + a * A->ldx;
        for (int64_t k = 0; k < A->d; k++) s += x[k] * x[k];
    }
    return s;
}

void fm_svm_row(double *out, const fm_svm_data *A, int64_t a, const fm_svm_data *B,
                const int64_t *rows, int64_t n, double *scratch) {
    if (A->kernel == FM_SVM_PRECOMPUTED) {
        const double *kr = A->X + a * A->ldx;
        for (int64_t t = 0; t < n; t++) out[t] = kr[rows ? rows[t] : t];
        return;
    }
    if (A->vals)
        sparse_dots(out, A, a, B, rows, n, scratch);
    else
        K->dots(out, B->X, B->ldx, A->X + a * A->ldx, rows, n, B->d);
    const double g = A->gamma, c0 = A->coef0;
    switch (A->kernel) {
    case FM_SVM_RBF:
        K->rbf(out, B->sq, rows, row_sq(A, a), g, n);
        break;
    case FM_SVM_POLY:
        for (int64_t t = 0; t < n; t++) out[t] = powi(g * out[t] + c0, A->degree);
        break;
    case FM_SVM_SIGMOID:
        for (int64_t t = 0; t < n; t++) out[t] = tanh(g * out[t] + c0);
        break;
    default:
        break;
    }
}

void fm_svm_row_panel(double *out, const fm_svm_data *A, int64_t a, const double *XT, int64_t ld,
                      const double *sq, int64_t lo, int64_t hi) {
    K->dots_t(out, XT, ld, A->X + a * A->ldx, lo, hi, A->d);
    const double g = A->gamma, c0 = A->coef0;
    switch (A->kernel) {
    case FM_SVM_RBF:
        K->rbf(out + lo, sq + lo, NULL, row_sq(A, a), g, hi - lo);
        break;
    case FM_SVM_POLY:
        for (int64_t t = lo; t < hi; t++) out[t] = powi(g * out[t] + c0, A->degree);
        break;
    case FM_SVM_SIGMOID:
        for (int64_t t = lo; t < hi; t++) out[t] = tanh(g * out[t] + c0);
        break;
    default:
        break;
    }
}

void fm_svm_apply(double *v, const fm_svm_data *D, double sqa, const double *sqb, int64_t n) {
    const double g = D->gamma, c0 = D->coef0;
    switch (D->kernel) {
    case FM_SVM_RBF:
        K->rbf(v, sqb, NULL, sqa, g, n);
        break;
    case FM_SVM_POLY:
        for (int64_t t = 0; t < n; t++) v[t] = powi(g * v[t] + c0, D->degree);
        break;
    case FM_SVM_SIGMOID:
        for (int64_t t = 0; t < n; t++) v[t] = tanh(g * v[t] + c0);
        break;
    default:
        break;
    }
}

void fm_svm_axpy_rows(double *acc, const float *const *rows, int64_t off, const double *coef,
                      int64_t nr, int64_t n) {
    K->axpy_rows(acc, rows, off, coef, nr, n);
}

void fm_svm_apply_f32(float *out, double *v, const fm_svm_data *D, double sqa, const double *sqb,
                      int64_t n) {
    if (D->kernel == FM_SVM_RBF) {
        K->rbf_f32(out, v, sqb, sqa, D->gamma, n);
        return;
    }
    fm_svm_apply(v, D, sqa, sqb, n);
    for (int64_t t = 0; t < n; t++) out[t] = (float)v[t];
}

void fm_svm_diag(double *qd, const fm_svm_data *D, const int64_t *rows, int64_t m) {
    for (int64_t a = 0; a < m; a++) {
        const int64_t r = rows[a];
        if (D->kernel == FM_SVM_PRECOMPUTED) {
            qd[a] = D->X[r * D->ldx + r];
            continue;
        }
        const double s = row_sq(D, r);
        switch (D->kernel) {
        case FM_SVM_RBF:
            qd[a] = 1.0;
            break;
        case FM_SVM_POLY:
            qd[a] = powi(D->gamma * s + D->coef0, D->degree);
            break;
        case FM_SVM_SIGMOID:
            qd[a] = tanh(D->gamma * s + D->coef0);
            break;
        default:
            qd[a] = s;
        }
    }
}

/* Dense points with a BLAS: all the inner products in one GEMM (Kmat = A B^T),
 * then the kernel applied row by row over the team. The RBF exponent is formed
 * as in fm_svm_row (sqa + sq_b - 2 <a, b>), only the dot products' summation
 * order differs (~1e-16 relative). FM_EINVAL when no BLAS is loaded. */
static int kernel_matrix_gemm(double *Kmat, const fm_svm_data *A, int64_t na,
                              const fm_svm_data *B, int64_t nb, int nthreads) {
    if (!fm_have_blas() || A->d <= 0) return FM_EINVAL;
    const double *sqb = B->sq;
    double *own = NULL;
    if (A->kernel == FM_SVM_RBF && !sqb) {
        own = malloc((size_t)nb * sizeof(double));
        if (!own) return FM_ENOMEM;
        for (int64_t j = 0; j < nb; j++) own[j] = row_sq(B, j);
        sqb = own;
    }
    int st = fm_gemm_f64(0, 1, na, nb, A->d, 1.0, A->X, A->ldx, B->X, B->ldx, 0.0, Kmat, nb,
                         nthreads);
    if (st == FM_OK && A->kernel != FM_SVM_LINEAR) {
        const int team = fm_team_size(nthreads, (double)na * (double)nb * 8.0);
        const double g = A->gamma, c0 = A->coef0;
#pragma omp parallel for schedule(static) num_threads(team)
        for (int64_t i = 0; i < na; i++) {
            double *out = Kmat + i * nb;
            switch (A->kernel) {
            case FM_SVM_RBF:
                K->rbf(out, sqb, NULL, row_sq(A, i), g, nb);
                break;
            case FM_SVM_POLY:
                for (int64_t t = 0; t < nb; t++) out[t] = powi(g * out[t] + c0, A->degree);
                break;
            case FM_SVM_SIGMOID:
                for (int64_t t = 0; t < nb; t++) out[t] = tanh(g * out[t] + c0);
                break;
            default:
                break;
            }
        }
    }
    free(own);
    return st;
}

FM_API int fm_svm_kernel_matrix(double *Kmat, const fm_svm_data *A, int64_t na,
                                const fm_svm_data *B, int64_t nb, int nthreads) {
    if (A->kernel == FM_SVM_PRECOMPUTED || (A->vals == NULL) != (B->vals == NULL))
        return FM_EINVAL;
    if (!A->vals) {
        const int st = kernel_matrix_gemm(Kmat, A, na, B, nb, nthreads);
        if (st != FM_EINVAL) return st;
    }
    const int team = fm_team_size(nthreads, (double)na * (double)nb * (double)(A->d + 8));
    double *scratch = NULL;
    if (A->vals) {
        scratch = calloc((size_t)team * (size_t)(B->d > 0 ? B->d : 1), sizeof(double));
        if (!scratch) return FM_ENOMEM;
    }
#pragma omp parallel for schedule(dynamic, 16) num_threads(team)
    for (int64_t i = 0; i < na; i++) {
        int tid = 0;
#if FASTML_HAVE_OPENMP
        tid = omp_get_thread_num();
#endif
        fm_svm_row(Kmat + i * nb, A, i, B, NULL, nb, scratch ? scratch + (size_t)tid * B->d : NULL);
    }
    free(scratch);
    return FM_OK;
}
