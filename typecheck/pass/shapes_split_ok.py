# pyright: strict
"""jnp.split and its kin in model code: each part keeps its shape."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


def glu(x: Float[Array, "n d2"]) -> Float[Array, "n d"]:
    """Gated linear unit: half the features gate the other half."""
    value, gate = jnp.split(x, 2, axis=-1)
    return value * jax.nn.sigmoid(gate)


class QKVAttention(eqx.Module):
    qkv: eqx.nn.Linear

    def __init__(self, size: int, key: PRNGKeyArray):
        self.qkv = eqx.nn.Linear(size, 3 * size, key=key)

    def __call__(self, x: Float[Array, "seq size"]) -> Float[Array, "seq size"]:
        q, k, v = jnp.split(jax.vmap(self.qkv)(x), 3, axis=-1)
        weights = jax.nn.softmax(q @ k.T / jnp.sqrt(q.shape[-1]), axis=-1)
        return weights @ v


def affine(
    w: Float[Array, "3 4"], b: Float[Array, "3"], x: Float[Array, "4"]
) -> Float[Array, "3"]:
    return w @ x + b


theta = jnp.zeros(15)
flat_w, b = jnp.split(theta, [12])  # 12 weights, then 3 biases
y = affine(flat_w.reshape(3, 4), b, jnp.ones(4))

columns = jnp.zeros((8, 6))
left, right = jnp.hsplit(columns, 2)
top, bottom = jnp.split(columns, [5])
both = affine(
    jnp.concatenate([left, right[:, :1]], axis=1)[:3], top[0, :3], bottom[0, :4]
)
chunks = jnp.array_split(jnp.arange(10), 4)  # sizes 3, 3, 2, 2
first: Float[Array, "3"] = chunks[0] * 1.0
last: Float[Array, "2"] = chunks[-1] * 1.0
for chunk in jnp.split(columns, 3, axis=1):
    pair: Float[Array, "8 2"] = chunk
halves = jnp.split(jnp.zeros((4, 4)), 2)
stacked = jnp.concatenate([halves[1], halves[0]])
