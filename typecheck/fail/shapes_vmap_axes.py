# pyright: strict
"""vmap with per-argument in_axes and per-output out_axes, used wrongly."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


def squared_distance(a: Float[Array, "d"], b: Float[Array, "d"]) -> Float[Array, ""]:
    return jnp.sum((a - b) ** 2)


def moments(x: Float[Array, "d"]) -> tuple[Float[Array, ""], Float[Array, "d"]]:
    mean = jnp.mean(x)
    return mean, x - mean


class Scale(eqx.Module):
    weight: Float[Array, "d"]

    def __call__(
        self, x: Float[Array, "d"], gain: Float[Array, ""]
    ) -> Float[Array, "d"]:
        return self.weight * x * gain


xs = jnp.zeros((10, 3))
centre = jnp.zeros(3)
per_row = jax.vmap(squared_distance, in_axes=(0, None))

per_row(xs, jnp.zeros(4))  # E: jaxtyping-shape
per_row(xs, xs)  # the centre is not mapped: it stays 2-D  # E: jaxtyping-shape
jax.vmap(squared_distance, in_axes=(None, 0))(xs, centre)  # E: jaxtyping-shape
jax.vmap(squared_distance, (0, 1))(xs, jnp.zeros((3, 9)))  # E: jaxtyping-shape
jax.vmap(squared_distance, in_axes=(0, 2))(xs, xs)  # E: jaxtyping-shape
eqx.filter_vmap(squared_distance, in_axes=(0, None))(xs, xs)  # E: jaxtyping-shape
wrong: Float[Array, "3"] = per_row(xs, centre)  # E: jaxtyping-shape
# One in_axes entry per positional argument, at least one not None (else
# jax.vmap and eqx.filter_vmap raise ValueError when called).
jax.vmap(squared_distance, in_axes=(0,))(xs, centre)  # E: jaxtyping-shape
three = eqx.filter_vmap(squared_distance, in_axes=(0, None, 0))
three(xs, centre)  # E: jaxtyping-shape
per_row(xs, b=centre)  # E: jaxtyping-shape
jax.vmap(squared_distance, in_axes=(None, None))(xs, centre)  # E: jaxtyping-shape

means, centred = jax.vmap(moments, out_axes=(0, 1))(xs)
rows: Float[Array, "10 3"] = centred  # E: jaxtyping-shape
totals: Float[Array, "3"] = means  # E: jaxtyping-shape

model = Scale(jnp.ones(3))
jax.vmap(model, in_axes=(0, None))(xs, jnp.ones(3))  # E: jaxtyping-shape
scale_rows = jax.vmap(model, in_axes=(0, None))
scaled: Float[Array, "3 10"] = scale_rows(xs, jnp.ones(()))  # E: jaxtyping-shape
