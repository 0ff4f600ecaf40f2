"""Pooling: windowed reductions (`Pool`, `MaxPool*`, `AvgPool*`) and adaptive
ones that reduce to a fixed output shape (`AdaptivePool`, `Adaptive*Pool*`).

All act on one channels-first example `(channels, *spatial)`; each channel is
pooled separately.
"""

import math
from collections.abc import Callable, Sequence
from typing import cast

import jax
import jax.numpy as jnp
import numpy as np
from jaxtyping import Array, Float, PRNGKeyArray, Real, Shaped

from .._field import field
from .._module import Module
from ._conv import (
    PaddingLike,
    Pads,
    check_windows_fit,
    explicit_pads,
    normalise_padding,
)
from ._param_init import check_input_rank, check_positive_int, per_dim


def _init_for(init: float | Array, dtype: np.dtype[np.generic]) -> np.ndarray | Array:
    """The reduction's initial value in `dtype` (±inf becomes the int extremes).

    A NumPy value, so that it stays concrete under `jit`: JAX only picks its
    differentiable max/sum window reductions for a concrete identity. (An
    `init` traced as a leaf of the module stays an array.)
    """
    if isinstance(init, jax.Array):
        return init.astype(dtype)
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

    # Pytree leaves, not static, as in Equinox: a Python `init` is one record of
    # a `tree_serialise_leaves` file, so checkpoints keep Equinox's layout.
    init: int | float | Array
    operation: Callable[[Array, Array], Array]
    num_spatial_dims: int = field(static=True)
    kernel_size: tuple[int, ...] = field(static=True)
    stride: tuple[int, ...] = field(static=True)
    padding: str | tuple[tuple[int, int], ...] = field(static=True)
    use_ceil: bool = field(static=True)

    def __init__(
        self,
        init: int | float | Array,
        operation: Callable[[Array, Array], Array],
        num_spatial_dims: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: PaddingLike = 0,
        use_ceil: bool = False,
    ) -> None:
        name = type(self).__name__
        if isinstance(init, bool) or not isinstance(init, int | float | jax.Array):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers may ignore the annotation
            raise TypeError(
                f"{name}: `init` must be a Python scalar or a JAX array, got {init!r}."
            )
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
        ones = (1,) * self.num_spatial_dims
        pads = explicit_pads(self.padding, sizes, self.kernel_size, self.stride, ones)
        check_windows_fit(name, x.shape, pads, self.kernel_size, None)
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


def _adaptive_axis(
    x: Array, axis: int, target: int, operation: Callable[[Array], Array]
) -> Array:
    """Pools one spatial axis of size `n` to `target` bins, as Equinox does:
    the first `n % target` bins take `n // target + 1` elements, the others
    `n // target`; each bin is one call of `operation` on a 1-D window."""
    n = x.shape[axis]
    if n < target:
        raise ValueError(
            f"AdaptivePool: spatial axis {axis - 1} has size {n}, smaller than "
            f"its target size {target}; input shape {x.shape}."
        )
    small, n_big = divmod(n, target)
    x = jnp.moveaxis(x, axis, -1)
    lead = x.shape[:-1]
    split = n_big * (small + 1)
    parts: list[Array] = []
    for windows, width in ((x[..., :split], small + 1), (x[..., split:], small)):
        count = windows.shape[-1] // width
        if count == 0:
            continue
        flat = windows.reshape(-1, width)
        values = jax.vmap(operation)(flat)
        if values.shape != (flat.shape[0],):
            raise ValueError(
                "AdaptivePool: `operation` must reduce a window to a scalar, "
                f"got shape {values.shape[1:]} per window."
            )
        parts.append(values.reshape(*lead, count))
    return jnp.moveaxis(jnp.concatenate(parts, axis=-1), -1, axis)


def _adaptive_pool(
    x: Array, target_shape: tuple[int, ...], operation: Callable[[Array], Array]
) -> Array:
    """Pools the spatial axes one after the other (the order fixes rounding)."""
    for axis, target in enumerate(target_shape, start=1):
        x = _adaptive_axis(x, axis, target, operation)
    return x


# Compiled once per input shape, so eager calls do not dispatch op by op.
_adaptive_pool_jit = cast(
    Callable[[Array, tuple[int, ...], Callable[[Array], Array]], Array],
    jax.jit(_adaptive_pool, static_argnums=(1, 2)),  # pyright: ignore[reportUnknownMemberType]  # jax leaves `fun` untyped
)


class AdaptivePool(Module):
    """Pools to a fixed output shape whatever the input's spatial shape.

    Each spatial axis of size `n` (target `t`, `n >= t`) is cut into `t`
    consecutive bins, the first `n % t` of `n // t + 1` elements and the rest of
    `n // t` (Equinox's bins), and the axes are pooled one after the other.
    `operation` maps a bin's elements, as a 1-D array, to a scalar (e.g.
    `jnp.mean`).
    """

    target_shape: tuple[int, ...] = field(static=True)
    operation: Callable[[Array], Array]
    num_spatial_dims: int = field(static=True)

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
