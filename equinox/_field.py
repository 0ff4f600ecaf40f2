"""`eqx.field`: a dataclass field specifier that also knows `static` and `converter`."""

import dataclasses
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar, overload

from typing_extensions import deprecated

_T = TypeVar("_T")

# Keys under which `field` stores its extra options in the dataclass metadata.
# `static` is the same key `jax.tree_util.register_dataclass` reads.
STATIC_KEY = "static"
CONVERTER_KEY = "converter"


def _metadata(
    metadata: Mapping[Any, Any] | None,
    static: bool,
    converter: Callable[[Any], Any] | None,
) -> dict[Any, Any]:
    merged: dict[Any, Any] = {} if metadata is None else dict(metadata)
    for key in (STATIC_KEY, CONVERTER_KEY):
        if key in merged:
            raise ValueError(
                f"eqx.field: pass `{key}=` as an argument, not inside `metadata=`."
            )
    # Same key order as Equinox: converter, then static.
    if converter is not None:
        if not callable(converter):
            raise TypeError(
                f"eqx.field: `converter` must be callable, got {converter!r}."
            )
        merged[CONVERTER_KEY] = converter
    if static:
        merged[STATIC_KEY] = True
    return merged


@overload
def field(
    *,
    default: _T,
    converter: Callable[[Any], _T] | None = None,
    static: bool = False,
    init: bool = True,
    repr: bool = True,
    hash: bool | None = None,
    compare: bool = True,
    metadata: Mapping[Any, Any] | None = None,
    kw_only: bool = ...,
) -> _T: ...


@overload
def field(
    *,
    default_factory: Callable[[], _T],
    converter: Callable[[Any], _T] | None = None,
    static: bool = False,
    init: bool = True,
    repr: bool = True,
    hash: bool | None = None,
    compare: bool = True,
    metadata: Mapping[Any, Any] | None = None,
    kw_only: bool = ...,
) -> _T: ...


@overload
def field(
    *,
    converter: Callable[[Any], _T],
    static: bool = False,
    init: bool = True,
    repr: bool = True,
    hash: bool | None = None,
    compare: bool = True,
    metadata: Mapping[Any, Any] | None = None,
    kw_only: bool = ...,
) -> _T: ...


@overload
def field(
    *,
    static: bool = False,
    init: bool = True,
    repr: bool = True,
    hash: bool | None = None,
    compare: bool = True,
    metadata: Mapping[Any, Any] | None = None,
    kw_only: bool = ...,
) -> Any: ...


def field(
    *,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
    converter: Callable[[Any], Any] | None = None,
    static: bool = False,
    init: bool = True,
    repr: bool = True,
    hash: bool | None = None,
    compare: bool = True,
    metadata: Mapping[Any, Any] | None = None,
    kw_only: Any = dataclasses.MISSING,
) -> Any:
    """Declare a Module field.

    Accepts everything `dataclasses.field` does, plus:

    - `static=True`: the value is stored in the PyTree structure (the treedef)
      instead of being a leaf, so JAX transformations never trace it. It must be
      hashable. Use it for configuration, not for arrays.
    - `converter=f`: `f` is applied to the field's value once construction has
      assigned it, whether through the generated `__init__` or a custom one.
    """
    return dataclasses.field(
        default=default,
        default_factory=default_factory,
        init=init,
        repr=repr,
        hash=hash,
        compare=compare,
        metadata=_metadata(metadata, static, converter),
        kw_only=kw_only,
    )


_STATIC_FIELD_DEPRECATED: Final = (
    "`eqx.static_field(...)` is deprecated: use `eqx.field(static=True, ...)`."
)


# `category=None`: static checkers flag uses, and the body warns itself, so a
# positional argument raises `TypeError` without warning first (as Equinox).
@deprecated(_STATIC_FIELD_DEPRECATED, category=None)
def static_field(**kwargs: Any) -> Any:
    """Deprecated spelling of `eqx.field(static=True, **kwargs)`.

    Warns (a `UserWarning`, as in Equinox) at every call.
    """
    warnings.warn(_STATIC_FIELD_DEPRECATED, UserWarning, stacklevel=2)
    return field(static=True, **kwargs)
