"""Training loop helpers: ``fit`` / ``Trainer`` with validation, a metrics
history, early stopping (patience, restore best weights) and a one-line
progress report per epoch (verbose >= 1, to a terminal, a notebook or a log
file alike; verbose=0 is silent)."""
import copy
import sys
import time

import numpy as np

from .data import DataLoader
from .tensor import Tensor, no_grad

__all__ = ["EarlyStopping", "Trainer", "fit", "accuracy"]


def accuracy(output, target):
    """Fraction of rows whose argmax (or > 0 for one output column) equals target."""
    out = output.data if isinstance(output, Tensor) else np.asarray(output)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    pred = (out.reshape(-1) > 0).astype(t.dtype) if out.ndim == 1 or out.shape[-1] == 1 \
        else out.argmax(axis=-1)
    return float(np.mean(pred.reshape(t.shape) == t))


class EarlyStopping:
    """Stop when `monitor` has not improved by more than min_delta for `patience`
    epochs; with restore_best_weights the model gets its best state back."""

    def __init__(self, monitor="val_loss", patience=5, min_delta=0.0, mode="auto",
                 restore_best_weights=True):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be an int >= 0, got {patience!r}")
        if mode == "auto":
            mode = "max" if any(k in monitor for k in ("acc", "score", "r2")) else "min"
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min', 'max' or 'auto', got {mode!r}")
        self.monitor, self.patience, self.min_delta = monitor, patience, float(min_delta)
        self.mode, self.restore_best_weights = mode, restore_best_weights
        self.reset()

    def reset(self):
        self.best, self.best_epoch, self.wait, self.best_state = None, -1, 0, None
        self.stopped_epoch = None

    def _improved(self, value):
        if self.best is None:
            return True
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, value, model=None, epoch=None):
        """Record this epoch's value; True means stop now."""
        value = float(value)
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if model is not None and self.restore_best_weights:
                self.best_state = copy.deepcopy(model.state_dict())
            return False
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def restore(self, model):
        if self.restore_best_weights and self.best_state is not None:
            model.load_state_dict(self.best_state)


def _loader(data, batch_size, shuffle, seed):
    if data is None or isinstance(data, DataLoader):
        return data
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return DataLoader(tuple(data), batch_size=batch_size, shuffle=shuffle, seed=seed)
    raise TypeError("data must be a DataLoader or a tuple (X, y)")


class Trainer:
    """Trainer(model, loss_fn, optimizer, metrics={"accuracy": accuracy}).

    loss_fn(output, target) -> scalar Tensor; metrics: name -> fn(output, target).
    """

    def __init__(self, model, loss_fn, optimizer, metrics=None, scheduler=None,
                 clip_grad_norm=None, regularizer=None):
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.metrics = dict(metrics or {})
        self.scheduler, self.clip_grad_norm = scheduler, clip_grad_norm
        self.regularizer = regularizer  # callable(model) -> Tensor added to the loss
        self.history = {}

    def _log(self, key, value):
        self.history.setdefault(key, []).append(float(value))

    def train_epoch(self, loader):
        from .optim import clip_grad_norm_

        self.model.train()
        tot, n, mets = 0.0, 0, {k: 0.0 for k in self.metrics}
        for x, y in loader:
            self.optimizer.zero_grad()
            out = self.model(x)
            loss = self.loss_fn(out, y)
            if self.regularizer is not None:
                loss = loss + self.regularizer(self.model)
            loss.backward()
            if self.clip_grad_norm is not None:
                clip_grad_norm_(self.model.parameters(), self.clip_grad_norm)
            self.optimizer.step()
            b = len(x)
            tot += loss.item() * b
            n += b
            for k, fn in self.metrics.items():
                mets[k] += fn(out, y) * b
        return tot / n, {k: v / n for k, v in mets.items()}

    def evaluate(self, loader):
        """-> (mean loss, {metric: value}) in eval mode without building a graph."""
        self.model.eval()
        tot, n, mets = 0.0, 0, {k: 0.0 for k in self.metrics}
        with no_grad():
            for x, y in loader:
                out = self.model(x)
                b = len(x)
                tot += self.loss_fn(out, y).item() * b
                n += b
                for k, fn in self.metrics.items():
                    mets[k] += fn(out, y) * b
        return tot / n, {k: v / n for k, v in mets.items()}

    def fit(self, train_data, epochs=10, val_data=None, batch_size=32, shuffle=True,
            seed=None, early_stopping=None, verbose=1, file=None):
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
        train = _loader(train_data, batch_size, shuffle, seed)
        val = _loader(val_data, batch_size, False, None)
        out = file or sys.stdout
        show = bool(verbose) and verbose >= 1
        if early_stopping is not None:
            early_stopping.reset()
        for epoch in range(epochs):
            t0 = time.perf_counter()
            loss, mets = self.train_epoch(train)
            self._log("loss", loss)
            for k, v in mets.items():
                self._log(k, v)
            if val is not None:
                vloss, vmets = self.evaluate(val)
                self._log("val_loss", vloss)
                for k, v in vmets.items():
                    self._log("val_" + k, v)
            if self.scheduler is not None:
                self.scheduler.step()
            if show:
                parts = [f"{k} {v[-1]:.4f}" for k, v in self.history.items()]
                print(f"epoch {epoch + 1}/{epochs}  " + "  ".join(parts)
                      + f"  ({time.perf_counter() - t0:.2f}s)", file=out, flush=True)
            if early_stopping is not None:
                key = early_stopping.monitor
                if key not in self.history:
                    raise ValueError(f"early stopping monitors {key!r}, which is not in the "
                                     f"history {sorted(self.history)}")
                if early_stopping.step(self.history[key][-1], self.model, epoch):
                    break
        if early_stopping is not None:
            early_stopping.restore(self.model)
        return self.history


def fit(model, loss_fn, optimizer, train_data, epochs=10, val_data=None, metrics=None,
        **kwargs):
    """Functional form of Trainer(...).fit(...); returns the history dict."""
    fit_keys = ("batch_size", "shuffle", "seed", "early_stopping", "verbose", "file")
    trainer = Trainer(model, loss_fn, optimizer, metrics,
                      **{k: v for k, v in kwargs.items() if k not in fit_keys})
    return trainer.fit(train_data, epochs, val_data,
                       **{k: v for k, v in kwargs.items() if k in fit_keys})
