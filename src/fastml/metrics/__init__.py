"""Metrics: pairwise distances, classification, ranking, regression and
supervised clustering scores, and the scorers model selection uses."""
from .pairwise import PAIRWISE_METRICS, pairwise_distances
from .pairwise import (cosine_distances, cosine_similarity, euclidean_distances,  # noqa: E402
                       linear_kernel, manhattan_distances)
from .pairwise import haversine_distances, nan_euclidean_distances  # noqa: E402
from ._classification import (accuracy_score, balanced_accuracy_score,  # noqa: E402
                              classification_report, confusion_matrix, log_loss,
                              precision_recall_fscore_support)
from ._prf import f1_score, fbeta_score, precision_score, recall_score  # noqa: E402
from ._roc import roc_auc_score, roc_curve  # noqa: E402
from ._classification_more import (brier_score_loss, class_likelihood_ratios,  # noqa: E402
                                   d2_brier_score, d2_log_loss_score, hamming_loss,
                                   jaccard_score, matthews_corrcoef,
                                   multilabel_confusion_matrix, zero_one_loss)
from ._ranking import (auc, average_precision_score, precision_recall_curve,  # noqa: E402
                       top_k_accuracy_score)
from ._regression import (d2_absolute_error_score, explained_variance_score,  # noqa: E402
                          max_error, mean_absolute_error, mean_absolute_percentage_error,
                          mean_gamma_deviance, mean_poisson_deviance, mean_squared_error,
                          mean_squared_log_error, mean_tweedie_deviance,
                          median_absolute_error, r2_score, root_mean_squared_error,
                          root_mean_squared_log_error, mean_pinball_loss,
                          d2_pinball_score, d2_tweedie_score)
from ._cluster import (adjusted_mutual_info_score, adjusted_rand_score,  # noqa: E402
                       completeness_score, fowlkes_mallows_score,
                       homogeneity_completeness_v_measure, homogeneity_score,
                       mutual_info_score, normalized_mutual_info_score, pair_confusion_matrix,
                       rand_score, v_measure_score)
from ._scorer import check_scoring, get_scorer, get_scorer_names, make_scorer  # noqa: E402

__all__ = ["PAIRWISE_METRICS", "pairwise_distances"]
__all__ += ["cosine_distances", "cosine_similarity", "euclidean_distances", "linear_kernel",
            "manhattan_distances"]
__all__ += ["accuracy_score", "balanced_accuracy_score", "classification_report",
            "confusion_matrix", "f1_score",
            "fbeta_score", "log_loss", "precision_recall_fscore_support", "precision_score",
            "recall_score", "roc_auc_score", "roc_curve", "explained_variance_score",
            "mean_absolute_error", "mean_squared_error", "r2_score", "root_mean_squared_error",
            "check_scoring", "get_scorer"]
__all__ += ["brier_score_loss", "class_likelihood_ratios", "d2_brier_score",
            "d2_log_loss_score", "hamming_loss", "jaccard_score", "matthews_corrcoef",
            "zero_one_loss", "average_precision_score", "top_k_accuracy_score",
            "d2_absolute_error_score", "max_error", "mean_absolute_percentage_error",
            "mean_gamma_deviance", "mean_poisson_deviance", "mean_squared_log_error",
            "mean_tweedie_deviance", "median_absolute_error", "root_mean_squared_log_error",
            "adjusted_mutual_info_score", "adjusted_rand_score", "completeness_score",
            "fowlkes_mallows_score", "homogeneity_completeness_v_measure",
            "homogeneity_score", "mutual_info_score", "normalized_mutual_info_score",
            "pair_confusion_matrix", "rand_score", "v_measure_score", "get_scorer_names",
            "make_scorer", "auc", "precision_recall_curve", "multilabel_confusion_matrix",
            "mean_pinball_loss", "d2_pinball_score", "d2_tweedie_score",
            "haversine_distances", "nan_euclidean_distances"]
