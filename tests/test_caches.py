"""`eqx.clear_caches`."""

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def _double(x: Array) -> Array:
    return 2 * x


def test_clear_caches_forces_filter_jit_to_retrace() -> None:
    counted = eqx.debug.assert_max_traces(_double, max_traces=None)
    f = eqx.filter_jit(counted)
    f(jnp.ones(3))
    f(jnp.ones(3))
    assert eqx.debug.get_num_traces(counted) == 1
    eqx.clear_caches()
    assert float(f(jnp.ones(3))[0]) == 2.0
    assert eqx.debug.get_num_traces(counted) == 2


def test_clear_caches_forces_jax_jit_to_retrace() -> None:
    counted = eqx.debug.assert_max_traces(_double, max_traces=None)
    f = jax.jit(counted)
    f(jnp.ones(2))
    f(jnp.ones(2))
    assert eqx.debug.get_num_traces(counted) == 1
    eqx.clear_caches()
    f(jnp.ones(2))
    assert eqx.debug.get_num_traces(counted) == 2
