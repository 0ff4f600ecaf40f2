"""One annotation turned into a fast run-time check (`HintCheck`).

Most annotations are classes or unions of classes: one `isinstance` call
against a class or a tuple of classes. A jaxtyping array type (whose
`isinstance` checks dtype and shape against the current jaxtyping dimension
memo) also accepts NumPy values of the right dtype and shape; a union with such
a member checks its members one by one. Containers (`list[Linear]`,
`tuple[Float[...], ...]`, `dict[str, X]`) are walked completely by
`_containers`. Everything else (`Callable[...]`, `Literal[...]`, protocols)
goes through beartype, which calls jaxtyping's `isinstance` for any array types
nested inside, so the same memo is shared.
"""

import abc
import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, ForwardRef, TypeAlias, TypeVar, cast

import jax
import jax.core
import jaxtyping
import numpy as np
from beartype import BeartypeConf
from beartype.door import die_if_unbearable, is_bearable
from beartype.roar import BeartypeException

from ._array_reasons import array_reason
from ._arrays import array_check
from ._containers import container_check
from ._names import is_array_hint

ClassInfo: TypeAlias = type | tuple[type, ...]

# `int` is acceptable where `float` is annotated (PEP 484's numeric tower),
# exactly as mypy and pyright accept it: code that passes the static checkers
# must not fail at run time. A NumPy array or scalar is accepted where a
# `jax.Array` is (JAX takes them wherever it takes an array).
BEARTYPE_CONF: Final = BeartypeConf(is_pep484_tower=True)
_WIDER: Final[dict[type, tuple[type, ...]]] = {
    float: (float, int),
    complex: (complex, float, int),
    jax.Array: (jax.Array, np.ndarray, np.number, np.bool_),
}
_UNION_ORIGINS: Final = (typing.Union, types.UnionType)
# jaxtyping's `PyTree[...]` types all subclass `PyTree` (a class at run time).
_PYTREE: Final = cast(type, jaxtyping.PyTree)  # pyright: ignore[reportUnknownMemberType]  # untyped in jaxtyping
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Unresolved:
    """An annotation that could not be evaluated (e.g. a forward reference to a
    name that is not importable from the defining module); it is not checked."""


UNRESOLVED: Final = Unresolved()


Reasoner = Callable[[object, str], str | None]


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
    # Why a failing value fails, given the name to use for it in advice
    # (`x` in "cast with x.astype(...)"); None when "expected/got" says all.
    reasoner: Reasoner

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

    def explain(self, value: object, subject: str) -> str | None:
        """Why `value` fails (call inside the same memo state as the check)."""
        return self.reasoner(value, subject)


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


def _is_pytree_hint(hint: object) -> bool:
    return isinstance(hint, type) and issubclass(hint, _PYTREE)


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
    """A class (or tuple of classes) equivalent to `hint`, or None. A union
    with a jaxtyping array member is not one (its members are checked one by
    one, each accepting NumPy values)."""
    members = (
        typing.get_args(hint) if typing.get_origin(hint) in _UNION_ORIGINS else (hint,)
    )
    classes: list[type] = []
    for member in members:
        cls = _plain_class(member)
        if cls is None or is_array_hint(cls):
            return None
        classes.extend(_WIDER.get(cls, (cls,)))
    unique = tuple(dict.fromkeys(classes))
    info: ClassInfo = unique[0] if len(unique) == 1 else unique
    try:
        isinstance(None, info)
    except TypeError:  # e.g. a Protocol that is not runtime-checkable
        return None
    return info


def _class_admits(hint: object) -> Callable[[object], bool] | None:
    """A class whose metaclass says what an annotation naming it admits
    (`__eqx_admits__`): an enumeration admits the members of the
    enumerations extending it, which are not its instances."""
    if not isinstance(hint, type):
        return None
    admits: Callable[[type, object], bool] | None = getattr(
        type(hint), "__eqx_admits__", None
    )
    return None if admits is None else functools.partial(admits, hint)


def _no_reason(value: object, subject: str) -> None:
    del value, subject


def _beartype_reason(hint: object) -> Reasoner:
    def reason(value: object, subject: str) -> str | None:
        del subject
        try:
            die_if_unbearable(value, cast(Any, hint), conf=BEARTYPE_CONF)
        except BeartypeException as e:
            # beartype says "<caller> value <repr> violates type hint <hint>,
            # as <why>."; only <why> adds to "expected/got".
            text = str(e)
            _, as_, why = text.partition(", as ")
            return why.rstrip(".") if as_ else None
        except Exception as e:  # a violation reported by jaxtyping itself
            return str(e)
        return None

    return reason


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


def _array_parts(hint: type) -> tuple[Callable[[object], bool], Reasoner]:
    return array_check(hint), functools.partial(array_reason, hint)


def _union_parts(
    members: tuple[HintCheck, ...],
) -> tuple[Callable[[object], bool], Reasoner]:
    def predicate(value: object) -> bool:
        return any(member.passes(value) for member in members)

    def reason(value: object, subject: str) -> str | None:
        # Only array members have more to say than "expected/got"; label them
        # by their shape, the part that tells them apart.
        reasons: dict[str, list[str]] = {}
        for member in members:
            if not is_array_hint(member.hint):
                continue
            text = member.explain(value, subject)
            if text:
                dims = getattr(member.hint, "dim_str", "")
                reasons.setdefault(text, []).append(repr(dims))
        if len(reasons) == 1:
            return next(iter(reasons))
        return (
            "; ".join(
                f"as shape {' or '.join(shapes)}: {text}"
                for text, shapes in reasons.items()
            )
            or None
        )

    return predicate, reason


def _compile_members(hint: object) -> tuple[HintCheck, ...] | None:
    """The checks of a union's members; None when one accepts anything."""
    members: list[HintCheck] = []
    for arg in typing.get_args(hint):
        check = compile_hint(arg)
        if check is None:
            return None
        members.append(check)
    return tuple(members)


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
    admits = _class_admits(hint)
    classinfo = None if admits is not None else _classinfo(hint)
    predicate: Callable[[object], bool] | None = None
    reasoner: Reasoner = _no_reason
    if admits is not None:
        predicate = admits
    elif classinfo is None:
        if is_array_hint(hint):
            predicate, reasoner = _array_parts(hint)
        elif typing.get_origin(hint) in _UNION_ORIGINS:
            members = _compile_members(hint)
            if members is None:
                return None
            predicate, reasoner = _union_parts(members)
        elif (container := container_check(hint, compile_hint)) is not None:
            predicate, reasoner = container.passes, container.explain
        else:
            predicate, reasoner = _beartype_predicate(hint), _beartype_reason(hint)
    cacheable = classinfo is not None and not uses_memo
    if isinstance(classinfo, tuple):
        cacheable = cacheable and all(_type_decides(c) for c in classinfo)
    elif classinfo is not None:
        cacheable = cacheable and _type_decides(classinfo)
    seen: set[type] | frozenset[type] = set() if cacheable else NEVER_SEEN
    return HintCheck(
        hint, classinfo, predicate, uses_memo, names, symbolic, seen, reasoner
    )


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
