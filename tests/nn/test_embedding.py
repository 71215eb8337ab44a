"""nn.Embedding / F.embedding vs torch: lookups and gradients (random shapes,
repeated indices, padding_idx, scale_grad_by_freq), max_norm renormalising
the looked-up rows in place, from_pretrained(freeze=), init, state_dict, repr,
bad input; the vectorised scatter-add vs a brute-force np.add.at oracle."""
import numpy as np
import pytest

from fastml import nn
from fastml.nn import functional as F


@pytest.mark.parametrize("seed", range(6))
def test_embedding_matches_torch_float64(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    V, D = int(rng.integers(1, 30)), int(rng.integers(1, 9))
    shape = tuple(int(v) for v in rng.integers(1, 6, int(rng.integers(1, 4))))
    idx = rng.integers(0, V, shape)
    kw = {}
    if seed % 2:
        kw["padding_idx"] = int(rng.integers(-V, V))
    if seed % 3 == 2:
        kw["scale_grad_by_freq"] = True
    nn.manual_seed(seed)
    emb = nn.Embedding(V, D, dtype=np.float64, **kw)
    temb = torch.nn.Embedding(V, D, dtype=torch.float64, **kw)
    temb.load_state_dict({k: torch.tensor(v) for k, v in emb.state_dict().items()})
    y = emb(idx)
    ty = temb(torch.tensor(idx))
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    w = rng.standard_normal(y.shape)
    (y * nn.Tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(emb.weight.grad, temb.weight.grad.numpy(), rtol=1e-12,
                               atol=1e-14)
    if "padding_idx" in kw:
        assert (emb.weight.grad[kw["padding_idx"]] == 0).all()


def test_scatter_add_matches_add_at_oracle(rng):
    V, D, N = 50_000, 16, 3000
    idx = rng.integers(0, 40, N) * 1000 + rng.integers(0, 3, N)  # many repeats, far apart
    w = nn.Parameter(rng.standard_normal((V, D)))
    g = rng.standard_normal((N, D))
    out = F.embedding(nn.Tensor(idx), w)
    out.backward(g)
    want = np.zeros((V, D))
    np.add.at(want, idx, g)
    np.testing.assert_allclose(w.grad, want, rtol=1e-12, atol=1e-12)


def test_padding_row_init_and_gradient_float32(rng):
    torch = pytest.importorskip("torch")
    emb = nn.Embedding(20, 6, padding_idx=3)
    assert emb.weight.data.dtype == np.float32 and (emb.weight.data[3] == 0).all()
    assert abs(emb.weight.data.std() - 1) < 0.3  # N(0, 1) init as torch
    temb = torch.nn.Embedding(20, 6, padding_idx=3)
    temb.load_state_dict({k: torch.tensor(v) for k, v in emb.state_dict().items()})
    idx = rng.integers(0, 20, (8, 5))
    idx[0, :3] = 3
    y, ty = emb(nn.Tensor(idx)), temb(torch.tensor(idx))
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(emb.weight.grad, temb.weight.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0])
def test_max_norm_renormalises_looked_up_rows_in_place(norm_type, rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(0)
    emb = nn.Embedding(12, 5, max_norm=1.5, norm_type=norm_type, dtype=np.float64)
    temb = torch.nn.Embedding(12, 5, max_norm=1.5, norm_type=norm_type, dtype=torch.float64)
    temb.load_state_dict({k: torch.tensor(v) for k, v in emb.state_dict().items()})
    idx = np.array([[0, 2, 2, 7], [7, 1, 0, 5]])
    before = emb.weight.data.copy()
    y = emb(idx)
    ty = temb(torch.tensor(idx))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(emb.weight.data, temb.weight.detach().numpy(), rtol=1e-12)
    untouched = [i for i in range(12) if i not in idx]
    np.testing.assert_array_equal(emb.weight.data[untouched], before[untouched])
    norms = np.linalg.norm(emb.weight.data[np.unique(idx)], ord=norm_type, axis=1)
    assert (norms <= 1.5 + 1e-9).all()
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    np.testing.assert_allclose(emb.weight.grad, temb.weight.grad.numpy(), rtol=1e-12)


def test_from_pretrained_freeze_and_functional(rng):
    torch = pytest.importorskip("torch")
    w = rng.standard_normal((7, 3))
    frozen = nn.Embedding.from_pretrained(w)
    assert not frozen.weight.requires_grad and frozen.weight.data.dtype == np.float64
    np.testing.assert_array_equal(frozen(np.array([1, 6])).data, w[[1, 6]])
    live = nn.Embedding.from_pretrained(w, freeze=False, padding_idx=2)
    assert live.weight.requires_grad and (live.weight.data[2] == w[2]).all()  # not zeroed
    assert repr(live) == repr(torch.nn.Embedding.from_pretrained(torch.tensor(w),
                                                                 padding_idx=2))
    out = live(np.array([[2, 0], [0, 1]]))
    out.sum().backward()
    np.testing.assert_array_equal(live.weight.grad[:3], [[2] * 3, [1] * 3, [0] * 3])
    # F.embedding on a plain weight tensor
    W = nn.Tensor(w, requires_grad=True)
    tW = torch.tensor(w, requires_grad=True)
    idx = rng.integers(0, 7, (3, 4))
    y = F.embedding(idx, W, padding_idx=-1)
    ty = torch.nn.functional.embedding(torch.tensor(idx), tW, padding_idx=6)
    np.testing.assert_array_equal(y.data, ty.detach().numpy())
    (y ** 3).sum().backward()
    (ty ** 3).sum().backward()
    np.testing.assert_allclose(W.grad, tW.grad.numpy(), rtol=1e-12)


def test_embedding_gradcheck(rng):
    W = nn.Tensor(rng.standard_normal((6, 3)), requires_grad=True)
    idx = np.array([[0, 1, 1], [5, 0, 3]])
    assert nn.gradcheck(lambda w: F.embedding(idx, w) ** 2, (W,))  # (padding_idx: by design no gradient)


def test_repr_state_dict_and_bad_inputs():
    torch = pytest.importorskip("torch")
    for kw in ({}, dict(padding_idx=-2), dict(max_norm=2.0, norm_type=1.0),
               dict(scale_grad_by_freq=True)):
        assert repr(nn.Embedding(10, 4, **kw)) == repr(torch.nn.Embedding(10, 4, **kw))
    assert list(nn.Embedding(10, 4).state_dict()) == ["weight"]
    emb = nn.Embedding(10, 4)
    with pytest.raises(IndexError, match="out of range"):
        emb(np.array([3, 10]))
    with pytest.raises(IndexError, match="out of range"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match="integer"):
        emb(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="padding_idx must be within num_embeddings"):
        nn.Embedding(10, 4, padding_idx=10)
    with pytest.raises(ValueError, match="padding_idx must be within num_embeddings"):
        nn.Embedding(10, 4, padding_idx=-11)
    with pytest.raises(ValueError, match="sparse"):
        nn.Embedding(10, 4, sparse=True)
    with pytest.raises(ValueError, match="2-dimensional"):
        nn.Embedding.from_pretrained(np.zeros(3))
    with pytest.raises(ValueError, match="embedding_dim"):
        nn.Embedding(10, -1)
