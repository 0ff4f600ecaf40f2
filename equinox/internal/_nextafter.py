"""`nextafter` / `prevbefore`: the neighbouring floating-point numbers.

Their derivative is that of the identity: they nudge a value by one unit in
the last place, which is a discontinuity-free shift as far as AD cares.
"""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, ArrayLike


def _float(x: ArrayLike) -> Array:
    arr = jnp.asarray(x)
    if not jnp.issubdtype(arr.dtype, jnp.inexact):
        raise ValueError(f"data type {arr.dtype.type} not inexact")
    return arr


@jax.custom_jvp
def nextafter(x: ArrayLike) -> Array:
    """Returns the floating point number after `x`."""
    arr = _float(x)
    return jnp.nextafter(arr, jnp.array(jnp.inf, arr.dtype))


@jax.custom_jvp
def prevbefore(x: ArrayLike) -> Array:
    """Returns the floating point number before `x`."""
    arr = _float(x)
    return jnp.nextafter(arr, jnp.array(-jnp.inf, arr.dtype))


@nextafter.defjvp
def _nextafter_jvp(primals: Any, tangents: Any) -> tuple[Array, Array]:
    return nextafter(primals[0]), tangents[0]


@prevbefore.defjvp
def _prevbefore_jvp(primals: Any, tangents: Any) -> tuple[Array, Array]:
    return prevbefore(primals[0]), tangents[0]
