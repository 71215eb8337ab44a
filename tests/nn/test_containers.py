"""ModuleDict / ParameterList / ParameterDict and non-persistent buffers: registration,
state_dict keys equal to torch's (a torch state_dict loads), dict/list protocol, errors."""
import pickle

import numpy as np
import pytest

from fastml import nn


def Heads(lib):
    """The same model class written against fastml.nn or torch.nn."""

    class _Heads(lib.Module):
        def __init__(self):
            super().__init__()
            self.heads = lib.ModuleDict({"cls": lib.Linear(4, 3), "reg": lib.Linear(4, 1)})
            self.scales = lib.ParameterList([lib.Parameter(_ones(lib, 3)),
                                             lib.Parameter(_ones(lib, 1))])
            self.extra = lib.ParameterDict({"bias": lib.Parameter(_ones(lib, 2))})

        def forward(self, x):
            return [self.heads[k](x) * s for k, s in zip(["cls", "reg"], self.scales)]

    return _Heads()


def _ones(lib, n):
    if lib is nn:
        return np.ones(n, np.float32)
    import torch

    return torch.ones(n)


def test_state_dict_keys_match_torch_and_torch_weights_load():
    torch = pytest.importorskip("torch")
    ref = Heads(torch.nn)
    model = Heads(nn)
    assert list(model.state_dict()) == list(ref.state_dict())
    sd = {k: v.detach().numpy() * 1.5 for k, v in ref.state_dict().items()}
    model.load_state_dict(sd)
    for k, v in sd.items():
        np.testing.assert_array_equal(model.state_dict()[k], v)
    assert len(list(model.parameters())) == len(list(ref.parameters())) == 7


def test_module_dict_protocol():
    d = nn.ModuleDict()
    d["a"] = nn.Linear(2, 2)
    d.update([("b", nn.ReLU()), ("c", nn.Tanh())])
    assert list(d) == ["a", "b", "c"] and len(d) == 3 and "b" in d
    assert list(d.keys()) == ["a", "b", "c"]
    assert isinstance(d.pop("b"), nn.ReLU) and "b" not in d
    del d["c"]
    assert [k for k, _ in d.items()] == ["a"] and len(list(d.values())) == 1
    assert len(list(d.parameters())) == 2
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []
    with pytest.raises(TypeError, match="string"):
        d[1] = nn.ReLU()
    with pytest.raises(TypeError, match="not a Module"):
        d["x"] = 3
    with pytest.raises(ValueError, match="key-value pair"):
        nn.ModuleDict([nn.ReLU()])
    with pytest.raises(TypeError, match="iterable"):
        d.update(nn.ReLU())
    assert "(a): Linear" in repr(nn.ModuleDict({"a": nn.Linear(1, 1)}))


def test_parameter_list_protocol_and_wrapping():
    pl = nn.ParameterList([np.zeros(2), nn.tensor([1.0, 2.0])])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(nn.Parameter(np.ones((2, 3))))
    pl += [np.ones(1)]
    assert len(pl) == 4 and pl[-1].shape == (1,)
    assert [k for k, _ in pl.named_parameters()] == ["0", "1", "2", "3"]
    pl[1] = np.full(2, 7.0)
    np.testing.assert_array_equal(pl[1].data, [7.0, 7.0])
    assert len(pl[1:3]) == 2
    with pytest.raises(IndexError):
        pl[4]
    with pytest.raises(TypeError, match="parameter container"):
        pl.append("w")
    r = repr(pl)
    assert r.startswith("ParameterList(")
    assert "(2): Parameter containing: [float64 of size 2x3]" in r


def test_parameter_dict_protocol():
    pd = nn.ParameterDict({"w": np.ones(3)})
    pd["b"] = nn.Parameter(np.zeros(1))
    assert list(pd) == ["w", "b"] and "w" in pd and pd.get("z") is None
    assert isinstance(pd["w"], nn.Parameter)
    assert pd.pop("w").shape == (3,) and list(pd.keys()) == ["b"]
    pd.update({"c": np.ones(2)})
    assert [k for k, _ in pd.named_parameters()] == ["b", "c"]
    assert "(c): Parameter containing: [float64 of size 2]" in repr(pd)
    pd.clear()
    assert len(pd) == 0


def test_containers_train_with_an_optimizer():
    nn.manual_seed(0)
    m = Heads(nn)
    opt = nn.optim.SGD(m.parameters(), lr=0.1)
    x = nn.tensor(np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32))
    before = [p.data.copy() for p in m.parameters()]
    out = m(x)
    (out[0].sum() + out[1].sum()).backward()
    opt.step()
    changed = [not np.array_equal(b, p.data) for b, p in zip(before, m.parameters())]
    assert sum(changed) == 6  # all but the unused ParameterDict entry


def test_non_persistent_buffers_are_left_out_of_state_dict():
    torch = pytest.importorskip("torch")

    def build(lib, arr):
        m = lib.Module() if lib is nn else lib.nn.Module()
        m.register_buffer("kept", arr(np.arange(3.0)))
        m.register_buffer("scratch", arr(np.zeros(2)), persistent=False)
        return m

    ours = build(nn, np.asarray)
    theirs = build(torch, torch.tensor)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["kept"]
    assert [k for k, _ in ours.named_buffers()] == ["kept", "scratch"]
    ours.load_state_dict({"kept": np.ones(3)})  # strict: "scratch" is not expected
    np.testing.assert_array_equal(ours.kept, np.ones(3))
    ours.double()
    assert "scratch" not in ours.state_dict()
    ours.register_buffer("scratch", np.ones(2))  # re-registered persistent
    assert "scratch" in ours.state_dict()
    clone = pickle.loads(pickle.dumps(ours))
    assert list(clone.state_dict()) == ["kept", "scratch"]


def test_register_buffer_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("weight", np.zeros(2))
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", np.zeros(2))
    with pytest.raises(TypeError, match="buffer name should be a string"):
        m.register_buffer(3, np.zeros(2))
    with pytest.raises(TypeError, match="cannot assign 'list'"):
        m.register_buffer("c", [1, 2])
    m.register_buffer("t", nn.tensor([1.0, 2.0]))
    assert isinstance(m.t, np.ndarray) and "t" in m.state_dict()
