# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Boundary for csrc/recurrent.c (LSTM / RNN over a sequence): typed buffers
in, GIL released, status -> exception. Shapes are documented in recurrent.h;
inputs are trusted (validated by the nn modules). Every function takes
`nthreads` last (the facade passes the caller's thread count)."""
from libc.stdint cimport int64_t

include "_common.pxi"

from fastml._kernels.fastml cimport *

ctypedef fused floating:
    float
    double


def lstm_forward(floating[:, ::1] y, floating[:, ::1] c_all, floating[:, ::1] gates,
                 const floating[:, ::1] x, const floating[:, ::1] h0,
                 const floating[:, ::1] c0, const floating[:, ::1] w_ih,
                 const floating[:, ::1] w_hh, const floating[::1] bias, int64_t T, int64_t B,
                 int nthreads):
    """x (T*B, I) -> y (T*B, H), c_all (T*B, H), gates (T*B, 4H); bias may be None."""
    cdef int64_t I = x.shape[1], H = h0.shape[1]
    cdef const floating *pb = NULL
    if bias is not None:
        pb = &bias[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_lstm_forward_f32(&y[0, 0], &c_all[0, 0], &gates[0, 0], &x[0, 0], &h0[0, 0],
                                     &c0[0, 0], &w_ih[0, 0], &w_hh[0, 0], pb, T, B, I, H, nthreads)
        else:
            st = fm_lstm_forward_f64(&y[0, 0], &c_all[0, 0], &gates[0, 0], &x[0, 0], &h0[0, 0],
                                     &c0[0, 0], &w_ih[0, 0], &w_hh[0, 0], pb, T, B, I, H, nthreads)
    _check(st)


def lstm_backward(floating[:, ::1] dx, floating[:, ::1] dh0, floating[:, ::1] dc0,
                  floating[:, ::1] dw_ih, floating[:, ::1] dw_hh, floating[::1] dbias,
                  floating[:, ::1] work,
                  const floating[:, ::1] dy, const floating[::1] dhn, const floating[::1] dcn,
                  const floating[:, ::1] x, const floating[:, ::1] h0,
                  const floating[:, ::1] c0, const floating[:, ::1] w_ih,
                  const floating[:, ::1] w_hh, const floating[:, ::1] y,
                  const floating[:, ::1] c_all, const floating[:, ::1] gates,
                  int64_t T, int64_t B, int nthreads):
    """BPTT; dx, dbias, dhn, dcn, work may be None (dhn/dcn flattened (B*H,))."""
    cdef int64_t I = x.shape[1], H = h0.shape[1]
    cdef floating *pdx = NULL
    if dx is not None:
        pdx = &dx[0, 0]
    cdef floating *pdb = NULL
    if dbias is not None:
        pdb = &dbias[0]
    cdef floating *pw = NULL
    if work is not None:
        pw = &work[0, 0]
    cdef const floating *phn = NULL
    if dhn is not None:
        phn = &dhn[0]
    cdef const floating *pcn = NULL
    if dcn is not None:
        pcn = &dcn[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_lstm_backward_f32(pdx, &dh0[0, 0], &dc0[0, 0], &dw_ih[0, 0], &dw_hh[0, 0],
                                      pdb, pw, &dy[0, 0], phn, pcn, &x[0, 0], &h0[0, 0],
                                      &c0[0, 0], &w_ih[0, 0], &w_hh[0, 0], &y[0, 0], &c_all[0, 0],
                                      &gates[0, 0], T, B, I, H, nthreads)
        else:
            st = fm_lstm_backward_f64(pdx, &dh0[0, 0], &dc0[0, 0], &dw_ih[0, 0], &dw_hh[0, 0],
                                      pdb, pw, &dy[0, 0], phn, pcn, &x[0, 0], &h0[0, 0],
                                      &c0[0, 0], &w_ih[0, 0], &w_hh[0, 0], &y[0, 0], &c_all[0, 0],
                                      &gates[0, 0], T, B, I, H, nthreads)
    _check(st)


def rnn_forward(floating[:, ::1] y, const floating[:, ::1] x, const floating[:, ::1] h0,
                const floating[:, ::1] w_ih, const floating[:, ::1] w_hh,
                const floating[::1] bias, int64_t T, int64_t B, bint relu, int nthreads):
    cdef int64_t I = x.shape[1], H = h0.shape[1]
    cdef const floating *pb = NULL
    if bias is not None:
        pb = &bias[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_rnn_forward_f32(&y[0, 0], &x[0, 0], &h0[0, 0], &w_ih[0, 0], &w_hh[0, 0],
                                    pb, T, B, I, H, relu, nthreads)
        else:
            st = fm_rnn_forward_f64(&y[0, 0], &x[0, 0], &h0[0, 0], &w_ih[0, 0], &w_hh[0, 0],
                                    pb, T, B, I, H, relu, nthreads)
    _check(st)


def rnn_backward(floating[:, ::1] dx, floating[:, ::1] dh0, floating[:, ::1] dw_ih,
                 floating[:, ::1] dw_hh, floating[::1] dbias, floating[:, ::1] work,
                 const floating[:, ::1] dy,
                 const floating[::1] dhn, const floating[:, ::1] x, const floating[:, ::1] h0,
                 const floating[:, ::1] w_ih, const floating[:, ::1] w_hh,
                 const floating[:, ::1] y, int64_t T, int64_t B, bint relu, int nthreads):
    cdef int64_t I = x.shape[1], H = h0.shape[1]
    cdef floating *pdx = NULL
    if dx is not None:
        pdx = &dx[0, 0]
    cdef floating *pdb = NULL
    if dbias is not None:
        pdb = &dbias[0]
    cdef floating *pw = NULL
    if work is not None:
        pw = &work[0, 0]
    cdef const floating *phn = NULL
    if dhn is not None:
        phn = &dhn[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_rnn_backward_f32(pdx, &dh0[0, 0], &dw_ih[0, 0], &dw_hh[0, 0], pdb, pw,
                                     &dy[0, 0], phn, &x[0, 0], &h0[0, 0], &w_ih[0, 0],
                                     &w_hh[0, 0], &y[0, 0], T, B, I, H, relu, nthreads)
        else:
            st = fm_rnn_backward_f64(pdx, &dh0[0, 0], &dw_ih[0, 0], &dw_hh[0, 0], pdb, pw,
                                     &dy[0, 0], phn, &x[0, 0], &h0[0, 0], &w_ih[0, 0],
                                     &w_hh[0, 0], &y[0, 0], T, B, I, H, relu, nthreads)
    _check(st)


def gru_forward(floating[:, ::1] y, floating[:, ::1] gates, const floating[:, ::1] x,
                const floating[:, ::1] h0, const floating[:, ::1] w_ih,
                const floating[:, ::1] w_hh, const floating[::1] b_ih,
                const floating[::1] b_hh, int64_t T, int64_t B, int nthreads):
    """x (T*B, I) -> y (T*B, H), gates (T*B, 4H) = [r | z | n | hn]; biases both or None."""
    cdef int64_t I = x.shape[1], H = h0.shape[1]
    cdef const floating *pbi = NULL
    cdef const floating *pbh = NULL
    if b_ih is not None:
        pbi = &b_ih[0]
        pbh = &b_hh[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_gru_forward_f32(&y[0, 0], &gates[0, 0], &x[0, 0], &h0[0, 0], &w_ih[0, 0],
                                    &w_hh[0, 0], pbi, pbh, T, B, I, H, nthreads)
        else:
            st = fm_gru_forward_f64(&y[0, 0], &gates[0, 0], &x[0, 0], &h0[0, 0], &w_ih[0, 0],
                                    &w_hh[0, 0], pbi, pbh, T, B, I, H, nthreads)
    _check(st)


def gru_backward(floating[:, ::1] dx, floating[:, ::1] dh0, floating[:, ::1] dw_ih,
                 floating[:, ::1] dw_hh, floating[::1] db_ih, floating[::1] db_hh,
                 floating[:, ::1] work, const floating[:, ::1] dy, const floating[::1] dhn,
                 const floating[:, ::1] x, const floating[:, ::1] h0,
                 const floating[:, ::1] w_ih, const floating[:, ::1] w_hh,
                 const floating[:, ::1] y, const floating[:, ::1] gates, int64_t T, int64_t B,
                 int nthreads):
    """GRU BPTT; dx, db_ih, db_hh, dhn (flattened (B*H,)), work may be None."""
    cdef int64_t I = x.shape[1], H = h0.shape[1]
    cdef floating *pdx = NULL
    if dx is not None:
        pdx = &dx[0, 0]
    cdef floating *pdbi = NULL
    if db_ih is not None:
        pdbi = &db_ih[0]
    cdef floating *pdbh = NULL
    if db_hh is not None:
        pdbh = &db_hh[0]
    cdef floating *pw = NULL
    if work is not None:
        pw = &work[0, 0]
    cdef const floating *phn = NULL
    if dhn is not None:
        phn = &dhn[0]
    cdef int st
    with nogil:
        if floating is float:
            st = fm_gru_backward_f32(pdx, &dh0[0, 0], &dw_ih[0, 0], &dw_hh[0, 0], pdbi, pdbh,
                                     pw, &dy[0, 0], phn, &x[0, 0], &h0[0, 0], &w_ih[0, 0],
                                     &w_hh[0, 0], &y[0, 0], &gates[0, 0], T, B, I, H, nthreads)
        else:
            st = fm_gru_backward_f64(pdx, &dh0[0, 0], &dw_ih[0, 0], &dw_hh[0, 0], pdbi, pdbh,
                                     pw, &dy[0, 0], phn, &x[0, 0], &h0[0, 0], &w_ih[0, 0],
                                     &w_hh[0, 0], &y[0, 0], &gates[0, 0], T, B, I, H, nthreads)
    _check(st)
