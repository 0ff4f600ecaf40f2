"""`tree_pformat` / `tree_pprint`: readable summaries of pytrees."""

from collections.abc import Callable
from typing import Any

import jax
import jax.tree_util as jtu
import wadler_lindig as wl


def _short_array(shape: tuple[int, ...], dtype: Any, weak: bool) -> Any:
    """`f32[3,4]`, or `weak_f32[]` for a weakly typed value (no kind suffix)."""
    summary = wl.array_summary(shape, str(dtype), None)
    return wl.TextDoc("weak_" + summary.text) if weak else summary


def _jax_partial(obj: jtu.Partial, indent: int, short_arrays: bool) -> Any:
    # Equinox lays `jax.tree_util.Partial` out by its three attributes, whose
    # contents use the plain Wadler-Lindig forms (`f32[2](jax)`).
    pairs = [("func", obj.func), ("args", obj.args), ("keywords", obj.keywords)]
    return wl.bracketed(
        begin=wl.TextDoc("Partial("),
        docs=wl.named_objs(pairs, indent=indent, short_arrays=short_arrays),  # pyright: ignore[reportUnknownMemberType]  # its **kwargs are unannotated
        sep=wl.comma,
        end=wl.TextDoc(")"),
        indent=indent,
    )


def _custom(
    truncate_leaf: Callable[[Any], bool],
    indent: int,
    short_arrays: bool,
    struct_as_array: bool,
) -> Callable[[Any], Any]:
    def custom(obj: Any) -> Any:
        if truncate_leaf(obj):
            return wl.TextDoc(f"{type(obj).__name__}(...)")
        if short_arrays and isinstance(obj, jax.Array):
            aval: Any = getattr(obj, "aval", None)
            weak = bool(getattr(aval, "weak_type", False))
            return _short_array(tuple(obj.shape), obj.dtype, weak)
        if struct_as_array and isinstance(obj, jax.ShapeDtypeStruct):
            return _short_array(tuple(obj.shape), obj.dtype, bool(obj.weak_type))
        if isinstance(obj, jtu.Partial):
            return _jax_partial(obj, indent, short_arrays)
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
        custom=_custom(truncate_leaf, indent, short_arrays, struct_as_array),
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
