# pyright: strict
"""eqx.nn layers built with literal sizes, called with matching inputs."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx

key = jax.random.key(0)
linear = eqx.nn.Linear(3, 4, key=key)
mlp = eqx.nn.MLP(4, 2, width_size=8, depth=2, key=key)
conv = eqx.nn.Conv2d(3, 8, kernel_size=3, key=key)
gru = eqx.nn.GRUCell(3, 5, key=key)
attention = eqx.nn.MultiheadAttention(num_heads=2, query_size=8, key=key)
embed = eqx.nn.Embedding(100, 16, key=key)

hidden: Float[Array, "4"] = linear(jnp.zeros(3))
out: Float[Array, "2"] = mlp(hidden)
features = conv(jnp.zeros((3, 16, 16)))
state: Float[Array, "5"] = gru(jnp.zeros(3), jnp.zeros(5))
context = attention(jnp.zeros((5, 8)), jnp.zeros((6, 8)), jnp.zeros((6, 8)))
token: Float[Array, "16"] = embed(jnp.asarray(3))
batch: Float[Array, "32 4"] = jax.vmap(linear)(jnp.zeros((32, 3)))
