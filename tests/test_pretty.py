import jax
import jax.numpy as jnp
import numpy as np
import pytest

import equinox as eqx


class Linear(eqx.Module):
    weight: jax.Array
    bias: jax.Array


class Stack(eqx.Module):
    layers: list[Linear]
    name: str = eqx.field(static=True, default="stack")


def stack() -> Stack:
    return Stack([Linear(jnp.ones((3, 4)), jnp.zeros(3)) for _ in range(2)], "mlp")


def test_arrays_are_summarised() -> None:
    text = eqx.tree_pformat(
        {
            "f": jnp.ones((3, 4)),
            "i": np.zeros(2, np.int32),
            "b": jnp.ones((), jnp.bfloat16),
            "c": jnp.ones(1, jnp.complex64),
        }
    )
    assert "f32[3,4]" in text
    assert "i32[2]" in text
    assert "bf16[]" in text
    assert "c64[1]" in text
    assert "1." not in text  # no values


def test_short_arrays_false_prints_values() -> None:
    text = eqx.tree_pformat(jnp.arange(3), short_arrays=False)
    assert "f32[" not in text and "i32[" not in text
    assert "0, 1, 2" in text


def test_module_repr_shows_class_and_fields() -> None:
    text = eqx.tree_pformat(stack())
    assert text.startswith("Stack(")
    assert "layers=[" in text
    assert text.count("Linear(") == 2
    assert "weight=f32[3,4]" in text
    assert "name='mlp'" in text
    assert repr(stack()) == text


def test_width_controls_line_breaking() -> None:
    tree = list(range(20))
    assert "\n" not in eqx.tree_pformat(tree, width=200)
    narrow = eqx.tree_pformat(tree, width=20)
    assert narrow.count("\n") >= 19
    assert all(len(line) <= 20 for line in narrow.splitlines())


def test_indent() -> None:
    text = eqx.tree_pformat([[1, 2]], width=1, indent=4)
    lines = text.splitlines()
    assert lines[1] == "    ["
    assert lines[2] == "        1,"


def test_truncate_leaf() -> None:
    text = eqx.tree_pformat(
        stack(), truncate_leaf=lambda x: isinstance(x, Linear), width=200
    )
    assert "Linear(...)" in text
    assert "weight" not in text


def test_struct_as_array() -> None:
    struct = jax.ShapeDtypeStruct((2, 3), jnp.float32)  # type: ignore[no-untyped-call]  # jax leaves __init__ unannotated
    assert "f32[2,3]" in eqx.tree_pformat([struct], struct_as_array=True)
    assert "ShapeDtypeStruct" in eqx.tree_pformat([struct])


def test_tree_pprint_prints_the_same_text(capsys: pytest.CaptureFixture[str]) -> None:
    eqx.tree_pprint(stack(), width=40)
    assert capsys.readouterr().out == eqx.tree_pformat(stack(), width=40) + "\n"
