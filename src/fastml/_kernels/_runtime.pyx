# cython: language_level=3
"""Runtime services of the compiled library: dispatch level, threads, BLAS
registration and build information."""
from cpython.pycapsule cimport PyCapsule_GetName, PyCapsule_GetPointer

cdef extern from "fastml.h" nogil:
    ctypedef void (*fm_sgemm_fn)(const char *, const char *, const int *, const int *,
                                 const int *, const float *, const float *, const int *,
                                 const float *, const int *, const float *, float *, const int *)
    ctypedef void (*fm_dgemm_fn)(const char *, const char *, const int *, const int *,
                                 const int *, const double *, const double *, const int *,
                                 const double *, const int *, const double *, double *,
                                 const int *)
    void fm_init()
    int fm_cpu_level()
    int fm_cpu_level_hw()
    int fm_set_cpu_level(int level)
    int fm_family_level(int family)
    int fm_family_count()
    const char *fm_family_name(int family)
    const char *fm_level_name(int level)
    int fm_have_openmp()
    int fm_get_num_threads()
    void fm_set_num_threads(int n)
    const char *fm_compiler()
    void fm_set_blas(fm_sgemm_fn sgemm, fm_dgemm_fn dgemm)
    int fm_have_blas()

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


def get_num_threads():
    return fm_get_num_threads()


def set_num_threads(int n):
    fm_set_num_threads(n)


def compiler():
    return fm_compiler().decode()


cdef void *_capsule_pointer(object capsule) except NULL:
    return PyCapsule_GetPointer(capsule, PyCapsule_GetName(capsule))


def register_blas():
    """Hand SciPy's BLAS (scipy.linalg.cython_blas) to the C kernels.

    Done lazily on the first kernel that needs BLAS, because importing
    scipy.linalg costs more than the rest of `import fastml`.
    """
    if fm_have_blas():
        return
    from scipy.linalg import cython_blas
    capi = cython_blas.__pyx_capi__
    fm_set_blas(<fm_sgemm_fn>_capsule_pointer(capi["sgemm"]),
                <fm_dgemm_fn>_capsule_pointer(capi["dgemm"]))


def have_blas():
    return bool(fm_have_blas())
