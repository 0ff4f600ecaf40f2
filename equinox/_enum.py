"""`eqx.Enumeration`: an enum whose members are pytrees, so they cross JIT.

    class Colour(eqx.Enumeration):
        red = "Red colour"
        blue = "Blue colour"

Each member is an instance of its class holding one int32 scalar (its
position), so it can be passed into and returned from compiled functions,
selected with `Colour.where`, and compared with `==` (a boolean array).

Static typing: type checkers only infer "this class attribute is an instance
of the class" for `enum.Enum` subclasses, so under `TYPE_CHECKING` the public
`Enumeration` is declared as an `enum.Enum` with a metaclass typing
`Colour[member] -> str`. At run time it is `_EnumerationImpl`, a `Module`.
What each checker makes of that disguise:

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
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self, TypeVar, cast

import jax.numpy as jnp
import numpy as np
from jax.core import Tracer
from jaxtyping import Array, ArrayLike, Bool, Int

from ._module import Module, _ModuleMeta  # pyright: ignore[reportPrivateUsage]  # extending the Module metaclass

_E = TypeVar("_E", bound="_EnumerationImpl")
_X = TypeVar("_X")


class _EnumerationError(ValueError, TypeError):
    """Misuse of an enumeration: a `ValueError` as in Equinox (and a
    `TypeError`, which this library raised before)."""


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


class _EnumerationMeta(_ModuleMeta):
    """Collects the string attributes of a class body as its members."""

    __eqx_names__: tuple[str, ...]
    __eqx_messages__: tuple[str, ...]
    __eqx_members__: dict[str, Any]

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        namespace: dict[str, Any],
        /,
        **kwargs: Any,
    ) -> "_EnumerationMeta":
        annotations: dict[str, Any] = namespace.get("__annotations__", {})
        new_names: list[str] = []
        new_messages: list[str] = []
        for attr, value in list(namespace.items()):
            if _is_member_definition(attr, value):
                new_names.append(attr)
                new_messages.append(value)
                del namespace[attr]
            elif _bad_member_value(attr, value) and attr not in annotations:
                raise TypeError(
                    f"Enumeration {name}.{attr}: members must be given a string "
                    f'message (e.g. `{attr} = "..."`); got '
                    f"{type(value).__name__}."
                )
        cls = cast(
            "_EnumerationMeta", super().__new__(mcs, name, bases, namespace, **kwargs)
        )
        names, messages = _inherited_members(cls, bases)
        for attr, message in zip(new_names, new_messages, strict=True):
            if attr in _RESERVED:
                raise _EnumerationError(
                    f"Enumeration {name}: '{attr}' is a method of every "
                    "enumeration and cannot be a member name."
                )
            if attr in names:
                # Redefining an inherited member keeps its position (so its
                # value); a different message replaces the old, with a warning.
                index = names.index(attr)
                if messages[index] != message:
                    warnings.warn(
                        f"Enumeration has duplicate incompatible values for {attr}. "
                        f"Using the latest, which is '{message}'.",
                        UserWarning,
                        stacklevel=2,
                    )
                messages[index] = message
                continue
            names.append(attr)
            messages.append(message)
        cls.__eqx_names__ = tuple(names)
        cls.__eqx_messages__ = tuple(messages)
        cls.__eqx_members__ = {}
        for i, member_name in enumerate(names):
            member = _make_member(
                cast("type[_EnumerationImpl]", cls), np.asarray(i, dtype=np.int32)
            )
            cls.__eqx_members__[member_name] = member
            type.__setattr__(cls, member_name, member)
        return cls

    def __getattr__(cls, name: str) -> Any:
        # Only reached when normal lookup fails: members, then a clear error.
        members: dict[str, Any] | None = cls.__dict__.get("__eqx_members__")
        if members is not None and name in members:
            return members[name]
        if name.startswith("__") or members is None:
            raise AttributeError(name)
        raise AttributeError(
            f"Enumeration {cls.__qualname__} has no member '{name}'; its members "
            f"are: {', '.join(members) or '(none)'}."
        )

    def __getitem__(cls, item: Any) -> str:
        """The message of a (concrete) member."""
        if not isinstance(item, _EnumerationImpl):
            raise _EnumerationError(
                f"{cls.__qualname__}[...] takes a member of {cls.__qualname__}; "
                f"got {type(item).__name__}."
            )
        _check_family(cls, type(item), f"{cls.__qualname__}[...]")
        if item.is_traced():
            raise ValueError(
                f"{cls.__qualname__}[...]: the member is traced (inside JIT), so "
                "its message is not known until run time."
            )
        return type(item).__eqx_messages__[int(item._value)]  # pyright: ignore[reportPrivateUsage]  # module-internal

    def __iter__(cls) -> Iterator[Any]:
        return iter(cls.__eqx_members__.values())

    def __len__(cls) -> int:
        return len(cls.__eqx_names__)


def _inherited_members(
    cls: type, bases: tuple[type, ...]
) -> tuple[list[str], list[str]]:
    parents = [base for base in bases if isinstance(base, _EnumerationMeta)]
    with_members = [p for p in parents if p.__dict__.get("__eqx_names__")]
    if len(with_members) > 1:
        raise _EnumerationError(
            f"Enumeration {cls.__qualname__} inherits members from more than one "
            f"enumeration ({', '.join(p.__qualname__ for p in with_members)})."
        )
    if not with_members:
        return [], []
    parent = with_members[0]
    return list(parent.__eqx_names__), list(parent.__eqx_messages__)


def _make_member(cls: type[_E], value: Any) -> _E:
    # Members are built directly: users never call the constructor.
    member = object.__new__(cls)
    object.__setattr__(member, "_value", value)
    return member


def _check_family(cls: type, other: type, what: str) -> None:
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


class _EnumerationImpl(Module, metaclass=_EnumerationMeta):
    """Run-time base class of enumerations; see the module docstring."""

    _value: Int[Array | np.ndarray, ""]

    __eqx_names__: ClassVar[tuple[str, ...]]
    __eqx_messages__: ClassVar[tuple[str, ...]]

    if not TYPE_CHECKING:

        def __init__(self, *args, **kwargs):
            raise TypeError(
                f"{type(self).__qualname__} members are not constructed directly; "
                f"use its attributes, e.g. {type(self).__qualname__}.<member>."
            )

    def is_traced(self) -> bool:
        """Whether this member's value is a tracer (inside a transformation)."""
        return isinstance(self._value, Tracer)

    def __eq__(self, other: object) -> Bool[Array, ""]:  # type: ignore[override]  # a boolean array, traced under JIT
        if not isinstance(other, _EnumerationImpl):
            raise _EnumerationError(
                f"cannot compare a member of {type(self).__qualname__} with "
                f"{type(other).__name__}; compare with another member, e.g. "
                f"{type(self).__qualname__}.<member>."
            )
        if type(self) is not type(other):
            raise _EnumerationError(
                f"cannot compare a member of {type(self).__qualname__} with a "
                f"member of {type(other).__qualname__}: they are different "
                "enumerations. Use promote(...) to convert a parent's member to "
                "a subclass enumeration."
            )
        return jnp.asarray(self._value) == jnp.asarray(other._value)

    def __ne__(self, other: object) -> Bool[Array, ""]:  # type: ignore[override]  # a boolean array, traced under JIT
        return jnp.logical_not(self == other)

    def __hash__(self) -> int:
        if self.is_traced():
            raise TypeError(
                f"cannot hash a traced member of {type(self).__qualname__}."
            )
        return hash((type(self), int(self._value)))

    def __bool__(self) -> bool:
        return True  # as in Equinox: a member is an object, always truthy

    def __repr__(self) -> str:
        # Equinox's form: `module.Class<message>` (`<traced>` under JIT).
        cls = type(self)
        prefix = f"{cls.__module__}.{cls.__qualname__}"
        if self.is_traced():
            return f"{prefix}<traced>"
        return f"{prefix}<{cls.__eqx_messages__[int(self._value)]}>"

    def __pdoc__(self, **kwargs: Any) -> Any:
        # `tree_pformat` shows a member as its repr, as Equinox does.
        import wadler_lindig as wl

        return wl.TextDoc(repr(self))

    def error_if(self, token: _X, pred: Bool[ArrayLike, "..."]) -> _X:
        """`eqx.error_if(token, pred, msg)` with this member's message as
        `msg` (under JIT, the message of whichever member it is at run time)."""
        from ._errors import branched_error_if

        return branched_error_if(token, pred, self._value, type(self).__eqx_messages__)

    @classmethod
    def where(cls: type[_E], pred: Bool[ArrayLike, ""], a: _E, b: _E) -> _E:
        """`a` where `pred` holds, else `b` (like `jnp.where`, for members)."""
        for arg_name, arg in (("a", a), ("b", b)):
            if not isinstance(arg, _EnumerationImpl):  # pyright: ignore[reportUnnecessaryIsInstance]  # run-time check of user input
                raise _EnumerationError(
                    f"{cls.__qualname__}.where: `{arg_name}` must be a member of "
                    f"{cls.__qualname__}; got {type(arg).__name__}."
                )
            _check_family(cls, type(arg), f"{cls.__qualname__}.where `{arg_name}`")
        if jnp.shape(pred) != ():
            raise _EnumerationError(
                f"{cls.__qualname__}.where: `pred` must be a scalar; got shape "
                f"{jnp.shape(pred)}."
            )
        value = jnp.where(pred, a._value, b._value)
        return _make_member(cls, value)

    @classmethod
    def promote(cls: type[_E], item: "_EnumerationImpl") -> _E:
        """Convert a member of a parent enumeration to this enumeration."""
        if not isinstance(item, _EnumerationImpl):  # pyright: ignore[reportUnnecessaryIsInstance]  # run-time check of user input
            raise _EnumerationError(
                f"{cls.__qualname__}.promote takes an enumeration member; got "
                f"{type(item).__name__}."
            )
        if not issubclass(cls, type(item)):
            raise _EnumerationError(
                f"{cls.__qualname__}.promote: {type(item).__qualname__} is not "
                f"{cls.__qualname__} or one of its parents, so its members "
                "cannot be promoted."
            )
        return _make_member(cls, item._value)


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
    Enumeration.__module__ = "equinox"
