import jax
import jax.numpy as jnp
import pytest

import equinox as eqx


class Box(eqx.Module):
    content: object


def test_a_plain_tree_passes_and_leaves_may_be_shared() -> None:
    a = jnp.ones(3)
    eqx.tree_check({"x": [a, a], "y": Box((a, 1)), "z": (None, None, ())})


def test_shared_inner_node_names_both_paths() -> None:
    inner = [1, 2]
    with pytest.raises(ValueError, match=r"\['y'\]\[0\].*same object.*\['x'\]"):
        eqx.tree_check({"x": inner, "y": (inner,)})


def test_shared_module_is_rejected() -> None:
    box = Box(jnp.zeros(2))
    with pytest.raises(ValueError, match=r"Box"):
        eqx.tree_check([box, box])


def test_cycle_is_rejected_without_recursing_forever() -> None:
    cycle: list[object] = [1]
    cycle.append(cycle)
    with pytest.raises(ValueError, match="cycle"):
        eqx.tree_check(cycle)


def test_flatten_one_level() -> None:
    children, treedef = eqx.tree_flatten_one_level({"a": (1, 2), "b": Box(3)})
    assert children[0] == (1, 2)
    assert isinstance(children[1], Box)
    assert treedef.num_leaves == 2
    rebuilt = jax.tree_util.tree_unflatten(treedef, ["p", "q"])
    assert rebuilt == {"a": "p", "b": "q"}


def test_flatten_one_level_of_a_leaf_and_of_a_module() -> None:
    leaves, treedef = eqx.tree_flatten_one_level(5)
    assert leaves == [5] and treedef.num_nodes == 1
    children, _ = eqx.tree_flatten_one_level(Box([1, 2]))
    assert children == [[1, 2]]
