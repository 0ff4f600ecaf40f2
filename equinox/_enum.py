"""`eqx.Enumeration`: an enum whose members are pytrees, so they cross JIT.

    class Colour(eqx.Enumeration):
        red = "Red colour"
        blue = "Blue colour"

As in Equinox, each member is an `EnumerationItem` (a `Module`) holding one
int32 scalar (its position) and, as a static field, its enumeration; so it
can be passed into and returned from compiled functions, selected with
`Colour.where`, and compared with `==` (a boolean array). `isinstance(member,
Colour)` holds for the members of `Colour` exactly (not those of a subclass,
which are `promote`d). An enumeration may extend several others: their
members come first, in order, then its own, and each parent's positions are
kept in `_base_offsets` for `promote`.

Static typing: type checkers only infer "this class attribute is an instance
of the class" for `enum.Enum` subclasses, so under `TYPE_CHECKING` the public
`Enumeration` is declared as an `enum.Enum` with a metaclass typing
`Colour[member] -> str`. At run time it is `_EnumerationImpl`. What each
checker makes of that disguise:

- mypy with the `equinox.mypy` plugin (`equinox/_mypy_plugin/_enumeration.py`)
  drops mypy's enum rules that contradict the run time: `Colour[member]` is a
  `str` (also in `msg = Colour[member]`), an enumeration with members can be
  subclassed, and a member read through a subclass is a member of the
  subclass (`More.red` is a `More`).
- pyright (no plugins) accepts `Colour[member]` as a `str`, but rejects
  subclassing an enumeration that already has members (`class More(Colour):
  ...`, which works at run time) and types `More.red` as `Colour`'s member.
- Both show `enum.Enum` attributes such as `.name`/`.value` that members do
  not have, and both keep members read-only.
"""

import enum
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar, cast

import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from jaxtyping import Array, ArrayLike, Bool, Int

from ._field import field
from ._module import Module

_X = TypeVar("_X")


class _EnumerationError(ValueError, TypeError):
    """Misuse of an enumeration: a `ValueError` as in Equinox (and a
    `TypeError`, which this library raised before)."""


class _MemberDefinitionError(TypeError, AttributeError):
    """A member defined with a non-string value: an `AttributeError` as in
    Equinox (and a `TypeError`, which this library raised before)."""


# Attributes of the class body that are never members.
_RESERVED: Final = frozenset({"where", "promote", "is_traced", "error_if"})


def _is_member_definition(name: str, value: object) -> bool:
    return not name.startswith("_") and isinstance(value, str)


def _bad_member_value(name: str, value: object) -> bool:
    """A public non-callable attribute that is not a string is a mistake."""
    if name.startswith("_") or isinstance(value, str):
        return False
    return not (
        callable(value) or isinstance(value, classmethod | staticmethod | property)
    )


class EnumerationItem(Module, typecheck=False):
    """A member of an enumeration: its position (an int32 scalar, traced
    under JIT) and its enumeration (static)."""

    _value: Int[Array | np.ndarray, ""]
    _enumeration: "_EnumerationMeta" = field(static=True)

    def is_traced(self) -> bool:
        """Whether this member's value is a tracer (inside a transformation)."""
        return isinstance(self._value, Tracer)

    def __eq__(self, other: object) -> Bool[Array, ""]:  # type: ignore[override]  # a boolean array, traced under JIT
        name = self._enumeration.__qualname__
        if not isinstance(other, EnumerationItem):
            raise _EnumerationError(
                f"cannot compare a member of {name} with {type(other).__name__}; "
                f"compare with another member, e.g. {name}.<member>."
            )
        if self._enumeration is not other._enumeration:
            raise _EnumerationError(
                f"cannot compare a member of {name} with a member of "
                f"{other._enumeration.__qualname__}: they are different "
                "enumerations. Use promote(...) to convert a parent's member to "
                "a subclass enumeration."
            )
        return jnp.asarray(self._value) == jnp.asarray(other._value)

    def __ne__(self, other: object) -> Bool[Array, ""]:  # type: ignore[override]  # a boolean array, traced under JIT
        return jnp.logical_not(self == other)

    # `Module.__hash__` stays: a member holds an array, so (as in Equinox) it
    # has no hash.

    def __bool__(self) -> bool:
        return True  # as in Equinox: a member is an object, always truthy

    def __repr__(self) -> str:
        # Equinox's form: `module.Class<message>` (`<traced>` under JIT; the
        # array of messages for a batch of members).
        cls = self._enumeration
        prefix = f"{cls.__module__}.{cls.__qualname__}"
        if self.is_traced():
            return f"{prefix}<traced>"
        value = np.asarray(self._value)
        messages = cls._index_to_message  # pyright: ignore[reportPrivateUsage]  # module-internal
        if value.ndim == 0:
            return f"{prefix}<{messages[int(value)]}>"
        return f"{prefix}<{np.asarray(messages)[value]}>"

    def __eqx_describe__(self) -> str:
        # How a run-time type check's message shows a member.
        return f"a member of {self._enumeration.__qualname__}: {self!r}"

    def __pdoc__(self, **kwargs: Any) -> Any:
        # `tree_pformat` shows a member as its repr, as Equinox does.
        import wadler_lindig as wl

        return wl.TextDoc(repr(self))

    def error_if(self, token: _X, pred: Bool[ArrayLike, "..."]) -> _X:
        """`eqx.error_if(token, pred, msg)` with this member's message as
        `msg` (under JIT, the message of whichever member it is at run time)."""
        from ._errors import branched_error_if

        messages = self._enumeration._index_to_message  # pyright: ignore[reportPrivateUsage]  # module-internal
        return branched_error_if(token, pred, self._value, messages)


def is_member(value: object, enumeration: type) -> bool:
    """Whether `value` is a member of `enumeration` or of an enumeration
    extending it: what an annotation `x: Colour` admits (static checkers
    take `More.red` as a `Colour`), where `isinstance` (as in Equinox)
    admits the members of `Colour` itself only. For the run-time checks."""
    return isinstance(value, EnumerationItem) and issubclass(
        value._enumeration,  # pyright: ignore[reportPrivateUsage]  # module-internal
        enumeration,
    )


def _item(cls: "type[_EnumerationImpl]", value: Any) -> EnumerationItem:
    # Built directly: the value is known to be right.
    item = object.__new__(EnumerationItem)
    object.__setattr__(item, "_value", value)
    object.__setattr__(item, "_enumeration", cls)
    return item


class _Members:
    """The members of a class being made: names and messages in order, and
    each parent enumeration's positions among them."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.messages: list[str] = []
        self.offsets: dict[type, list[int]] = {}

    def add(self, name: str, message: str) -> int:
        """Position of `name`: a new one, or the existing one (a different
        message replaces the old, with a warning, as in Equinox)."""
        if name in self.names:
            index = self.names.index(name)
            if self.messages[index] != message:
                warnings.warn(
                    f"Enumeration has duplicate incompatible values for {name}. "
                    f"Using the latest, which is '{message}'.",
                    UserWarning,
                    stacklevel=4,
                )
                self.messages[index] = message
            return index
        self.names.append(name)
        self.messages.append(message)
        return len(self.names) - 1

    def inherit(self, parent: "_EnumerationMeta") -> None:
        positions = [
            self.add(name, message)
            for name, message in zip(
                parent._name_to_item,  # pyright: ignore[reportPrivateUsage]  # module-internal
                parent._index_to_message,  # pyright: ignore[reportPrivateUsage]  # module-internal
                strict=True,
            )
        ]
        self.offsets[parent] = positions
        for ancestor, mapping in parent._base_offsets.items():  # pyright: ignore[reportPrivateUsage]  # module-internal
            self.offsets.setdefault(ancestor, [positions[i] for i in mapping])


class _EnumerationMeta(type):
    """Collects the string attributes of a class body as its members."""

    _name_to_item: dict[str, EnumerationItem]
    _index_to_message: list[str]
    _base_offsets: dict[type, np.ndarray]

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        **kwargs: Any,
    ) -> "_EnumerationMeta":
        annotations: dict[str, Any] = namespace.get("__annotations__", {})
        own: list[tuple[str, str]] = []
        for attr, value in list(namespace.items()):
            if _is_member_definition(attr, value):
                if attr in _RESERVED:
                    raise _EnumerationError(
                        f"Enumeration {name}: '{attr}' is a method of every "
                        "enumeration and cannot be a member name."
                    )
                own.append((attr, value))
                del namespace[attr]
            elif _bad_member_value(attr, value) and attr not in annotations:
                raise _MemberDefinitionError(
                    f"Enumeration {name}.{attr}: members must be given a string "
                    f'message (e.g. `{attr} = "..."`); got '
                    f"{type(value).__name__}."
                )
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        members = _Members()
        for base in bases:
            # (`Enumeration` itself, whose base is `object`, is no parent.)
            if isinstance(base, _EnumerationMeta) and base.__bases__ != (object,):
                members.inherit(base)
        for attr, message in own:
            members.add(attr, message)
        enumeration = cast("type[_EnumerationImpl]", cls)
        cls._name_to_item = {
            member: _item(enumeration, np.asarray(i, dtype=np.int32))
            for i, member in enumerate(members.names)
        }
        cls._index_to_message = members.messages
        cls._base_offsets = {
            parent: np.asarray(positions, dtype=np.int32)
            for parent, positions in members.offsets.items()
        }
        return cls

    def __getattr__(cls, name: str) -> Any:
        # Only reached when normal lookup fails: members, then a clear error.
        members: dict[str, Any] | None = cls.__dict__.get("_name_to_item")
        if members is not None and name in members:
            return members[name]
        if name.startswith("__") or members is None:
            raise AttributeError(name)
        raise AttributeError(
            f"Enumeration {cls.__qualname__} has no member '{name}'; its members "
            f"are: {', '.join(members) or '(none)'}."
        )

    def __instancecheck__(cls, instance: object) -> bool:
        # The members of this enumeration exactly, as in Equinox.
        return isinstance(instance, EnumerationItem) and (
            instance._enumeration is cls  # pyright: ignore[reportPrivateUsage]  # module-internal
        )

    def __eqx_admits__(cls, value: object) -> bool:
        """What an annotation `x: cls` admits at run time (see `is_member`)."""
        return is_member(value, cls)

    def __getitem__(cls, item: Any) -> str:
        """The message of a (concrete) member."""
        if not isinstance(item, EnumerationItem):
            raise _EnumerationError(
                f"{cls.__qualname__}[...] takes a member of {cls.__qualname__}; "
                f"got {type(item).__name__}."
            )
        _check_family(cls, item, f"{cls.__qualname__}[...]")
        if item.is_traced():
            raise ValueError(
                f"{cls.__qualname__}[...]: the member is traced (inside JIT), so "
                "its message is not known until run time."
            )
        return cls._index_to_message[int(item._value)]  # pyright: ignore[reportPrivateUsage]  # module-internal

    def __iter__(cls) -> Iterator[Any]:
        return iter(cls._name_to_item.values())

    def __len__(cls) -> int:
        return len(cls._index_to_message)


def _check_family(cls: type, item: EnumerationItem, what: str) -> None:
    other: type = item._enumeration  # pyright: ignore[reportPrivateUsage]  # module-internal
    if cls is other:
        return
    hint = ""
    if issubclass(cls, other):
        hint = f" Convert it first with {cls.__qualname__}.promote(...)."
    raise _EnumerationError(
        f"{what}: expected a member of {cls.__qualname__}; got a member of "
        f"{other.__qualname__}. Members of different enumerations cannot be "
        f"mixed.{hint}"
    )


class _EnumerationImpl(metaclass=_EnumerationMeta):
    """Run-time base class of enumerations; see the module docstring."""

    if not TYPE_CHECKING:

        def __init__(self, *args, **kwargs):
            raise TypeError(
                f"{type(self).__qualname__} is not instantiated; its members are "
                f"its attributes, e.g. {type(self).__qualname__}.<member>."
            )

    @classmethod
    def where(
        cls, pred: Bool[ArrayLike, ""], a: EnumerationItem, b: EnumerationItem
    ) -> EnumerationItem:
        """`a` where `pred` holds, else `b` (like `jnp.where`, for members)."""
        for arg_name, arg in (("a", a), ("b", b)):
            if not isinstance(arg, EnumerationItem):  # pyright: ignore[reportUnnecessaryIsInstance]  # run-time check of user input
                raise _EnumerationError(
                    f"{cls.__qualname__}.where: `{arg_name}` must be a member of "
                    f"{cls.__qualname__}; got {type(arg).__name__}."
                )
            _check_family(cls, arg, f"{cls.__qualname__}.where `{arg_name}`")
        if jnp.shape(pred) != ():
            raise _EnumerationError(
                f"{cls.__qualname__}.where: `pred` must be a scalar; got shape "
                f"{jnp.shape(pred)}."
            )
        return _item(cls, jnp.where(pred, a._value, b._value))  # pyright: ignore[reportPrivateUsage]  # module-internal

    @classmethod
    def promote(cls, item: EnumerationItem) -> EnumerationItem:
        """Convert a member of a parent enumeration to this enumeration."""
        if not isinstance(item, EnumerationItem):  # pyright: ignore[reportUnnecessaryIsInstance]  # run-time check of user input
            raise _EnumerationError(
                f"{cls.__qualname__}.promote takes an enumeration member; got "
                f"{type(item).__name__}."
            )
        parent = item._enumeration  # pyright: ignore[reportPrivateUsage]  # module-internal
        if parent is cls:
            return item
        positions = cls._base_offsets.get(parent)  # pyright: ignore[reportPrivateUsage]  # module-internal
        if positions is None:
            raise _EnumerationError(
                f"{cls.__qualname__}.promote: {parent.__qualname__} is not one of "
                f"the parents of {cls.__qualname__}, so its members cannot be "
                "promoted."
            )
        value = item._value  # pyright: ignore[reportPrivateUsage]  # module-internal
        if isinstance(value, np.ndarray):
            return _item(cls, np.asarray(positions[value], dtype=np.int32))
        return _item(cls, jnp.asarray(positions)[value])


if TYPE_CHECKING:

    class _EnumerationStaticMeta(enum.EnumMeta):
        def __getitem__(cls, item: "Enumeration") -> str: ...  # type: ignore[override]  # a member's message, not lookup by name

    class Enumeration(enum.Enum, metaclass=_EnumerationStaticMeta):
        """An enumeration usable inside JIT. Subclass it and give each member
        a message: `red = "Red colour"`. `Cls.member` is an instance of
        `Cls`; `Cls[member]` is its message."""

        def is_traced(self) -> bool:
            """Whether this member's value is a tracer."""
            ...

        def __eq__(self, other: object) -> Bool[Array, ""]:  # type: ignore[override]  # a boolean array, traced under JIT
            ...

        def __ne__(self, other: object) -> Bool[Array, ""]:  # type: ignore[override]  # a boolean array, traced under JIT
            ...

        def __hash__(self) -> int: ...

        def error_if(self, token: _X, pred: Bool[ArrayLike, "..."]) -> _X:
            """`eqx.error_if(token, pred, msg)` with this member's message."""
            ...

        @classmethod
        def where(cls, pred: Bool[ArrayLike, ""], a: Self, b: Self) -> Self:
            """`a` where `pred` holds, else `b`."""
            ...

        @classmethod
        def promote(cls, item: "Enumeration") -> Self:
            """Convert a member of a parent enumeration to this enumeration."""
            ...

else:
    Enumeration = _EnumerationImpl
    Enumeration.__name__ = Enumeration.__qualname__ = "Enumeration"
