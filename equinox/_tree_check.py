"""`tree_flatten_one_level` and `tree_check` (no cycles, no shared inner nodes)."""

from collections.abc import Callable
from typing import Any

import jax.tree_util as jtu
from jax.tree_util import PyTreeDef

from ._tree_paths import flatten_with_path, path_str


def tree_flatten_one_level(pytree: Any) -> tuple[list[Any], PyTreeDef]:
    """Flatten only the top node: its direct children and its treedef.

    A leaf gives `([leaf], leaf_treedef)`. A node that is one of its own
    children (`x = []; x.append(x)`) is a `ValueError`, as in Equinox.
    """
    children, treedef = jtu.tree_flatten(pytree, is_leaf=_only_root_is_node())
    is_leaf = treedef.num_nodes == 1 and treedef.num_leaves == 1
    if not is_leaf and any(child is pytree for child in children):
        raise ValueError(
            f"tree_flatten_one_level: this {type(pytree).__name__} contains "
            "itself as a direct child (a cycle, as in `x = []; x.append(x)`), which a "
            "pytree must not do."
        )
    return children, treedef


def _only_root_is_node() -> Callable[[Any], bool]:
    """An `is_leaf` that treats the first node it sees (the root) as a node and
    every later one as a leaf. Identity tests would recurse forever on a tree
    that contains itself."""
    seen_root = False

    def is_leaf(_: Any) -> bool:
        nonlocal seen_root
        if seen_root:
            return True
        seen_root = True
        return False

    return is_leaf


def _describe(path: list[str]) -> str:
    return "".join(path) if path else "the root"


def _walk(
    node: Any, path: list[str], ancestors: set[int], seen: dict[int, str]
) -> None:
    children, treedef = tree_flatten_one_level(node)
    if treedef.num_nodes == 1 and treedef.num_leaves == 1:
        return  # a leaf; leaves (arrays especially) may be shared freely
    if not children:
        return  # childless nodes (None, ()) are often shared singletons
    key = id(node)
    where = _describe(path)
    if key in ancestors:
        raise ValueError(
            f"tree_check: the pytree contains a cycle: the node at {where} "
            "contains itself."
        )
    if key in seen:
        raise ValueError(
            f"tree_check: the node at {where} ({type(node).__name__}) is the "
            f"same object as the node at {seen[key]}; a pytree must not share "
            "inner nodes (JAX would treat them as independent copies)."
        )
    seen[key] = where
    ancestors.add(key)
    keyed, _ = flatten_with_path(node, is_leaf=_only_root_is_node())
    for keypath, child in keyed:
        _walk(child, [*path, path_str(keypath)], ancestors, seen)
    ancestors.discard(key)


def tree_check(pytree: Any) -> None:
    """Raise `ValueError` if `pytree` has a cycle or an inner node (a module,
    list, ...) reachable along two paths. Leaves may be shared."""
    _walk(pytree, [], set(), {})
