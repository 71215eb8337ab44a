# Shared by every boundary module (textual include): C status -> exception.
# Status codes mirror csrc/fastml.h.

cdef inline int _check(int status) except -1:
    if status == 0:
        return 0
    if status == -1:
        raise MemoryError("fastml kernel could not allocate its work memory")
    if status == -3:
        raise RuntimeError("fastml kernel needs BLAS, which was not registered "
                           "(fastml._kernels.ensure_blas() was not called)")
    raise ValueError(f"fastml kernel rejected its arguments (status {status})")
