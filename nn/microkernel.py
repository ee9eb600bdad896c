"""A register-tiled matrix product whose every output row is computed by the same instructions.

:func:`gemm_rows` computes ``C = A @ W`` on flat buffers in tiles of ``TILE_ROWS`` rows by
``tile_cols(dtype)`` columns.  Its core, :func:`tile`, is written in LLVM IR (numba's
``@intrinsic``): ``TILE_ROWS`` accumulators of ``tile_cols`` lanes live in vector registers for the whole
sum over k, and each step is one broadcast of ``A[i, k]`` and one fused multiply-add with the row
``W[k, j:j + tile_cols]`` (``llvm.fmuladd``).  That is the micro-kernel of a BLAS, and near its speed, with
one difference that matters here: BLAS picks another kernel for the edge rows of a matrix (and another
path for a single row), so the low bits of a row change with its neighbours.  Here every row goes through
:func:`tile` — the caller pads the rows to a multiple of ``TILE_ROWS`` and the columns to a multiple of
``tile_cols`` — and every element is the same chain ``((0 + a_0 w_0) + a_1 w_1) + ...`` with k in order,
so a row gives the same bits alone, in any batch, at any position (tests/test_row_invariance.py).

The lane count follows the machine: two vector registers of ``VECTOR_BYTES`` (32 with AVX2, 64 with
AVX-512) per tile row, six rows, i.e. twelve accumulators — enough independent chains to keep both FMA
pipes busy and few enough to leave registers for the broadcasts and the row of W.
"""
from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .jit import kernel


def _vector_bytes() -> int:
    """Width of the widest vector register numba's target (this CPU) has: 64 (AVX-512), 32 (AVX), or 16."""
    try:
        import llvmlite.binding as llvm
        features = llvm.get_host_cpu_features()
    except Exception:  # no feature query on this platform: SSE/NEON width is always safe
        return 16
    if features.get("avx512f", False):
        return 64
    if features.get("avx", False):
        return 32
    return 16


#: Bytes of one vector register of this CPU (compile-time constant of the kernels below).
VECTOR_BYTES = _vector_bytes()
#: Rows of one register tile.
TILE_ROWS = 6
#: Depth of the sum over k done in one pass over a panel of W: a panel of ``K_BLOCK`` x ``tile_cols``
#: values (16 KiB in float32 with AVX2) stays in L1 while the row tiles of a row block use it.
K_BLOCK = 256
#: Rows of A swept under one panel of W: a block of ``ROW_BLOCK`` x ``K_BLOCK`` values (96 KiB in
#: float32) stays in L2 while every panel passes over it.
ROW_BLOCK = 96


@kernel
def tile_cols(itemsize):
    """Columns of one register tile for elements of ``itemsize`` bytes (two vector registers)."""
    return 2 * VECTOR_BYTES // itemsize


def padded(n: int, multiple: int) -> int:
    """``n`` rounded up to a multiple of ``multiple``."""
    return -(-int(n) // int(multiple)) * int(multiple)


@intrinsic
def tile(typingctx, A, a_off, lda, W, w_off, ldw, C, c_off, ldc, K, accumulate, b_off, epilogue, slope, M, m_off,
         ldm):
    """One register tile: ``C[c_off + r*ldc + c] (+)= sum_{k<K} A[a_off + r*lda + k] W[w_off + k*ldw + c]``
    for r < TILE_ROWS, c < tile_cols, k in order.

    ``accumulate`` continues the sums already in C (the same chain as one uncut sum: a stored float is
    exact); otherwise the sums start from 0, or from the bias ``W[b_off + c]`` if ``b_off >= 0``.
    ``epilogue`` applies, before the store, ``x -> x if m > 0 else slope * x`` with m = x itself
    (``m_off < 0``: leaky ReLU, ReLU with slope 0) or ``m = M[m_off + r*ldm + c]`` (the derivative of a
    leaky ReLU through its cached output, for a backward product): the pass over the block these would
    otherwise cost is saved.
    """
    if not (isinstance(A, types.Array) and A.dtype in (types.float32, types.float64)
            and W == A and C == A and M == A):
        return None
    i = types.intp
    sig = types.void(A, i, i, W, i, i, C, i, i, i, types.boolean, i, types.boolean, types.float64, M, i, i)

    def codegen(context, builder, signature, args):
        (a_arr, a_off, lda, w_arr, w_off, ldw, c_arr, c_off, ldc, K, acc_flag, b_off, epi_flag, slope,
         m_arr, m_off, ldm) = args
        ety = context.get_value_type(A.dtype)
        width = 4 if A.dtype == types.float32 else 8
        lanes = 2 * VECTOR_BYTES // width
        vty = ir.VectorType(ety, lanes)
        pa = context.make_array(A)(context, builder, a_arr).data
        pw = context.make_array(W)(context, builder, w_arr).data
        pc = context.make_array(C)(context, builder, c_arr).data
        pm = context.make_array(M)(context, builder, m_arr).data
        fmuladd = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vty, [vty, vty, vty]), f"llvm.fmuladd.v{lanes}f{8 * width}")
        splat_mask = ir.Constant(ir.VectorType(ir.IntType(32), lanes), [0] * lanes)
        undef = ir.Constant(vty, ir.Undefined)
        zero = ir.Constant(vty, [ir.Constant(ety, 0.0)] * lanes)
        intp = lda.type

        def splat(x):
            return builder.shuffle_vector(builder.insert_element(undef, x, ir.Constant(ir.IntType(32), 0)),
                                          undef, splat_mask)

        def vec_ptr(base, off, ld, r):
            return builder.bitcast(builder.gep(base, [builder.add(off, builder.mul(ir.Constant(intp, r), ld))]),
                                   vty.as_pointer())

        # Allocas in the entry block: LLVM promotes them to registers (SSA values of the k loop).
        accs = [cgutils.alloca_once(builder, vty) for _ in range(TILE_ROWS)]
        with builder.if_else(acc_flag) as (then, otherwise):
            with then:
                for r in range(TILE_ROWS):
                    builder.store(builder.load(vec_ptr(pc, c_off, ldc, r), align=width), accs[r])
            with otherwise:
                has_bias = builder.icmp_signed(">=", b_off, ir.Constant(intp, 0))
                safe = builder.select(has_bias, b_off, ir.Constant(intp, 0))
                bias = builder.load(builder.bitcast(builder.gep(pw, [safe]), vty.as_pointer()), align=width)
                start = builder.select(has_bias, bias, zero)
                for r in range(TILE_ROWS):
                    builder.store(start, accs[r])
        rows = [builder.add(a_off, builder.mul(ir.Constant(intp, r), lda)) for r in range(TILE_ROWS)]
        with cgutils.for_range(builder, K) as loop:
            k = loop.index
            wrow = builder.gep(pw, [builder.add(w_off, builder.mul(k, ldw))])
            w = builder.load(builder.bitcast(wrow, vty.as_pointer()), align=width)
            for r in range(TILE_ROWS):
                a = splat(builder.load(builder.gep(pa, [builder.add(rows[r], k)])))
                builder.store(builder.call(fmuladd, [a, w, builder.load(accs[r])]), accs[r])
        with builder.if_then(epi_flag):
            s = splat(builder.fptrunc(slope, ety) if width == 4 else slope)
            own = builder.icmp_signed("<", m_off, ir.Constant(intp, 0))
            safe_m = builder.select(own, ir.Constant(intp, 0), m_off)
            for r in range(TILE_ROWS):
                x = builder.load(accs[r])
                with builder.if_else(own) as (self_, cached):
                    with self_:
                        pos_self = builder.fcmp_ordered(">", x, zero)
                        blk_self = builder.block
                    with cached:
                        m = builder.load(vec_ptr(pm, safe_m, ldm, r), align=width)
                        pos_m = builder.fcmp_ordered(">", m, zero)
                        blk_m = builder.block
                pos = builder.phi(pos_self.type)
                pos.add_incoming(pos_self, blk_self)
                pos.add_incoming(pos_m, blk_m)
                builder.store(builder.select(pos, x, builder.fmul(s, x)), accs[r])
        for r in range(TILE_ROWS):
            builder.store(builder.load(accs[r]), vec_ptr(pc, c_off, ldc, r), align=width)
        return context.get_dummy_value()

    return sig, codegen


@kernel
def gemm_rows(A, a_off, lda, W, w_off, ldw, panel, C, c_off, ldc, rows, K, cols, b_off=-1, epilogue=False,
              slope=1.0, M=None, m_off=-1, ldm=0):
    """``C[i, j] = sum_{k<K} A[i, k] W[k, j]`` on flat buffers, i < rows, j < cols.

    Row i of A starts at ``A[a_off + i*lda]`` and row i of C at ``C[c_off + i*ldc]``.  W is stored in
    panels of ``tile_cols`` columns: element (k, j) lies at ``W[w_off + (j // cw)*panel + k*ldw + j % cw]``;
    ``ldw = cw, panel = K*cw`` is the packed layout of :func:`nn.rowwise.pack` (each panel contiguous, so
    the rows of a panel never collide in the cache), ``ldw = cols, panel = cw`` a row-major W.
    ``rows`` must be a multiple of TILE_ROWS and ``cols`` of ``tile_cols`` (pad the buffers); K is any
    depth.  The sum over k is cut into K_BLOCK pieces that continue one another, and the loops run over
    blocks of rows and panels of W for the caches' sake: neither changes any element's chain of
    operations, so the result does not depend on the cut.

    Fused around the product (see :func:`tile`): ``b_off >= 0`` starts every sum from the bias
    ``W[b_off + j]``; ``epilogue`` maps each result x to ``x if m > 0 else slope * x``, m = x itself
    (``M`` None: a leaky ReLU) or the element (i, j) of M (row i at ``M[m_off + i*ldm]``: times the
    derivative of a leaky ReLU whose output M holds).
    """
    cw = tile_cols(A.itemsize)
    if M is None:
        MM = C
        m0 = -1
    else:
        MM = M
        m0 = m_off
    for k0 in range(0, K, K_BLOCK):
        kb = min(K_BLOCK, K - k0)
        last = k0 + K_BLOCK >= K
        for r0 in range(0, rows, ROW_BLOCK):
            r1 = min(r0 + ROW_BLOCK, rows)
            for j0 in range(0, cols, cw):
                wp = w_off + (j0 // cw) * panel + k0 * ldw
                bo = b_off + j0 if b_off >= 0 else -1
                for i0 in range(r0, r1, TILE_ROWS):
                    tile(A, a_off + i0 * lda + k0, lda, W, wp, ldw, C, c_off + i0 * ldc + j0, ldc, kb, k0 > 0, bo,
                         epilogue and last, slope, MM, m0 + i0 * ldm + j0 if m0 >= 0 else -1, ldm)
