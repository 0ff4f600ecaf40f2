"""Container annotations are checked item by item, completely: the same
input gives the same verdict every time (beartype alone checks one randomly
chosen item)."""

from collections.abc import Mapping, Sequence
from typing import Any

import jax.numpy as jnp
import pytest
from jaxtyping import Array, Float

import equinox as eqx


def _any(value: object) -> Any:
    return value


class Holder(eqx.Module):
    ints: list[int]
    table: dict[str, Float[Array, "n"]]
    pair: tuple[int, str]
    many: tuple[float, ...]
    nested: list[list[int]]
    seq: Sequence[int]
    mapping: Mapping[str, int]
    tags: frozenset[str]


def _holder(**changes: object) -> Holder:
    values: dict[str, object] = {
        "ints": [1, 2, 3],
        "table": {"a": jnp.ones(3), "b": jnp.zeros(3)},
        "pair": (1, "x"),
        "many": (1.0, 2, 3.5),
        "nested": [[1], [2, 3]],
        "seq": (1, 2),
        "mapping": {"k": 1},
        "tags": frozenset({"a"}),
    }
    values.update(changes)
    return Holder(**_any(values))


def test_valid_containers_pass() -> None:
    assert _holder().ints == [1, 2, 3]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("ints", [1] * 50 + ["x"] + [1] * 49, "[50]: expected int, got str 'x'"),
        ("table", {"a": jnp.ones(3), "b": jnp.ones(4)}, "['b']: expected Float"),
        ("table", {"a": jnp.ones(3), 1: jnp.ones(3)}, "key 1: expected str"),
        ("pair", (1, 2), "[1]: expected str, got int 2"),
        ("pair", (1, "x", 3), "has 3 items, expected 2"),
        ("many", (1.0, "2"), "[1]: expected float, got str '2'"),
        ("nested", [[1], [2, "3"]], "[1]: expected list[int]"),
        ("seq", (1, None), "[1]: expected int, got NoneType None"),
        ("mapping", {"k": "v"}, "['k']: expected int, got str 'v'"),
        ("tags", frozenset({1}), "expected str, got int 1"),
    ],
)
def test_one_bad_item_anywhere_is_always_found(
    field: str, value: object, reason: str
) -> None:
    # Repeated: a sampling check would pass some of these runs.
    for _ in range(20):
        with pytest.raises(eqx.TypeCheckError) as info:
            _holder(**{field: value})
        message = str(info.value)
        assert f"field '{field}' does not match" in message
        assert reason in message, message


def test_dimension_names_agree_across_items() -> None:
    class Stack(eqx.Module):
        layers: list[Float[Array, "d d"]]

    Stack([jnp.eye(2)] * 5)
    with pytest.raises(eqx.TypeCheckError, match=r"\[3\]: expected Float"):
        Stack([jnp.eye(2)] * 3 + [jnp.eye(3)])


def test_nested_modules_in_lists() -> None:
    class Net(eqx.Module):
        layers: list[eqx.nn.Linear]

    from jax.random import key

    good = [eqx.nn.Linear(2, 2, key=key(i)) for i in range(100)]
    Net(good)
    bad = [*good[:99], eqx.nn.Identity()]
    with pytest.raises(eqx.TypeCheckError) as info:
        Net(_any(bad))
    assert "[99]: expected equinox.nn.Linear, got a equinox.nn.Identity" in str(
        info.value
    )
