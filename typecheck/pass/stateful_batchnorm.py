# pyright: strict
"""A stateful model (eqx.nn.BatchNorm) driven through eqx.nn.State."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Net(eqx.Module):
    linear: eqx.nn.Linear
    norm: eqx.nn.BatchNorm

    def __init__(self, *, key: PRNGKeyArray) -> None:
        self.linear = eqx.nn.Linear(3, 4, key=key)
        self.norm = eqx.nn.BatchNorm(4, axis_name="batch")

    def __call__(self, x: Array, state: eqx.nn.State) -> tuple[Array, eqx.nn.State]:
        x = self.linear(x)
        x, state = self.norm(x, state)
        return jax.nn.relu(x), state


model, state = eqx.nn.make_with_state(Net)(key=jax.random.key(0))


def forward(model: Net, state: eqx.nn.State, xs: Array) -> tuple[Array, eqx.nn.State]:
    batched = jax.vmap(model, axis_name="batch", in_axes=(0, None), out_axes=(0, None))
    return batched(xs, state)


ys, state = forward(model, state, jnp.ones((8, 3)))
inference = eqx.nn.inference_mode(model)
