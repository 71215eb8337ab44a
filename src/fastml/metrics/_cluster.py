"""Supervised clustering metrics (compare a clustering with reference labels),
with scikit-learn's definitions, special cases and values. Everything derives
from the contingency table of the two labelings."""
import numpy as np

__all__ = ["contingency_matrix", "pair_confusion_matrix", "mutual_info_score",
           "normalized_mutual_info_score", "adjusted_mutual_info_score",
           "homogeneity_completeness_v_measure", "homogeneity_score", "completeness_score",
           "v_measure_score", "rand_score", "adjusted_rand_score", "fowlkes_mallows_score"]


def _check_clusterings(labels_true, labels_pred):
    labels_true = np.asarray(labels_true)
    labels_pred = np.asarray(labels_pred)
    if labels_true.ndim != 1:
        raise ValueError(f"labels_true must be 1D: shape is {labels_true.shape}")
    if labels_pred.ndim != 1:
        raise ValueError(f"labels_pred must be 1D: shape is {labels_pred.shape}")
    if len(labels_true) != len(labels_pred):
        raise ValueError("Found input variables with inconsistent numbers of samples: "
                         f"[{len(labels_true)}, {len(labels_pred)}]")
    for name, y in (("labels_true", labels_true), ("labels_pred", labels_pred)):
        if y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"{name} must contain class labels, got continuous values.")
    return labels_true, labels_pred


def contingency_matrix(labels_true, labels_pred):
    """Dense (n_classes, n_clusters) int64 table of co-occurrence counts."""
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    _, ci = np.unique(labels_true, return_inverse=True)
    _, ki = np.unique(labels_pred, return_inverse=True)
    n_c, n_k = (ci.max() + 1 if len(ci) else 0), (ki.max() + 1 if len(ki) else 0)
    return np.bincount(ci * n_k + ki, minlength=n_c * n_k).reshape(n_c, n_k).astype(np.int64)


def _entropy_of_counts(counts):
    counts = np.asarray(counts, dtype=np.float64)
    counts = counts[counts > 0]
    n = counts.sum()
    if counts.size <= 1:
        return 0.0
    return float(-np.sum(counts / n * (np.log(counts) - np.log(n))))


def _mi_from_contingency(C):
    C = np.asarray(C, dtype=np.float64)
    n = C.sum()
    if C.shape[0] <= 1 or C.shape[1] <= 1 or n == 0:
        return 0.0
    a, b = C.sum(axis=1), C.sum(axis=0)
    i, j = np.nonzero(C)
    nij = C[i, j]
    mi = nij / n * (np.log(nij) + np.log(n) - np.log(a[i]) - np.log(b[j]))
    return float(max(mi.sum(), 0.0))


def mutual_info_score(labels_true, labels_pred, *, contingency=None):
    """Mutual information (natural log) between two labelings."""
    if contingency is None:
        C = contingency_matrix(labels_true, labels_pred)
    else:
        C = contingency.toarray() if hasattr(contingency, "toarray") else np.asarray(contingency)
        if C.dtype.kind not in "iuf":
            raise ValueError(f"Unsupported type for 'contingency': {C.dtype}")
    return _mi_from_contingency(C)


def homogeneity_completeness_v_measure(labels_true, labels_pred, *, beta=1.0):
    """(homogeneity, completeness, V-measure); a labeling with zero entropy
    counts as perfectly homogeneous / complete (1.0)."""
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    if len(labels_true) == 0:
        return 1.0, 1.0, 1.0
    C = contingency_matrix(labels_true, labels_pred)
    h_c = _entropy_of_counts(C.sum(axis=1))
    h_k = _entropy_of_counts(C.sum(axis=0))
    mi = _mi_from_contingency(C)
    homogeneity = mi / h_c if h_c else 1.0
    completeness = mi / h_k if h_k else 1.0
    if homogeneity + completeness == 0.0:
        v = 0.0
    else:
        v = (1 + beta) * homogeneity * completeness / (beta * homogeneity + completeness)
    return float(homogeneity), float(completeness), float(v)


def homogeneity_score(labels_true, labels_pred):
    """Each cluster holds members of a single class (1.0 = perfectly)."""
    return homogeneity_completeness_v_measure(labels_true, labels_pred)[0]


def completeness_score(labels_true, labels_pred):
    """All members of a class fall in the same cluster (1.0 = perfectly)."""
    return homogeneity_completeness_v_measure(labels_true, labels_pred)[1]


def v_measure_score(labels_true, labels_pred, *, beta=1.0):
    """Weighted harmonic mean of homogeneity and completeness."""
    return homogeneity_completeness_v_measure(labels_true, labels_pred, beta=beta)[2]


def _generalized_mean(u, v, method):
    if method == "min":
        return min(u, v)
    if method == "max":
        return max(u, v)
    if method == "geometric":
        return float(np.sqrt(u * v))
    if method == "arithmetic":
        return (u + v) / 2.0
    raise ValueError("'average_method' must be 'min', 'geometric', 'arithmetic', or 'max'")


def _trivial(C):
    """Both labelings constant (or empty): a perfect match by convention."""
    return (C.shape[0] == C.shape[1] == 1) or (C.shape[0] == C.shape[1] == 0)


def normalized_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic"):
    """MI divided by the `average_method` mean of the two entropies."""
    C = contingency_matrix(labels_true, labels_pred)
    _generalized_mean(0.0, 0.0, average_method)
    if _trivial(C):
        return 1.0
    mi = _mi_from_contingency(C)
    if mi == 0:
        return 0.0
    norm = _generalized_mean(_entropy_of_counts(C.sum(axis=1)),
                             _entropy_of_counts(C.sum(axis=0)), average_method)
    return float(mi / norm)


def _expected_mutual_info(C):
    """E[MI] under the hypergeometric model of random labelings with the same
    class and cluster sizes (Vinh, Epps & Bailey 2010): for every class i and
    cluster j, the sum over the feasible cell counts nij of
    nij/n log(n nij / (a_i b_j)) times the hypergeometric probability of nij
    (from log-gamma terms). One class at a time, vectorised over its clusters
    and their feasible counts."""
    from scipy.special import gammaln

    a = C.sum(axis=1).astype(np.int64)
    b = C.sum(axis=0).astype(np.int64)
    n = int(C.sum())
    lg = gammaln(np.arange(n + 2, dtype=np.float64))  # lg[k] = log((k - 1)!)
    lg_b = lg[b + 1] + lg[n - b + 1] - lg[n + 1]
    log_b = np.log(b.astype(np.float64))
    emi = 0.0
    for ai in a.tolist():
        lo = np.maximum(1, ai + b - n)
        hi = np.minimum(ai, b)
        cnt = np.maximum(hi - lo + 1, 0)
        total = int(cnt.sum())
        if total == 0:
            continue
        col = np.repeat(np.arange(len(b)), cnt)
        start = np.repeat(np.cumsum(cnt) - cnt, cnt)
        nij = lo[col] + (np.arange(total) - start)
        bj = b[col]
        log_p = (lg[ai + 1] + lg[n - ai + 1] + lg_b[col] - lg[nij + 1] - lg[ai - nij + 1]
                 - lg[bj - nij + 1] - lg[n - ai - bj + nij + 1])
        term = nij / n * (np.log(n) + np.log(nij) - np.log(ai) - log_b[col])
        emi += float(np.sum(term * np.exp(log_p)))
    return emi


def adjusted_mutual_info_score(labels_true, labels_pred, *, average_method="arithmetic"):
    """(MI - E[MI]) / (mean(H_true, H_pred) - E[MI]): 1.0 for identical
    labelings, about 0 for independent ones."""
    C = contingency_matrix(labels_true, labels_pred)
    _generalized_mean(0.0, 0.0, average_method)
    if _trivial(C):
        return 1.0
    mi = _mi_from_contingency(C)
    emi = _expected_mutual_info(C)
    norm = _generalized_mean(_entropy_of_counts(C.sum(axis=1)),
                             _entropy_of_counts(C.sum(axis=0)), average_method)
    den = norm - emi
    eps = np.finfo(np.float64).eps
    den = min(den, -eps) if den < 0 else max(den, eps)
    return float((mi - emi) / den)


def pair_confusion_matrix(labels_true, labels_pred):
    """2x2 counts over ordered sample pairs: [[different/different,
    different/same], [same/different, same/same]] (true, predicted)."""
    C = contingency_matrix(labels_true, labels_pred)
    n = int(C.sum())
    rows = C.sum(axis=1)
    cols = C.sum(axis=0)
    sq = int((C.astype(object) ** 2).sum())
    out = np.empty((2, 2), dtype=np.int64)
    out[1, 1] = sq - n
    out[0, 1] = int((C.astype(object) @ cols.astype(object)).sum()) - sq
    out[1, 0] = int((C.T.astype(object) @ rows.astype(object)).sum()) - sq
    out[0, 0] = n * n - out[0, 1] - out[1, 0] - sq
    return out


def rand_score(labels_true, labels_pred):
    """Fraction of sample pairs on which the two labelings agree."""
    pc = pair_confusion_matrix(labels_true, labels_pred)
    num, den = int(pc.trace()), int(pc.sum())
    if num == den or den == 0:
        return 1.0
    return num / den


def adjusted_rand_score(labels_true, labels_pred):
    """Rand index adjusted for chance (Hubert & Arabie): 1.0 identical, about 0
    random, may be negative."""
    (tn, fp), (fn, tp) = (tuple(int(v) for v in row)
                          for row in pair_confusion_matrix(labels_true, labels_pred))
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def fowlkes_mallows_score(labels_true, labels_pred):
    """Geometric mean of pairwise precision and recall."""
    labels_true, labels_pred = _check_clusterings(labels_true, labels_pred)
    n = len(labels_true)
    C = contingency_matrix(labels_true, labels_pred).astype(np.float64)
    tk = float((C ** 2).sum() - n)
    pk = float((C.sum(axis=0) ** 2).sum() - n)
    qk = float((C.sum(axis=1) ** 2).sum() - n)
    return float(np.sqrt(tk / pk) * np.sqrt(tk / qk)) if tk != 0.0 else 0.0
