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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Final, Literal, Protocol, cast

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


def _passes(check: ItemCheck | None, value: object) -> bool:
    return check is None or check.passes(value)


@dataclasses.dataclass(frozen=True, slots=True)
class ContainerCheck:
    """`runtime_type` holding, by `kind`: items (`"items"`: every element
    against `checks[0]`), a fixed tuple (`"fixed"`: element i against
    `checks[i]`) or a mapping (`"mapping"`: keys against `checks[0]`, values
    against `checks[1]`). `hints` are the annotations of `checks`."""

    runtime_type: type
    kind: Literal["items", "fixed", "mapping"]
    hints: tuple[object, ...]
    checks: tuple[ItemCheck | None, ...]

    def passes(self, value: object) -> bool:
        if not isinstance(value, self.runtime_type):
            return False
        if self.kind == "items":
            check = self.checks[0]
            if check is None:
                return True
            passes = check.passes
            return all(passes(item) for item in cast(Iterable[object], value))
        if self.kind == "fixed":
            items = cast(tuple[object, ...], value)
            return len(items) == len(self.checks) and all(
                _passes(check, item)
                for check, item in zip(self.checks, items, strict=True)
            )
        key_check, value_check = self.checks
        return all(
            _passes(key_check, k) and _passes(value_check, v)
            for k, v in cast(Mapping[object, object], value).items()
        )

    def _slots(self, value: object) -> Iterator[tuple[str, int, object]]:
        """(where, index into `checks`, item) for every checked position."""
        if self.kind == "items":
            for index, item in enumerate(cast(Iterable[object], value)):
                yield f"[{index}]", 0, item
        elif self.kind == "fixed":
            for index, item in enumerate(cast(tuple[object, ...], value)):
                yield f"[{index}]", index, item
        else:
            for k, v in cast(Mapping[object, object], value).items():
                yield f" key {k!r}", 0, k
                yield f"[{k!r}]", 1, v

    def explain(self, value: object, subject: str) -> str | None:
        if not isinstance(value, self.runtime_type):
            return None
        if self.kind == "fixed":
            count = len(cast(tuple[object, ...], value))
            if count != len(self.checks):
                return f"has {count} items, expected {len(self.checks)}"
        for where, index, item in self._slots(value):
            check = self.checks[index]
            if check is None or check.passes(item):
                continue
            text = (
                f"{where.strip()}: expected {format_hint(self.hints[index])}, "
                f"got {describe_value(item)}"
            )
            inner = check.explain(item, f"{subject}{where}")
            return f"{text} ({inner})" if inner else text
        return None


def container_check(hint: object, compile_item: Compile) -> ContainerCheck | None:
    """The complete check for a parametrised container annotation, or None
    when `hint` is not one."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is None or not args:
        return None
    checks = tuple(compile_item(arg) for arg in args)
    if origin in _SEQUENCES and len(args) == 1:
        return ContainerCheck(_SEQUENCES[origin], "items", args, checks)
    if origin in _SETS and len(args) == 1:
        return ContainerCheck(_SETS[origin], "items", args, checks)
    if origin in _MAPPINGS and len(args) == 2:
        return ContainerCheck(_MAPPINGS[origin], "mapping", args, checks)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return ContainerCheck(tuple, "items", args[:1], checks[:1])
        return ContainerCheck(tuple, "fixed", args, checks)
    return None
