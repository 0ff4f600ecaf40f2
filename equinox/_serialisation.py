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


def _describe(shape: tuple[int, ...], dtype: np.dtype[Any]) -> str:
    return f"{dtype.name}{list(shape)}"


def _read_record(f: BinaryIO) -> np.ndarray[Any, np.dtype[Any]]:
    try:
        return np.lib.format.read_array(f, allow_pickle=False)
    except EOFError as e:  # some numpy versions raise EOFError at end of file
        raise ValueError(f"the file ended early ({e})") from None


def _read_checked(
    f: BinaryIO, shape: tuple[int, ...], dtype: np.dtype[Any]
) -> np.ndarray[Any, np.dtype[Any]]:
    """Read one record and check it has the expected shape and dtype."""
    array = _read_record(f)
    if (
        array.dtype.kind == "V"
        and dtype.kind == "V"
        and array.dtype.itemsize == dtype.itemsize
    ):
        # Extension dtypes (bfloat16, float8...) are written as raw bytes.
        array = array.view(dtype)
    if array.shape != shape or array.dtype != dtype:
        raise ValueError(
            f"expected {_describe(shape, dtype)} (from `like`), but the file "
            f"holds {_describe(array.shape, array.dtype)}"
        )
    return array


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


def _load_scalar(f: BinaryIO, x: bool | int | float | complex) -> Any:
    array = _read_record(f)
    kinds = _scalar_kinds[type(x)] if type(x) in _scalar_kinds else "biufc"
    if array.shape != () or array.dtype.kind not in kinds:
        raise ValueError(
            f"expected a Python {type(x).__name__} (from `like`), but the file "
            f"holds {_describe(array.shape, array.dtype)}"
        )
    return type(x)(array.item())


def default_deserialise_filter_spec(f: BinaryIO, x: Any) -> Any:
    """Load one `.npy` record for each array or Python scalar of `like`.

    The record must have the leaf's shape and dtype (else `ValueError`); JAX
    arrays and `jax.ShapeDtypeStruct`s come back as JAX arrays, NumPy arrays and
    scalars as NumPy, Python scalars as their Python type. Other leaves are
    returned unchanged without reading anything.
    """
    if isinstance(x, jax.ShapeDtypeStruct | jax.Array):
        return _to_jax(_read_checked(f, *_shape_dtype(x)), x)
    if isinstance(x, np.ndarray | np.generic):
        array = _read_checked(f, *_shape_dtype(x))
        return array[()] if isinstance(x, np.generic) else array
    if isinstance(x, _python_scalars):
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
            raise TypeError(
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
        except ValueError as e:
            raise ValueError(
                f"{caller}: cannot save the leaf at {_where(path)}: {e}"
            ) from e


def tree_serialise_leaves(
    path_or_file: _PathOrFile,
    pytree: Any,
    filter_spec: SerialiseSpec | PyTree = default_serialise_filter_spec,
    is_leaf: Callable[[Any], bool] | None = None,
) -> None:
    """Save the leaves of `pytree` to a file.

    `path_or_file` is a path (the file is created or overwritten) or a binary
    file object open for writing. Leaves are written in leaf order by
    `filter_spec(file, leaf)`; by default arrays and Python scalars are written
    as `.npy` records and other leaves are skipped. `filter_spec` may also be a
    pytree prefix of `pytree` whose leaves are such callables. Load the result
    with `tree_deserialise_leaves` and a pytree of the same structure.
    """
    if isinstance(path_or_file, str | os.PathLike):
        with open(path_or_file, "wb") as f:
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
        except ValueError as e:
            raise ValueError(
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
    file, which must match the leaf's shape and dtype. A mismatch or a file
    that ends early raises `ValueError` naming the leaf's path, and then no
    tree is returned at all. When reading from a path, data left over after
    the last leaf is an error too (the file was saved from a bigger tree).

    `path_or_file` is a path or a binary file object open for reading; after
    an error the position of a file object is undefined.
    """
    caller = "tree_deserialise_leaves"
    if not isinstance(path_or_file, str | os.PathLike):
        return _deserialise_from(path_or_file, like, filter_spec, is_leaf)
    with open(path_or_file, "rb") as f:
        out = _deserialise_from(f, like, filter_spec, is_leaf)
        if f.read(1):
            raise ValueError(
                f"{caller}: {os.fspath(path_or_file)!r} holds more data after the "
                "last leaf of `like`; it was saved from a different pytree."
            )
    return out
