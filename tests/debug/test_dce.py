"""`eqx.debug.store_dce` / `inspect_dce`.

The printed text is Equinox 0.13.8's, measured as a black box and written
down here as data.
"""

from typing import Any

import jax
import jax.numpy as jnp
import pytest
from jaxtyping import Array

import equinox as eqx


def _inspect(name: Any) -> list[str]:
    lines: list[str] = []
    eqx.debug.inspect_dce(name, announce=lines.append)
    return lines


def test_reports_kept_and_removed_leaves() -> None:
    @jax.jit
    def f(x: Array) -> Array:
        value: dict[str, Any] = {"used": x + 1, "unused": x * 2, "tag": "s"}
        tree = eqx.debug.store_dce(value, name="f")
        used: Array = tree["used"]
        return used

    f(jnp.ones(3))
    expected = [
        "Found 1 call to `equinox.debug.store_dce`.",
        "Entry 0:",
        "{'tag': 's', 'unused': <DCE'd>, 'used': f32[3]}",
    ]
    assert _inspect("f") == expected
    # Records are kept, as in Equinox.
    assert _inspect("f") == expected


def test_equinox_docstring_example_and_default_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    @jax.jit
    def f(x: Array) -> Array:
        a, _ = eqx.debug.store_dce((x**2, x + 1))
        return a

    f(1)  # a Python int, as in Equinox's example
    eqx.debug.inspect_dce()
    assert capsys.readouterr().out == (
        "Found 1 call to `equinox.debug.store_dce`.\nEntry 0:\n(i32[], <DCE'd>)\n"
    )


class Layer(eqx.Module):
    w: Array


def test_one_entry_per_trace_and_modules() -> None:
    @jax.jit
    def f(x: Array) -> Array:
        layer = eqx.debug.store_dce(Layer(x), name=("layer", 1))
        return layer.w

    f(jnp.ones((), jnp.float32))
    f(jnp.ones(2, jnp.int8))
    f(jnp.ones(2, jnp.int8))  # cached: no new record
    assert _inspect(("layer", 1)) == [
        "Found 2 calls to `equinox.debug.store_dce`.",
        "Entry 0:",
        "Layer(w=f32[])",
        "Entry 1:",
        "Layer(w=i8[2])",
    ]
    assert _inspect("nothing here") == ["Found 0 calls to `equinox.debug.store_dce`."]


def test_under_vmap_and_grad() -> None:
    # Equinox raises ValueError under grad; we follow JVP and transposition.
    def f(x: Array) -> Array:
        a, _ = eqx.debug.store_dce((x, jnp.sin(x)), name="g")
        return a * a  # the backward pass needs `a`, nothing needs `sin(x)`

    jax.jit(jax.vmap(jax.grad(f)))(jnp.ones(2))
    assert _inspect("g") == [
        "Found 1 call to `equinox.debug.store_dce`.",
        "Entry 0:",
        "(f32[], <DCE'd>)",
    ]


def test_outside_and_inside_jit_raise_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="inside of JIT"):
        eqx.debug.store_dce(jnp.ones(2), name="eager")
    with pytest.raises(RuntimeError, match="inside of JIT"):
        jax.vmap(lambda x: eqx.debug.store_dce(x))(jnp.ones(2))

    def inspect_inside(x: Array) -> Array:
        eqx.debug.inspect_dce()
        return x

    with pytest.raises(RuntimeError, match="outside of JIT"):
        jax.jit(inspect_inside)(jnp.ones(2))
