"""Buffers: carry leaves of a loop that the body only reads with `buf[i]`
and writes with `buf.at[i].set(x, pred=...)`.

Inside the loop the body sees each buffer as a `Buffer`; the loop unwraps
them again. Writes are guarded by `pred` without copying the whole array:
the old value at `i` is kept where `pred` is false.
"""

from typing import Any, TypeAlias, TypeVar, overload

import jax.numpy as jnp
from jaxtyping import Array, ArrayLike

_T = TypeVar("_T")


class Buffer:
    """An array that supports only `buf[i]`, `buf.at[i].set(x, pred=...)`
    and its shape/dtype."""

    def __init__(self, array: Array) -> None:
        self._array = array

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._array.shape)

    @property
    def dtype(self) -> Any:
        return self._array.dtype

    @property
    def ndim(self) -> int:
        return self._array.ndim

    @property
    def size(self) -> int:
        return self._array.size

    def __getitem__(self, item: Any) -> Array:
        return self._array[item]

    @property
    def at(self) -> "_BufferAt":
        return _BufferAt(self)

    def __repr__(self) -> str:
        return f"Buffer({self._array!r})"


class _BufferAt:
    def __init__(self, buffer: Buffer) -> None:
        self._buffer = buffer

    def __getitem__(self, item: Any) -> "_BufferRef":
        return _BufferRef(self._buffer, item)


class _BufferRef:
    def __init__(self, buffer: Buffer, item: Any) -> None:
        self._buffer = buffer
        self._item = item

    def set(self, x: ArrayLike, *, pred: ArrayLike = True, **kwargs: Any) -> Buffer:
        array = self._buffer._array  # pyright: ignore[reportPrivateUsage]  # the buffer's own helper class
        return Buffer(_guarded_set(array, self._item, x, pred, **kwargs))


def _guarded_set(
    array: Array, item: Any, x: ArrayLike, pred: ArrayLike, **kwargs: Any
) -> Array:
    if pred is True:
        return array.at[item].set(x, **kwargs)
    if pred is False:
        return array
    old = array.at[item].get(**({"mode": kwargs["mode"]} if "mode" in kwargs else {}))
    new = jnp.where(
        pred, jnp.broadcast_to(jnp.asarray(x, array.dtype), jnp.shape(old)), old
    )
    return array.at[item].set(new, **kwargs)


# `MaybeBuffer[T]`: a carry leaf that is either the plain value or, inside a
# loop body, its `Buffer`.
MaybeBuffer: TypeAlias = _T | Buffer


@overload
def buffer_at_set(
    buffer: Buffer, item: Any, x: ArrayLike, *, pred: ArrayLike = True, **kwargs: Any
) -> Buffer: ...
@overload
def buffer_at_set(
    buffer: Array, item: Any, x: ArrayLike, *, pred: ArrayLike = True, **kwargs: Any
) -> Array: ...
def buffer_at_set(
    buffer: Array | Buffer,
    item: Any,
    x: ArrayLike,
    *,
    pred: ArrayLike = True,
    **kwargs: Any,
) -> Array | Buffer:
    """As `buffer.at[item].set(x)`, and supports the `pred` argument even if
    `buffer` is a plain array (e.g. a buffer-using body called outside a
    loop)."""
    if isinstance(buffer, Buffer):
        return buffer.at[item].set(x, pred=pred, **kwargs)
    return _guarded_set(jnp.asarray(buffer), item, x, pred, **kwargs)
