"""Run-time checks with string annotations (`from __future__ import annotations`)."""

from __future__ import annotations

from typing import Any, cast

import jax.numpy as jnp
import pytest
from jaxtyping import Array, Float

import equinox as eqx


def _any(value: object) -> Any:
    return value


class Layer(eqx.Module):
    weight: Float[Array, "out in"]
    bias: Float[Array, "out"]  # noqa: UP037  # a shape, not a quoted type
    name: str = "layer"

    def __call__(self, x: Float[Array, "in"]) -> Float[Array, "out"]:  # noqa: UP037  # a shape
        return self.weight @ x + self.bias

    def pair(self, other: Layer) -> Layer:
        return other


class Node(eqx.Module):
    # Refers to the class itself: resolvable only once the class exists.
    children: list[Node]
    value: int


def test_string_annotations_are_resolved_and_checked() -> None:
    Layer(jnp.ones((2, 3)), jnp.ones(2))
    with pytest.raises(eqx.TypeCheckError, match="field 'bias'") as info:
        Layer(jnp.ones((2, 3)), cast(Any, jnp.ones(3)))
    assert "out=2 (from field 'weight')" in str(info.value)
    with pytest.raises(eqx.TypeCheckError, match="field 'name'"):
        Layer(jnp.ones((2, 3)), jnp.ones(2), _any(3))


def test_string_method_annotations() -> None:
    layer = Layer(jnp.ones((2, 3)), jnp.ones(2))
    assert layer(jnp.ones(3)).shape == (2,)
    with pytest.raises(eqx.TypeCheckError, match="argument 'x'"):
        layer(jnp.ones(4))


def test_self_referential_annotation() -> None:
    leaf = Node([], 1)
    Node([leaf], 2)
    with pytest.raises(eqx.TypeCheckError, match="field 'children'"):
        Node([_any("not a node")], 3)


def test_unresolvable_annotation_is_skipped() -> None:
    class Local(eqx.Module):
        size: int

    class UsesLocal(eqx.Module):
        # `Local` lives in this function's scope, which string annotations
        # cannot see: the field is left unchecked rather than failing.
        part: Local
        count: int

    UsesLocal(_any("anything"), 1)
    with pytest.raises(eqx.TypeCheckError, match="field 'count'"):
        UsesLocal(Local(1), _any("1"))
