# pyright: strict
"""An exponential moving average of a model's floating-point arrays."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Model(eqx.Module):
    weight: Array
    steps: Array
    name: str = eqx.field(static=True, default="model")


def ema(average: Model, current: Model, decay: float) -> Model:
    avg_arrays, static = eqx.partition(average, eqx.is_inexact_array)
    cur_arrays, _ = eqx.partition(current, eqx.is_inexact_array)

    def mix(a: Array, c: Array) -> Array:
        return decay * a + (1 - decay) * c

    mixed: Model = jax.tree_util.tree_map(mix, avg_arrays, cur_arrays)
    return eqx.combine(mixed, static)


model = Model(jnp.ones(3), jnp.zeros((), dtype=jnp.int32))
average = ema(model, model, 0.99)
floats = eqx.filter(average, eqx.is_inexact_array)
same: bool = bool(eqx.tree_equal(average, model))
