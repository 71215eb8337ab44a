"""`python -m fastml demo`: short, self-checking tours on the bundled data.

Each entry of DEMOS names a module in this package with a
``run(print_fn) -> None`` function; it prints what fastml does and how fast
(against the plain NumPy version of the same computation).
"""
import importlib

DEMOS = [
    "distances",
    "neighbors",
    "linear",
    "trees",
    "clustering",
    "svm",
    "nn",
]


def run_all(names=None, print_fn=print):
    for name in names or DEMOS:
        mod = importlib.import_module(f"{__name__}.{name}")
        print_fn(f"\n== {name} " + "=" * max(0, 66 - len(name)))
        mod.run(print_fn)
