"""Compiled dispatch from an objective's integer code to its kernels.

The whole GAN step is one compiled call, so the objective is chosen inside
numba by code.  Adding a GAN family = one module with ``CODE``, ``d_loss``,
``g_loss``, ``options`` + one branch in each function below + one line in
``nn.objectives.REGISTRY``.
"""
from .._jit import kernel
from . import gan, lsgan, mim, wgan


@kernel
def d_loss(code, real, fake, g_real, g_fake, opt):
    if code == mim.CODE:
        return mim.d_loss(real, fake, g_real, g_fake, opt)
    if code == gan.CODE:
        return gan.d_loss(real, fake, g_real, g_fake, opt)
    if code == lsgan.CODE:
        return lsgan.d_loss(real, fake, g_real, g_fake, opt)
    return wgan.d_loss(real, fake, g_real, g_fake, opt)


@kernel
def g_loss(code, fake, g_fake, opt):
    if code == mim.CODE:
        return mim.g_loss(fake, g_fake, opt)
    if code == gan.CODE:
        return gan.g_loss(fake, g_fake, opt)
    if code == lsgan.CODE:
        return lsgan.g_loss(fake, g_fake, opt)
    return wgan.g_loss(fake, g_fake, opt)
