"""The kernel family is the unit (docs/architecture.md): every row of
csrc/families.def has its files in every layer, dispatch is chosen once, the
thread count is an argument, and the code keeps the shape rules."""
import ast
import pathlib
import re

import pytest

from fastml._kernels import COMPILED

ROOT = pathlib.Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
KERN = ROOT / "src" / "fastml" / "_kernels"
pytestmark = pytest.mark.skipif(not (CSRC / "families.def").exists(),
                                reason="needs a source checkout")


def _families():
    rows = re.findall(r"^FM_(SIMD|PLAIN)_FAMILY\((\w+)\)", (CSRC / "families.def").read_text(),
                      re.M)
    return [(stem, kind == "SIMD") for kind, stem in rows]


FAMILIES = _families() if (CSRC / "families.def").exists() else []


def test_family_list_matches_the_runtime():
    if not COMPILED:
        pytest.skip("compiled runtime only")
    from fastml._kernels import runtime
    assert list(runtime.family_levels()) == [s for s, _ in FAMILIES]


@pytest.mark.parametrize("stem,simd", FAMILIES, ids=[s for s, _ in FAMILIES])
def test_family_has_every_layer(stem, simd):
    need = [CSRC / f"{stem}.h", CSRC / f"{stem}.c", KERN / f"_{stem}.pyx", KERN / f"{stem}.py",
            KERN / "reference" / f"{stem}.py", ROOT / "tests" / "kernels" / f"test_{stem}.py"]
    if simd:
        need += [CSRC / f"{stem}_simd.c", CSRC / f"{stem}_impl.h"]
    missing = [str(p.relative_to(ROOT)) for p in need if not p.exists()]
    assert not missing, f"family {stem!r} lacks {missing}"
    if simd:
        assert re.search(rf"void fm_{stem}_select\(int level\)", (CSRC / f"{stem}.c").read_text())
        assert f"FM_ISA_FN(fm_{stem}_impl)" in (CSRC / f"{stem}_simd.c").read_text()


def _public_functions(path):
    tree = ast.parse(path.read_text())
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)
            and not n.name.startswith("_")}


@pytest.mark.parametrize("stem", [s for s, _ in FAMILIES])
def test_facade_is_chosen_once_and_matches_its_twin(stem):
    facade = KERN / f"{stem}.py"
    if not facade.exists():
        pytest.skip("checked by test_family_has_every_layer")
    tree = ast.parse(facade.read_text())
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef):
            names = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
            assert "COMPILED" not in names, f"{stem}.{fn.name} chooses its backend per call"
    twin = _public_functions(KERN / "reference" / f"{stem}.py")
    for name, fn in _public_functions(facade).items():
        if name in twin:
            a = [x.arg for x in fn.args.args]
            b = [x.arg for x in twin[name].args.args]
            assert a == b[:len(a)], f"{stem}.{name}{a} differs from its twin {b}"


def test_no_pyx_declares_c_prototypes():
    offenders = [p.name for p in KERN.glob("*.pyx") if "cdef extern from" in p.read_text()]
    assert not offenders, f"declare the C API in fastml.pxd only: {offenders}"


def test_no_thread_count_global_and_no_per_call_level_reads():
    pat = re.compile(r"\b(fm_threads_for|fm_get_num_threads|fm_set_num_threads|"
                     r"FM_LEGACY_NTHREADS|fm_family_level)\b")
    hits = [f"{p.name}:{i + 1}" for p in sorted(CSRC.glob("*.[ch]"))
            if p.name not in ("dispatch.c", "fastml.h")
            for i, line in enumerate(p.read_text().splitlines()) if pat.search(line)]
    assert not hits, hits


def test_no_long_macro_bodies_and_no_long_files():
    long_defs, long_files = [], []
    for p in sorted(CSRC.glob("*")):
        if p.suffix not in (".c", ".h", ".def"):
            continue
        lines = p.read_text().splitlines()
        if len(lines) > 600:
            long_files.append(f"{p.name}: {len(lines)}")
        i = 0
        while i < len(lines):
            if re.match(r"\s*#\s*define", lines[i]):
                start = i
                while lines[i].rstrip().endswith("\\"):
                    i += 1
                if i - start + 1 > 60:
                    long_defs.append(f"{p.name}:{start + 1}: {i - start + 1} lines")
            i += 1
    for p in sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "src").rglob("*.pyx")):
        n = len(p.read_text().splitlines())
        if n > 600:
            long_files.append(f"{p.relative_to(ROOT)}: {n}")
    assert not long_defs, long_defs
    assert not long_files, long_files
