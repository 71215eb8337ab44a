"""Progress reporting for long fits (an estimator's ``verbose``).

``progress(total, desc, verbose)`` returns a reporter with ``update(n=1)`` and
``close()`` (also a context manager). What it shows:

- ``verbose`` 0 / False: nothing.
- ``verbose`` 1: a progress bar with count, rate and ETA. In a terminal or a
  Jupyter notebook it is tqdm's bar when tqdm is installed, otherwise a plain
  bar redrawn in place; when the output is not a terminal (a log file, a pipe)
  it prints one plain line at every 10% and at least every 30 seconds, so logs
  stay readable.
- ``verbose`` >= 2: the caller prints its own per-iteration lines (scikit-learn's
  format); the reporter prints nothing, so lines are never interleaved.

``update`` is thread-safe (forests grow trees on several Python threads).
``FASTML_PROGRESS=plain`` forces the plain reporter (no tqdm).
"""
import os
import shutil
import sys
import threading
import time

__all__ = ["progress"]


def _in_notebook():
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    try:
        return type(shell.get_ipython()).__name__ == "ZMQInteractiveShell"
    except Exception:  # noqa: BLE001 - any IPython oddity means "not a notebook"
        return False


def _isatty(file):
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


def _fmt_time(s):
    s = int(round(s))
    return f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 \
        else f"{s // 60:02d}:{s % 60:02d}"


class _Null:
    def update(self, n=1):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Tqdm(_Null):
    def __init__(self, total, desc, file, notebook):
        if notebook:
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
        # the terminal's size (COLUMNS / LINES first); a terminal that reports 0 x 0
        # (a bare pty) would make tqdm hide the bar, so fall back to 100 x 24
        size = {}
        if not notebook:
            cols, rows = shutil.get_terminal_size((100, 24))
            size = {"ncols": cols or 100, "nrows": rows or 24}
        self._bar = tqdm(total=total, desc=desc, file=file, leave=True, **size)
        self._lock = threading.Lock()

    def update(self, n=1):
        with self._lock:
            self._bar.update(n)

    def close(self):
        with self._lock:
            self._bar.close()


class _Plain(_Null):
    """A bar redrawn in place (`live`) or periodic lines (logs, pipes)."""

    WIDTH = 24
    LIVE_INTERVAL = 0.1      # seconds between redraws in a terminal
    LOG_INTERVAL = 30.0      # a log line at least this often ...
    LOG_STEP = 0.1           # ... and at every 10% of the total

    def __init__(self, total, desc, file, live):
        self.total, self.desc, self.file, self.live = int(total), desc, file, live
        self.n, self.t0 = 0, time.perf_counter()
        self._last_t, self._last_frac = self.t0, 0.0
        self._lock = threading.Lock()
        self._closed = False

    def _text(self, now):
        elapsed = now - self.t0
        rate = self.n / elapsed if elapsed > 0 else 0.0
        frac = self.n / self.total if self.total else 1.0
        eta = (self.total - self.n) / rate if rate > 0 else 0.0
        fill = int(frac * self.WIDTH)
        bar = "#" * fill + " " * (self.WIDTH - fill)
        rate_s = f"{rate:.2f} it/s" if rate >= 1 or rate == 0 else f"{1 / rate:.2f} s/it"
        return (f"{self.desc}: {100 * frac:3.0f}%|{bar}| {self.n}/{self.total} "
                f"[{_fmt_time(elapsed)}<{_fmt_time(eta)}, {rate_s}]")

    def _emit(self, now, final=False):
        text = self._text(now)
        if self.live:
            self.file.write("\r" + text + ("\n" if final else ""))
        else:
            self.file.write(text + "\n")
        self.file.flush()
        self._last_t = now
        self._last_frac = self.n / self.total if self.total else 1.0

    def update(self, n=1):
        with self._lock:
            if self._closed:
                return
            self.n = min(self.total, self.n + n)
            now = time.perf_counter()
            if self.live:
                due = now - self._last_t >= self.LIVE_INTERVAL or self.n == self.total
            else:
                frac = self.n / self.total if self.total else 1.0
                due = (frac - self._last_frac >= self.LOG_STEP - 1e-12
                       or now - self._last_t >= self.LOG_INTERVAL)
                due = due and self.n < self.total  # the final line comes from close()
            if due:
                self._emit(now)

    def close(self):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._emit(time.perf_counter(), final=True)


def progress(total, desc, verbose, file=None):
    """A progress reporter for `total` steps named `desc` (see the module docstring)."""
    if not verbose or int(verbose) >= 2 or total <= 0:
        return _Null()
    file = sys.stderr if file is None else file
    notebook = _in_notebook()
    live = _isatty(file) or notebook
    if live and os.environ.get("FASTML_PROGRESS", "").lower() != "plain":
        try:
            return _Tqdm(total, desc, file, notebook)
        except ImportError:
            pass
    return _Plain(total, desc, file, live)
