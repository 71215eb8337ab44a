"""Constants shared by the hgb facade and its twin: loss codes and the node layout."""
import numpy as np

LOSSES = {"squared_error": 0, "absolute_error": 1, "gamma": 2, "poisson": 3, "quantile": 4,
          "log_loss_binary": 5, "log_loss_multinomial": 6}

#: one tree node; the layout of fm_hgb_node (csrc/hgb.h)
NODE_DTYPE = np.dtype([("value", "f8"), ("threshold", "f8"), ("feature", "i4"), ("left", "i4"),
                       ("right", "i4"), ("missing_left", "u1"), ("is_cat", "u1"),
                       ("bin", "u2"), ("cat", "i4"), ("start", "i4"), ("count", "i4"),
                       ("depth", "i4"), ("gain", "f8")])
