# pyright: strict
"""A small classifier head: LayerNorm/RMSNorm over the features and a
Sequential stack whose output feeds the next layer."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, Float, PRNGKeyArray

import equinox as eqx


class Head(eqx.Module):
    norm: eqx.nn.LayerNorm
    body: eqx.nn.Sequential
    out: eqx.nn.Linear

    def __init__(self, key: PRNGKeyArray) -> None:
        k1, k2, k3 = jax.random.split(key, 3)
        self.norm = eqx.nn.LayerNorm(16)
        self.body = eqx.nn.Sequential(
            [
                eqx.nn.Linear(16, 32, key=k1),
                eqx.nn.Lambda(jax.nn.gelu),
                eqx.nn.Linear(32, 16, key=k2),
            ]
        )
        self.out = eqx.nn.Linear(16, 10, key=k3)

    def __call__(self, x: Float[Array, "16"]) -> Float[Array, "10"]:
        return self.out(self.body(self.norm(x)))


key = jax.random.key(0)
k1, k2 = jax.random.split(key)
layer_norm = eqx.nn.LayerNorm(4)
rms_norm = eqx.nn.RMSNorm((2, 4))
normed: Float[Array, "4"] = layer_norm(jnp.zeros(4))
normed_pair: Float[Array, "2 4"] = rms_norm(jnp.zeros((2, 4)))
net = eqx.nn.Sequential(
    [
        eqx.nn.Linear(3, 8, key=k1),
        eqx.nn.Lambda(jax.nn.relu),
        eqx.nn.Linear(8, 4, key=k2),
    ]
)
features: Float[Array, "4"] = net(jnp.zeros(3))
scaled = layer_norm(net(jnp.zeros(3)))
state_free = Head(key)(jnp.ones(16))
