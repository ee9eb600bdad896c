"""Batch losses of any registered objective: its per-logit kernels reach the compiled step by address.

The whole GAN step is one compiled call (:mod:`nn.gan_step`).  An objective enters it as the addresses of
its module's ``real_loss``, ``fake_loss`` and ``gen_loss``, each compiled once for
:data:`LOGIT_SIGNATURE` (:func:`loss_functions`); inside, :func:`logit_kernel` turns an address back into
a callable *first-class function* (numba's ``FunctionType``).  Every objective has the same function
type, so the step is compiled once per dtype and serves them all; a new objective costs the compilation
of its three small kernels (cached on disk with its module, recompiled when that file changes), not of
the whole step — with the objective compiled into the step as a type, each of the eleven objectives used
to cost 15-20 s of compilation.  An indirect call per logit costs a few nanoseconds (about 1 us per
training step of 128 logits).  Addresses, not function objects, cross into compiled code because numba
types a function object on every call (about 30 us each) and warns about tuples of them.
"""
from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.types.function_type import CompileResultWAP
from numba.extending import intrinsic
import numba.experimental.function_type  # noqa: F401 - the data model of function values

from ..jit import kernel
from .registry import KERNELS

#: ``(loss, d loss / d logit) = kernel(logit, options)``: the type of every objective's per-logit kernels.
LOGIT_SIGNATURE = types.UniTuple(types.float64, 2)(types.float64, types.float64[::1])
LOGIT_FUNCTION = types.FunctionType(LOGIT_SIGNATURE)

_FUNCTIONS: dict = {}


def loss_functions(module) -> tuple:
    """Addresses of ``(real_loss, fake_loss, gen_loss)`` of an objective module, compiled for
    :data:`LOGIT_SIGNATURE` (valid in this process while the module is loaded)."""
    got = _FUNCTIONS.get(id(module))
    if got is None or got[0] is not module:
        waps = []
        for name in KERNELS:
            disp = getattr(module, name)
            disp.compile(LOGIT_SIGNATURE.args)
            waps.append(CompileResultWAP(disp.overloads[LOGIT_SIGNATURE.args]))
        # The wrappers keep the compiled code alive; the step only sees the addresses.
        got = _FUNCTIONS[id(module)] = (module, tuple(w.__wrapper_address__() for w in waps), waps)
    return got[1]


@intrinsic
def logit_kernel(typingctx, addr):
    """The per-logit kernel at ``addr`` (from :func:`loss_functions`) as a callable function value."""
    if not isinstance(addr, types.Integer):
        return None

    def codegen(context, builder, signature, args):
        fn = cgutils.create_struct_proxy(LOGIT_FUNCTION)(context, builder)
        null = ir.Constant(cgutils.voidptr_t, None)
        fn.c_addr = builder.inttoptr(args[0], cgutils.voidptr_t)
        fn.py_addr = null
        fn.jit_addr = null
        return fn._getvalue()

    return LOGIT_FUNCTION(addr), codegen


@kernel
def d_loss(real_addr, fake_addr, real, fake, g_real, g_fake, opt):
    """Discriminator batch-mean loss; fills d loss/d logit into ``g_real``, ``g_fake``; the kernels' addresses
    come from :func:`loss_functions`."""
    real_loss, fake_loss = logit_kernel(real_addr), logit_kernel(fake_addr)
    loss = 0.0
    n, m = real.shape[0], fake.shape[0]
    for i in range(n):
        val, d = real_loss(float(real[i]), opt)
        loss += val / n
        g_real[i] = d / n
    for i in range(m):
        val, d = fake_loss(float(fake[i]), opt)
        loss += val / m
        g_fake[i] = d / m
    return loss


@kernel
def g_loss(gen_addr, fake, g_fake, opt):
    """Generator batch-mean loss; fills d loss/d logit into ``g_fake``; ``gen_addr`` from :func:`loss_functions`."""
    gen_loss = logit_kernel(gen_addr)
    loss = 0.0
    m = fake.shape[0]
    for i in range(m):
        val, d = gen_loss(float(fake[i]), opt)
        loss += val / m
        g_fake[i] = d / m
    return loss
