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


def test_non_boolean_predicate_is_an_error() -> None:
    with pytest.raises(TypeError, match="`pred` must be a boolean"):
        eqx.debug.breakpoint_if(jnp.array(1.0))
