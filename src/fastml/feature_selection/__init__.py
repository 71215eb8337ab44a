"""Feature selection: univariate filters and their scoring functions
(f_classif, f_regression, r_regression, chi2, mutual information on fastml's
k-d tree), VarianceThreshold, model-based selection (SelectFromModel),
recursive elimination (RFE, RFECV) and greedy stepwise selection
(SequentialFeatureSelector). Every selector has get_support,
inverse_transform and get_feature_names_out, and keeps sparse input sparse."""
from ._base import SelectorMixin
from ._from_model import SelectFromModel
from ._mutual_info import mutual_info_classif, mutual_info_regression
from ._rfe import RFE, RFECV
from ._sequential import SequentialFeatureSelector
from ._univariate import (GenericUnivariateSelect, SelectFdr, SelectFpr, SelectFwe, SelectKBest,
                          SelectPercentile, chi2, f_classif, f_oneway, f_regression,
                          r_regression)
from ._variance_threshold import VarianceThreshold

__all__ = ["SelectorMixin", "SelectFromModel", "mutual_info_classif", "mutual_info_regression",
           "RFE", "RFECV", "SequentialFeatureSelector", "GenericUnivariateSelect", "SelectFdr",
           "SelectFpr", "SelectFwe", "SelectKBest", "SelectPercentile", "chi2", "f_classif",
           "f_oneway", "f_regression", "r_regression", "VarianceThreshold"]
