# pyright: strict
"""eqx.nn layers with jaxtyping-annotated inputs: the checker stays silent."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx

key1, key2, key3 = jax.random.split(jax.random.key(0), 3)
x: Float[Array, "3"] = jnp.ones(3)
image: Float[Array, "2 8 8"] = jnp.ones((2, 8, 8))

linear = eqx.nn.Linear(3, 4, key=key1)
hidden = linear(x)
mlp = eqx.nn.MLP(3, 2, width_size=8, depth=2, key=key2)
out = mlp(x)
conv = eqx.nn.Conv2d(2, 4, kernel_size=3, key=key3)
feature_map = conv(image)
norm = eqx.nn.LayerNorm(3)
normed = norm(x)


def forward(model: eqx.nn.MLP, inputs: Float[Array, "batch 3"]) -> Array:
    outputs: Array = jax.vmap(model)(inputs)
    return outputs


def loss(model: eqx.nn.Linear, inputs: Float[Array, "3"]) -> Float[Array, ""]:
    return jnp.sum(model(inputs) ** 2)


scalar_in = eqx.nn.Linear("scalar", 4, key=key1)
from_scalar = scalar_in(jnp.ones(()))
vector: Float[Array, "4"] = jnp.ones(4)
to_two = eqx.nn.Linear(4, 2, key=key2)(vector)


def maybe_bias(
    x: Float[Array, "n"], bias: Float[Array, "n"] | None
) -> Float[Array, "n"]:
    return x if bias is None else x + bias


with_bias = maybe_bias(x, x)
without_bias = maybe_bias(x, None)
