"""The loss names SGDClassifier / SGDRegressor accept and their
``loss_functions`` attribute (scikit-learn's layout)."""

_CLF_LOSSES = ("hinge", "log_loss", "modified_huber", "squared_hinge", "perceptron",
               "squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")
_REG_LOSSES = ("squared_error", "huber", "epsilon_insensitive", "squared_epsilon_insensitive")


class _LossFunctions:
    """``loss_functions``: {loss name: (name, epsilon or margin)} for the losses
    the estimator accepts, as scikit-learn exposes it (the huber / epsilon
    entries carry the instance's current epsilon; 0.1 on the class)."""

    def __set_name__(self, owner, name):
        self._name = name

    def __get__(self, obj, owner):
        eps = 0.1 if obj is None else float(obj.epsilon)
        out = {}
        for loss in owner._LOSSES:
            if loss in ("huber", "epsilon_insensitive", "squared_epsilon_insensitive"):
                out[loss] = (loss, eps)
            elif loss in ("hinge", "squared_hinge"):
                out[loss] = (loss, 1.0)
            elif loss == "perceptron":
                out[loss] = ("hinge", 0.0)
            else:
                out[loss] = (loss,)
        return out
