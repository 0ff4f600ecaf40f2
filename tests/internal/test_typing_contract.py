"""The caller's types survive `ω`, `while_loop`, `scan` and the identity
wrappers. `assert_type` is checked statically by `mypy --strict` over
tests/ (and by pyright, which gives the same types); at run time the test
also checks the values."""

from typing import assert_type

import jax.numpy as jnp
from jaxtyping import Array

import equinox.internal as eqxi
from equinox.internal import ω


def _cond(c: tuple[Array, Array]) -> Array:
    return c[0] < 3


def _body(c: tuple[Array, Array]) -> tuple[Array, Array]:
    return c[0] + 1, c[1] * 2


def _step(c: Array, x: Array) -> tuple[Array, list[Array]]:
    return c + x, [x]


def test_omega_keeps_the_tree_type() -> None:
    x: dict[str, Array] = {"a": jnp.ones(2)}
    y = (x**ω + x**ω).ω
    assert_type(y, dict[str, Array])
    assert_type((ω(x) * 2).ω, dict[str, Array])
    assert float(y["a"][0]) == 2.0


def test_loops_keep_the_carry_type() -> None:
    out = eqxi.while_loop(_cond, _body, (jnp.array(0), jnp.ones(2)), kind="lax")
    assert_type(out, tuple[Array, Array])
    assert int(out[0]) == 3 and float(out[1][0]) == 8.0
    carry, ys = eqxi.scan(_step, jnp.array(0.0), jnp.ones(3), kind="checkpointed")
    assert_type(carry, Array)
    assert_type(ys, list[Array])
    assert float(carry) == 3.0 and ys[0].shape == (3,)


def test_identity_wrappers_keep_the_type() -> None:
    x: dict[str, Array] = {"a": jnp.ones(2)}
    assert_type(eqxi.nondifferentiable(x), dict[str, Array])
    assert_type(eqxi.nonbatchable(x), dict[str, Array])
    assert_type(eqxi.nontraceable(x), dict[str, Array])
    assert_type(eqxi.Static(3).value, int)
    assert eqxi.Static(3).value == 3
