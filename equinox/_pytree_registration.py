"""Registering Module classes with JAX's native (C++) dataclass pytree nodes.

JAX's dataclass nodes flatten with C++ `getattr`s and unflatten by calling the
class with every field as a keyword. A Module's construction runs `__init__`,
converters and checks, which must never happen when JAX merely rebuilds a tree.
So each class gets one extra *static* pseudo-field, `REBUILD_KEY`, whose value
is a class attribute holding that class's own `RebuildToken` (set at run time
only, so static tools never see it): it travels in the treedef, comes back
as a keyword on unflatten, and tells the class's `__init__` entry to take the
cheap path (see `_module_init`).

`jax.tree_util.register_dataclass` insists that the names match the dataclass
fields exactly, which rules out the pseudo-field; so we register the node in
each of JAX's registries ourselves, as that function does internally.
"""

from collections.abc import Sequence
from typing import Final, Protocol


class _Registry(Protocol):
    def register_dataclass_node(
        self, nodetype: type, data_fields: list[str], meta_fields: list[str], /
    ) -> None: ...


class RebuildToken:
    """The value of the pseudo-field: one per class, equal only to itself.

    One per class, not one shared: JAX compares dataclass nodes by their
    fields and auxiliary data, so two classes with the same fields would
    otherwise have equal treedefs (and `filter_jit` would reuse one class's
    trace for the other).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        # How Equinox 0.13.8's treedefs show this slot (`M[(Missing, 1)]`).
        return "Missing"


class AttributesToken:
    """A rebuild token that also carries non-field attributes of an instance
    (`__name__`, `__doc__`, ... copied by `eqx.module_update_wrapper`).

    Stored in that instance's `__dict__` under REBUILD_KEY, so it travels in
    the treedef and a rebuilt tree gets the attributes back. Two tokens are
    equal when their attributes are; the hash skips unhashable values.
    """

    __slots__ = ("attributes", "owner")

    def __init__(self, owner: type, attributes: dict[str, object]) -> None:
        self.owner: Final = owner
        self.attributes: Final = attributes

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is AttributesToken
            and self.owner is other.owner
            and self.attributes == other.attributes
        )

    def __hash__(self) -> int:
        named = [(k, v) for k, v in self.attributes.items() if isinstance(v, str)]
        return hash((self.owner, *named))

    def __repr__(self) -> str:
        return f"<equinox rebuild token with {', '.join(self.attributes)}>"


REBUILD_KEY: Final = "__eqx_rebuild__"


def _registries() -> Sequence[_Registry]:
    from jax._src import tree_util  # private: the list of every registry.

    registries: Sequence[_Registry] = tree_util._all_registries  # pyright: ignore[reportPrivateUsage]  # no public equivalent
    return registries


def register_native(
    cls: type, data_fields: Sequence[str], meta_fields: Sequence[str]
) -> None:
    """Make `cls` a C++ dataclass pytree node with the rebuild pseudo-field."""
    data = list(data_fields)
    meta = [REBUILD_KEY, *meta_fields]  # first, as in Equinox's treedef repr
    for registry in _registries():
        registry.register_dataclass_node(cls, data, meta)
