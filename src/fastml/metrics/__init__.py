"""Metrics: pairwise distances (and, as they land, classification/regression
scores)."""
from .pairwise import PAIRWISE_METRICS, pairwise_distances
from .pairwise import (cosine_distances, cosine_similarity, euclidean_distances,  # noqa: E402
                       linear_kernel, manhattan_distances)
from ._classification import (accuracy_score, balanced_accuracy_score,  # noqa: E402
                              classification_report, confusion_matrix, f1_score, fbeta_score,
                              log_loss, precision_recall_fscore_support,
                              precision_score, recall_score, roc_auc_score, roc_curve)
from ._regression import (explained_variance_score, mean_absolute_error,  # noqa: E402
                          mean_squared_error, r2_score, root_mean_squared_error)
from ._scorer import check_scoring, get_scorer  # noqa: E402

__all__ = ["PAIRWISE_METRICS", "pairwise_distances"]
__all__ += ["cosine_distances", "cosine_similarity", "euclidean_distances", "linear_kernel",
            "manhattan_distances"]
__all__ += ["accuracy_score", "balanced_accuracy_score", "classification_report",
            "confusion_matrix", "f1_score",
            "fbeta_score", "log_loss", "precision_recall_fscore_support", "precision_score",
            "recall_score", "roc_auc_score", "roc_curve", "explained_variance_score",
            "mean_absolute_error", "mean_squared_error", "r2_score", "root_mean_squared_error",
            "check_scoring", "get_scorer"]
