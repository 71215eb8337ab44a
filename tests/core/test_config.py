"""Package-level behaviour: import cost, configuration report, dispatch control
through the environment, and the reference backend."""
import os
import subprocess
import sys
import textwrap

import pytest

import fastml
from fastml._kernels import COMPILED


def _run(code, **env):
    full_env = dict(os.environ, **env)
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full_env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_is_lazy():
    # `import fastml` stays cheap because it loads no heavy module; checked by
    # what is imported, not by a wall-clock bound (timings flake on a busy machine)
    out = _run("""
        import sys
        import fastml
        heavy = [m for m in ("numba", "scipy", "scipy.linalg", "sklearn", "torch", "pandas",
                             "fastml.nn", "fastml.neighbors")
                 if m in sys.modules]
        print(heavy)
    """)
    assert out.strip() == "[]"


def test_show_config_reports_everything(capsys):
    fastml.show_config()
    text = capsys.readouterr().out
    assert fastml.__version__ in text
    assert "blas" in text
    if COMPILED:
        for word in ("compiler", "openmp", "threads", "distance="):
            assert word in text


@pytest.mark.skipif(not COMPILED, reason="needs the compiled runtime")
def test_set_num_threads_round_trip():
    prev = fastml.get_num_threads()
    try:
        fastml.set_num_threads(1)
        assert fastml.get_num_threads() == 1
        fastml.set_num_threads(3)
        assert fastml.get_num_threads() == 3
    finally:
        fastml.set_num_threads(prev)
    with pytest.raises(ValueError, match="n must be an int"):
        fastml.set_num_threads("two")


@pytest.mark.skipif(not COMPILED, reason="needs the compiled runtime")
def test_environment_mask_lowers_the_dispatch_level():
    code = "from fastml._kernels import runtime; print(runtime.cpu_level(), runtime.cpu_level_hw())"
    level, hw = _run(code, FASTML_DISABLE_CPU_FEATURES="AVX512F,AVX2").split()
    assert level == "baseline"
    level2, _ = _run(code, FASTML_DISABLE_CPU_FEATURES="avx512f").split()
    assert level2 == ("avx2" if hw in ("avx2", "avx512") else "baseline")


def test_reference_backend_runs_without_compiled_modules():
    out = _run("""
        import sys
        import numpy as np
        import fastml
        from fastml.metrics import pairwise_distances
        from fastml._kernels import BACKEND
        X = np.arange(12.0).reshape(4, 3)
        print(BACKEND, pairwise_distances(X, metric="manhattan")[0, 3],
              any(m.startswith("fastml.") and
                  str(getattr(sys.modules[m], "__file__", "")).endswith(".so")
                  for m in list(sys.modules)))
    """, FASTML_BACKEND="reference")
    assert out.split() == ["reference", "27.0", "False"]


def test_unknown_backend_is_rejected():
    proc = subprocess.run([sys.executable, "-c", "import fastml"], capture_output=True,
                          text=True, env=dict(os.environ, FASTML_BACKEND="gpu"))
    assert proc.returncode != 0 and "FASTML_BACKEND='gpu'" in proc.stderr


@pytest.mark.skipif(not COMPILED, reason="needs the compiled runtime")
def test_both_blas_sources_give_the_same_distances():
    import numpy as np

    from fastml._kernels import ensure_blas, runtime
    from fastml.metrics import pairwise_distances

    X = np.random.default_rng(3).standard_normal((70, 300))
    ensure_blas()
    default = runtime.blas_source()
    try:
        results = {}
        for source in ("scipy", "numpy"):
            try:
                assert runtime.register_blas(source) == source
            except RuntimeError:          # NumPy without a bundled OpenBLAS
                continue
            results[source] = pairwise_distances(X, X[:33])
    finally:
        runtime.register_blas(default)
    want = np.sqrt(((X[:, None, :] - X[None, :33, :]) ** 2).sum(-1))
    for got in results.values():
        np.testing.assert_allclose(got, want, rtol=1e-10)
    with pytest.raises(ValueError, match="source must be"):
        runtime.register_blas("mkl")
