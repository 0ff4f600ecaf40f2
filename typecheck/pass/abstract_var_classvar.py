# pyright: strict
"""Root finders whose interface declares its tolerances and norm as
`AbstractVar`s; a concrete solver provides the norm as a `ClassVar` (a
class-level constant, not a field), which Equinox accepts."""

from collections.abc import Callable
from typing import ClassVar

import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx

Norm = Callable[..., Float[Array, ""]]


def max_norm(x: Float[Array, " n"]) -> Float[Array, ""]:
    return jnp.max(jnp.abs(x))


# A plain function stored on a class binds as a method; a static one does not.
STATIC_NORM = staticmethod(max_norm)


class AbstractRootFinder(eqx.Module):
    rtol: eqx.AbstractVar[float]
    atol: eqx.AbstractVar[float]
    norm: eqx.AbstractVar[Norm]


class Bisection(AbstractRootFinder):
    rtol: float
    atol: float
    norm: ClassVar[Norm] = STATIC_NORM  # fmt: skip  # E: pyrefly: bad-override; ty: incompatible-attribute-override


class Newton(AbstractRootFinder):
    rtol: float
    atol: float
    norm: Norm = max_norm


def tolerances(solver: AbstractRootFinder) -> tuple[float, float]:
    return solver.rtol, solver.atol


bisection = Bisection(rtol=1e-6, atol=1e-6)  # E: pyrefly: missing-argument
newton = Newton(rtol=1e-8, atol=1e-8, norm=max_norm)
tolerances(bisection)
tolerances(newton)
error = Bisection.norm(jnp.array([1.0, -3.0]))
