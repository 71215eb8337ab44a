"""The perceptron: SGDClassifier with the perceptron loss max(0, -y f(x)),
a constant learning rate eta0 and no penalty by default (scikit-learn's
definition), on fastml's compiled SGD epochs."""
from ._sgd import SGDClassifier

__all__ = ["Perceptron"]


class Perceptron(SGDClassifier):
    """Linear perceptron classifier (Rosenblatt): each misclassified sample
    (y f(x) <= 0) moves the weights by eta0 * y * x. Equivalent to
    SGDClassifier(loss="perceptron", learning_rate="constant", eta0=1,
    penalty=None); one-vs-rest for K > 2 classes (n_jobs threads).
    partial_fit runs one epoch."""

    # fixed by the model (not parameters)
    loss = "perceptron"
    learning_rate = "constant"
    power_t = 0.5
    epsilon = 0.1
    average = False

    _parameter_constraints = {k: v for k, v in SGDClassifier._parameter_constraints.items()
                              if k not in ("loss", "learning_rate", "power_t", "epsilon",
                                           "average")}

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0, n_jobs=None,
                 random_state=0, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False):
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

