"""Activation curves (forward and autograd derivative of fastml.nn.functional)
and optimizer paths of fastml.nn.optim on 2-d functions."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from fastml.nn import functional as F  # noqa: E402
from fastml.nn.optim import LBFGS, SGD, Adam, RMSprop  # noqa: E402
from fastml.plot import TEST_FUNCTIONS, ActivationDisplay, OptimizerPathDisplay  # noqa: E402

_NUMPY = {
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "identity": lambda x: x,
}


def test_activation_values_and_derivatives():
    x = np.linspace(-4.0, 4.0, 81) + 0.013  # no grid point at the kinks
    disp = ActivationDisplay.from_functions(list(_NUMPY), x=x)
    h = 1e-6
    for name, ref in _NUMPY.items():
        np.testing.assert_allclose(disp.lines_[name].get_ydata(), ref(x), rtol=1e-10,
                                   atol=1e-12)
        fd = (ref(x + h) - ref(x - h)) / (2 * h)
        np.testing.assert_allclose(disp.derivative_lines_[name].get_ydata(), fd, atol=1e-6)
        np.testing.assert_array_equal(disp.lines_[name].get_xdata(), x)
        assert disp.lines_[name].get_color() == disp.derivative_lines_[name].get_color()
        assert disp.derivative_lines_[name].get_linestyle() == "--"
    assert disp.ax_.get_ylabel() == "f(x), f'(x)"


def test_activation_callable_and_no_derivative():
    def leaky02(t):
        return F.leaky_relu(t, 0.2)

    disp = ActivationDisplay.from_functions(leaky02, x=[-2.0, -1.0, 1.0], derivative=False)
    np.testing.assert_allclose(disp.lines_["leaky02"].get_ydata(), [-0.4, -0.2, 1.0])
    assert disp.derivative_lines_ == {}
    with pytest.raises(ValueError, match="unknown activation"):
        ActivationDisplay.from_functions(["swish"])


def test_sgd_path_on_the_quadratic_is_the_closed_form():
    lr, n = 0.05, 30
    disp = OptimizerPathDisplay.from_optimizers({"SGD": (SGD, {"lr": lr})},
                                                function="quadratic", n_steps=n)
    # f = x^2 / 2 + 5 y^2: x_k = (1 - lr)^k x_0, y_k = (1 - 10 lr)^k y_0
    k = np.arange(n + 1)
    want = np.c_[-4.0 * (1 - lr) ** k, 2.0 * (1 - 10 * lr) ** k]
    np.testing.assert_allclose(disp.paths["SGD"], want, rtol=1e-12)
    np.testing.assert_allclose(disp.lines_["SGD"].get_xdata(), want[:, 0])
    np.testing.assert_allclose(disp.lines_["SGD"].get_ydata(), want[:, 1])
    np.testing.assert_allclose(disp.losses["SGD"], 0.5 * want[:, 0] ** 2 + 5 * want[:, 1] ** 2)
    # the contour surface is the function on the grid
    np.testing.assert_allclose(disp.zz, 0.5 * disp.xx ** 2 + 5 * disp.yy ** 2)


def test_adam_and_rmsprop_paths_match_torch():
    torch = pytest.importorskip("torch")
    specs = {"Adam": (Adam, torch.optim.Adam, {"lr": 0.05}),
             "RMSprop": (RMSprop, torch.optim.RMSprop, {"lr": 0.01, "momentum": 0.5})}
    disp = OptimizerPathDisplay.from_optimizers(
        {name: (ours, kw) for name, (ours, _, kw) in specs.items()},
        function="rosenbrock", n_steps=60)
    for name, (_, theirs, kw) in specs.items():
        p = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
        opt = theirs([p], **kw)
        path = [p.detach().numpy().copy()]
        for _ in range(60):
            opt.zero_grad()
            loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
            loss.backward()
            opt.step()
            path.append(p.detach().numpy().copy())
        np.testing.assert_allclose(disp.paths[name], np.array(path), rtol=1e-9, atol=1e-12)


def test_lbfgs_reaches_the_rosenbrock_minimum():
    disp = OptimizerPathDisplay.from_optimizers(
        {"LBFGS": lambda params: LBFGS(params, lr=1, max_iter=20)},
        function="rosenbrock", n_steps=10)
    np.testing.assert_allclose(disp.paths["LBFGS"][-1], [1.0, 1.0], atol=1e-4)
    assert disp.losses["LBFGS"][-1] < 1e-8
    assert len(disp.lines_["LBFGS"].get_xdata()) == 11


def test_custom_function_and_errors():
    def bowl(p):
        return (p[0] - 1.0) ** 2 + (p[1] + 2.0) ** 2

    disp = OptimizerPathDisplay.from_optimizers({"SGD": (SGD, {"lr": 0.1})}, function=bowl,
                                                start=(3.0, 3.0), n_steps=50, resolution=20)
    np.testing.assert_allclose(disp.paths["SGD"][-1], [1.0, -2.0], atol=1e-4)
    assert disp.zz.shape == (20, 20)
    assert set(TEST_FUNCTIONS) >= {"rosenbrock", "himmelblau", "quadratic", "beale"}
    with pytest.raises(FloatingPointError, match="diverged"):
        OptimizerPathDisplay.from_optimizers({"SGD": (SGD, {"lr": 10.0})},
                                             function="rosenbrock", n_steps=50)
    with pytest.raises(ValueError, match="unknown function"):
        OptimizerPathDisplay.from_optimizers({"SGD": SGD}, function="sphere")
    with pytest.raises(ValueError, match="start"):
        OptimizerPathDisplay.from_optimizers({"SGD": (SGD, {"lr": 0.1})}, start=(1.0,))
    with pytest.raises(ValueError, match="n_steps"):
        OptimizerPathDisplay.from_optimizers({"SGD": (SGD, {"lr": 0.1})}, n_steps=0)
