# pyright: strict
"""vmap with per-argument in_axes and per-output out_axes."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx


def squared_distance(a: Float[Array, "d"], b: Float[Array, "d"]) -> Float[Array, ""]:
    return jnp.sum((a - b) ** 2)


def nearest(
    points: Float[Array, "n d"], centres: Float[Array, "k d"]
) -> Float[Array, "n k"]:
    per_centre = jax.vmap(squared_distance, in_axes=(None, 0))
    return jax.vmap(per_centre, in_axes=(0, None))(points, centres)


def columns_to(x: Float[Array, "d n"], target: Float[Array, "d"]) -> Float[Array, "n"]:
    return jax.vmap(squared_distance, (1, None))(x, target)


def moments(x: Float[Array, "d"]) -> tuple[Float[Array, ""], Float[Array, "d"]]:
    mean = jnp.mean(x)
    return mean, x - mean


def centred_columns(x: Float[Array, "n d"]) -> Float[Array, "d n"]:
    means, centred = jax.vmap(moments, out_axes=(0, 1))(x)
    del means
    return centred


class Scale(eqx.Module):
    weight: Float[Array, "d"]

    def __call__(
        self, x: Float[Array, "d"], gain: Float[Array, ""]
    ) -> Float[Array, "d"]:
        return self.weight * x * gain


def loss(model: Scale, x: Float[Array, "d"], y: Float[Array, "d"]) -> Float[Array, ""]:
    return jnp.mean((model(x, jnp.ones(())) - y) ** 2)


model = Scale(jnp.ones(3))
xs, ys = jnp.zeros((8, 3)), jnp.ones((8, 3))
scaled: Float[Array, "8 3"] = jax.vmap(model, in_axes=(0, None))(xs, jnp.ones(()))
per_example: Float[Array, "8"] = jax.vmap(loss, in_axes=(None, 0, 0))(model, xs, ys)
filtered: Float[Array, "8"] = eqx.filter_vmap(loss, in_axes=(None, 0, 0))(model, xs, ys)
table: Float[Array, "8 5"] = nearest(xs, jnp.zeros((5, 3)))
