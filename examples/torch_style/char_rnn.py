"""A PyTorch character-level language model (Embedding -> GRU -> Linear) trained
on a short bundled text, run on fastml.nn.

Only the import block below differs from the PyTorch version of this script;
tests/nn/test_torch_style_examples.py runs both from the same initial weights
(torch's state_dict loaded into the fastml model) and compares the losses.

Run: python examples/torch_style/char_rnn.py
"""
import numpy as np

# ---- the only lines that differ from the PyTorch version ----------------------
import fastml.nn as torch
import fastml.nn as nn
import fastml.nn.functional as F  # noqa: F401  (kept: the torch script imports it too)
from fastml.nn.data import DataLoader, TensorDataset
# -------------------------------------------------------------------------------

TEXT = """\
the quick brown fox jumps over the lazy dog. the dog sleeps in the sun and the fox
runs into the green wood. a small bird sings on the old stone wall, and the wind
moves the tall grass by the river. the river runs down to the sea, where the boats
come home at night with their nets full of fish. in the morning the fox comes back
to the farm, the dog wakes up, and the bird sings again on the wall by the gate.
"""


def make_data(seq_len=40, step=8):
    """Overlapping windows of the text: inputs x[i:i+L], targets x[i+1:i+L+1]."""
    chars = sorted(set(TEXT))
    stoi = {c: i for i, c in enumerate(chars)}
    ids = np.array([stoi[c] for c in TEXT], dtype=np.int64)
    starts = np.arange(0, len(ids) - seq_len - 1, step)
    X = np.stack([ids[s:s + seq_len] for s in starts])
    Y = np.stack([ids[s + 1:s + seq_len + 1] for s in starts])
    return X, Y, chars


class CharRNN(nn.Module):
    def __init__(self, vocab_size, embed_dim=32, hidden_size=64, num_layers=2, dropout=0.0):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.gru = nn.GRU(embed_dim, hidden_size, num_layers=num_layers, batch_first=True,
                          dropout=dropout)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, h=None):
        out, h = self.gru(self.embed(x), h)
        return self.fc(out), h


def train(model, X, Y, epochs=5, lr=3e-3, batch_size=16):
    """Adam on mini-batches in order; returns the mean loss of every epoch."""
    loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)),
                        batch_size=batch_size, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for xb, yb in loader:
            optimizer.zero_grad()
            logits, _ = model(xb)
            loss = criterion(logits.reshape(-1, logits.size(-1)), yb.reshape(-1))
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.size(0)
            count += xb.size(0)
        history.append(total / count)
    return history


def generate(model, chars, start="the ", length=60):
    """Greedy continuation of `start`, carrying the GRU state step by step."""
    stoi = {c: i for i, c in enumerate(chars)}
    model.eval()
    out = list(start)
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in start]])
        logits, h = model(x)
        for _ in range(length):
            nxt = logits[0, -1].argmax().item()
            out.append(chars[nxt])
            logits, h = model(torch.tensor([[nxt]]), h)
    return "".join(out)


def main(epochs=30, print_fn=print):
    torch.manual_seed(0)
    X, Y, chars = make_data()
    model = CharRNN(len(chars))
    history = train(model, X, Y, epochs=epochs)
    sample = generate(model, chars)
    print_fn(f"loss {history[0]:.4f} -> {history[-1]:.4f}")
    print_fn(f"sample: {sample!r}")
    return history, sample


if __name__ == "__main__":
    main()
