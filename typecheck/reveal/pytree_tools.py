# pyright: strict
"""Types of the pytree tools (`filter`, `partition`, `combine`,
`apply_updates`, `tree_at`, `tree_deserialise_leaves`), of `eqx.field` and of
the `__init__` that `eqx.Module` generates."""

import io
import pathlib
from typing import Any, assert_type

import jax
import jax.numpy as jnp
from jaxtyping import Array

import equinox as eqx


class Linear(eqx.Module):
    weight: Array
    bias: Array
    activation_name: str = eqx.field(static=True, default="relu")


class MLP(eqx.Module):
    layers: list[Linear]
    depth: int = eqx.field(static=True)
    scale: float = eqx.field(default=1.0)
    tags: list[str] = eqx.field(default_factory=list[str])


def make() -> MLP:
    return MLP([Linear(jnp.ones((2, 2)), jnp.zeros(2))], depth=1)


# Module construction: the dataclass `__init__` gives the class itself, and
# attributes keep their declared types.
linear = Linear(jnp.ones((2, 2)), jnp.zeros(2))
assert_type(linear, Linear)
assert_type(linear.weight, Array)
assert_type(linear.activation_name, str)
model = MLP([linear], depth=3, scale=0.5)
assert_type(model, MLP)
assert_type(model.layers, list[Linear])
assert_type(model.depth, int)
assert_type(model.scale, float)
assert_type(model.tags, list[str])

# `eqx.field` has the type of its default / factory result.
assert_type(eqx.field(default=3), int)  # E: ty: type-assertion-failure
assert_type(eqx.field(default="a", static=True), str)  # E: ty: type-assertion-failure
assert_type(eqx.field(default_factory=list[float]), list[float])

# filter / partition / combine keep the pytree's type.
assert_type(eqx.filter(model, eqx.is_array), MLP)
assert_type(eqx.filter(model, eqx.is_inexact_array, inverse=True), MLP)
params, static = eqx.partition(model, eqx.is_array)
assert_type(eqx.partition(model, eqx.is_array), tuple[MLP, MLP])
assert_type(params, MLP)
assert_type(eqx.combine(params, static), MLP)
assert_type(eqx.filter({"a": jnp.ones(1)}, True), dict[str, Array])

# apply_updates returns the model's type whatever the updates are.
assert_type(eqx.apply_updates(model, params), MLP)
assert_type(eqx.apply_updates(linear, None), Linear)

# tree_at returns the type of the tree it edits.
assert_type(eqx.tree_at(lambda m: m.layers[0].bias, model, jnp.ones(2)), MLP)
assert_type(eqx.tree_at(lambda m: m.weight, linear, replace_fn=jnp.negative), Linear)


def edit_pair(pair: tuple[Linear, int]) -> None:
    assert_type(eqx.tree_at(lambda t: t[0], pair, replace=linear), tuple[Linear, int])


# Deserialising gives back the type of `like`, from a path or a file.
eqx.tree_serialise_leaves("model.eqx", model)
assert_type(eqx.tree_deserialise_leaves("model.eqx", make()), MLP)
assert_type(eqx.tree_deserialise_leaves(pathlib.Path("model.eqx"), linear), Linear)
buffer = io.BytesIO()
eqx.tree_serialise_leaves(buffer, model)
assert_type(eqx.tree_deserialise_leaves(buffer, make()), MLP)
with open("model.eqx", "rb") as f:
    assert_type(eqx.tree_deserialise_leaves(f, make()), MLP)


def save_skipping_arrays(f: Any, x: object) -> None:
    if not isinstance(x, jax.Array):
        eqx.default_serialise_filter_spec(f, x)


eqx.tree_serialise_leaves(buffer, model, filter_spec=save_skipping_arrays)
assert_type(
    eqx.tree_deserialise_leaves(
        buffer, make(), filter_spec=eqx.default_deserialise_filter_spec
    ),
    MLP,
)

# Leaf predicates are plain `bool` functions, usable as filter specs.
assert_type(eqx.is_array(linear.weight), bool)
assert_type(eqx.is_array_like(1.0), bool)
assert_type(eqx.is_inexact_array(linear.weight), bool)
assert_type(eqx.is_inexact_array_like(3j), bool)

# tree_equal: a Python bool outside JIT, a traced boolean array inside, so
# statically the union of both.
assert_type(eqx.tree_equal(model, model), bool | Array)
assert_type(
    eqx.tree_equal(linear, linear, typematch=True, rtol=1e-5, atol=0.0), bool | Array
)

# Structure tools.
children, node = eqx.tree_flatten_one_level(model)
assert_type(children, list[Any])
assert_type(node, jax.tree_util.PyTreeDef)
assert_type(eqx.tree_check(model), None)
assert_type(eqx.tree_pformat(model, width=60, short_arrays=False), str)
assert_type(eqx.tree_pprint(model, indent=4), None)


def frozen_error_is_an_attribute_error(error: eqx.ModuleFrozenError) -> AttributeError:
    return error


def check_error_is_a_type_error(error: eqx.TypeCheckError) -> TypeError:
    return error
