# pyright: strict
"""Arrays in static fields: they would live in the treedef, never traced."""

import jax
import numpy as np
from jaxtyping import Array, Float

import equinox as eqx


class Layer(eqx.Module):
    weight: Array = eqx.field(static=True)  # E: eqx-static-array
    table: np.ndarray = eqx.field(static=True)  # E: eqx-static-array
    scale: Float[Array, ""] = eqx.field(static=True)  # E: eqx-static-array
    bias: jax.Array = eqx.field(static=False)
    shape: tuple[int, ...] = eqx.field(static=True)
    name: str = eqx.field(static=True, default="layer")
    maybe: Array | None = eqx.field(static=True, default=None)
