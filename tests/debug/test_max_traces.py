"""`eqx.debug.assert_max_traces` / `get_num_traces`."""

import jax
import jax.numpy as jnp
import pytest
from jaxtyping import Array

import equinox as eqx


def test_counts_traces_not_calls() -> None:
    @jax.jit
    @eqx.debug.assert_max_traces(max_traces=1)
    def f(x: Array) -> Array:
        return x + 1

    f(jnp.ones(2))
    f(jnp.zeros(2))
    assert eqx.debug.get_num_traces(f) == 1  # found through jax.jit's __wrapped__
    with pytest.raises(
        RuntimeError,
        match=r"function 'test_counts_traces_not_calls\.<locals>\.f' was traced 2 "
        r"times, more than max_traces=1",
    ):
        f(jnp.ones(3))  # a new shape forces a second trace


def test_with_filter_jit_and_plain_call_form() -> None:
    def g(x: Array, n: int) -> Array:
        return x * n

    counted = eqx.debug.assert_max_traces(g, max_traces=2)
    f = eqx.filter_jit(counted)
    f(jnp.ones(2), 1)
    f(jnp.ones(2), 1)
    f(jnp.ones(2), 2)  # a new static value: second trace
    assert eqx.debug.get_num_traces(counted) == 2
    with pytest.raises(RuntimeError, match="g' was traced 3 times"):
        f(jnp.ones(2), 3)


def test_without_jit_every_call_counts() -> None:
    counted = eqx.debug.assert_max_traces(lambda x: x, max_traces=None)
    for _ in range(3):
        counted(1)
    assert eqx.debug.get_num_traces(counted) == 3


def test_errors() -> None:
    with pytest.raises(
        ValueError, match=r"is not wrapped with eqx\.debug\.assert_max_traces"
    ):
        eqx.debug.get_num_traces(len)
    with pytest.raises(ValueError, match="`max_traces` must be a non-negative int"):
        eqx.debug.assert_max_traces(len, max_traces=-1)
