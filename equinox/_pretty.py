"""`tree_pformat` / `tree_pprint`: readable summaries of pytrees."""

from collections.abc import Callable
from typing import Any

import jax
import wadler_lindig as wl


def _truncated(
    truncate_leaf: Callable[[Any], bool], struct_as_array: bool
) -> Callable[[Any], Any]:
    def custom(obj: Any) -> Any:
        if truncate_leaf(obj):
            return wl.TextDoc(f"{type(obj).__name__}(...)")
        if struct_as_array and isinstance(obj, jax.ShapeDtypeStruct):
            return wl.array_summary(tuple(obj.shape), str(obj.dtype), None)
        return None

    return custom


def _never(obj: Any) -> bool:
    del obj
    return False


def tree_pformat(
    pytree: Any,
    *,
    width: int = 80,
    indent: int = 2,
    short_arrays: bool = True,
    struct_as_array: bool = False,
    truncate_leaf: Callable[[Any], bool] = _never,
) -> str:
    """A pretty string for `pytree`; arrays appear as `f32[3,4]` when
    `short_arrays` (the default), and so do `jax.ShapeDtypeStruct`s when
    `struct_as_array`."""
    return wl.pformat(  # pyright: ignore[reportUnknownMemberType]  # its **kwargs are unannotated
        pytree,
        width=width,
        indent=indent,
        short_arrays=short_arrays,
        custom=_truncated(truncate_leaf, struct_as_array),
    )


def tree_pprint(
    pytree: Any,
    *,
    width: int = 80,
    indent: int = 2,
    short_arrays: bool = True,
    struct_as_array: bool = False,
    truncate_leaf: Callable[[Any], bool] = _never,
) -> None:
    """Print `tree_pformat(pytree, ...)`."""
    print(
        tree_pformat(
            pytree,
            width=width,
            indent=indent,
            short_arrays=short_arrays,
            struct_as_array=struct_as_array,
            truncate_leaf=truncate_leaf,
        )
    )
