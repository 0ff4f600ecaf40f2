"""`eqx.debug.breakpoint_if` (only the paths that do not stop: tests must not
wait on an interactive debugger)."""

import jax
import jax.numpy as jnp
import pytest
from jaxtyping import Array

import equinox as eqx


def test_false_predicate_does_not_stop() -> None:
    eqx.debug.breakpoint_if(False)
    eqx.debug.breakpoint_if(jnp.array([False, False]))

    @jax.jit
    def f(x: Array) -> Array:
        eqx.debug.breakpoint_if(x > 10)
        return x + 1

    assert float(f(jnp.array(1.0))) == 2.0
    jaxpr = str(jax.make_jaxpr(f)(jnp.array(1.0)))
    assert "cond" in jaxpr and "debug_callback" in jaxpr


def test_false_under_vmap_does_not_stop() -> None:
    # Under vmap the predicate is folded with `any`: a batch where no element
    # holds must not stop (a plain batched `cond` would run both branches).
    def f(x: Array) -> Array:
        eqx.debug.breakpoint_if(x > 10)
        return x * 2

    out = jax.jit(jax.vmap(f))(jnp.arange(4.0))
    assert out.tolist() == [0.0, 2.0, 4.0, 6.0]
    assert jax.vmap(f)(jnp.arange(3.0)).tolist() == [0.0, 2.0, 4.0]
    nested = jax.jit(jax.vmap(jax.vmap(f)))(jnp.ones((2, 3)))
    assert nested.tolist() == [[2.0] * 3] * 2
    jaxpr = str(jax.make_jaxpr(jax.vmap(f))(jnp.arange(3.0)))
    assert "cond[" in jaxpr and "select_n" not in jaxpr


def test_non_boolean_predicate_is_an_error() -> None:
    with pytest.raises(TypeError, match="`pred` must be a boolean"):
        eqx.debug.breakpoint_if(jnp.array(1.0))
