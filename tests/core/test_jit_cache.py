"""Numba's cached machine code is dropped when any kernel source changes
(fastml._kernels._jit_cache): a cached caller would otherwise keep the old
code of a callee it inlined from another file."""
import importlib

from fastml._kernels import _jit_cache


def test_stale_cache_files_are_removed_and_fresh_ones_kept(tmp_path, monkeypatch):
    pkg, ref = tmp_path / "k", tmp_path / "k" / "reference"
    for d in (pkg, ref):
        (d / "__pycache__").mkdir(parents=True)
    (pkg / "a_jit.py").write_text("x = 1\n")
    (ref / "a.py").write_text("y = 1\n")
    mod = importlib.reload(_jit_cache)
    monkeypatch.setattr(mod, "_DIRS", (pkg, ref))
    monkeypatch.setattr(mod, "_STAMP", pkg / "__pycache__" / "jit-sources.sha1")
    cached = [pkg / "__pycache__" / "a_jit.f-1.py311.nbi",
              pkg / "__pycache__" / "a_jit.f-1.py311.1.nbc",
              ref / "__pycache__" / "a.g-3.py311.nbi"]

    def write_cache():
        for f in cached:
            f.write_text("machine code")

    write_cache()
    mod.check()  # no stamp yet: unknown provenance, dropped
    assert not any(f.exists() for f in cached)
    write_cache()
    mod._done = False
    mod.check()  # same sources: kept
    assert all(f.exists() for f in cached)
    (ref / "a.py").write_text("y = 2\n")  # a twin the jit module inlines changes
    mod._done = False
    mod.check()
    assert not any(f.exists() for f in cached)
    mod._done = False
    mod.check()  # the stamp follows the new sources
    assert mod._STAMP.read_text() == mod.sources_digest()
    importlib.reload(_jit_cache)
