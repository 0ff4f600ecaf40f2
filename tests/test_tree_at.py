from typing import Any

import hypothesis.strategies as st
import jax
import jax.numpy as jnp
import jax.tree_util as jtu
import pytest
from hypothesis import given, settings
from pytree_strategies import pytrees, same_leaf, same_tree

import equinox as eqx

_inits = 0


class Layer(eqx.Module):
    weight: jax.Array
    bias: jax.Array | None

    def __init__(self, weight: jax.Array, bias: jax.Array | None) -> None:
        global _inits
        _inits += 1
        self.weight = weight
        self.bias = bias


class Net(eqx.Module):
    layers: tuple[Layer, ...]
    name: str = eqx.field(static=True, default="net")


def _net() -> Net:
    return Net((Layer(jnp.ones((2, 2)), jnp.zeros(2)), Layer(jnp.ones(3), None)))


def test_replaces_a_field_and_leaves_the_original_alone() -> None:
    net = _net()
    new = eqx.tree_at(lambda n: n.layers[0].weight, net, jnp.full((2, 2), 5.0))
    assert float(new.layers[0].weight[0, 0]) == 5.0
    assert float(net.layers[0].weight[0, 0]) == 1.0
    assert new.layers[1] is net.layers[1]  # untouched subtrees are shared


def test_rebuilding_does_not_run_init() -> None:
    net = _net()
    before = _inits
    eqx.tree_at(lambda n: n.layers[1].weight, net, jnp.zeros(3))
    assert _inits == before


def test_replaces_a_whole_subtree() -> None:
    net = _net()
    layer = Layer(jnp.zeros(4), jnp.zeros(4))
    new = eqx.tree_at(lambda n: n.layers[1], net, layer)
    assert new.layers[1] is layer


def test_several_nodes_take_a_sequence_of_values() -> None:
    net = _net()
    new = eqx.tree_at(
        lambda n: (n.layers[0].bias, n.layers[1].weight), net, (jnp.ones(2), 7)
    )
    assert new.layers[1].weight == 7
    assert float(new.layers[0].bias[0]) == 1.0  # type: ignore[index]  # set just above


def test_replace_fn_sees_the_old_node() -> None:
    new = eqx.tree_at(lambda n: n.layers[0].weight, _net(), replace_fn=lambda w: w * 3)
    assert float(new.layers[0].weight[1, 1]) == 3.0


def test_none_is_reachable_with_is_leaf() -> None:
    new = eqx.tree_at(
        lambda n: n.layers[1].bias, _net(), jnp.ones(3), is_leaf=lambda x: x is None
    )
    assert new.layers[1].bias is not None


def test_a_single_none_is_reachable_without_is_leaf() -> None:
    # As in Equinox: `None` is a singleton, so it is found when it occurs once.
    new = eqx.tree_at(lambda n: n.layers[1].bias, _net(), jnp.ones(3))
    assert new.layers[1].bias is not None


def test_a_repeated_none_without_is_leaf_is_a_clear_error() -> None:
    net = eqx.tree_at(
        lambda n: n.layers[0].bias, _net(), None, is_leaf=lambda x: x is None
    )
    with pytest.raises(ValueError, match=r"is_leaf=lambda x: x is None"):
        eqx.tree_at(lambda n: n.layers[1].bias, net, jnp.ones(3))


def test_something_not_in_the_tree_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"returned 3, which is not one of them"):
        eqx.tree_at(lambda n: 3, _net(), 4)


def test_exactly_one_of_replace_and_replace_fn() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        eqx.tree_at(lambda n: n.layers, _net())  # type: ignore[call-overload]  # neither given
    with pytest.raises(ValueError, match="exactly one of"):
        eqx.tree_at(lambda n: n.layers, _net(), 1, replace_fn=lambda x: x)  # type: ignore[call-overload]  # both given


def test_wrong_number_of_replacements_names_the_counts() -> None:
    with pytest.raises(ValueError, match=r"selected 2 nodes.*got 3"):
        eqx.tree_at(
            lambda n: (n.layers[0].weight, n.layers[1].weight), _net(), (1, 2, 3)
        )


def test_overlapping_selections_are_rejected() -> None:
    with pytest.raises(ValueError, match="descendants"):
        eqx.tree_at(lambda n: (n.layers[0], n.layers[0].weight), _net(), (1, 2))


def test_a_node_picked_twice_takes_the_last_value() -> None:
    # As in Equinox 0.13.8; `replace_fn` is applied once.
    new = eqx.tree_at(lambda n: [n.layers[0], n.layers[0]], _net(), [1, 2])
    assert new.layers[0] == 2
    tree = {"a": 1}
    assert eqx.tree_at(
        lambda t: (t["a"], t["a"]), tree, replace_fn=lambda x: x + 1
    ) == {"a": 2}


def _getter(path: tuple[Any, ...]) -> Any:
    def get(tree: Any) -> Any:
        for key in path:
            if isinstance(key, jtu.SequenceKey):
                tree = tree[key.idx]
            elif isinstance(key, jtu.DictKey):
                tree = tree[key.key]
            else:
                tree = getattr(tree, key.name)
        return tree

    return get


@settings(max_examples=60, deadline=None)
@given(tree=pytrees, data=st.data())
def test_replacing_one_leaf_changes_exactly_that_leaf(tree: Any, data: Any) -> None:
    keyed, _ = jtu.tree_flatten_with_path(tree)
    if not keyed:
        return
    index = data.draw(st.integers(0, len(keyed) - 1))
    marker = object()
    new = eqx.tree_at(_getter(keyed[index][0]), tree, marker)
    old_leaves = jtu.tree_leaves(tree)
    new_leaves = jtu.tree_leaves(new)
    assert len(new_leaves) == len(old_leaves)
    for i, (a, b) in enumerate(zip(old_leaves, new_leaves, strict=True)):
        if i == index:
            assert b is marker
        else:
            assert same_leaf(a, b)
    # Putting the old leaf back gives the original tree.
    restored = eqx.tree_at(_getter(keyed[index][0]), new, old_leaves[index])
    assert same_tree(restored, tree)
