"""`import fastml` (and every subpackage but fastml.dask) never imports dask."""
import subprocess
import sys


def test_import_fastml_does_not_import_dask():
    code = ("import sys, pkgutil, importlib, fastml\n"
            "for m in pkgutil.iter_modules(fastml.__path__, 'fastml.'):\n"
            "    if m.name != 'fastml.dask' and not m.name.startswith('fastml._'):\n"
            "        importlib.import_module(m.name)\n"
            "bad = sorted(k for k in sys.modules if k == 'dask' or k.startswith('dask.')\n"
            "             or k == 'distributed' or k.startswith('distributed.'))\n"
            "print(bad)\n"
            "assert not bad, bad\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr + out.stdout
    assert out.stdout.strip() == "[]"


def test_fastml_dask_public_names():
    import fastml.dask as fd

    for name in fd.__all__:
        cls = getattr(fd, name)
        assert cls.__module__.startswith("fastml.dask")
