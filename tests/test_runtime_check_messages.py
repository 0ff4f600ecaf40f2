"""The text of run-time check errors: public names only (no private module
paths, no checker internals), each annotation written once, and a dtype
mismatch says what to cast to."""

import re
from collections.abc import Callable
from typing import Any, Literal

import jax
import jax.numpy as jnp
import pytest
from jaxtyping import Array, Float, Int

import equinox as eqx

_PRIVATE_PATH = re.compile(r"\b\w+(\.\w+)*\._\w+\.\w+")
_INTERNALS = (
    "beartype",
    "Beartype",
    "die_if",
    "Die_if",
    "jaxlib",
    "_jax.Array",
    "<class",
)


def _any(value: object) -> Any:
    return value


def _message(fn: Callable[[], object]) -> str:
    with pytest.raises(eqx.TypeCheckError) as info:
        fn()
    text = str(info.value)
    assert not _PRIVATE_PATH.search(text), text
    for name in _INTERNALS:
        assert name not in text, text
    return text


def test_library_classes_are_named_by_their_public_path() -> None:
    layer = eqx.nn.Embedding(10, 4, key=jax.random.key(0))
    text = _message(lambda: layer(_any(jnp.float32(1.0))))
    assert text.startswith("equinox.nn.Embedding.__call__: argument 'x' does not match")
    assert (
        "reason:   dtype float32 is not a signed integer dtype; cast with x.astype(jnp.int32)"
        in text
    )


def test_dtype_mismatch_says_what_to_cast_to() -> None:
    class Scaled(eqx.Module):
        weight: Float[Array, "n"]
        index: Int[Array, ""]

    text = _message(lambda: Scaled(_any(jnp.arange(3)), jnp.asarray(1)))
    assert "got:      i32[3]" in text
    assert "dtype int32 is not floating; cast with weight.astype(jnp.float32)" in text
    text = _message(lambda: Scaled(jnp.ones(3), _any(jnp.asarray(1.0))))
    assert "cast with index.astype(jnp.int32)" in text


def test_plain_jax_array_annotation_is_spelled_jax_array() -> None:
    class Holder(eqx.Module):
        w: jax.Array

    text = _message(lambda: Holder(_any(None)))
    assert "expected: jax.Array\n" in text
    assert "got:      NoneType None" in text
    assert "reason" not in text  # nothing to add to expected/got


def test_each_annotation_is_written_once() -> None:
    layer = eqx.nn.Linear(3, 4, key=jax.random.key(0))
    text = _message(lambda: layer(_any(jnp.ones(5))))
    expected_line = next(line for line in text.splitlines() if "expected:" in line)
    for part in expected_line.split("expected:")[1].split(" | "):
        assert text.count(part.strip()) == 1, text
    assert "as shape 'in_features': the size of dimension in_features is 5" in text
    assert "in_features=3 (from field 'weight')" in text


def test_other_hints_explain_without_checker_wording() -> None:
    class Mode(eqx.Module):
        mode: Literal["a", "b"]

    text = _message(lambda: Mode(_any("c")))
    assert "Mode: field 'mode' does not match its annotation." in text
    assert "expected: Literal['a', 'b']" in text
    assert "reason:   str 'c' != 'a' or 'b'" in text


def test_user_classes_keep_their_short_names() -> None:
    class Child(eqx.Module):
        x: int

    class Parent(eqx.Module):
        child: Child

    text = _message(lambda: Parent(_any(3)))
    assert text.startswith(
        "test_user_classes_keep_their_short_names.<locals>.Parent: field 'child'"
    )
    assert (
        "expected: test_runtime_check_messages."
        "test_user_classes_keep_their_short_names.<locals>.Child" in text
    )
