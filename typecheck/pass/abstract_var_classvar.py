# pyright: strict
"""Root finders whose interface declares its tolerances and norm as
`AbstractVar`s; a concrete solver provides the norm as a `ClassVar` (a
class-level constant, not a field), which Equinox accepts."""

from collections.abc import Callable
from typing import ClassVar

import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


def max_norm(x: Float[Array, " n"]) -> Float[Array, ""]:
    return jnp.max(jnp.abs(x))


class AbstractRootFinder(eqx.Module):
    rtol: eqx.AbstractVar[float]
    atol: eqx.AbstractVar[float]
    norm: eqx.AbstractVar[Callable[..., Float[Array, ""]]]


class Bisection(AbstractRootFinder):
    rtol: float
    atol: float
    norm: ClassVar[Callable[..., Float[Array, ""]]] = staticmethod(max_norm)


class Newton(AbstractRootFinder):
    rtol: float
    atol: float
    norm: Callable[..., Float[Array, ""]] = max_norm


def tolerances(solver: AbstractRootFinder) -> tuple[float, float]:
    return solver.rtol, solver.atol


bisection = Bisection(rtol=1e-6, atol=1e-6)
newton = Newton(rtol=1e-8, atol=1e-8, norm=max_norm)
tolerances(bisection)
tolerances(newton)
error = Bisection.norm(jnp.array([1.0, -3.0]))
