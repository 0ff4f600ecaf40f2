from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array, PRNGKeyArray

import equinox as eqx


class Big(eqx.Module):
    weight: Array
    act: object
    size: int = eqx.field(static=True)

    def __init__(self, size: int, key: PRNGKeyArray) -> None:
        self.weight = jax.random.normal(key, (size, size))
        self.act = jnp.tanh
        self.size = size


def test_abstract_model() -> None:
    abstract = eqx.filter_eval_shape(Big, 1000, jax.random.key(0))
    assert isinstance(abstract, Big)
    assert isinstance(abstract.weight, jax.ShapeDtypeStruct)
    assert abstract.weight.shape == (1000, 1000)
    assert abstract.weight.dtype == jnp.float32
    assert abstract.act is jnp.tanh and abstract.size == 1000


def test_shape_struct_inputs_and_static_outputs() -> None:
    def f(x: Array, n: int) -> tuple[Array, int]:
        return jnp.concatenate([x] * n), n

    # ShapeDtypeStructs stand in for arrays (not in f's static signature).
    abstract: Any = jax.ShapeDtypeStruct((3,), jnp.float32)  # type: ignore[no-untyped-call]  # jax leaves it untyped
    out, n = eqx.filter_eval_shape(f, abstract, 2)
    assert out.shape == (6,) and n == 2
    out2, _ = eqx.filter_eval_shape(f, jnp.ones(4), 3)
    assert out2.shape == (12,)
