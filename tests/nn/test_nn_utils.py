"""nn.utils: clip_grad_norm_ / clip_grad_value_ against torch, parameters_to_vector /
vector_to_parameters (round trip, gradient flow, errors)."""
import numpy as np
import pytest

from fastml import nn


def _grads(rng):
    return [rng.standard_normal((3, 4)) * 3, rng.standard_normal(5)]


@pytest.mark.parametrize("norm_type", [1.0, 2.0, 3.5, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, rng):
    torch = pytest.importorskip("torch")
    gs = _grads(rng)
    ps = [nn.Parameter(np.zeros_like(g)) for g in gs]
    ts = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in gs]
    for p, t, g in zip(ps, ts, gs):
        p.grad, t.grad = g.copy(), torch.tensor(g)
    total = nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type=norm_type)
    assert total.item() == pytest.approx(ttotal.item(), rel=1e-12)
    for p, t in zip(ps, ts):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_nonfinite():
    p = nn.Parameter(np.zeros(3))
    p.grad = np.array([1.0, np.inf, 2.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="max_norm"):
        nn.utils.clip_grad_norm_([p], -1.0)
    p.grad = np.array([3.0, 4.0, 0.0])
    assert nn.utils.clip_grad_norm_(p, 1.0, foreach=None) == pytest.approx(5.0)


def test_clip_grad_value_matches_torch(rng):
    torch = pytest.importorskip("torch")
    gs = _grads(rng)
    ps = [nn.Parameter(np.zeros_like(g)) for g in gs]
    ts = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in gs]
    for p, t, g in zip(ps, ts, gs):
        p.grad, t.grad = g.copy(), torch.tensor(g)
    nn.utils.clip_grad_value_(ps, 0.7)
    torch.nn.utils.clip_grad_value_(ts, 0.7)
    for p, t in zip(ps, ts):
        np.testing.assert_array_equal(p.grad, t.grad.numpy())


def test_parameters_to_vector_round_trip_and_gradient(rng):
    torch = pytest.importorskip("torch")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    model.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    v = nn.utils.parameters_to_vector(model.parameters())
    tv = torch.nn.utils.parameters_to_vector(ref.parameters())
    np.testing.assert_array_equal(v.data, tv.detach().numpy())
    assert v.shape == (4 * 3 + 4 + 2 * 4 + 2,)
    (v * v).sum().backward()  # differentiable, as torch's
    for p in model.parameters():
        np.testing.assert_allclose(p.grad, 2 * p.data, rtol=1e-6)
    new = rng.standard_normal(v.shape[0]).astype(np.float32)
    nn.utils.vector_to_parameters(nn.tensor(new), model.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), ref.parameters())
    for p, q in zip(model.parameters(), ref.parameters()):
        assert p.data.dtype == np.float32
        np.testing.assert_array_equal(p.data, q.detach().numpy())


def test_vector_to_parameters_errors():
    ps = [nn.Parameter(np.zeros(3)), nn.Parameter(np.zeros((2, 2)))]
    with pytest.raises(TypeError, match="expected fastml.nn.Tensor"):
        nn.utils.vector_to_parameters(np.zeros(7), ps)
    with pytest.raises(ValueError, match="6 elements, the parameters hold 7"):
        nn.utils.vector_to_parameters(nn.tensor(np.zeros(6)), ps)
    with pytest.raises(TypeError, match="iterable"):
        nn.utils.parameters_to_vector(np.zeros(3))
