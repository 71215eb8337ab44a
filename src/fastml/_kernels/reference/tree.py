"""NumPy twin of csrc/tree.c (decision-tree growth on binned features)."""
