"""Typed access to JAX's key paths (`tree_flatten_with_path`, `keystr`).

jax declares `KeyPath = tuple[KeyEntry, ...]` with `KeyEntry` an unbound
TypeVar, which pyright reports as Unknown wherever it is used; these wrappers
give the rest of the package concrete types.
"""

from collections.abc import Callable
from typing import Any, TypeAlias

import jax.tree_util as jtu
from jax.tree_util import PyTreeDef

KeyPath: TypeAlias = tuple[Any, ...]


def flatten_with_path(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """`jax.tree_util.tree_flatten_with_path` with concrete types."""
    return jtu.tree_flatten_with_path(tree, is_leaf=is_leaf)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]  # jax's KeyPath uses an unbound TypeVar


def path_str(path: KeyPath) -> str:
    """A key path as Python-like text, e.g. `.layers[0].weight`."""
    return jtu.keystr(path)  # pyright: ignore[reportUnknownMemberType]  # jax's KeyPath uses an unbound TypeVar
