"""NumPy twin of csrc/gram.c (same signature as the facade fastml._kernels.gram)."""
import numpy as np

MAX_M = 8192


def shifted_gram(X, Y, w, shift):
    """S = sum_i w_i z_i z_i^T with z_i = [X_i - shift[:p], Y_i - shift[p:], 1],
    (m, m) float64, m = p + k + 1; Y (n, k) or None; w (n,) or None."""
    n, p = X.shape
    Y = np.zeros((n, 0)) if Y is None else \
        np.asarray(Y, dtype=np.float64).reshape(n, 1 if np.ndim(Y) == 1 else np.shape(Y)[1])
    Z = np.concatenate([np.asarray(X, dtype=np.float64) - shift[:p], Y - shift[p:],
                        np.ones((n, 1))], axis=1)
    Zw = Z if w is None else Z * np.asarray(w, dtype=np.float64)[:, None]
    S = Zw.T @ Z
    # exactly symmetric, as the compiled kernel mirrors one triangle (a weighted
    # product's two triangles can differ in the last bit)
    iu = np.triu_indices_from(S, 1)
    S[iu] = S.T[iu]
    return S
