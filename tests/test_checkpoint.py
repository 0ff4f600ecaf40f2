import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array

import equinox as eqx


class Block(eqx.Module):
    w: Array
    name: str = eqx.field(static=True)

    def __call__(self, x: Array, depth: int) -> Array:
        for _ in range(depth):
            x = jnp.sin(self.w * x)
        return x


def test_values_and_grads_match() -> None:
    block = Block(jnp.array([0.5, 1.5]), "b")
    x = jnp.array([1.0, 2.0])
    checkpointed = eqx.filter_checkpoint(lambda m, x, d: m(x, d).sum())
    np.testing.assert_allclose(checkpointed(block, x, 3), block(x, 3).sum(), rtol=1e-6)
    g = eqx.filter_grad(lambda m: checkpointed(m, x, 3))(block)
    expected = eqx.filter_grad(lambda m: m(x, 3).sum())(block)
    np.testing.assert_allclose(g.w, expected.w, rtol=1e-6)


def test_remat_in_jaxpr_and_decorator_factory() -> None:
    @eqx.filter_checkpoint(prevent_cse=False)
    def f(x: Array, label: str) -> tuple[Array, str]:
        return jnp.sin(x) * 2, label

    out, label = f(jnp.ones(2), "l")
    assert label == "l"
    assert bool(jnp.allclose(out, 2 * jnp.sin(1.0)))
    jaxpr = jax.make_jaxpr(jax.grad(lambda x: f(x, "l")[0].sum()))(jnp.ones(2))
    assert "checkpoint" in str(jaxpr) or "remat" in str(jaxpr)
    policy = jax.checkpoint_policies.nothing_saveable
    g = eqx.filter_checkpoint(policy=policy)(lambda x: jnp.sum(jnp.sin(x)))
    np.testing.assert_allclose(jax.grad(g)(jnp.zeros(2)), jnp.ones(2))
