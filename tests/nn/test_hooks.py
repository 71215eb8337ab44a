"""Forward pre-hooks, forward hooks and full backward hooks against torch's (same
call order, arguments, replacements of inputs/outputs/gradients), and handles."""
import numpy as np
import pytest

from fastml import nn


def _pair(torch, seed=0):
    torch.manual_seed(seed)
    ref = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 3))
    ref.double()
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)).double()
    model.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    return model, ref


def _np(x):
    return None if x is None else (x.detach().numpy() if hasattr(x, "detach") else
                                   np.asarray(getattr(x, "data", x)))


def test_forward_hooks_see_and_replace_like_torch():
    torch = pytest.importorskip("torch")
    model, ref = _pair(torch)
    x = np.random.default_rng(0).standard_normal((6, 5))
    logs = {"ours": [], "theirs": []}

    def hooks(m, key):
        log = logs[key]
        pre = m[0].register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        fwd = m[1].register_forward_hook(lambda mod, args, out: log.append(
            (_np(args[0]).copy(), _np(out).copy())))
        rep = m[2].register_forward_hook(lambda mod, args, out: out + 1)
        return pre, fwd, rep

    handles = [hooks(model, "ours"), hooks(ref, "theirs")]
    y = model(nn.tensor(x))
    yt = ref(torch.tensor(x))
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
    for (a, b), (c, d) in zip(logs["ours"], logs["theirs"]):
        np.testing.assert_allclose(a, c, rtol=1e-12)
        np.testing.assert_allclose(b, d, rtol=1e-12)
    for hs in handles:
        for h in hs:
            h.remove()
    np.testing.assert_allclose(model(nn.tensor(x)).data, ref(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12)
    assert len(logs["ours"]) == 1  # removed hooks no longer run


def test_hook_order_prepend_and_kwargs():
    order = []
    lin = nn.Linear(2, 2)
    lin.register_forward_hook(lambda m, a, o: order.append("first"))
    lin.register_forward_hook(lambda m, a, o: order.append("prepended"), prepend=True)
    lin.register_forward_pre_hook(lambda m, a, kw: order.append(("pre", kw)) or None,
                                  with_kwargs=True)
    lin.register_forward_hook(lambda m, a, kw, o: order.append(("kw", kw)), with_kwargs=True)
    lin(nn.tensor(np.ones((1, 2), np.float32)))
    assert order == [("pre", {}), "prepended", "first", ("kw", {})]
    with lin.register_forward_hook(lambda m, a, o: order.append("ctx")):
        lin(nn.tensor(np.ones((1, 2), np.float32)))
    assert order.count("ctx") == 1
    lin(nn.tensor(np.ones((1, 2), np.float32)))
    assert order.count("ctx") == 1
    bad = nn.Linear(2, 2)
    bad.register_forward_pre_hook(lambda m, a, kw: 5, with_kwargs=True)
    with pytest.raises(RuntimeError, match="new_args, new_kwargs"):
        bad(nn.tensor(np.ones((1, 2), np.float32)))


def test_full_backward_hook_matches_torch():
    torch = pytest.importorskip("torch")
    model, ref = _pair(torch)
    x = np.random.default_rng(1).standard_normal((6, 5))
    seen = {"ours": [], "theirs": []}

    def register(m, key):
        def hook(mod, gin, gout):
            seen[key].append((type(mod).__name__, [_np(g) for g in gin], [_np(g) for g in gout]))
        return [mod.register_full_backward_hook(hook) for mod in m]

    register(model, "ours")
    register(ref, "theirs")
    xt = torch.tensor(x, requires_grad=True)
    xf = nn.tensor(x, requires_grad=True)
    (model(xf) ** 2).sum().backward()
    (ref(xt) ** 2).sum().backward()
    assert [s[0] for s in seen["ours"]] == [s[0] for s in seen["theirs"]]
    for (_, gi, go), (_, ti, to) in zip(seen["ours"], seen["theirs"]):
        for a, b in zip(gi + go, ti + to):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(xf.grad, xt.grad.numpy(), rtol=1e-12)
    for p, q in zip(model.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-12)


def test_backward_hook_replaces_grad_input_and_input_without_grad():
    torch = pytest.importorskip("torch")
    model, ref = _pair(torch)
    x = np.random.default_rng(2).standard_normal((3, 5))
    calls = {"ours": [], "theirs": []}
    for m, key in ((model, "ours"), (ref, "theirs")):
        m[1].register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0.5,))
        m[0].register_full_backward_hook(
            lambda mod, gi, go, key=key: calls[key].append((gi, _np(go[0]))))
    model(nn.tensor(x)).sum().backward()  # the input needs no gradient
    ref(torch.tensor(x)).sum().backward()
    assert calls["ours"][0][0] == (None,) and calls["theirs"][0][0] == (None,)
    np.testing.assert_allclose(calls["ours"][0][1], calls["theirs"][0][1], rtol=1e-12)
    for p, q in zip(model.parameters(), ref.parameters()):  # the halved gradient flowed on
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-12)


def test_backward_hook_multiple_inputs_and_outputs():
    class Two(nn.Module):
        def forward(self, a, b):
            return a * b, a + b

    m = Two()
    got = []
    h = m.register_full_backward_hook(lambda mod, gi, go: got.append((gi, go)))
    a = nn.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = nn.tensor(np.array([3.0, 4.0]), requires_grad=True)
    p, s = m(a, b)
    (p.sum() * 2 + s.sum()).backward()
    (gi, go), = got
    np.testing.assert_allclose(go[0], [2.0, 2.0])
    np.testing.assert_allclose(go[1], [1.0, 1.0])
    np.testing.assert_allclose(gi[0], [7.0, 9.0])  # 2 b + 1
    np.testing.assert_allclose(gi[1], [3.0, 5.0])  # 2 a + 1
    np.testing.assert_allclose(a.grad, [7.0, 9.0])
    h.remove()
    a.grad = None
    p, s = m(a, b)
    p.sum().backward()
    assert len(got) == 1
    with nn.no_grad():  # no graph, no hook
        m(a, b)
