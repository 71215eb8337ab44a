"""Numba's on-disk cache, kept in step with the sources it was built from.

The *_jit modules compile with ``numba.njit(cache=True)``. Numba keys a cached
function on the stamp of the file that defines it, not on the functions it
calls: ``sgd_jit.sgd_epoch`` inlines ``reference.sgd.loss_dloss``, so an edit
of reference/sgd.py alone would leave the old machine code in use (a new loss
code silently falling through to another loss). ``check()`` hashes every
source of this package and its twins once per process and, when the hash
differs from the one recorded next to the cache, removes the cached machine
code (``*.nbi`` / ``*.nbc``) so Numba rebuilds it. A read-only install (no
write access to ``__pycache__``) is left as it is.
"""
import hashlib
import os
import pathlib

_HERE = pathlib.Path(__file__).resolve().parent
_DIRS = (_HERE, _HERE / "reference")
_STAMP = _HERE / "__pycache__" / "jit-sources.sha1"
_done = False


def sources_digest():
    h = hashlib.sha1()
    for d in _DIRS:
        for p in sorted(d.glob("*.py")):
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def check():
    """Drop stale cached machine code (once per process)."""
    global _done
    if _done:
        return
    _done = True
    try:
        digest = sources_digest()
        if _STAMP.exists() and _STAMP.read_text().strip() == digest:
            return
        for d in _DIRS:
            for pattern in ("*.nbi", "*.nbc"):
                for f in (d / "__pycache__").glob(pattern):
                    f.unlink(missing_ok=True)
        _STAMP.parent.mkdir(exist_ok=True)
        tmp = _STAMP.with_suffix(f".{os.getpid()}.tmp")  # one writer per file
        tmp.write_text(digest)
        tmp.replace(_STAMP)
    except OSError:
        pass
