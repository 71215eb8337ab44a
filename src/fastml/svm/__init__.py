from ._linear import LinearSVC, LinearSVR
