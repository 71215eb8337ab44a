"""Conv2d / pooling / BatchNorm modules against torch (float64, copied weights),
including running statistics and train/eval behaviour."""
import numpy as np
import pytest

from fastml import nn

pytest.importorskip("fastml.nn.functional.conv")


def _net(lib, dtype):
    m = lib
    return m.Sequential(m.Conv2d(2, 4, 3, padding=1, dtype=dtype), m.BatchNorm2d(4, dtype=dtype),
                        m.ReLU(), m.MaxPool2d(2), m.Conv2d(4, 3, 3, stride=1, dtype=dtype),
                        m.AvgPool2d(2), m.Flatten(), m.Linear(3, 5, dtype=dtype),
                        m.BatchNorm1d(5, dtype=dtype))


def test_cnn_matches_torch_train_and_eval(rng):
    torch = pytest.importorskip("torch")
    nn.manual_seed(0)
    ours = _net(nn, np.float64)
    theirs = _net(torch.nn, torch.float64)
    with torch.no_grad():
        for name, p in ours.named_parameters():
            dict(theirs.named_parameters())[name].copy_(torch.tensor(p.data))
    xd = rng.standard_normal((6, 2, 8, 8))
    for step in range(2):
        ours.zero_grad()
        theirs.zero_grad()
        x, tx = nn.Tensor(xd.copy(), requires_grad=True), torch.tensor(xd, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-9, atol=1e-10)
        w = rng.standard_normal(y.shape)
        (y * nn.Tensor(w)).sum().backward()
        (ty * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
        tparams = dict(theirs.named_parameters())
        for name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad, tparams[name].grad.numpy(), rtol=1e-8,
                                       atol=1e-10, err_msg=name)
    tbuf = dict(theirs.named_buffers())
    for name, b in ours.named_buffers():
        np.testing.assert_allclose(b, tbuf[name].numpy(), rtol=1e-10, err_msg=name)
    ours.eval()
    theirs.eval()
    with nn.no_grad():
        y = ours(xd)
    np.testing.assert_allclose(y.data, theirs(torch.tensor(xd)).detach().numpy(), rtol=1e-9,
                               atol=1e-10)


def test_conv_module_checks_and_init():
    nn.manual_seed(0)
    conv = nn.Conv2d(3, 8, (3, 5), stride=2, padding=(1, 2))
    assert conv.weight.shape == (8, 3, 3, 5) and conv.weight.data.dtype == np.float32
    assert np.abs(conv.weight.data).max() <= 1 / np.sqrt(45)
    with pytest.raises(ValueError, match="in_channels=3"):
        conv(np.zeros((1, 4, 8, 8), np.float32))
    with pytest.raises(ValueError, match="3-D or 4-D"):
        conv(np.zeros((8, 8), np.float32))
    with pytest.raises(ValueError, match="in_channels=3 at dim 0"):
        conv(np.zeros((4, 8, 8), np.float32))
    with pytest.raises(ValueError, match="num_features=8"):
        nn.BatchNorm2d(8)(np.zeros((2, 3, 4, 4), np.float32))
    with pytest.raises(ValueError):
        nn.MaxPool2d(0)
    assert nn.MaxPool2d(2).stride == (2, 2)
