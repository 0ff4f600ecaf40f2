"""Pooling: windowed reductions (`Pool`, `MaxPool*`, `AvgPool*`) and adaptive
ones that reduce to a fixed output shape (`AdaptivePool`, `Adaptive*Pool*`).

All act on one channels-first example `(channels, *spatial)`; each channel is
pooled separately.
"""

import itertools
import math
from collections.abc import Callable, Sequence
from typing import cast

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float, PRNGKeyArray, Real, Shaped

from .._field import field
from .._module import Module
from ._conv import PaddingLike, Pads, normalise_padding, same_padding
from ._param_init import check_input_rank, check_positive_int, per_dim


def _init_for(init: float, dtype: np.dtype[np.generic]) -> np.ndarray:
    """The reduction's initial value in `dtype` (±inf becomes the int extremes).

    A NumPy value, so that it stays concrete under `jit`: JAX only picks its
    differentiable max/sum window reductions for a concrete identity.
    """
    if jnp.issubdtype(dtype, jnp.integer) and math.isinf(init):
        info = np.iinfo(str(dtype))
        return np.asarray(info.min if init < 0 else info.max, dtype)
    return np.asarray(init, dtype)


def _ceil_extra(
    sizes: Sequence[int], pads: Pads, kernel_size: Sequence[int], stride: Sequence[int]
) -> Pads:
    """Pads widened at the high end so the output size rounds up, not down.

    As in PyTorch's ceil mode, a last window that would start in the high
    padding is dropped.
    """
    widened: list[tuple[int, int]] = []
    for n, (lo, hi), k, s in zip(sizes, pads, kernel_size, stride, strict=True):
        span = n + lo + hi - k
        out = -(-span // s) + 1 if span >= 0 else 0
        if out > 1 and (out - 1) * s >= n + lo:
            out -= 1
        widened.append((lo, max(hi, (out - 1) * s + k - n - lo)))
    return tuple(widened)


class Pool(Module):
    """A general pooling layer: `operation` folded over each window from `init`.

    `operation` is a binary, associative reduction such as `jax.lax.max` or
    `jax.lax.add` with its identity as `init` (these two get JAX's fast,
    differentiable window reductions). Padding cells hold `init`. `use_ceil`
    rounds the output size up instead of down.
    """

    init: int | float = field(static=True)
    operation: Callable[[Array, Array], Array] = field(static=True)
    num_spatial_dims: int = field(static=True)
    kernel_size: tuple[int, ...] = field(static=True)
    stride: tuple[int, ...] = field(static=True)
    padding: str | tuple[tuple[int, int], ...] = field(static=True)
    use_ceil: bool = field(static=True)

    def __init__(
        self,
        init: int | float,
        operation: Callable[[Array, Array], Array],
        num_spatial_dims: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        name = type(self).__name__
        if isinstance(init, bool) or not isinstance(init, int | float):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers may ignore the annotation
            raise TypeError(f"{name}: `init` must be a Python scalar, got {init!r}.")
        if not callable(operation):
            raise TypeError(f"{name}: `operation` must be callable, got {operation!r}.")
        n = check_positive_int(name, "num_spatial_dims", num_spatial_dims)
        self.init = init
        self.operation = operation
        self.num_spatial_dims = n
        self.kernel_size = per_dim(name, "kernel_size", kernel_size, n, minimum=1)
        self.stride = per_dim(name, "stride", stride, n, minimum=1)
        self.padding = normalise_padding(name, padding, n)
        self.use_ceil = bool(use_ceil)

    def _pool(self, x: Array) -> Array:
        name = type(self).__name__
        check_input_rank(name, x, self.num_spatial_dims, None)
        sizes = x.shape[1:]
        if isinstance(self.padding, str):
            ones = (1,) * self.num_spatial_dims
            pads = same_padding(
                self.padding, sizes, self.kernel_size, self.stride, ones
            )
        else:
            pads = self.padding
        for axis, (n, (lo, hi), k) in enumerate(
            zip(sizes, pads, self.kernel_size, strict=True)
        ):
            if n + lo + hi < k:
                raise ValueError(
                    f"{name}: spatial axis {axis} has size {n} (padded: "
                    f"{n + lo + hi}), smaller than the kernel {k}; input shape "
                    f"{x.shape}."
                )
        if self.use_ceil:
            pads = _ceil_extra(sizes, pads, self.kernel_size, self.stride)
        out: Array = jax.lax.reduce_window(  # pyright: ignore[reportUnknownMemberType]  # jax leaves `computation` untyped
            x,
            _init_for(self.init, x.dtype),
            self.operation,
            window_dimensions=(1, *self.kernel_size),
            window_strides=(1, *self.stride),
            padding=((0, 0), *pads),
        )
        return out

    def __call__(
        self,
        x: Shaped[Array, "channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Shaped[Array, "channels *out_spatial"]:
        """Pools one example; `key` is unused."""
        del key
        return self._pool(x)


class _MaxPool(Pool):
    """Maximum over each window; padding never wins."""

    def __init__(
        self,
        num_spatial_dims: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(
            -math.inf,
            jax.lax.max,
            num_spatial_dims,
            kernel_size,
            stride,
            padding,
            use_ceil,
        )

    def __call__(
        self,
        x: Real[Array, "channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Real[Array, "channels *out_spatial"]:
        """Max-pools one example; `key` is unused."""
        del key
        return self._pool(x)


class _AvgPool(Pool):
    """Mean over each window; padding counts as zeros in the mean."""

    def __init__(
        self,
        num_spatial_dims: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(
            0, jax.lax.add, num_spatial_dims, kernel_size, stride, padding, use_ceil
        )

    def __call__(
        self,
        x: Real[Array, "channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Float[Array, "channels *out_spatial"]:
        """Average-pools one example; `key` is unused."""
        del key
        return self._pool(x) / math.prod(self.kernel_size)


class MaxPool1d(_MaxPool):
    """Max pooling over `(channels, length)`."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(1, kernel_size, stride, padding, use_ceil)


class MaxPool2d(_MaxPool):
    """Max pooling over `(channels, height, width)`."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(2, kernel_size, stride, padding, use_ceil)


class MaxPool3d(_MaxPool):
    """Max pooling over `(channels, depth, height, width)`."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(3, kernel_size, stride, padding, use_ceil)


class AvgPool1d(_AvgPool):
    """Average pooling over `(channels, length)`."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(1, kernel_size, stride, padding, use_ceil)


class AvgPool2d(_AvgPool):
    """Average pooling over `(channels, height, width)`."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(2, kernel_size, stride, padding, use_ceil)


class AvgPool3d(_AvgPool):
    """Average pooling over `(channels, depth, height, width)`."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        super().__init__(3, kernel_size, stride, padding, use_ceil)


def _adaptive_windows(size: int, target: int) -> dict[int, list[tuple[int, int]]]:
    """Output index `i` reduces `[floor(i*size/target), ceil((i+1)*size/target))`.

    Returned grouped by window length: {length: [(output index, start), ...]}.
    """
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(target):
        start = (i * size) // target
        end = -(-((i + 1) * size) // target)
        groups.setdefault(end - start, []).append((i, start))
    return groups


def _reduce_windows(
    x: Array,
    combo: Sequence[tuple[int, np.ndarray]],
    operation: Callable[[Array], Array],
) -> Array:
    """Applies `operation` to every window of one shape: `(C, *counts)`."""
    for dim, (length, starts) in enumerate(combo):
        index = starts[:, None] + np.arange(length)[None, :]
        x = jnp.take(x, index, axis=1 + 2 * dim)
    n = len(combo)
    order = (0, *range(1, 2 * n, 2), *range(2, 2 * n + 1, 2))
    x = jnp.transpose(x, order)
    lead = x.shape[: n + 1]
    windows = x.reshape(math.prod(lead), -1)
    values = jax.vmap(operation)(windows)
    if values.shape != (windows.shape[0],):
        raise ValueError(
            "AdaptivePool: `operation` must reduce a window to a scalar, got "
            f"shape {values.shape[1:]} per window."
        )
    return values.reshape(lead)


def _adaptive_pool(
    x: Array, target_shape: tuple[int, ...], operation: Callable[[Array], Array]
) -> Array:
    """Windows of equal shape are gathered and reduced together (a handful of
    groups: PyTorch's windows take at most a few lengths per axis)."""
    groups = [
        sorted(_adaptive_windows(size, target).items())
        for size, target in zip(x.shape[1:], target_shape, strict=True)
    ]
    placements: list[tuple[tuple[np.ndarray, ...], Array]] = []
    for combo in itertools.product(*groups):
        outs = tuple(np.array([i for i, _ in entries]) for _, entries in combo)
        starts = [
            (length, np.array([s for _, s in entries])) for length, entries in combo
        ]
        placements.append((outs, _reduce_windows(x, starts, operation)))
    dtype = jnp.result_type(*(block for _, block in placements))
    y = jnp.zeros((x.shape[0], *target_shape), dtype)
    for outs, block in placements:
        y = y.at[(slice(None), *np.ix_(*outs))].set(block)
    return y


# Compiled once per input shape, so eager calls do not dispatch op by op.
_adaptive_pool_jit = cast(
    Callable[[Array, tuple[int, ...], Callable[[Array], Array]], Array],
    jax.jit(_adaptive_pool, static_argnums=(1, 2)),  # pyright: ignore[reportUnknownMemberType]  # jax leaves `fun` untyped
)


class AdaptivePool(Module):
    """Pools to a fixed output shape whatever the input's spatial shape.

    Output index `i` of a spatial axis of size `n` (target `t`) reduces the
    input window `[floor(i*n/t), ceil((i+1)*n/t))`, as in PyTorch. `operation`
    maps the window's elements, as a 1-D array, to a scalar (e.g. `jnp.mean`).
    """

    target_shape: tuple[int, ...] = field(static=True)
    num_spatial_dims: int = field(static=True)
    operation: Callable[[Array], Array] = field(static=True)

    def __init__(
        self,
        target_shape: int | Sequence[int],
        num_spatial_dims: int,
        operation: Callable[[Array], Array],
    ) -> None:
        name = type(self).__name__
        n = check_positive_int(name, "num_spatial_dims", num_spatial_dims)
        if not callable(operation):
            raise TypeError(f"{name}: `operation` must be callable, got {operation!r}.")
        self.num_spatial_dims = n
        self.target_shape = per_dim(name, "target_shape", target_shape, n, minimum=1)
        self.operation = operation

    def _pool(self, x: Array) -> Array:
        check_input_rank(type(self).__name__, x, self.num_spatial_dims, None)
        return _adaptive_pool_jit(x, self.target_shape, self.operation)

    def __call__(
        self,
        x: Shaped[Array, "channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Shaped[Array, "channels *target_shape"]:
        """Pools one example to `target_shape`; `key` is unused."""
        del key
        return self._pool(x)


class _AdaptiveAvgPool(AdaptivePool):
    def __init__(
        self, target_shape: int | Sequence[int], num_spatial_dims: int
    ) -> None:
        super().__init__(target_shape, num_spatial_dims, jnp.mean)

    def __call__(
        self,
        x: Real[Array, "channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Float[Array, "channels *target_shape"]:
        """Average-pools one example to `target_shape`; `key` is unused."""
        del key
        return self._pool(x)


class _AdaptiveMaxPool(AdaptivePool):
    def __init__(
        self, target_shape: int | Sequence[int], num_spatial_dims: int
    ) -> None:
        super().__init__(target_shape, num_spatial_dims, jnp.max)

    def __call__(
        self,
        x: Real[Array, "channels *spatial"],
        *,
        key: PRNGKeyArray | None = None,
    ) -> Real[Array, "channels *target_shape"]:
        """Max-pools one example to `target_shape`; `key` is unused."""
        del key
        return self._pool(x)


class AdaptiveAvgPool1d(_AdaptiveAvgPool):
    """Adaptive mean pooling of `(channels, length)` to `(channels, target)`."""

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__(target_shape, 1)


class AdaptiveAvgPool2d(_AdaptiveAvgPool):
    """Adaptive mean pooling of `(channels, h, w)` to `(channels, *target_shape)`."""

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__(target_shape, 2)


class AdaptiveAvgPool3d(_AdaptiveAvgPool):
    """Adaptive mean pooling of `(channels, d, h, w)` to `(channels, *target)`."""

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__(target_shape, 3)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Adaptive max pooling of `(channels, length)` to `(channels, target)`."""

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__(target_shape, 1)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Adaptive max pooling of `(channels, h, w)` to `(channels, *target_shape)`."""

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__(target_shape, 2)


class AdaptiveMaxPool3d(_AdaptiveMaxPool):
    """Adaptive max pooling of `(channels, d, h, w)` to `(channels, *target)`."""

    def __init__(self, target_shape: int | Sequence[int]) -> None:
        super().__init__(target_shape, 3)
