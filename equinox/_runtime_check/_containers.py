"""Complete checks of container annotations: `list[X]`, `tuple[X, ...]`,
`tuple[A, B]`, `dict[K, V]`, `set[X]` and their `collections.abc` spellings.

Every item is checked (beartype, by default, checks one randomly chosen item,
so the same input could pass one time and fail the next). Items are checked in
order inside the caller's jaxtyping memo, so `list[Float[Array, "n"]]` also
requires every item to have the same `n`. Iterators and other one-shot
iterables are never walked.
"""

import collections.abc
import dataclasses
import typing
from collections.abc import Callable, Iterator
from typing import Final, Protocol

from ._names import describe_value, format_hint

_SEQUENCES: Final[dict[object, type]] = {
    list: list,
    collections.abc.Sequence: collections.abc.Sequence,
    collections.abc.MutableSequence: collections.abc.MutableSequence,
}
_SETS: Final[dict[object, type]] = {
    set: set,
    frozenset: frozenset,
    collections.abc.Set: collections.abc.Set,
    collections.abc.MutableSet: collections.abc.MutableSet,
}
_MAPPINGS: Final[dict[object, type]] = {
    dict: dict,
    collections.abc.Mapping: collections.abc.Mapping,
    collections.abc.MutableMapping: collections.abc.MutableMapping,
}


class ItemCheck(Protocol):
    """What a container check needs from the check of one item."""

    def passes(self, value: object, /) -> bool: ...

    def explain(self, value: object, subject: str, /) -> str | None: ...


Compile = Callable[[object], ItemCheck | None]


@dataclasses.dataclass(frozen=True, slots=True)
class _Slot:
    """One checked position: where it is (`[2]`, `['a']`, `key 'a'`), its
    annotation and check (None: anything)."""

    where: str
    hint: object
    check: ItemCheck | None


@dataclasses.dataclass(frozen=True, slots=True)
class ContainerCheck:
    runtime_type: type
    # Yields every (slot, value) to check, or a reason the shape is wrong.
    slots: Callable[[object], Iterator[tuple[_Slot, object]] | str]

    def passes(self, value: object) -> bool:
        if not isinstance(value, self.runtime_type):
            return False
        slots = self.slots(value)
        if isinstance(slots, str):
            return False
        return all(slot.check is None or slot.check.passes(v) for slot, v in slots)

    def explain(self, value: object, subject: str) -> str | None:
        if not isinstance(value, self.runtime_type):
            return None
        slots = self.slots(value)
        if isinstance(slots, str):
            return slots
        for slot, item in slots:
            if slot.check is None or slot.check.passes(item):
                continue
            text = (
                f"{slot.where}: expected {format_hint(slot.hint)}, "
                f"got {describe_value(item)}"
            )
            inner = slot.check.explain(item, f"{subject}{slot.where}")
            return f"{text} ({inner})" if inner else text
        return None


def _items(item: _Slot) -> Callable[[object], Iterator[tuple[_Slot, object]]]:
    def slots(value: object) -> Iterator[tuple[_Slot, object]]:
        for index, element in enumerate(
            typing.cast(collections.abc.Iterable[object], value)
        ):
            yield dataclasses.replace(item, where=f"[{index}]"), element

    return slots


def _fixed_tuple(
    slots_: tuple[_Slot, ...],
) -> Callable[[object], Iterator[tuple[_Slot, object]] | str]:
    def slots(value: object) -> Iterator[tuple[_Slot, object]] | str:
        elements = typing.cast(tuple[object, ...], value)
        if len(elements) != len(slots_):
            return f"has {len(elements)} items, expected {len(slots_)}"
        return zip(slots_, elements, strict=True)

    return slots


def _mapping(
    key: _Slot, item: _Slot
) -> Callable[[object], Iterator[tuple[_Slot, object]]]:
    def slots(value: object) -> Iterator[tuple[_Slot, object]]:
        mapping = typing.cast(collections.abc.Mapping[object, object], value)
        for k, v in mapping.items():
            yield dataclasses.replace(key, where=f" key {k!r}"), k
            yield dataclasses.replace(item, where=f"[{k!r}]"), v

    return slots


def container_check(hint: object, compile_item: Compile) -> ContainerCheck | None:
    """The complete check for a parametrised container annotation, or None
    when `hint` is not one."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is None or not args:
        return None

    def slot(arg: object) -> _Slot:
        return _Slot("", arg, compile_item(arg))

    if origin in _SEQUENCES and len(args) == 1:
        return ContainerCheck(_SEQUENCES[origin], _items(slot(args[0])))
    if origin in _SETS and len(args) == 1:
        return ContainerCheck(_SETS[origin], _items(slot(args[0])))
    if origin in _MAPPINGS and len(args) == 2:
        return ContainerCheck(_MAPPINGS[origin], _mapping(slot(args[0]), slot(args[1])))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return ContainerCheck(tuple, _items(slot(args[0])))
        fixed = tuple(
            _Slot(f"[{index}]", arg, compile_item(arg))
            for index, arg in enumerate(args)
        )
        return ContainerCheck(tuple, _fixed_tuple(fixed))
    return None
