"""`eqx.debug.store_dce` / `inspect_dce`."""

from typing import Any

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


def test_reports_kept_and_removed_leaves() -> None:
    @jax.jit
    def f(x: Array) -> Array:
        value: dict[str, Any] = {"used": x + 1, "unused": x * 2, "tag": "s"}
        tree = eqx.debug.store_dce(value, name="f")
        used: Array = tree["used"]
        return used

    f(jnp.ones(3))
    lines: list[str] = []
    eqx.debug.inspect_dce("f", announce=lines.append)
    assert lines == [
        "store_dce 'f', entry 0:\n"
        "  ['unused']: float32[3] removed\n"
        "  ['used']: float32[3] kept"
    ]
    eqx.debug.inspect_dce("f", announce=lines.append)
    assert lines[-1] == "inspect_dce: nothing stored under the name 'f'."


def test_under_vmap_and_grad() -> None:
    def f(x: Array) -> Array:
        a, _ = eqx.debug.store_dce((x, jnp.sin(x)), name="g")
        return a * a  # the backward pass needs `a`, nothing needs `sin(x)`

    jax.jit(jax.vmap(jax.grad(f)))(jnp.ones(2))
    lines: list[str] = []
    eqx.debug.inspect_dce("g", announce=lines.append)
    assert lines == [
        "store_dce 'g', entry 0:\n  [0]: float32[] kept\n  [1]: float32[] removed"
    ]


def test_eager_use_is_reported_as_never_compiled() -> None:
    eqx.debug.store_dce(jnp.ones(2), name="eager")
    lines: list[str] = []
    eqx.debug.inspect_dce("eager", announce=lines.append)
    assert "never compiled" in lines[0]
    assert "(root): float32[2] removed" in lines[0]
