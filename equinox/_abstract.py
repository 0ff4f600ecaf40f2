"""`AbstractVar` / `AbstractClassVar`: attributes a concrete subclass must provide.

At run time they are ordinary generic classes so that `AbstractVar[int]` can be
recognised in a class's annotations (also as a string, under
`from __future__ import annotations`). To static tools, `AbstractVar[T]` reads
as `T` and `AbstractClassVar[T]` as `ClassVar[T]`.
"""

import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeAlias, TypeVar

_T = TypeVar("_T")


class _AbstractVarMarker(Generic[_T]):
    """Run-time form of `AbstractVar[T]`: annotate `x: AbstractVar[T]` to
    require subclasses to provide `x` (as a field, a property or a class
    attribute). It is not a field of the class that declares it."""

    def __init__(self) -> None:
        raise TypeError("AbstractVar is an annotation, not a value.")


class _AbstractClassVarMarker(Generic[_T]):
    """Run-time form of `AbstractClassVar[T]`: annotate `x: AbstractClassVar[T]`
    to require subclasses to set the class attribute `x`."""

    def __init__(self) -> None:
        raise TypeError("AbstractClassVar is an annotation, not a value.")


# Shown as `AbstractVar[int]` in annotations and reprs, as in Equinox.
_AbstractVarMarker.__name__ = _AbstractVarMarker.__qualname__ = "AbstractVar"
_AbstractClassVarMarker.__name__ = "AbstractClassVar"
_AbstractClassVarMarker.__qualname__ = "AbstractClassVar"

if TYPE_CHECKING:
    # Both read as the plain `T`. (An alias of `typing.ClassVar` would be the
    # natural spelling of AbstractClassVar, but pyright honours ClassVar
    # aliases only within the module that makes them, and re-exporting one
    # makes `pyright --verifytypes` lose every metaclass in the package.)
    AbstractVar: TypeAlias = Annotated[_T, "equinox.AbstractVar"]
    AbstractClassVar: TypeAlias = Annotated[_T, "equinox.AbstractClassVar"]
else:
    AbstractVar = _AbstractVarMarker
    AbstractClassVar = _AbstractClassVarMarker


def _head(annotation: str) -> tuple[str, bool]:
    """Last dotted name before any `[`, and whether it is subscripted."""
    head, bracket, _ = annotation.strip().partition("[")
    return head.rsplit(".", 1)[-1], bool(bracket)


def _unsubscripted(where: str) -> TypeError:
    return TypeError(
        f"{where}: `AbstractVar` and `AbstractClassVar` need a type argument, "
        "e.g. `AbstractVar[int]`."
    )


def abstract_kind(annotation: Any, where: str = "annotation") -> str | None:
    """'AbstractVar', 'AbstractClassVar' or None for a class annotation.

    Raises TypeError for an unsubscripted `AbstractVar`/`AbstractClassVar`.
    """
    if isinstance(annotation, str):
        # `from __future__ import annotations` leaves the annotation as
        # written; accept any module prefix (`eqx.AbstractVar[...]`).
        head, subscripted = _head(annotation)
        if head not in ("AbstractVar", "AbstractClassVar"):
            return None
        if not subscripted:
            raise _unsubscripted(where)
        return head
    if annotation is _AbstractVarMarker or annotation is _AbstractClassVarMarker:
        raise _unsubscripted(where)
    origin = getattr(annotation, "__origin__", None)
    if origin is _AbstractVarMarker:
        return "AbstractVar"
    if origin is _AbstractClassVarMarker:
        return "AbstractClassVar"
    return None


def is_classvar_annotation(annotation: Any) -> bool:
    """True for `ClassVar[...]` (object or string form)."""
    if isinstance(annotation, str):
        return _head(annotation)[0] == "ClassVar"
    return annotation is typing.ClassVar or (
        getattr(annotation, "__origin__", None) is typing.ClassVar
    )


def abstract_sets(
    bases: Iterable[type],
    own_vars: set[str],
    own_classvars: set[str],
    provided: Callable[[str], bool],
) -> tuple[frozenset[str], frozenset[str]]:
    """`(__abstractvars__, __abstractclassvars__)` of a new class.

    An inherited abstract attribute stays abstract until `provided(name)`
    (a field, a class attribute, a property, a `ClassVar`, or a value set by
    `__init_subclass__`). Redeclaring an AbstractVar as an AbstractClassVar
    makes it an abstract class attribute; the converse keeps it one.
    """
    inherited_vars: set[str] = set()
    inherited_classvars: set[str] = set()
    empty: frozenset[str] = frozenset()
    for base in bases:
        inherited_vars |= getattr(base, "__abstractvars__", empty)
        inherited_classvars |= getattr(base, "__abstractclassvars__", empty)
    classvars = {n for n in inherited_classvars if not provided(n)} | own_classvars
    abstract_vars = {n for n in inherited_vars if not provided(n)} | own_vars
    return frozenset(abstract_vars - classvars), frozenset(classvars)


def split_abstract_annotations(
    namespace: Mapping[str, Any], qualname: str
) -> tuple[dict[str, Any], set[str], set[str]]:
    """Remove AbstractVar/AbstractClassVar annotations from a class body.

    Returns the annotations as written (to restore once the dataclass fields
    are made: they are not fields) and the names of each kind.
    """
    annotations: dict[str, Any] = namespace.get("__annotations__", {})
    original = dict(annotations)
    abstract_vars: set[str] = set()
    abstract_classvars: set[str] = set()
    for name, annotation in original.items():
        kind = abstract_kind(annotation, f"{qualname}.{name}")
        if kind is None:
            continue
        if name in namespace:
            raise TypeError(
                f"{qualname}.{name} is annotated as {kind} but also given a "
                "value; an abstract attribute has no value."
            )
        del annotations[name]
        (abstract_vars if kind == "AbstractVar" else abstract_classvars).add(name)
    return original, abstract_vars, abstract_classvars
