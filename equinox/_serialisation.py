"""`tree_serialise_leaves` / `tree_deserialise_leaves`: save a pytree's leaves.

The file is a plain stream of `.npy` records, one per saved leaf in leaf order
(what `np.save` writes, one call after another). Only the leaves are stored:
loading needs a `like` pytree of the same structure, e.g. a freshly initialised
model, whose leaves tell each record's expected shape and dtype.

Each leaf is handled by a *filter spec* `(file, leaf) -> ...`; the defaults save
and load arrays and Python scalars and skip everything else.
"""

import dataclasses
import os
import pathlib
from collections.abc import Callable
from typing import Any, BinaryIO, TypeAlias, TypeVar

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import PyTreeDef

from ._filters import is_array_like
from ._tree_paths import KeyPath, flatten_with_path, path_str

_T = TypeVar("_T")

# A pytree whose leaves are filter specs (a prefix of the tree being saved).
PyTree: TypeAlias = Any
SerialiseSpec: TypeAlias = Callable[[BinaryIO, Any], None]
DeserialiseSpec: TypeAlias = Callable[[BinaryIO, Any], Any]
_PathOrFile: TypeAlias = str | os.PathLike[str] | BinaryIO

_python_scalars = (bool, int, float, complex)
# numpy dtype kinds a saved Python scalar of each type may come back as.
_scalar_kinds = {bool: "b", int: "iu", float: "f", complex: "c"}


def default_serialise_filter_spec(f: BinaryIO, x: Any) -> None:
    """Save arrays and Python `bool`/`int`/`float`/`complex` as one `.npy`
    record each; skip every other leaf."""
    if is_array_like(x):
        np.save(f, np.asarray(x), allow_pickle=False)


class TreePathError(RuntimeError):
    """Saving or loading one leaf failed; the message names the leaf's path and
    the original error is the `__cause__` (a `RuntimeError`, as in Equinox)."""


class _Mismatch(Exception):
    """A record whose shape or dtype differs from its leaf in `like`."""


def _describe(shape: tuple[int, ...], dtype: np.dtype[Any]) -> str:
    return f"{dtype.name}{list(shape)}"


def _read_record(f: BinaryIO) -> np.ndarray[Any, np.dtype[Any]]:
    return np.lib.format.read_array(f, allow_pickle=False)


def _read_as(f: BinaryIO, dtype: np.dtype[Any]) -> np.ndarray[Any, np.dtype[Any]]:
    """Read one record; extension dtypes (bfloat16, float8...) are stored as raw
    bytes and are viewed back as `dtype` when the sizes agree."""
    array = _read_record(f)
    if (
        array.dtype.kind == "V"
        and dtype.kind == "V"
        and array.dtype.itemsize == dtype.itemsize
    ):
        array = array.view(dtype)
    elif array.dtype.kind == "V" and dtype.kind != "V":
        raise _Mismatch(
            f"the leaf has dtype {dtype.name} in `like` but the file holds "
            f"{array.dtype.itemsize}-byte values of an extension dtype (such as "
            "bfloat16)."
        )
    return array


def _check_matches(array: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> None:
    """Equinox's check: shape first, then dtype."""
    if tuple(array.shape) != shape:
        raise _Mismatch(
            f"the leaf has shape {shape} in `like` but {tuple(array.shape)} in "
            f"the file (`like` {_describe(shape, dtype)}, file "
            f"{_describe(tuple(array.shape), np.dtype(array.dtype))})."
        )
    if np.dtype(array.dtype) != dtype:
        raise _Mismatch(
            f"the leaf has dtype {dtype.name} in `like` but "
            f"{np.dtype(array.dtype).name} in the file; cast it to "
            f"{dtype.name} before saving, or change `like`."
        )


def _to_jax(
    array: np.ndarray[Any, np.dtype[Any]], like: jax.Array | jax.ShapeDtypeStruct
) -> jax.Array:
    sharding = getattr(like, "sharding", None)
    committed = isinstance(like, jax.ShapeDtypeStruct) or getattr(
        like, "committed", False
    )
    out: jax.Array
    if sharding is not None and committed:
        # Keep an explicitly placed array where it was.
        out = jax.device_put(array, sharding)  # pyright: ignore[reportUnknownMemberType]  # jax leaves it partially untyped
    else:
        out = jnp.asarray(array)
    return out


def _shape_dtype(x: Any) -> tuple[tuple[int, ...], np.dtype[Any]]:
    return tuple(x.shape), np.dtype(x.dtype)


def _load_scalar(f: BinaryIO, x: Any) -> Any:
    # As Equinox: any one-element record, converted to `like`'s own type
    # (so an int leaf loads a saved 2.5 as 2; a float leaf rejects complex).
    array = _read_record(f)
    if array.ndim != 0:
        raise ValueError(
            f"expected a scalar {type(x).__name__} (from `like`), but the file "
            f"holds {_describe(array.shape, array.dtype)}"
        )
    return type(x)(array.item())


def default_deserialise_filter_spec(f: BinaryIO, x: Any) -> Any:
    """Load one `.npy` record for each array or scalar leaf of `like`.

    JAX arrays and `jax.ShapeDtypeStruct`s come back as JAX arrays (the record
    is converted by `jnp.asarray`, so float64 data loads into float32 leaves
    when 64-bit mode is off) and must then have the leaf's shape and dtype;
    NumPy arrays must match exactly. A mismatch is a `RuntimeError`. NumPy and
    Python scalars are converted to the leaf's own type. Other leaves are
    returned unchanged without reading anything.
    """
    if isinstance(x, jax.ShapeDtypeStruct | jax.Array):
        shape, dtype = _shape_dtype(x)
        loaded = _to_jax(_read_as(f, dtype), x)
        _check_matches(loaded, shape, dtype)
        return loaded
    if isinstance(x, np.ndarray):
        shape, dtype = _shape_dtype(x)
        array = _read_as(f, dtype)
        _check_matches(array, shape, dtype)
        return array
    if isinstance(x, (np.generic, *_python_scalars)):
        return _load_scalar(f, x)
    return x


def _where(path: KeyPath) -> str:
    return path_str(path) if path else "<root>"


_Spec: TypeAlias = Callable[[BinaryIO, Any], Any]


@dataclasses.dataclass(frozen=True)
class _Plan:
    """Every leaf in leaf order, with its key path and the spec covering it,
    and how to put a tree of the same structure back together."""

    items: list[tuple[KeyPath, _Spec, Any]]
    rebuild: Callable[[list[Any]], Any]


def _plan(
    pytree: Any, filter_spec: Any, is_leaf: Callable[[Any], bool] | None, caller: str
) -> _Plan:
    if callable(filter_spec):
        leaves, treedef = flatten_with_path(pytree, is_leaf)
        spec: _Spec = filter_spec
        return _Plan([(p, spec, x) for p, x in leaves], treedef.unflatten)
    spec_leaves, spec_def = flatten_with_path(filter_spec)
    try:
        subtrees = spec_def.flatten_up_to(pytree)
    except ValueError as e:
        raise ValueError(
            f"{caller}: filter_spec must be a callable or a pytree prefix of the "
            f"pytree; their structures do not match: {e}"
        ) from None
    items: list[tuple[KeyPath, _Spec, Any]] = []
    sub_defs: list[tuple[int, PyTreeDef]] = []
    for (prefix, sub_spec), subtree in zip(spec_leaves, subtrees, strict=True):
        if not callable(sub_spec):
            raise TreePathError(
                f"{caller}: filter_spec at {_where(prefix)} must be a callable "
                f"`(file, leaf) -> ...`, got {sub_spec!r}."
            )
        sub_leaves, sub_def = flatten_with_path(subtree, is_leaf)
        items.extend(((*prefix, *p), sub_spec, x) for p, x in sub_leaves)
        sub_defs.append((len(sub_leaves), sub_def))

    def rebuild(values: list[Any]) -> Any:
        parts: list[Any] = []
        start = 0
        for count, sub_def in sub_defs:
            parts.append(sub_def.unflatten(values[start : start + count]))
            start += count
        return spec_def.unflatten(parts)

    return _Plan(items, rebuild)


def _serialise_into(
    f: BinaryIO,
    pytree: Any,
    filter_spec: Any,
    is_leaf: Callable[[Any], bool] | None,
) -> None:
    caller = "tree_serialise_leaves"
    for path, spec, x in _plan(pytree, filter_spec, is_leaf, caller).items:
        try:
            spec(f, x)
        except Exception as e:
            raise TreePathError(
                f"{caller}: cannot save the leaf at {_where(path)}: {e}"
            ) from e


def _with_suffix(path: str | os.PathLike[str]) -> str:
    """Equinox's file naming: a path without a suffix gets `.eqx` appended."""
    text = os.fspath(path)
    return text if pathlib.PurePath(text).suffix else text + ".eqx"


def tree_serialise_leaves(
    path_or_file: _PathOrFile,
    pytree: Any,
    filter_spec: SerialiseSpec | PyTree = default_serialise_filter_spec,
    is_leaf: Callable[[Any], bool] | None = None,
) -> None:
    """Save the leaves of `pytree` to a file.

    `path_or_file` is a path (the file is created or overwritten; a path
    without a suffix gets `.eqx` appended, as in Equinox) or a binary file
    object open for writing. Leaves are written in leaf order by
    `filter_spec(file, leaf)`; by default arrays and Python scalars are written
    as `.npy` records and other leaves are skipped. `filter_spec` may also be a
    pytree prefix of `pytree` whose leaves are such callables. Load the result
    with `tree_deserialise_leaves` and a pytree of the same structure.
    """
    if isinstance(path_or_file, str | os.PathLike):
        with open(_with_suffix(path_or_file), "wb") as f:
            _serialise_into(f, pytree, filter_spec, is_leaf)
    else:
        _serialise_into(path_or_file, pytree, filter_spec, is_leaf)


def _deserialise_from(
    f: BinaryIO,
    like: _T,
    filter_spec: Any,
    is_leaf: Callable[[Any], bool] | None,
) -> _T:
    caller = "tree_deserialise_leaves"
    plan = _plan(like, filter_spec, is_leaf, caller)
    values: list[Any] = []
    for path, spec, x in plan.items:
        try:
            values.append(spec(f, x))
        except _Mismatch as e:
            # A plain `RuntimeError`, the class Equinox raises here.
            raise RuntimeError(
                f"{caller}: cannot load the leaf at {_where(path)}: {e}"
            ) from None
        except Exception as e:
            raise TreePathError(
                f"{caller}: cannot load the leaf at {_where(path)}: {e}"
            ) from e
    # Only now, with every leaf read and checked, is a tree built.
    out: _T = plan.rebuild(values)
    return out


def tree_deserialise_leaves(
    path_or_file: _PathOrFile,
    like: _T,
    filter_spec: DeserialiseSpec | PyTree = default_deserialise_filter_spec,
    is_leaf: Callable[[Any], bool] | None = None,
) -> _T:
    """Load leaves saved by `tree_serialise_leaves` into a copy of `like`.

    `like` has the structure of the saved pytree (e.g. a freshly initialised
    model, or its `filter_eval_shape`); it is not modified. Each leaf is
    replaced by `filter_spec(file, leaf)`, by default the next record of the
    file, which must match the leaf's shape and dtype. A mismatch, a file
    that ends early or any other failure for a leaf raises a `RuntimeError`
    naming the leaf's path, and then no tree is returned at all.

    `path_or_file` is a path (`.eqx` is appended when it has no suffix) or a
    binary file object open for reading; after an error the position of a
    file object is undefined.
    """
    if not isinstance(path_or_file, str | os.PathLike):
        return _deserialise_from(path_or_file, like, filter_spec, is_leaf)
    with open(_with_suffix(path_or_file), "rb") as f:
        return _deserialise_from(f, like, filter_spec, is_leaf)
