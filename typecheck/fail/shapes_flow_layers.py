# pyright: strict
"""eqx.nn layers fed the wrong width, and Sequentials whose sizes do not chain."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float

import equinox as eqx

key = jax.random.key(0)
linear = eqx.nn.Linear(3, 4, key=key)
mlp = eqx.nn.MLP(4, 2, width_size=8, depth=2, key=key)
conv = eqx.nn.Conv2d(3, 8, kernel_size=3, key=key)
gru = eqx.nn.GRUCell(3, 5, key=key)
lstm = eqx.nn.LSTMCell(3, 5, key=key)
attention = eqx.nn.MultiheadAttention(num_heads=2, query_size=8, key=key)

linear(jnp.zeros(4))  # E: jaxtyping-shape
linear(jnp.zeros((2, 3)))  # E: jaxtyping-shape
mlp(jnp.zeros(3))  # E: jaxtyping-shape
conv(jnp.zeros((1, 16, 16)))  # E: jaxtyping-shape
gru(jnp.zeros(5), jnp.zeros(5))  # E: jaxtyping-shape
gru(jnp.zeros(3), jnp.zeros(3))  # E: jaxtyping-shape
attention(jnp.zeros((5, 6)), jnp.zeros((6, 8)), jnp.zeros((6, 8)))  # E: jaxtyping-shape
wide: Float[Array, "3"] = linear(jnp.zeros(3))  # E: jaxtyping-shape
out: Float[Array, "4"] = mlp(jnp.zeros(4))  # E: jaxtyping-shape
features: Float[Array, "3 14 14"] = conv(jnp.zeros((3, 16, 16)))  # E: jaxtyping-shape
hidden: Float[Array, "3"] = gru(jnp.zeros(3), jnp.zeros(5))  # E: jaxtyping-shape
chained = mlp(linear(jnp.zeros(3)))
broken = linear(linear(jnp.zeros(3)))  # E: jaxtyping-shape

model = eqx.nn.Sequential(
    [
        eqx.nn.Linear(8, 32, key=key),
        eqx.nn.Lambda(jax.nn.relu),
        eqx.nn.Linear(16, 2, key=key),  # E: jaxtyping-shape
    ]
)
deep = eqx.nn.Sequential(
    [
        eqx.nn.Linear(8, 32, key=key),
        eqx.nn.Linear(32, 32, key=key),
        eqx.nn.Lambda(jnp.tanh),
        eqx.nn.MLP(16, 2, 8, 1, key=key),  # E: jaxtyping-shape
    ]
)

# Normalisation layers (overloaded `__call__`): the constructor binds `*shape`.
layer_norm = eqx.nn.LayerNorm(4)
rms_norm = eqx.nn.RMSNorm((2, 4))
layer_norm(jnp.zeros(3))  # E: jaxtyping-shape
rms_norm(jnp.zeros(4))  # E: jaxtyping-shape
rms_norm(jnp.zeros((4, 2)))  # E: jaxtyping-shape
normed: Float[Array, "3"] = layer_norm(jnp.zeros(4))  # E: jaxtyping-shape
normed_pair: Float[Array, "4 2"] = rms_norm(jnp.zeros((2, 4)))  # E: jaxtyping-shape
wide_norm = layer_norm(linear(jnp.zeros(3)))
layer_norm(mlp(jnp.zeros(4)))  # E: jaxtyping-shape
group_norm = eqx.nn.GroupNorm(2, 4)
group_norm(jnp.zeros((6, 9)))  # E: jaxtyping-shape
grouped: Float[Array, "4 8"] = group_norm(jnp.zeros((4, 9)))  # E: jaxtyping-shape

# A Sequential's result is its last layer's output.
net = eqx.nn.Sequential(
    [
        eqx.nn.Linear(3, 8, key=key),
        eqx.nn.Lambda(jax.nn.relu),
        eqx.nn.Linear(8, 2, key=key),
    ]
)
logits: Float[Array, "3"] = net(jnp.zeros(3))  # E: jaxtyping-shape
linear(net(jnp.zeros(3)))  # E: jaxtyping-shape
layer_norm(net(jnp.zeros(3)))  # E: jaxtyping-shape
both = mlp(linear(net(jnp.zeros(3))))  # E: jaxtyping-shape
