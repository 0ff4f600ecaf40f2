"""quax: LoRA-adapt a small MLP (quax.examples.lora) and train the adapters.

Weights are reset to a deterministic function of their shapes so the figures
do not depend on `eqx.nn`'s initialisation."""

from typing import Any

import jax
import jax.numpy as jnp
import jax.random as jr
import quax  # type: ignore[import-not-found]  # installed by the compat test
import quax.examples.lora as lora  # type: ignore[import-not-found]  # installed by the compat test

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
            leaf = 0.3 * jnp.cos(grid * 0.7 + i)
        new.append(leaf)
    return jax.tree_util.tree_unflatten(treedef, new)


mlp = deterministic(eqx.nn.MLP(3, 2, width_size=5, depth=2, key=jr.PRNGKey(0)))
lora_mlp = deterministic(lora.loraify(mlp, rank=2, key=jr.PRNGKey(1)))
x = jnp.array([0.5, -1.0, 2.0])
show("mlp", mlp(x))
show("lora_mlp", quax.quaxify(lora_mlp)(x))
xs = jnp.stack([x, -x, 0.5 * x])
targets = jnp.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])


def loss(model: Any) -> Any:
    preds = jax.vmap(quax.quaxify(model))(xs)
    return jnp.mean((preds - targets) ** 2)


grads = eqx.filter_grad(loss)(lora_mlp)
show("loss_before", loss(lora_mlp))
model = lora_mlp
for _ in range(20):
    grads = eqx.filter_grad(loss)(model)
    model = eqx.apply_updates(model, jax.tree_util.tree_map(lambda g: -0.1 * g, grads))
show("loss_after", loss(model))
