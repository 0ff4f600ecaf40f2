"""How classes, annotations and values are spelled in check messages.

Classes are named by their public import path (`equinox.nn.Linear`, not
`equinox.nn._linear.Linear`; `jax.Array`, not `jax.jaxlib._jax.Array`), found by
walking up the defining module's package to the shortest public module that
exports the same object.
"""

import reprlib
import sys
import types
import typing
from collections.abc import Callable
from typing import Final, cast

from jaxtyping import AbstractArray

_UNION_ORIGINS: Final = (typing.Union, types.UnionType)
_DTYPE_PREFIXES: Final = (
    ("bfloat", "bf"),
    ("float", "f"),
    ("uint", "u"),
    ("int", "i"),
    ("complex", "c"),
)
_repr: Final = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = 4
_repr.maxdict = 4
_repr.maxtuple = 4


def _is_private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def public_path(module: str, qualname: str, target: object = None) -> str:
    """`module.qualname` with `module` replaced by the shortest public module
    (no `_private` part) that exports the same object (`target`, else looked
    up in `module`); unchanged when there is none."""
    head = qualname.split(".", 1)[0]
    if target is None or "." in qualname:
        defining = sys.modules.get(module)
        target = getattr(defining, head, None) if defining is not None else None
    if target is not None and _is_private(module):
        parts = module.split(".")
        for end in range(1, len(parts)):
            candidate = ".".join(parts[:end])
            if _is_private(candidate):
                break
            try:
                found = getattr(sys.modules.get(candidate), head, None)
            except Exception:  # a lazy export failing to import: not this one
                found = None
            if found is target:
                module = candidate
                break
    if module in ("builtins", "__main__"):
        return qualname
    return f"{module}.{qualname}"


def class_name(cls: type) -> str:
    """The public path of a class (`equinox.nn.Linear`, `jax.Array`)."""
    if cls.__module__ in ("builtins", "__main__"):
        return cls.__qualname__
    # (`jax.Array` calls itself `jaxlib._jax.Array`: use the last part.)
    short = cls.__name__.rsplit(".", 1)[-1]
    parts = cls.__module__.split(".")
    for end in range(1, len(parts) + 1):
        candidate = ".".join(parts[:end])
        if _is_private(candidate):
            break
        try:
            found = getattr(sys.modules.get(candidate), short, None)
        except Exception:  # a lazy export failing to import: not this one
            found = None
        if found is cls:
            return f"{candidate}.{short}"
    return public_path(cls.__module__, cls.__qualname__, cls)


def owner_name(module: str, qualname: str) -> str:
    """The name a message starts with: the bare qualified name for a class
    of the user's own (public) modules, the public path for a library's."""
    if _is_private(module):
        return public_path(module, qualname)
    return qualname


def is_array_hint(hint: object) -> typing.TypeGuard[type]:
    """A jaxtyping array type such as `Float[Array, "n"]`."""
    return isinstance(hint, type) and issubclass(hint, AbstractArray)


def format_hint(hint: object) -> str:
    """A short, readable spelling of an annotation."""
    if hint is type(None) or hint is None:
        return "None"
    if hint is Ellipsis:
        return "..."
    origin = typing.get_origin(hint)
    if origin in _UNION_ORIGINS:
        return " | ".join(format_hint(arg) for arg in typing.get_args(hint))
    if is_array_hint(hint):
        return _array_hint_name(hint)
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(a) for a in typing.get_args(hint))}]"
    if isinstance(origin, type) and typing.get_args(hint):
        inner = ", ".join(_format_arg(arg) for arg in typing.get_args(hint))
        return f"{format_hint(origin)}[{inner}]"
    if isinstance(hint, type):
        return class_name(hint)
    return repr(hint).replace("typing.", "")


def _format_arg(arg: object) -> str:
    # `Callable[[int, str], bool]` keeps its parameter list as a list.
    if isinstance(arg, list):
        items = cast(list[object], arg)
        return "[" + ", ".join(format_hint(item) for item in items) + "]"
    return format_hint(arg)


def _array_hint_name(hint: type) -> str:
    family = getattr(hint, "dtype", None)
    array_type = getattr(hint, "array_type", None)
    dim_str = getattr(hint, "dim_str", None)
    if family is None or array_type is None or not isinstance(dim_str, str):
        return hint.__name__
    family_name = getattr(family, "__name__", repr(family))
    if isinstance(array_type, type):
        if array_type.__module__.startswith("jax"):
            array_name = "Array"
        else:
            array_name = format_hint(array_type)
    else:
        array_name = repr(array_type)
    return f"{family_name}[{array_name}, {dim_str!r}]"


def short_dtype(dtype: object) -> str:
    """`f32` for float32, `i8` for int8 (the spelling of `tree_pformat`)."""
    name = str(getattr(dtype, "name", dtype))
    for long, short in _DTYPE_PREFIXES:
        if name.startswith(long) and name[len(long) :].isdigit():
            return short + name[len(long) :]
    return name


def describe_value(value: object) -> str:
    """`f32[2,3]` for arrays (plus the array type when not a JAX array),
    otherwise the type and a short repr."""
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if isinstance(shape, tuple) and dtype is not None:
        dims = ",".join(str(size) for size in shape)  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]  # any array library
        text = f"{short_dtype(dtype)}[{dims}]"
        kind = type(value)
        if not kind.__module__.startswith("jax"):
            text += f" ({class_name(kind)})"
        return text
    kind = type(value)
    describe: Callable[[object], str] | None = getattr(kind, "__eqx_describe__", None)
    if describe is not None:  # a class that says how it reads in a message
        return describe(value)
    if isinstance(value, list | tuple | dict | set | frozenset):
        count = len(value)  # pyright: ignore[reportUnknownArgumentType]  # any container
        return f"{class_name(kind)} of {count} item{'' if count == 1 else 's'}"
    if hasattr(value, "__dataclass_fields__"):
        return f"a {class_name(kind)}"
    return f"{class_name(kind)} {_repr.repr(value)}"
