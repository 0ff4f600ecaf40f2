"""flowjax: fit a small masked autoregressive flow to 2-d data.

Parameters are reset to a deterministic function of their shapes before
training, so the figures do not depend on how `eqx.nn` layers draw their
initial weights (which differs between implementations)."""

from typing import Any

import jax
import jax.numpy as jnp
import jax.random as jr
from flowjax.distributions import Normal  # type: ignore[import-not-found]  # installed by the compat test
from flowjax.flows import masked_autoregressive_flow  # type: ignore[import-not-found]  # installed by the compat test
from flowjax.train import fit_to_data  # type: ignore[import-not-found]  # installed by the compat test

import equinox as eqx


def show(name: str, value: Any) -> None:
    flat = jnp.ravel(jnp.asarray(value))
    print(name, " ".join(f"{float(v):.4e}" for v in flat))


def deterministic(tree: Any) -> Any:
    leaves, treedef = jax.tree_util.tree_flatten(tree)
    new = []
    for i, leaf in enumerate(leaves):
        if eqx.is_inexact_array(leaf):
            grid = jnp.arange(leaf.size, dtype=leaf.dtype).reshape(leaf.shape)
            leaf = 0.1 * jnp.sin(grid + i)
        new.append(leaf)
    return jax.tree_util.tree_unflatten(treedef, new)


key = jr.key(0)
data = jr.normal(jr.key(1), (256, 2)) * jnp.array([1.0, 0.5]) + jnp.array([1.0, -1.0])
flow = masked_autoregressive_flow(
    key, base_dist=Normal(jnp.zeros(2)), flow_layers=2, nn_width=8
)
flow = deterministic(flow)
print(
    "num_leaves", len(jax.tree_util.tree_leaves(eqx.filter(flow, eqx.is_inexact_array)))
)
show("log_prob_before", flow.log_prob(data[:3]))
flow, losses = fit_to_data(
    jr.key(2), flow, data, learning_rate=1e-2, max_epochs=15, show_progress=False
)
show("train_loss_first_last", jnp.array([losses["train"][0], losses["train"][-1]]))
show("log_prob_after", flow.log_prob(data[:3]))
show("sample_mean", flow.sample(jr.key(3), (2000,)).mean(0))
