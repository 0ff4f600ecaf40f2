# pyright: strict
"""Sampling actions from a categorical policy, with explicit key plumbing."""

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Policy(eqx.Module):
    logits_net: eqx.nn.MLP
    temperature: float = eqx.field(static=True, default=1.0)

    def __init__(self, obs_dim: int, n_actions: int, *, key: PRNGKeyArray) -> None:
        self.logits_net = eqx.nn.MLP(obs_dim, n_actions, 32, 2, key=key)

    def sample(self, obs: Array, key: PRNGKeyArray) -> tuple[Array, Array]:
        logits = self.logits_net(obs) / self.temperature
        action = jax.random.categorical(key, logits)
        log_prob = jax.nn.log_softmax(logits)[action]
        return action, log_prob


def rollout(policy: Policy, obs: Array, key: PRNGKeyArray) -> tuple[Array, Array]:
    keys = jax.random.split(key, obs.shape[0])
    return jax.vmap(policy.sample)(obs, keys)


policy = Policy(4, 2, key=jax.random.key(0))
actions, log_probs = eqx.filter_jit(rollout)(
    policy, jnp.ones((8, 4)), jax.random.key(1)
)
mean_log_prob: Array = jnp.mean(log_probs)
