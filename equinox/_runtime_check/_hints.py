"""One annotation turned into a fast run-time check (`HintCheck`).

Most annotations are classes, unions of classes, or jaxtyping array types
(which are classes whose `isinstance` checks dtype and shape against the
current jaxtyping dimension memo). Those become one `isinstance` call against a
class or a tuple of classes. Everything else (`list[Linear]`, `Callable[...]`,
`Literal[...]`, `tuple[Float[...], ...]`) goes through beartype, which calls
jaxtyping's `isinstance` for any array types nested inside, so the same memo is
shared.
"""

import abc
import dataclasses
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, ForwardRef, TypeAlias, TypeGuard, TypeVar, cast

import jax
import jax.core
import jaxtyping
from beartype import BeartypeConf
from beartype.door import die_if_unbearable, is_bearable
from beartype.roar import BeartypeException
from jaxtyping import AbstractArray

from ._arrays import fast_array_check

ClassInfo: TypeAlias = type | tuple[type, ...]

# `int` is acceptable where `float` is annotated (PEP 484's numeric tower),
# exactly as mypy and pyright accept it: code that passes the static checkers
# must not fail at run time.
BEARTYPE_CONF: Final = BeartypeConf(is_pep484_tower=True)
_TOWER: Final[dict[type, tuple[type, ...]]] = {
    float: (float, int),
    complex: (complex, float, int),
}
_UNION_ORIGINS: Final = (typing.Union, types.UnionType)
# jaxtyping's `PyTree[...]` types all subclass `PyTree` (a class at run time).
_PYTREE: Final = cast(type, jaxtyping.PyTree)  # pyright: ignore[reportUnknownMemberType]  # untyped in jaxtyping
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Unresolved:
    """An annotation that could not be evaluated (e.g. a forward reference to a
    name that is not importable from the defining module); it is not checked."""


UNRESOLVED: Final = Unresolved()


@dataclasses.dataclass(frozen=True, slots=True)
class HintCheck:
    """How to check one value against one resolved annotation."""

    hint: object
    # `isinstance(value, classinfo)` when set; otherwise `predicate(value)`.
    classinfo: ClassInfo | None
    predicate: Callable[[object], bool] | None
    # Mentions a jaxtyping array/PyTree type: must run inside a dimension memo.
    uses_memo: bool
    # Dimension names it reads or binds (for binding a method's `self` fields).
    dim_names: frozenset[str]
    # Has a symbolic dimension such as "n+1": check it after the others so that
    # the names it refers to are bound first.
    symbolic: bool
    # Exact types already seen to pass `isinstance(value, classinfo)`; only
    # when the result depends on the type alone (no array shapes involved).
    # `type(x) in set` is ~5x faster than `isinstance(x, jax.Array)`.
    seen_types: set[type] | frozenset[type]

    def passes(self, value: object) -> bool:
        if type(value) in self.seen_types:
            return True
        if self.classinfo is not None:
            if isinstance(value, self.classinfo):
                remember_type(self.seen_types, value)
                return True
            return False
        assert self.predicate is not None
        return self.predicate(value)

    def explain(self, value: object) -> str:
        """Why `value` fails (call inside the same memo state as the check)."""
        if is_array_hint(self.hint):
            return _class_reason(self.hint, value)
        if self.classinfo is None:
            try:
                die_if_unbearable(value, cast(Any, self.hint), conf=BEARTYPE_CONF)
            except BeartypeException as e:
                return str(e)
            except Exception as e:  # a violation reported by jaxtyping itself
                return f"{type(e).__name__}: {e}"
            return "beartype rejected the value (a randomly sampled item failed)"
        members = (
            self.classinfo if isinstance(self.classinfo, tuple) else (self.classinfo,)
        )
        reasons = [_class_reason(member, value) for member in members]
        if len(reasons) == 1:
            return reasons[0]
        return "; ".join(
            f"not {format_hint(m)}: {r}" for m, r in zip(members, reasons, strict=True)
        )


# What a non-cacheable check uses as its `seen_types`.
NEVER_SEEN: Final[frozenset[type]] = frozenset()
_MAX_SEEN: Final = 32


def remember_type(seen: set[type] | frozenset[type], value: object) -> None:
    # Tracers are never remembered: whether one is a `jax.Array` depends on
    # its abstract value, and they only appear at trace time anyway.
    if seen is not NEVER_SEEN and len(seen) < _MAX_SEEN:
        if not isinstance(value, jax.core.Tracer):
            assert isinstance(seen, set)
            seen.add(type(value))


def _type_decides(cls: type) -> bool:
    """Whether `isinstance(x, cls)` depends only on `type(x)`: true for plain
    classes, ABCs and `jax.Array` (for non-tracers), not for metaclasses with
    their own `__instancecheck__` (runtime protocols, jaxtyping types...)."""
    check = type(cls).__instancecheck__
    return (
        check is type.__instancecheck__
        or check is abc.ABCMeta.__instancecheck__
        or cls is jax.Array
    )


def _class_reason(cls: type, value: object) -> str:
    reason = getattr(cls, "__instancecheck_str__", None)
    if is_array_hint(cls) and callable(reason):
        text = reason(value)
        if isinstance(text, str) and text:
            return text
    return f"not an instance of {format_hint(cls)}"


def is_array_hint(hint: object) -> TypeGuard[type]:
    """A jaxtyping array type such as `Float[Array, "n"]`."""
    return isinstance(hint, type) and issubclass(hint, AbstractArray)


def _is_pytree_hint(hint: object) -> bool:
    return isinstance(hint, type) and issubclass(hint, _PYTREE)


def format_hint(hint: object) -> str:
    """A short, readable spelling of an annotation for error messages."""
    if hint is type(None):
        return "None"
    if typing.get_origin(hint) in _UNION_ORIGINS:
        return " | ".join(format_hint(arg) for arg in typing.get_args(hint))
    if is_array_hint(hint):
        return _array_hint_name(hint)
    if isinstance(hint, type) and not isinstance(hint, types.GenericAlias):
        module = hint.__module__
        if module in ("builtins", "jaxtyping"):
            return hint.__qualname__
        return f"{module}.{hint.__qualname__}"
    return repr(hint).replace("typing.", "")


def _array_hint_name(hint: type) -> str:
    dtype = getattr(hint, "dtype", None)
    array_type = getattr(hint, "array_type", None)
    dim_str = getattr(hint, "dim_str", None)
    if dtype is None or array_type is None or not isinstance(dim_str, str):
        return hint.__name__
    dtype_name = getattr(dtype, "__name__", repr(dtype))
    if isinstance(array_type, type):
        if array_type.__module__.startswith("jax"):
            array_name = "Array"
        else:
            array_name = format_hint(array_type)
    else:
        array_name = repr(array_type)
    return f"{dtype_name}[{array_name}, {dim_str!r}]"


def _walk(hint: object) -> Iterator[object]:
    """`hint` and every annotation nested inside it."""
    yield hint
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        args = args[:1]  # the rest is metadata, not annotations
    for arg in args:
        yield from _walk(arg)


def _dims_of(hint: type) -> tuple[frozenset[str], bool]:
    """Names of the dimensions an array type mentions, and whether any is
    symbolic. Reads jaxtyping's parsed `dims` (named, variadic, symbolic)."""
    names: set[str] = set()
    symbolic = False
    dims: tuple[object, ...] = getattr(hint, "dims", ())
    for dim in dims:
        name = getattr(dim, "name", None)
        if isinstance(name, str):
            names.add(name)
        expression = getattr(dim, "elem", None)
        if isinstance(expression, str):
            symbolic = True
            names.update(_IDENTIFIER.findall(expression))
    return frozenset(names), symbolic


def _memo_info(hint: object) -> tuple[bool, frozenset[str], bool]:
    uses_memo = False
    names: set[str] = set()
    symbolic = False
    for part in _walk(hint):
        if is_array_hint(part):
            uses_memo = True
            part_names, part_symbolic = _dims_of(part)
            names |= part_names
            symbolic = symbolic or part_symbolic
        elif _is_pytree_hint(part):
            uses_memo = True
    return uses_memo, frozenset(names), symbolic


def _plain_class(hint: object) -> type | None:
    if hint is None or hint is type(None):
        return type(None)
    if isinstance(hint, type) and not isinstance(hint, types.GenericAlias):
        return hint
    return None


def _classinfo(hint: object) -> ClassInfo | None:
    """A class (or tuple of classes) equivalent to `hint`, or None."""
    members = (
        typing.get_args(hint) if typing.get_origin(hint) in _UNION_ORIGINS else (hint,)
    )
    classes: list[type] = []
    for member in members:
        cls = _plain_class(member)
        if cls is None:
            return None
        classes.extend(_TOWER.get(cls, (cls,)))
    unique = tuple(dict.fromkeys(classes))
    info: ClassInfo = unique[0] if len(unique) == 1 else unique
    try:
        isinstance(None, info)
    except TypeError:  # e.g. a Protocol that is not runtime-checkable
        return None
    return info


def _beartype_predicate(hint: object) -> Callable[[object], bool]:
    """`is_bearable` against `hint`. Whether beartype supports the hint is
    found out on first use (probing costs milliseconds per hint, too much for
    every annotation of every class at import); an unsupported one passes."""
    supported: list[bool] = []

    def predicate(value: object) -> bool:
        if not supported:
            try:
                is_bearable(None, cast(Any, hint), conf=BEARTYPE_CONF)
            except BeartypeException:
                supported.append(False)
            else:
                supported.append(True)
        if not supported[0]:
            return True
        return bool(is_bearable(value, cast(Any, hint), conf=BEARTYPE_CONF))

    return predicate


def mentions_jaxtyping(hint: object) -> bool:
    """Whether a resolved annotation contains a jaxtyping array or PyTree type."""
    return _memo_info(hint)[0]


def compile_hint(hint: object) -> HintCheck | None:
    """The check for a resolved annotation; None when nothing is to be checked
    (`Any`, `object`, unresolvable, an unconstrained TypeVar)."""
    if hint is Any or hint is object or isinstance(hint, Unresolved):
        return None
    if isinstance(hint, TypeVar):
        bound: object = hint.__bound__
        return None if bound is None else compile_hint(bound)
    uses_memo, names, symbolic = _memo_info(hint)
    classinfo = _classinfo(hint)
    predicate = None if classinfo is not None else _beartype_predicate(hint)
    if is_array_hint(hint):
        fast = fast_array_check(hint)
        if fast is not None:
            classinfo, predicate = None, fast
    cacheable = classinfo is not None and not uses_memo
    if isinstance(classinfo, tuple):
        cacheable = cacheable and all(_type_decides(c) for c in classinfo)
    elif classinfo is not None:
        cacheable = cacheable and _type_decides(classinfo)
    seen: set[type] | frozenset[type] = set() if cacheable else NEVER_SEEN
    return HintCheck(hint, classinfo, predicate, uses_memo, names, symbolic, seen)


def _needs_evaluation(annotation: object) -> bool:
    return any(isinstance(part, str | ForwardRef) for part in _walk(annotation))


def resolve(
    annotation: object,
    globalns: Mapping[str, Any],
    localns: Mapping[str, Any] | None = None,
) -> object:
    """Evaluate a string annotation (or one with nested forward references);
    `UNRESOLVED` when that fails."""
    if not _needs_evaluation(annotation):
        return annotation

    def holder() -> None: ...

    holder.__annotations__ = {"value": annotation}
    try:
        hints = typing.get_type_hints(
            holder, dict(globalns), dict(localns or {}), include_extras=True
        )
    except Exception:  # any failure to evaluate: treat as unannotated
        return UNRESOLVED
    return hints["value"]
