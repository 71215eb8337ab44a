# cython: language_level=3
"""Runtime services of the compiled library: dispatch level, threads, BLAS
registration and build information."""
from cpython.pycapsule cimport PyCapsule_GetName, PyCapsule_GetPointer
from libc.stdint cimport int64_t, uintptr_t

from fastml._kernels.fastml cimport *

fm_init()

LEVELS = ("baseline", "avx2", "avx512")


def cpu_level():
    """Name of the ISA level kernels dispatch to now."""
    return LEVELS[fm_cpu_level()]


def cpu_level_hw():
    """Highest ISA level this CPU supports."""
    return LEVELS[fm_cpu_level_hw()]


def set_cpu_level(name):
    """Lower (or restore) the dispatch level; returns the previous level name.

    Meant for tests. The level is clamped to what the hardware supports.
    """
    prev = cpu_level()
    fm_set_cpu_level(LEVELS.index(name))
    return prev


def family_levels():
    """{family: level name} for every SIMD kernel family."""
    return {fm_family_name(i).decode(): fm_level_name(fm_family_level(i)).decode()
            for i in range(fm_family_count())}


def have_openmp():
    return bool(fm_have_openmp())


def default_threads():
    """OpenMP's default team size (OMP_NUM_THREADS or the core count)."""
    return fm_default_threads()


def forked_child():
    """True in a child forked after the library was loaded (kernels run serially)."""
    return bool(fm_forked_child())


def compiler():
    return fm_compiler().decode()


cdef void *_capsule_pointer(object capsule) except NULL:
    return PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule))


_blas_source = None


def _numpy_openblas_gemm():
    """Addresses of (sgemm, dgemm, set_num_threads_local or 0): the ILP64
    CBLAS in the OpenBLAS bundled with NumPy's wheel, or None (other NumPy
    builds: MKL, system BLAS, ...)."""
    import ctypes
    import glob
    import os

    import numpy

    libdir = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "libscipy_openblas64_*.so*"))):
        try:
            lib = ctypes.CDLL(path)  # already loaded by NumPy: same handle
            s = ctypes.cast(lib.scipy_cblas_sgemm64_, ctypes.c_void_p).value
            d = ctypes.cast(lib.scipy_cblas_dgemm64_, ctypes.c_void_p).value
        except (OSError, AttributeError):
            continue
        try:
            loc = ctypes.cast(lib.openblas_set_num_threads_local, ctypes.c_void_p).value or 0
        except AttributeError:
            loc = 0
        if s and d:
            return s, d, loc
    return None


def register_blas(source=None, split=True):
    """Hand a BLAS gemm to the C kernels; returns the source used.

    source None picks NumPy's bundled OpenBLAS when present (one thread pool
    shared with NumPy's matmul), else SciPy's cython_blas; "numpy" or "scipy"
    forces one (tests use this to cover both). split=False leaves threading to
    the BLAS's own pool instead of fastml's OpenMP team. Done lazily on the first kernel
    that needs BLAS: importing scipy.linalg costs more than `import fastml`.
    """
    global _blas_source
    cdef uintptr_t s_addr, d_addr, l_addr
    if source is None and split and _blas_source is not None:
        return _blas_source
    if source not in (None, "numpy", "scipy"):
        raise ValueError(f"source must be None, 'numpy' or 'scipy', got {source!r}")
    found = _numpy_openblas_gemm() if source in (None, "numpy") else None
    if found is not None:
        s_addr, d_addr, l_addr = found
        if not split:
            l_addr = 0
        fm_set_cblas64(<fm_cblas_sgemm64_fn>s_addr, <fm_cblas_dgemm64_fn>d_addr,
                       <fm_blas_set_threads_local_fn>l_addr)
        _blas_source = "numpy"
        return _blas_source
    if source == "numpy":
        raise RuntimeError("NumPy has no bundled OpenBLAS with an ILP64 CBLAS here")
    from scipy.linalg import cython_blas
    capi = cython_blas.__pyx_capi__
    fm_set_blas(<fm_sgemm_fn>_capsule_pointer(capi["sgemm"]),
                <fm_dgemm_fn>_capsule_pointer(capi["dgemm"]))
    _blas_source = "scipy"
    return _blas_source


def blas_source():
    """'numpy', 'scipy' or None (not registered yet)."""
    return _blas_source


def have_blas():
    return bool(fm_have_blas())
