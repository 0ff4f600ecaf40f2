from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import numpy as np
import pytest
from hypothesis import given, settings
from pytree_strategies import Pair, pytrees, same_tree

import equinox as eqx

# ------------------------------------------------------------------ predicates

_cases: list[tuple[Any, bool, bool, bool, bool]] = [
    # value, is_array, is_array_like, is_inexact_array, is_inexact_array_like
    (jnp.ones(2), True, True, True, True),
    (jnp.ones(2, jnp.int32), True, True, False, False),
    (jnp.ones(2, jnp.complex64), True, True, True, True),
    (jnp.ones(2, jnp.bfloat16), True, True, True, True),
    (np.ones(2), True, True, True, True),
    (np.ones(2, np.bool_), True, True, False, False),
    (np.float32(1.0), True, True, True, True),
    (np.int8(1), True, True, False, False),
    (1.0, False, True, False, True),
    (1j, False, True, False, True),
    (1, False, True, False, False),
    (True, False, True, False, False),
    ("1.0", False, False, False, False),
    (None, False, False, False, False),
    ([1.0], False, False, False, False),
    (jax.ShapeDtypeStruct((2,), jnp.float32), False, False, False, False),  # type: ignore[no-untyped-call]  # jax leaves __init__ unannotated
]


@pytest.mark.parametrize(("value", "array", "like", "inexact", "inexact_like"), _cases)
def test_predicates(
    value: Any, array: bool, like: bool, inexact: bool, inexact_like: bool
) -> None:
    assert eqx.is_array(value) is array
    assert eqx.is_array_like(value) is like
    assert eqx.is_inexact_array(value) is inexact
    assert eqx.is_inexact_array_like(value) is inexact_like


def test_predicates_see_tracers_as_arrays() -> None:
    seen: list[bool] = []

    @jax.jit
    def f(x: jax.Array, n: jax.Array) -> jax.Array:
        seen.extend([eqx.is_array(x), eqx.is_inexact_array(x), eqx.is_array(n)])
        seen.append(eqx.is_inexact_array(n))
        return x

    f(jnp.ones(2), jnp.ones(2, jnp.int32))
    assert seen == [True, True, True, False]


# ---------------------------------------------------------------------- filter


class Model(eqx.Module):
    weight: jax.Array
    count: jax.Array
    rate: float
    name: str


def model() -> Model:
    return Model(jnp.ones(2), jnp.arange(3), 0.5, "m")


def test_filter_with_callable() -> None:
    m = model()
    arrays = eqx.filter(m, eqx.is_array)
    assert arrays.weight is m.weight
    assert arrays.count is m.count
    assert arrays.rate is None and arrays.name is None
    # Filtered-out leaves become None: same structure once None is a leaf.
    is_none = lambda x: x is None  # noqa: E731
    assert jtu.tree_structure(arrays, is_leaf=is_none) == jtu.tree_structure(m)


def test_filter_inverse_and_replace() -> None:
    m = model()
    rest = eqx.filter(m, eqx.is_inexact_array, inverse=True, replace=0)
    assert rest.weight == 0
    assert rest.count is m.count
    assert rest.rate == 0.5
    assert rest.name == "m"


def test_filter_with_bool() -> None:
    m = model()
    assert eqx.filter(m, True) == m
    none = eqx.filter(m, False)
    assert jtu.tree_leaves(none) == []


def test_filter_with_prefix_spec() -> None:
    tree = {"a": [jnp.ones(1), 2.0], "b": (jnp.zeros(1), "s")}
    spec = {"a": True, "b": eqx.is_array}
    out = eqx.filter(tree, spec)
    assert out["a"][0] is tree["a"][0]
    assert out["a"][1] == 2.0
    assert out["b"][0] is tree["b"][0]
    assert out["b"][1] is None


def test_filter_with_module_shaped_spec() -> None:
    m = model()
    spec = jtu.tree_map(lambda _: False, m)
    spec = eqx.tree_at(lambda s: (s.weight, s.rate), spec, (True, True))
    out = eqx.filter(m, spec)
    assert out.weight is m.weight
    assert out.count is None
    assert out.rate == 0.5
    assert out.name is None


def test_filter_is_leaf() -> None:
    tree = [(1, 2), (3, 4)]
    out = eqx.filter(
        tree, lambda x: x == (1, 2), is_leaf=lambda x: isinstance(x, tuple)
    )
    assert out == [(1, 2), None]


def test_filter_spec_bad_leaf_names_it() -> None:
    with pytest.raises(ValueError, match=r"bools or callables.*'yes'.*str"):
        eqx.filter({"a": 1}, {"a": "yes"})


def test_filter_spec_not_a_prefix_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="prefix"):
        eqx.filter({"a": 1}, {"b": True})


def test_filter_works_under_jit() -> None:
    @jax.jit
    def f(m: Model) -> jax.Array:
        arrays = eqx.filter(m, eqx.is_inexact_array)
        out: jax.Array = arrays.weight * 2
        return out

    # Non-array leaves cannot be jit arguments: filter them out first.
    assert jnp.array_equal(f(eqx.filter(model(), eqx.is_array)), 2 * jnp.ones(2))


# ------------------------------------------------------- partition / combine


def test_partition_and_combine() -> None:
    m = model()
    params, static = eqx.partition(m, eqx.is_inexact_array)
    assert params.weight is m.weight
    assert params.count is None and params.rate is None
    assert static.weight is None
    assert static.count is m.count
    back = eqx.combine(params, static)
    assert isinstance(back, Model)
    assert back == m


def test_partition_replace() -> None:
    kept, rest = eqx.partition([1, "a"], lambda x: isinstance(x, int), replace="-")
    assert kept == [1, "-"]
    assert rest == ["-", "a"]


def test_combine_takes_first_non_none() -> None:
    assert eqx.combine([None, 2, None], [1, 5, None], [7, 8, 3]) == [1, 2, 3]


def test_combine_with_none_where_other_has_a_subtree() -> None:
    inner = Pair(jnp.ones(1), 2)
    assert eqx.combine([None, 1], [inner, None]) == [inner, 1]


def test_combine_is_leaf() -> None:
    is_pair = lambda x: isinstance(x, tuple)  # noqa: E731
    out = eqx.combine([None, (None, 1)], [(2, 3), None], is_leaf=is_pair)
    assert out == [(2, 3), (None, 1)]


def test_combine_needs_a_pytree() -> None:
    with pytest.raises(TypeError, match="at least one"):
        eqx.combine()


def test_combine_structure_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="length"):
        eqx.combine([1, None], [None, None, 3])


# -------------------------------------------------------------------- property


def _random_mask(data: st.DataObject, tree: Any) -> Any:
    """A full-structure bool spec, one random bool per leaf."""
    leaves, treedef = jtu.tree_flatten(tree)
    bools = [data.draw(st.booleans()) for _ in leaves]
    return jtu.tree_unflatten(treedef, bools)


_predicates: list[Callable[[Any], bool]] = [
    eqx.is_array,
    eqx.is_inexact_array,
    eqx.is_array_like,
    lambda x: True,
]


@settings(max_examples=60, deadline=None)
@given(tree=pytrees, which=st.integers(0, len(_predicates) - 1))
def test_partition_combine_round_trip_callable(tree: Any, which: int) -> None:
    spec = _predicates[which]
    kept, rest = eqx.partition(tree, spec)
    assert all(spec(x) for x in jtu.tree_leaves(kept))
    assert not any(spec(x) for x in jtu.tree_leaves(rest))
    assert len(jtu.tree_leaves(kept)) + len(jtu.tree_leaves(rest)) == len(
        jtu.tree_leaves(tree)
    )
    assert same_tree(eqx.combine(kept, rest), tree)
    assert same_tree(eqx.combine(rest, kept), tree)
    assert same_tree(eqx.filter(tree, spec), kept)
    assert same_tree(eqx.filter(tree, spec, inverse=True), rest)


@settings(max_examples=60, deadline=None)
@given(tree=pytrees, data=st.data())
def test_partition_combine_round_trip_bool_mask(tree: Any, data: st.DataObject) -> None:
    mask = _random_mask(data, tree)
    kept, rest = eqx.partition(tree, mask)
    original = jtu.tree_leaves(tree)
    chosen = jtu.tree_leaves(mask)
    assert [id(x) for x in jtu.tree_leaves(kept)] == [
        id(x) for x, keep in zip(original, chosen, strict=True) if keep
    ]
    assert same_tree(eqx.combine(kept, rest), tree)
    # With a non-None replacement both halves keep the full structure.
    kept, rest = eqx.partition(tree, mask, replace=0)
    assert jtu.tree_structure(kept) == jtu.tree_structure(tree)
    assert jtu.tree_structure(rest) == jtu.tree_structure(tree)


def test_filter_spec_result_is_used_by_truthiness() -> None:
    # As in Equinox: any truthy result keeps the leaf, any falsy one drops it.
    def none_filter(leaf: Any) -> Any:
        return None

    def int_filter(leaf: Any) -> Any:
        return leaf

    assert eqx.filter([1, 2], none_filter) == [None, None]
    assert eqx.filter([0, 2], int_filter) == [None, 2]
