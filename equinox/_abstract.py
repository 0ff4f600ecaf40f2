"""`AbstractVar` / `AbstractClassVar`: attributes a concrete subclass must provide.

At run time they are ordinary generic classes so that `AbstractVar[int]` can be
recognised in a class's annotations (also as a string, under
`from __future__ import annotations`). To static tools, `AbstractVar[T]` reads
as `T` and `AbstractClassVar[T]` as `ClassVar[T]`.
"""

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


def _string_kind(annotation: str) -> str | None:
    # `from __future__ import annotations` leaves the annotation as written;
    # accept `AbstractVar[...]` with any module prefix (`eqx.AbstractVar[...]`).
    head = annotation.strip().split("[", 1)[0].rsplit(".", 1)[-1]
    if head in ("AbstractVar", "AbstractClassVar"):
        return head
    return None


def abstract_kind(annotation: Any) -> str | None:
    """'AbstractVar', 'AbstractClassVar' or None for a class annotation."""
    if isinstance(annotation, str):
        return _string_kind(annotation)
    origin = getattr(annotation, "__origin__", annotation)
    if origin is _AbstractVarMarker:
        return "AbstractVar"
    if origin is _AbstractClassVarMarker:
        return "AbstractClassVar"
    return None


def is_classvar_annotation(annotation: Any) -> bool:
    """True for `ClassVar[...]` (object or string form)."""
    if isinstance(annotation, str):
        head = annotation.strip().split("[", 1)[0].rsplit(".", 1)[-1]
        return head == "ClassVar"
    import typing

    return annotation is typing.ClassVar or (
        getattr(annotation, "__origin__", None) is typing.ClassVar
    )
